"""Leads as CSV, read a batch at a time so an export of any size holds one batch in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

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
#: A spreadsheet runs a cell that starts with one of these as a formula; visitors write the text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat() if moment else ""


def _batches(leads: QuerySet[Lead]) -> Iterator[list[Lead]]:
    ordered = leads.select_related("bot").order_by("-created_at", "-id")
    last: Lead | None = None
    while True:
        page = ordered
        if last is not None:
            page = page.filter(Q(created_at__lt=last.created_at) | Q(created_at=last.created_at, id__lt=last.id))
        batch = list(page[:EXPORT_BATCH])
        if batch:
            yield batch
        if len(batch) < EXPORT_BATCH:
            return
        last = batch[-1]


def export_csv(leads: QuerySet[Lead]) -> Iterator[str]:
    """A header row, then one row per lead, newest first; a byte-order mark first so that
    spreadsheets read the text as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for batch in _batches(leads):
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
                    _cell(lead.bot.name),
                    _cell(lead.name),
                    _cell(lead.email),
                    _cell(lead.message),
                    "yes" if lead.consent_given else "no",
                    _cell(lead.consent_text),
                    lead.reason,
                    _cell(lead.origin_page),
                    lead.conversation_id or "",
                    conversation_url,
                ]
            )
        yield buffer.getvalue()
