"""Writes for organization API keys: create, revoke, and authenticate a presented key."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import ApiKey, Membership, Role
from accounts.selectors import access_api_key_by_id
from accounts.services.common import clean_name, hash_secret
from accounts.tenancy import Actor, require_person, require_role
from audit.models import AuditAction
from audit.services import audit_record
from chatsphere.errors import PermissionDenied

API_KEY_PREFIX = "csk_"
# Re-stamping last_used_at on every request would turn each read into a write.


API_KEY_USAGE_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def api_key_create(*, actor: Actor, name: str) -> tuple[ApiKey, str]:
    """Create a key; the returned secret is never stored and cannot be shown again."""
    require_person(actor, action="create API keys")
    require_role(actor, Role.ADMIN, action="create API keys")
    # A key acts within its creator's role in the organization, so its creator must have one.
    if not Membership.objects.filter(user=actor.user, organization=actor.organization).exists():
        raise PermissionDenied("Only a member of the organization can create its API keys.")
    name = clean_name(name, field="name", max_length=100)
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        organization=actor.organization,
        name=name,
        prefix=secret[:12],
        key_hash=hash_secret(secret),
        created_by=actor.user,
    )
    audit_record(actor=actor, action=AuditAction.API_KEY_CREATE, target=api_key)  # the secret never is
    return api_key, secret


@transaction.atomic
def api_key_revoke(*, actor: Actor, api_key_id: uuid.UUID) -> ApiKey:
    require_person(actor, action="revoke API keys")
    require_role(actor, Role.ADMIN, action="revoke API keys")
    api_key = access_api_key_by_id(actor, api_key_id, for_update=True)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.API_KEY_REVOKE, target=api_key)
    return api_key


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The active key matching `raw_key`, or None. Records when it was last used.

    A key whose creator is no longer an active member of its organization (or no longer exists)
    is refused; the key returned carries its creator's current role as `creator_role`.
    """
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    creator_role = Membership.objects.filter(
        user_id=OuterRef("created_by_id"), organization_id=OuterRef("organization_id")
    ).values("role")[:1]
    api_key = (
        ApiKey.objects.select_related("organization")
        .annotate(creator_role=Subquery(creator_role))
        .filter(
            key_hash=hash_secret(raw_key),
            revoked_at__isnull=True,
            created_by__is_active=True,
            creator_role__isnull=False,
        )
        .first()
    )
    if api_key is None:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > API_KEY_USAGE_RESOLUTION:
        ApiKey.objects.filter(id=api_key.id).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
