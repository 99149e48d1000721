"""Writes for bots. Admins and owners manage bots; members only read them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.tenancy import Actor, require_role
from audit.models import AuditAction
from audit.services import audit_record, settings_diff
from bots.handoff import HANDOFF_FIELDS, clean_notify_user_ids
from bots.identity import identity_secret_new
from bots.models import Bot, new_public_key
from bots.templates_catalog import TEMPLATES
from bots.validation import normalize_allowed_origins, normalize_suggested_questions
from chatsphere.errors import InvalidInput
from chatsphere.sockets import bot_sockets_recheck

#: Settings a bot owner may change, through any surface.
EDITABLE_FIELDS = (
    "name",
    "description",
    "system_prompt",
    "model",
    "temperature",
    "max_output_tokens",
    "welcome_message",
    "suggested_questions",
    "fallback_message",
    "top_k",
    "strictness",
    "chunk_tokens",
    "chunk_overlap",
    "allowed_origins",
    "widget_title",
    "primary_color",
    "position",
    "theme",
    "source_previews",
    "is_active",
    *HANDOFF_FIELDS,
)

#: Changes that can take the bot away from open widget sockets (switched off, site no longer allowed).
ACCESS_FIELDS = {"is_active", "allowed_origins"}


def _apply(bot: Bot, changes: dict[str, Any]) -> list[str]:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput({field: ["This field cannot be changed."] for field in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    for field, value in changes.items():
        try:
            if field == "allowed_origins":
                value = normalize_allowed_origins(value)
            elif field == "suggested_questions":
                value = normalize_suggested_questions(value)
            elif field == "handoff_notify_user_ids":
                value = clean_notify_user_ids(value, organization_id=bot.organization_id)
            elif field == "primary_color" and isinstance(value, str):
                value = value.upper()
            elif isinstance(value, str) and (field in {"name", "widget_title"} or field.startswith("handoff_")):
                value = value.strip()
        except ValidationError as exc:
            errors[field] = list(exc.messages)
            continue
        setattr(bot, field, value)
    if errors:
        raise InvalidInput(errors)
    try:
        bot.full_clean(exclude=["organization", "public_key"])
    except ValidationError as exc:  # the model's own rules (ranges, choices, chunk overlap)
        raise InvalidInput.from_django(exc) from exc
    return list(changes)


@transaction.atomic
def bot_create(*, actor: Actor, template: str | None = None, **fields: Any) -> Bot:
    """A new bot; a template (see `bots.templates_catalog`) fills in the settings not given."""
    require_role(actor, Role.ADMIN, action="create bots")
    if template and template not in TEMPLATES:
        raise InvalidInput({"template": [f"Choose one of: {', '.join(TEMPLATES)}."]})
    preset = TEMPLATES[template].settings() if template else {}
    bot = Bot(organization=actor.organization)
    _apply(bot, {**preset, **fields})
    bot.save()
    return bot


@transaction.atomic
def bot_update(*, actor: Actor, bot: Bot, **changes: Any) -> Bot:
    require_role(actor, Role.ADMIN, action="change bots")
    # From the database: the admin's form has already set the new values on `bot`.
    before = Bot.objects.filter(pk=bot.pk).values(*(f for f in changes if f in EDITABLE_FIELDS)).first() or {}
    changed = _apply(bot, changes)
    if changed:
        bot.save(update_fields=[*changed, "updated_at"])
        diff = settings_diff(before, {field: getattr(bot, field) for field in changed})
        if diff:
            audit_record(actor=actor, action=AuditAction.BOT_UPDATE, target=bot, changes=diff)
    if ACCESS_FIELDS.intersection(changed):
        bot_sockets_recheck(organization_id=bot.organization_id, bot_id=bot.id)
    return bot


@transaction.atomic
def bot_rotate_key(*, actor: Actor, bot: Bot) -> Bot:
    """Give the widget a new public key; pages embedding the old one stop working."""
    require_role(actor, Role.ADMIN, action="rotate widget keys")
    bot.public_key = new_public_key()
    bot.save(update_fields=["public_key", "updated_at"])
    bot_sockets_recheck(organization_id=bot.organization_id, bot_id=bot.id)
    audit_record(actor=actor, action=AuditAction.BOT_ROTATE_KEY, target=bot)
    return bot


@transaction.atomic
def bot_rotate_identity_secret(*, actor: Actor, bot: Bot) -> tuple[Bot, str]:
    """A new identity secret for signing visitor identities, returned to be shown once. Signatures
    made with the previous one stop verifying: open widgets drop back to anonymous visitors."""
    require_role(actor, Role.ADMIN, action="make identity secrets")
    had_secret = bool(bot.identity_secret)
    secret = identity_secret_new()
    bot.identity_secret = secret
    bot.identity_secret_rotated_at = timezone.now()
    bot.save(update_fields=["identity_secret", "identity_secret_rotated_at", "updated_at"])
    if had_secret:
        bot_sockets_recheck(organization_id=bot.organization_id, bot_id=bot.id)
    audit_record(
        actor=actor, action=AuditAction.BOT_ROTATE_IDENTITY_SECRET, target=bot, changes={"replaced": had_secret}
    )
    return bot, secret


@transaction.atomic
def bot_delete(*, actor: Actor, bot: Bot) -> None:
    """Delete the bot with its documents and conversations; its vector namespace goes after commit."""
    require_role(actor, Role.ADMIN, action="delete bots")
    bot_id = str(bot.id)
    bot_sockets_recheck(organization_id=bot.organization_id, bot_id=bot_id)
    # Its vector namespace is dropped after commit by `documents.cascade`, which owns the vectors.
    audit_record(actor=actor, action=AuditAction.BOT_DELETE, target=bot)
    bot.delete()
