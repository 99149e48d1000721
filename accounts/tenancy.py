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


def api_key_role(api_key: ApiKey) -> Role:
    """`API_KEY_ROLE`, but never more than the key's creator's current role in its organization
    (a creator demoted to member leaves their keys read-only)."""
    creator_role = getattr(api_key, "creator_role", None)  # set by api_key_authenticate
    if creator_role is None:
        creator_role = (
            Membership.objects.filter(user_id=api_key.created_by_id, organization_id=api_key.organization_id)  # type: ignore[misc]  # a deleted creator (NULL) matches no membership
            .values_list("role", flat=True)
            .first()
        )
    if creator_role is None:
        raise PermissionDenied("This API key's creator is no longer a member of the organization.")
    return min(API_KEY_ROLE, Role(creator_role), key=ROLE_RANK.__getitem__)


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


def require_verified_email(user: User) -> None:
    """An account acts in organizations only once its owner has proven the address."""
    if user.email_verified_at is None:
        raise PermissionDenied(
            "Verify your e-mail address first: follow the link we sent you, or ask for a new one.",
            code="email_unverified",
        )


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
        return Actor(organization=api_key.organization, role=api_key_role(api_key), api_key=api_key)
    if user is None:
        raise PermissionDenied("Authentication credentials were not provided.")
    require_verified_email(user)

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
        return Actor(organization=api_key.organization, role=api_key_role(api_key), api_key=api_key)
    if user is None:
        raise PermissionDenied("Authentication credentials were not provided.")
    require_verified_email(user)
    membership = (
        Membership.objects.filter(user=user, organization_id=organization_id).select_related("organization").first()
    )
    if membership is None:
        raise NotFound("Organization not found.")
    return Actor(organization=membership.organization, role=Role(membership.role), user=user)
