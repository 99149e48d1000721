"""Plan-style limits on the knowledge an organization, and each of its bots, may hold: documents,
PDF pages and stored passages (`CHATSPHERE_ORG_MAX_*`, `CHATSPHERE_BOT_MAX_*`; 0: no limit).

The number of documents is known at upload and checked then; pages and passages are only known
once a document is extracted and chunked, so the pipeline checks them before embedding anything
and fails a document that does not fit, naming the quota. A full quota of documents or passages also refuses uploads.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Sum

from accounts.models import Organization
from chatsphere.errors import Conflict
from documents.models import Document

QUOTAS = ("documents", "pages", "chunks")
LABELS = {"documents": "documents", "pages": "PDF pages", "chunks": "passages"}


@dataclass(frozen=True, slots=True)
class Amounts:
    documents: int = 0
    pages: int = 0
    chunks: int = 0

    def get(self, quota: str) -> int:
        return int(getattr(self, quota))


@dataclass(frozen=True, slots=True)
class QuotaLine:
    """One quota as owners see it: what is used against what is allowed (0: unlimited)."""

    scope: str
    quota: str
    used: int
    limit: int

    @property
    def label(self) -> str:
        return LABELS[self.quota]

    @property
    def summary(self) -> str:
        if not self.limit:
            return f"{self.used:,} {self.label} (no limit)"
        return f"{self.used:,} of {self.limit:,} {self.label}"

    @property
    def near_limit(self) -> bool:
        return bool(self.limit) and self.used >= self.limit * 0.9


class KnowledgeQuotaExceeded(Conflict):
    code = "knowledge_quota_exceeded"


def _limits(scope: str) -> Amounts:
    prefix = "CHATSPHERE_ORG_MAX_" if scope == "organization" else "CHATSPHERE_BOT_MAX_"
    return Amounts(**{quota: int(getattr(settings, prefix + quota.upper())) for quota in QUOTAS})


def _setting(scope: str, quota: str) -> str:
    return ("CHATSPHERE_ORG_MAX_" if scope == "organization" else "CHATSPHERE_BOT_MAX_") + quota.upper()


def usage(
    *, organization_id: uuid.UUID, bot_id: uuid.UUID | None = None, exclude_document_id: uuid.UUID | None = None
) -> Amounts:
    """What an organization (or one of its bots) holds."""
    documents = Document.objects.filter(organization_id=organization_id)
    if bot_id is not None:
        documents = documents.filter(bot_id=bot_id)
    if exclude_document_id is not None:
        documents = documents.exclude(id=exclude_document_id)
    totals = documents.aggregate(documents=Count("id"), pages=Sum("page_count"), chunks=Sum("chunk_count"))
    return Amounts(documents=totals["documents"] or 0, pages=totals["pages"] or 0, chunks=totals["chunks"] or 0)


def quota_lines(*, organization_id: uuid.UUID, bot_id: uuid.UUID) -> list[QuotaLine]:
    """Usage against every quota, the bot's then the organization's."""
    lines: list[QuotaLine] = []
    for scope, used in (
        ("bot", usage(organization_id=organization_id, bot_id=bot_id)),
        ("organization", usage(organization_id=organization_id)),
    ):
        limits = _limits(scope)
        lines.extend(QuotaLine(scope, quota, used.get(quota), limits.get(quota)) for quota in QUOTAS)
    return lines


def _singular(label: str, count: int) -> str:
    return label.removesuffix("s") if count == 1 else label


def _scope_name(scope: str) -> str:
    return "This bot" if scope == "bot" else "This organization"


def check_room_for_document(*, organization_id: uuid.UUID, bot_id: uuid.UUID, field: str) -> None:
    """Refuse a new document when the bot or the organization is at one of its quotas. Locks the
    organization's row, so concurrent uploads to its bots are counted one after the other."""
    Organization.objects.select_for_update().filter(id=organization_id).first()
    for line in quota_lines(organization_id=organization_id, bot_id=bot_id):
        # Any document adds a passage; whether it adds PDF pages is only known once it is read.
        if line.quota != "pages" and line.limit and line.used >= line.limit:
            message = (
                f"{_scope_name(line.scope)} holds {line.used:,} {_singular(line.label, line.used)}, its limit "
                f"({_setting(line.scope, line.quota)} is {line.limit:,}). Delete documents it no longer "
                "needs, or ask your administrator to raise the limit."
            )
            raise KnowledgeQuotaExceeded(
                message,
                errors={field: [message]},
                extra={"scope": line.scope, "quota": line.quota, "used": line.used, "limit": line.limit},
            )


def content_over_quota(*, document: Document, pages: int, chunks: int) -> str:
    """Why a document's extracted content does not fit its bot's or organization's quotas ("" if it fits)."""
    adds = Amounts(documents=0, pages=pages, chunks=chunks)
    for scope, bot_id in (("bot", document.bot_id), ("organization", None)):
        others = usage(organization_id=document.organization_id, bot_id=bot_id, exclude_document_id=document.id)
        limits = _limits(scope)
        for quota in ("pages", "chunks"):
            limit, used, more = limits.get(quota), others.get(quota), adds.get(quota)
            if limit and used + more > limit:
                return (
                    f"This document has {more:,} {LABELS[quota]}; {_scope_name(scope).lower()} already holds "
                    f"{used:,} of its {limit:,} ({_setting(scope, quota)}). Delete documents it no longer needs, "
                    "or ask your administrator to raise the limit."
                )
    return ""
