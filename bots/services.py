"""Writes for bots. Admins and owners manage bots; members only read them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role
from accounts.tenancy import Actor, require_role
from bots.models import Bot, new_public_key
from bots.validation import normalize_allowed_origins, normalize_suggested_questions

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
    "is_active",
)


def _apply(bot: Bot, changes: dict[str, Any]) -> list[str]:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: ["This field cannot be changed."] for field in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    for field, value in changes.items():
        try:
            if field == "allowed_origins":
                value = normalize_allowed_origins(value)
            elif field == "suggested_questions":
                value = normalize_suggested_questions(value)
            elif field == "primary_color" and isinstance(value, str):
                value = value.upper()
            elif isinstance(value, str) and field in {"name", "widget_title"}:
                value = value.strip()
        except ValidationError as exc:
            errors[field] = list(exc.messages)
            continue
        setattr(bot, field, value)
    if errors:
        raise ValidationError(errors)
    bot.full_clean(exclude=["organization", "public_key"])
    return list(changes)


@transaction.atomic
def bot_create(*, actor: Actor, **fields: Any) -> Bot:
    require_role(actor, Role.ADMIN, action="create bots")
    bot = Bot(organization=actor.organization)
    _apply(bot, fields)
    bot.save()
    return bot


@transaction.atomic
def bot_update(*, actor: Actor, bot: Bot, **changes: Any) -> Bot:
    require_role(actor, Role.ADMIN, action="change bots")
    changed = _apply(bot, changes)
    if changed:
        bot.save(update_fields=[*changed, "updated_at"])
    return bot


@transaction.atomic
def bot_rotate_key(*, actor: Actor, bot: Bot) -> Bot:
    """Give the widget a new public key; pages embedding the old one stop working."""
    require_role(actor, Role.ADMIN, action="rotate widget keys")
    bot.public_key = new_public_key()
    bot.save(update_fields=["public_key", "updated_at"])
    return bot


@transaction.atomic
def bot_delete(*, actor: Actor, bot: Bot) -> None:
    """Delete the bot with its documents and conversations; its vector namespace goes after commit."""
    require_role(actor, Role.ADMIN, action="delete bots")
    bot_id = str(bot.id)
    bot.delete()

    def drop_vectors() -> None:
        from documents.tasks import delete_bot_vectors

        delete_bot_vectors.delay(bot_id=bot_id)

    transaction.on_commit(drop_vectors)
