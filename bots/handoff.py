"""A bot's human-handoff settings: which fields its contact form asks for, and who hears of leads.

Read by the chat (to offer the form and describe it to the widget) and by leads (to check what a
visitor sent against the same description).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Membership
from bots.models import Bot, HandoffField

#: The bot settings of human handoff, editable through every surface that edits a bot.
HANDOFF_FIELDS = (
    "handoff_enabled",
    "handoff_on_fallback",
    "handoff_on_request",
    "handoff_after_messages",
    "handoff_name",
    "handoff_name_label",
    "handoff_email",
    "handoff_email_label",
    "handoff_message",
    "handoff_message_label",
    "handoff_consent_text",
    "handoff_notify_user_ids",
)

#: The contact form's fields, in the order they are shown.
FORM_FIELDS = ("name", "email", "message")
NAME_MAX = 200
EMAIL_MAX = 254
MESSAGE_MAX = 2000


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    required: bool
    max_length: int


def handoff_form(bot: Bot) -> list[FormField]:
    """The fields the bot's contact form asks for."""
    limits = {"name": NAME_MAX, "email": EMAIL_MAX, "message": MESSAGE_MAX}
    fields = []
    for name in FORM_FIELDS:
        mode = getattr(bot, f"handoff_{name}")
        if mode == HandoffField.OFF:
            continue
        label = getattr(bot, f"handoff_{name}_label")
        fields.append(
            FormField(name=name, label=label, required=mode == HandoffField.REQUIRED, max_length=limits[name])
        )
    return fields


def handoff_form_data(bot: Bot) -> dict[str, Any]:
    """The form as the widget receives it in the `handoff` event."""
    return {
        "fields": [asdict(field) for field in handoff_form(bot)],
        "consent_text": bot.handoff_consent_text,
    }


def clean_notify_user_ids(value: object, *, organization_id: uuid.UUID) -> list[str]:
    """Member ids of the organization, as strings; anyone else is refused by name of the field."""
    if not isinstance(value, list | tuple):
        raise ValidationError("Give a list of member ids.")
    try:
        wanted = list(dict.fromkeys(str(uuid.UUID(str(item))) for item in value))
    except ValueError as exc:
        raise ValidationError("Each entry must be the id of a member of this organization.") from exc
    members = {
        str(user_id)
        for user_id in Membership.objects.filter(organization_id=organization_id, user_id__in=wanted).values_list(
            "user_id", flat=True
        )
    }
    if set(wanted) - members:
        raise ValidationError("Each entry must be the id of a member of this organization.")
    return wanted
