"""Leads as CSV, read a batch at a time so an export of any size holds one batch in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from chatsphere.exports import newest_first_batches, spreadsheet_cell
from leads.models import Lead

EXPORT_BATCH = 500
CSV_COLUMNS = [
    "lead_id",
    "created_at",
    "status",
    "bot",
    "name",
    "email",
    "message",
    "consent_given",
    "consent_text",
    "reason",
    "origin_page",
    "conversation_id",
    "conversation_url",
]


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat() if moment else ""


def export_csv(leads: QuerySet[Lead]) -> Iterator[str]:
    """A header row, then one row per lead, newest first; a byte-order mark first so that
    spreadsheets read the text as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for batch in newest_first_batches(leads.select_related("bot"), size=EXPORT_BATCH):
        buffer.seek(0)
        buffer.truncate()
        for lead in batch:
            conversation_url = (
                settings.SITE_URL
                + reverse("dashboard:conversation-detail", kwargs={"conversation_id": lead.conversation_id})
                if lead.conversation_id
                else ""
            )
            writer.writerow(
                [
                    lead.id,
                    _iso(lead.created_at),
                    lead.status,
                    spreadsheet_cell(lead.bot.name),
                    spreadsheet_cell(lead.name),
                    spreadsheet_cell(lead.email),
                    spreadsheet_cell(lead.message),
                    "yes" if lead.consent_given else "no",
                    spreadsheet_cell(lead.consent_text),
                    lead.reason,
                    spreadsheet_cell(lead.origin_page),
                    lead.conversation_id or "",
                    conversation_url,
                ]
            )
        yield buffer.getvalue()
