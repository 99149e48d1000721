"""Writes of leads: a visitor's contact form becomes a lead (e-mail and webhook after commit), and
the team moves it through new → contacted → closed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.tenancy import Actor, require_role
from audit.models import AuditAction
from audit.services import audit_record
from bots.handoff import handoff_form
from bots.models import Bot
from chat.models import Channel, Conversation
from chatsphere.errors import InvalidInput, NotFound
from chatsphere.events import EventType, emit_on_commit
from leads import tasks
from leads.models import Lead, LeadReason, LeadStatus
from leads.ratelimit import lead_rate_limit_hit


@dataclass(frozen=True, slots=True)
class Submission:
    """What the widget sent: the form's fields and where the visitor was."""

    name: object = ""
    email: object = ""
    message: object = ""
    consent: object = False
    reason: object = ""
    conversation_id: uuid.UUID | None = None


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _clean_fields(bot: Bot, submission: Submission) -> dict[str, Any]:
    """The form's values checked against the bot's form: every wrong field is named at once."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"name": "", "email": "", "message": ""}
    for field in handoff_form(bot):
        raw = getattr(submission, field.name)
        # The message keeps its line breaks; the one-line fields are tidied.
        value = raw.strip() if field.name == "message" and isinstance(raw, str) else _text(raw)
        if not value:
            if field.required:
                errors[field.name] = [f"Enter {field.label.lower().rstrip('?:.')}."]
            continue
        if len(value) > field.max_length:
            errors[field.name] = [f"Keep this to {field.max_length} characters (it has {len(value)})."]
            continue
        if field.name == "email":
            try:
                validate_email(value)
            except ValidationError:
                errors[field.name] = ["Enter a valid e-mail address, like name@example.com."]
                continue
        values[field.name] = value
    if not any(values.values()):
        errors.setdefault("email", ["Leave an e-mail address so the team can answer you."])
    consent_text = bot.handoff_consent_text.strip()
    if consent_text and submission.consent is not True:
        errors["consent"] = ["Tick the box to agree before sending."]
    if errors:
        raise InvalidInput(errors)
    values["consent_text"] = consent_text
    values["consent_given"] = bool(consent_text)
    values["reason"] = submission.reason if submission.reason in LeadReason.values else ""
    return values


def _announce(lead: Lead) -> None:
    lead_id, organization_id = lead.id, lead.organization_id

    def build() -> dict[str, Any]:
        current = Lead.objects.select_related("bot").get(id=lead_id, organization_id=organization_id)
        return {
            "lead": {
                "id": str(current.id),
                "status": current.status,
                "reason": current.reason,
                "name": current.name,
                "email": current.email,
                "message": current.message,
                "consent_given": current.consent_given,
                "origin_page": current.origin_page,
                "created_at": current.created_at,
            },
            "conversation": {"id": str(current.conversation_id)} if current.conversation_id else None,
            "bot": {"id": str(current.bot_id), "name": current.bot.name},
        }

    emit_on_commit(organization_id=organization_id, event_type=EventType.LEAD_CREATED, build_data=build)
    transaction.on_commit(lambda: tasks.notify_lead.delay(lead_id=str(lead_id), organization_id=str(organization_id)))


@transaction.atomic
def lead_submit(*, bot: Bot, visitor_id: str, client_ip: str, submission: Submission) -> Lead:
    """A widget visitor's contact form: checked against the bot's form, limited per visitor and per
    IP, linked to the visitor's own conversation; the chosen members are e-mailed and `lead.created`
    is sent after commit."""
    if not bot.is_active or not bot.handoff_enabled:
        raise NotFound("This assistant does not take contact requests.")
    conversation = None
    if submission.conversation_id is not None:
        conversation = Conversation.objects.filter(
            organization_id=bot.organization_id,
            bot=bot,
            channel=Channel.WIDGET,
            visitor_id=visitor_id,
            id=submission.conversation_id,
        ).first()
        if conversation is None:
            raise InvalidInput({"conversation_id": ["This conversation is not yours, or it has ended."]})
    values = _clean_fields(bot, submission)
    # Counted once the form is valid: a visitor who mistypes an address is not locked out.
    lead_rate_limit_hit(visitor=f"{bot.id}:{visitor_id}", ip=client_ip)
    lead = Lead.objects.create(
        organization_id=bot.organization_id,
        bot=bot,
        conversation=conversation,
        visitor_id=visitor_id,
        origin_page=conversation.origin_page if conversation else "",
        **values,
    )
    _announce(lead)
    return lead


@transaction.atomic
def lead_status_update(*, actor: Actor, lead_id: uuid.UUID, status: object) -> Lead:
    """Mark a lead new, contacted or closed (admins and owners); recorded in the audit log."""
    require_role(actor, Role.ADMIN, action="change a lead's status")
    if status not in LeadStatus.values:
        raise InvalidInput({"status": [f"Choose one of: {', '.join(LeadStatus.values)}."]})
    lead = Lead.objects.select_for_update().filter(organization=actor.organization, id=lead_id).first()
    if lead is None:
        raise NotFound("Lead not found.")
    if lead.status == status:
        return lead
    before = lead.status
    lead.status = LeadStatus(status)
    lead.status_changed_at = timezone.now()
    lead.status_changed_by = actor.user
    lead.save(update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.LEAD_STATUS_UPDATE,
        target=lead,
        target_label=lead.display_name,
        changes={"status": {"from": before, "to": lead.status}},
    )
    return lead
