"""Privacy controls: the retention period, and a visitor's right to a copy and to erasure.

Visitors are known by the id in their widget's visitor token (`chat.visitors`), or by an e-mail
address: the one they left in a lead, or the one a verified visitor signed in with; it resolves to
every visitor id it belongs to, and the export and deletion cover them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import Role
from accounts.tenancy import Actor, require_role
from audit.models import AuditAction
from audit.services import audit_record, settings_diff
from chat.models import Conversation, Message
from chatsphere.errors import InvalidInput
from leads.models import Lead
from leads.selectors import visitor_leads
from privacy.models import RETENTION_MAX_DAYS, RETENTION_MIN_DAYS, RetentionPolicy
from privacy.selectors import email_visitors, visitor_conversations

#: A period left out of an update keeps its value.
UNCHANGED: Any = object()


def _valid_days(days: object) -> bool:
    return days is None or (
        not isinstance(days, bool) and isinstance(days, int) and RETENTION_MIN_DAYS <= days <= RETENTION_MAX_DAYS
    )


@transaction.atomic
def retention_update(
    *, actor: Actor, conversation_days: int | None = UNCHANGED, lead_days: int | None = UNCHANGED
) -> RetentionPolicy:
    """Set how many days conversations and leads are kept (None: kept until deleted by hand)."""
    require_role(actor, Role.OWNER, action="change how long data is kept")
    wanted = {
        name: days
        for name, days in (("conversation_days", conversation_days), ("lead_days", lead_days))
        if days is not UNCHANGED
    }
    errors = {
        name: [f"Enter a number of days from {RETENTION_MIN_DAYS} to {RETENTION_MAX_DAYS}, or none."]
        for name, days in wanted.items()
        if not _valid_days(days)
    }
    if errors:
        raise InvalidInput(errors)
    policy, _ = RetentionPolicy.objects.select_for_update().get_or_create(organization=actor.organization)
    diff = settings_diff({name: getattr(policy, name) for name in wanted}, wanted)
    if diff:
        for name, days in wanted.items():
            setattr(policy, name, days)
        policy.save(update_fields=[*wanted, "updated_at"])
        audit_record(actor=actor, action=AuditAction.RETENTION_UPDATE, target=policy, changes=diff)
    return policy


def _message_data(message: Message) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "role": message.role,
        "content": message.content,
        "created_at": message.created_at.isoformat(),
        "feedback": message.feedback,
    }


def _conversation_data(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": str(conversation.id),
        "bot": {"id": str(conversation.bot_id), "name": conversation.bot.name},
        "channel": conversation.channel,
        "title": conversation.title,
        "origin_page": conversation.origin_page,
        "user_agent": conversation.user_agent,
        "created_at": conversation.created_at.isoformat(),
        "last_message_at": conversation.last_message_at.isoformat() if conversation.last_message_at else None,
        "messages": [_message_data(message) for message in conversation.messages.all()],
    }


def _lead_data(lead: Lead) -> dict[str, Any]:
    return {
        "id": str(lead.id),
        "bot": {"id": str(lead.bot_id), "name": lead.bot.name},
        "conversation_id": str(lead.conversation_id) if lead.conversation_id else None,
        "name": lead.name,
        "email": lead.email,
        "message": lead.message,
        "consent_given": lead.consent_given,
        "consent_text": lead.consent_text,
        "origin_page": lead.origin_page,
        "status": lead.status,
        "created_at": lead.created_at.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class _Lookup:
    """The visitor data a request names, and how the audit log names it without the address."""

    visitor_ids: list[str]
    conversations: QuerySet[Conversation]
    leads: QuerySet[Lead]
    target_id: str
    target_label: str
    audit: dict[str, Any]


def _lookup(*, actor: Actor, visitor_id: str | None, email: str | None) -> _Lookup:
    if email is not None and visitor_id is None:
        found = email_visitors(actor=actor, email=email)
        return _Lookup(
            visitor_ids=found.visitor_ids,
            conversations=found.conversations,
            leads=found.leads,
            # A keyed hash: the same address gives the same entry id, and the log never holds the address.
            target_id=salted_hmac("privacy.email-lookup", found.email.lower(), algorithm="sha256").hexdigest(),
            target_label="e-mail lookup",
            audit={"lookup": "email", "visitors": len(found.visitor_ids)},
        )
    if visitor_id is not None and email is None:
        conversations = visitor_conversations(actor=actor, visitor_id=visitor_id)
        visitor_id = visitor_id.strip()
        return _Lookup(
            visitor_ids=[visitor_id],
            conversations=conversations,
            leads=visitor_leads(organization=actor.organization, visitor_id=visitor_id).order_by("created_at", "id"),
            target_id=visitor_id,
            target_label=visitor_id,
            audit={},
        )
    message = (
        "Enter a visitor id or an e-mail address, not both." if email else "Enter a visitor id or an e-mail address."
    )
    raise InvalidInput({"visitor_id": [message], "email": [message]})


@transaction.atomic
def visitor_export(*, actor: Actor, visitor_id: str | None = None, email: str | None = None) -> dict[str, Any]:
    """Everything the organization holds about a visitor, found by their id or by an e-mail address (exactly
    one), as JSON; the export is recorded."""
    found = _lookup(actor=actor, visitor_id=visitor_id, email=email)
    conversations = list(found.conversations)
    leads = list(found.leads)
    audit_record(
        actor=actor,
        action=AuditAction.VISITOR_EXPORT,
        target_type="visitor",
        target_id=found.target_id,
        target_label=found.target_label,
        changes={**found.audit, "conversations": len(conversations), "leads": len(leads)},
    )
    return {
        "visitor_id": found.visitor_ids[0] if email is None else None,
        "email": email.strip() if email is not None else None,
        "visitor_ids": found.visitor_ids,
        "organization": actor.organization.name,
        "exported_at": timezone.now().isoformat(),
        "conversations": [_conversation_data(conversation) for conversation in conversations],
        "leads": [_lead_data(lead) for lead in leads],
    }


@transaction.atomic
def visitor_delete(*, actor: Actor, visitor_id: str | None = None, email: str | None = None) -> dict[str, int]:
    """Delete a visitor's conversations, messages, feedback and leads in the actor's organization, found by
    their id or by an e-mail address (exactly one); recorded in the audit log (by id or a keyed hash of the
    address, and counts, never the content). Deleting twice is harmless."""
    require_role(actor, Role.ADMIN, action="delete a visitor's data")
    found = _lookup(actor=actor, visitor_id=visitor_id, email=email)
    conversation_ids = list(found.conversations.values_list("id", flat=True))
    messages = Message.objects.filter(organization=actor.organization, conversation_id__in=conversation_ids)
    counts = {
        "conversations": len(conversation_ids),
        "messages": messages.delete()[0],
        "leads": found.leads.delete()[0],
    }
    Conversation.objects.filter(organization=actor.organization, id__in=conversation_ids).delete()
    audit_record(
        actor=actor,
        action=AuditAction.VISITOR_DELETE,
        target_type="visitor",
        target_id=found.target_id,
        target_label=found.target_label,
        changes={**found.audit, **counts},
    )
    return counts
