"""Who is acting, for which organization, with which role.

A request's organization is resolved once (ARCHITECTURE §3): an API key speaks for its own
organization; a signed-in user names one of their organizations (X-Organization header or the
dashboard's selection) or has exactly one. Everything downstream receives an `Actor`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from accounts.models import ROLE_RANK, ApiKey, Membership, Organization, Role, User
from chatsphere.errors import ApplicationError, NotFound, PermissionDenied

#: Role an API key acts with: it manages bots and knowledge, but never people or other keys.
API_KEY_ROLE = Role.ADMIN


@dataclass(frozen=True, slots=True)
class Actor:
    organization: Organization
    role: Role
    user: User | None = None
    api_key: ApiKey | None = None

    def has_role(self, minimum: Role) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[minimum]

    @property
    def is_person(self) -> bool:
        return self.user is not None


def require_role(actor: Actor, minimum: Role, *, action: str) -> None:
    if not actor.has_role(minimum):
        raise PermissionDenied(f"You need the {minimum.label.lower()} role or higher to {action}.")


def require_person(actor: Actor, *, action: str) -> None:
    """Managing people and keys needs a signed-in person, not an API key."""
    if not actor.is_person:
        raise PermissionDenied(f"An API key cannot {action}; sign in as a user.")


def _matches(organization: Organization, hint: str) -> bool:
    if organization.slug == hint:
        return True
    try:
        return organization.id == uuid.UUID(hint)
    except ValueError:
        return False


def resolve_actor(*, user: User | None, api_key: ApiKey | None, organization_hint: str | None) -> Actor:
    """The actor of a request. `organization_hint` is a slug or id (header or session)."""
    hint = (organization_hint or "").strip() or None
    if api_key is not None:
        if hint and not _matches(api_key.organization, hint):
            raise NotFound("Organization not found.")
        return Actor(organization=api_key.organization, role=API_KEY_ROLE, api_key=api_key)
    if user is None:
        raise PermissionDenied("Authentication credentials were not provided.")

    memberships = list(Membership.objects.filter(user=user).select_related("organization"))
    if hint:
        for membership in memberships:
            if _matches(membership.organization, hint):
                return Actor(organization=membership.organization, role=Role(membership.role), user=user)
        raise NotFound("Organization not found.")
    if len(memberships) == 1:
        only = memberships[0]
        return Actor(organization=only.organization, role=Role(only.role), user=user)
    if not memberships:
        raise PermissionDenied("You are not a member of any organization.", code="no_organization")
    raise ApplicationError(
        "You belong to several organizations: name one in the X-Organization header (its slug or id).",
        code="organization_required",
    )


def actor_for_organization(*, user: User | None, api_key: ApiKey | None, organization_id: uuid.UUID) -> Actor:
    """The actor for a route that names its organization (`organizations/{id}/…`)."""
    if api_key is not None:
        if api_key.organization_id != organization_id:
            raise NotFound("Organization not found.")
        return Actor(organization=api_key.organization, role=API_KEY_ROLE, api_key=api_key)
    if user is None:
        raise PermissionDenied("Authentication credentials were not provided.")
    membership = (
        Membership.objects.filter(user=user, organization_id=organization_id).select_related("organization").first()
    )
    if membership is None:
        raise NotFound("Organization not found.")
    return Actor(organization=membership.organization, role=Role(membership.role), user=user)
