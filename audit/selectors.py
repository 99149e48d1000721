"""Reading the audit log, always of one organization."""

from __future__ import annotations

import datetime
import uuid

from django.db.models import QuerySet

from audit.models import AuditAction, AuditEntry
from audit.services import AuditActor
from chatsphere.errors import InvalidInput, PermissionDenied

#: Role that reads the audit log (`accounts.models.Role.OWNER`).
READER_ROLE = "owner"


def require_audit_reader(actor: AuditActor) -> None:
    """Only owners read the log: it names every member and what they did."""
    if getattr(actor, "role", None) != READER_ROLE:
        raise PermissionDenied("You need the owner role to read the audit log.")


def audit_entry_list(
    *,
    actor: AuditActor,
    action: str = "",
    actor_user_id: uuid.UUID | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """The organization's entries, newest first; `since` and `until` are whole days (UTC), both included."""
    require_audit_reader(actor)
    if action and action not in AuditAction.values:
        raise InvalidInput({"action": [f'"{action}" is not a valid choice.']})
    if since and until and since > until:
        raise InvalidInput({"until": ["Must be on or after the start date."]})
    entries = AuditEntry.objects.filter(organization=actor.organization).select_related("actor_user")
    if action:
        entries = entries.filter(action=action)
    if actor_user_id is not None:
        entries = entries.filter(actor_user_id=actor_user_id)
    if since is not None:
        entries = entries.filter(created_at__date__gte=since)
    if until is not None:
        entries = entries.filter(created_at__date__lte=until)
    return entries.order_by("-created_at", "-id")


def audit_actor_choices(*, actor: AuditActor) -> list[tuple[str, str]]:
    """(user id, e-mail) of the people who appear in the log, for its filter."""
    require_audit_reader(actor)
    rows = (
        AuditEntry.objects.filter(organization=actor.organization, actor_user__isnull=False)
        .values_list("actor_user_id", "actor_user__email")
        .distinct()
        .order_by("actor_user__email")
    )
    return [(str(user_id), email) for user_id, email in rows]
