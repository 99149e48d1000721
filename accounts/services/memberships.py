"""Writes for memberships: role changes and removal. An organization always keeps an owner."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from accounts.models import ROLE_RANK, ApiKey, Membership, Role
from accounts.selectors import access_membership_by_id
from accounts.tenancy import Actor, require_person, require_role
from audit.models import AuditAction
from audit.services import audit_record
from chatsphere.errors import ApplicationError, InvalidInput, PermissionDenied
from chatsphere.sockets import member_sockets_recheck


def _other_owners_exist(membership: Membership) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.OWNER)
        .exclude(id=membership.id)
        .exists()
    )


@transaction.atomic
def membership_change_role(*, actor: Actor, membership_id: uuid.UUID, role: str) -> Membership:
    require_person(actor, action="change roles")
    require_role(actor, Role.ADMIN, action="change roles")
    if role not in Role.values:
        raise InvalidInput({"role": [f'"{role}" is not a valid choice.']})
    new_role = Role(role)
    membership = access_membership_by_id(actor, membership_id, for_update=True)
    touches_owner = Role.OWNER in (new_role, membership.role)
    if touches_owner and not actor.has_role(Role.OWNER):
        raise PermissionDenied("Only an owner can grant or take away the owner role.")
    if membership.role == Role.OWNER and new_role != Role.OWNER and not _other_owners_exist(membership):
        raise ApplicationError(
            "An organization needs at least one owner: make someone else owner first.", code="last_owner"
        )
    changes = {"role": {"from": membership.role, "to": new_role}}
    membership.role = new_role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(actor=actor, action=AuditAction.MEMBER_ROLE_CHANGE, target=membership.user, changes=changes)
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership_id: uuid.UUID) -> int:
    """Remove a member (or leave); the API keys they created are revoked. Returns how many.

    Their open dashboard sockets of this organization close after commit."""
    require_person(actor, action="remove members")
    membership = access_membership_by_id(actor, membership_id, for_update=True)
    leaving = membership.user_id == actor.user.id  # type: ignore[union-attr]  # require_person: the actor is a person
    if not leaving:
        require_role(actor, Role.ADMIN, action="remove members")
        if ROLE_RANK[Role(membership.role)] > ROLE_RANK[actor.role]:
            raise PermissionDenied("Only an owner can remove an owner.")
    if membership.role == Role.OWNER and not _other_owners_exist(membership):
        raise ApplicationError(
            "An organization needs at least one owner: make someone else owner first.", code="last_owner"
        )
    membership.delete()
    now = timezone.now()
    revoked = ApiKey.objects.filter(
        organization_id=membership.organization_id, created_by_id=membership.user_id, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)
    member_sockets_recheck(user_id=membership.user_id, organization_ids=[membership.organization_id])
    changes = {"role": membership.role, "left": leaving, "api_keys_revoked": revoked}
    audit_record(actor=actor, action=AuditAction.MEMBER_REMOVE, target=membership.user, changes=changes)
    return revoked
