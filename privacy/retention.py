"""Deleting what an organization's retention period no longer covers, in bounded batches.

Each batch is its own short transaction, so a large backlog never holds one giant transaction
or long locks; a run that stops half-way is finished by the next one (deleting is idempotent).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from chat.models import Conversation, Message
from leads.models import Lead
from privacy.models import RetentionPolicy


@dataclass(frozen=True)
class PurgeResult:
    conversations: int = 0
    messages: int = 0
    leads: int = 0


def _stale_conversations(*, organization_id: uuid.UUID, cutoff: datetime.datetime) -> Q:
    # A conversation goes as a whole once its last message is older than the period; one that
    # never got a message counts from its start.
    return Q(organization_id=organization_id) & (
        Q(last_message_at__lt=cutoff) | Q(last_message_at__isnull=True, created_at__lt=cutoff)
    )


def purge_conversations(
    *, organization_id: uuid.UUID, cutoff: datetime.datetime, batch_size: int | None = None
) -> PurgeResult:
    batch_size = batch_size or settings.CHATSPHERE_RETENTION_BATCH_SIZE
    stale = _stale_conversations(organization_id=organization_id, cutoff=cutoff)
    conversations = messages = 0
    while True:
        with transaction.atomic():
            ids = list(
                Conversation.objects.filter(stale).order_by("created_at").values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                break
            # Feedback lives on the messages, so it goes with them.
            messages += Message.objects.filter(organization_id=organization_id, conversation_id__in=ids).delete()[0]
            conversations += Conversation.objects.filter(organization_id=organization_id, id__in=ids).delete()[0]
    return PurgeResult(conversations=conversations, messages=messages)


def purge_leads(*, organization_id: uuid.UUID, cutoff: datetime.datetime, batch_size: int | None = None) -> int:
    batch_size = batch_size or settings.CHATSPHERE_RETENTION_BATCH_SIZE
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                Lead.objects.filter(organization_id=organization_id, created_at__lt=cutoff)
                .order_by("created_at")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                return deleted
            deleted += Lead.objects.filter(organization_id=organization_id, id__in=ids).delete()[0]


def retention_apply(*, organization_id: uuid.UUID, now: datetime.datetime | None = None) -> PurgeResult:
    """Apply one organization's retention periods; the deletion is recorded in its audit log."""
    policy = RetentionPolicy.objects.filter(organization_id=organization_id).select_related("organization").first()
    if policy is None or not (policy.conversation_days or policy.lead_days):
        return PurgeResult()
    now = now or timezone.now()
    result = PurgeResult()
    if policy.conversation_days:
        cutoff = now - datetime.timedelta(days=policy.conversation_days)
        result = purge_conversations(organization_id=organization_id, cutoff=cutoff)
    if result.conversations:
        audit_record(
            actor=None,
            organization=policy.organization,
            action=AuditAction.RETENTION_PURGE,
            target=policy,
            target_label=f"Conversations older than {policy.conversation_days} days",
            changes={"conversations": result.conversations, "messages": result.messages, "before": cutoff},
        )
    if policy.lead_days:
        lead_cutoff = now - datetime.timedelta(days=policy.lead_days)
        leads = purge_leads(organization_id=organization_id, cutoff=lead_cutoff)
        if leads:
            audit_record(
                actor=None,
                organization=policy.organization,
                action=AuditAction.RETENTION_PURGE,
                target=policy,
                target_label=f"Leads older than {policy.lead_days} days",
                changes={"leads": leads, "before": lead_cutoff},
            )
        result = PurgeResult(conversations=result.conversations, messages=result.messages, leads=leads)
    return result


def organizations_with_retention() -> list[uuid.UUID]:
    return list(
        RetentionPolicy.objects.filter(Q(conversation_days__isnull=False) | Q(lead_days__isnull=False)).values_list(
            "organization_id", flat=True
        )
    )
