"""Writing the audit log. Called by the services that change things, inside their transaction,
so an entry exists exactly when the change does."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any, Protocol

from django.db.models import Model

from audit.context import current_client_ip
from audit.models import AuditAction, AuditEntry

#: Never written to the log, whatever a caller passes: values that grant access.
SECRET_FIELDS = frozenset({"password", "token", "secret", "key", "key_hash", "token_hash", "public_key"})


class AuditActor(Protocol):
    """Who acts (`accounts.tenancy.Actor` has this shape; the audit log sits below accounts)."""

    @property
    def organization(self) -> Any: ...

    @property
    def user(self) -> Any: ...

    @property
    def api_key(self) -> Any: ...


def _plain(value: Any) -> Any:
    """A value as JSON can hold it."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, datetime.datetime | datetime.date | uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, Model):
        return str(value.pk)
    return str(value)


def settings_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{"field": {"from": old, "to": new}} for the fields whose value changed; secrets are left out."""
    return {
        field: {"from": _plain(before.get(field)), "to": _plain(value)}
        for field, value in after.items()
        if field not in SECRET_FIELDS and _plain(before.get(field)) != _plain(value)
    }


def _actor_label(actor: AuditActor | None) -> str:
    if actor is None:
        return "ChatSphere (scheduled)"
    if actor.user is not None:
        return str(actor.user.email)
    if actor.api_key is not None:
        return f"API key {actor.api_key.name} ({actor.api_key.prefix}…)"
    return "ChatSphere"  # the system, acting for no one in particular (a website's re-crawl)


def audit_record(
    *,
    actor: AuditActor | None,
    organization: Any = None,
    action: AuditAction,
    target: Model | None = None,
    target_type: str = "",
    target_id: object = "",
    target_label: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record an action of `actor` (None: the system, in `organization`). The target is a model
    instance, or described by type, id and label when it is not one (a visitor)."""
    if target is not None:
        target_type = target_type or target._meta.model_name or ""
        target_id = target_id or target.pk
        target_label = target_label or str(target)
    clean = {key: _plain(value) for key, value in (changes or {}).items() if key not in SECRET_FIELDS}
    return AuditEntry.objects.create(
        organization=actor.organization if actor is not None else organization,
        actor_user=actor.user if actor is not None else None,
        actor_api_key=actor.api_key if actor is not None else None,
        actor_label=_actor_label(actor)[:254],
        action=action,
        target_type=target_type[:40],
        target_id=str(target_id)[:64],
        target_label=target_label[:300],
        changes=clean,
        ip_address=current_client_ip() if actor is not None else None,
    )
