"""The sources an answer cites, as each surface shows them, and the cited passage on demand.

A citation is saved with its answer, with two keys for the server only: `chunk` (the passage's
index in its document) and `highlights` (the passage's sentences the answer relies on). Every
surface gets the public keys, plus `url` for a web page (a link to open) and `preview` (whether
the passage can be opened). A passage is read only through an answer that cited it: a visitor
reads those cited to them in their own conversations of that bot (and not when the bot's owner
switched previews off), a member those of their organization; anything else is NotFound.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bots.models import Bot
from chat.highlights import Segment, passage_segments
from chat.models import Channel, Message, MessageRole
from chat.participants import Participant
from chatsphere.errors import NotFound
from documents.models import Chunk, Document, DocumentSource, DocumentStatus

Citation = dict[str, Any]

#: Keys of a saved citation that never leave the server.
PRIVATE_KEYS = frozenset({"chunk", "highlights"})
SOURCE_NOT_FOUND = "Source not found."


def web_address(url: str) -> str | None:
    """The address a web-page source links to: only http and https addresses are links."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in {"http", "https"} and parts.netloc else None


def web_page_addresses(*, organization_id: uuid.UUID, citations: Sequence[Citation]) -> dict[str, str]:
    """Document id -> address, for the cited documents that are web pages."""
    ids = {c["document_id"] for c in citations if c.get("document_id")}
    if not ids:
        return {}
    rows = Document.objects.filter(organization_id=organization_id, id__in=ids, source=DocumentSource.URL)
    addresses = {str(document_id): web_address(url) for document_id, url in rows.values_list("id", "url")}
    return {document_id: url for document_id, url in addresses.items() if url}


def public_citation(citation: Citation) -> Citation:
    """What any reader of the answer gets: no passage indexes, no highlighted sentences."""
    shown = {key: value for key, value in citation.items() if key not in PRIVATE_KEYS}
    shown.setdefault("url", None)
    shown["preview"] = shown.get("kind", "document") == "document" and "chunk" in citation and not shown["url"]
    return shown


def public_citations(citations: Iterable[Any]) -> list[Citation]:
    return [public_citation(c) for c in citations or [] if isinstance(c, dict)]


def shown_citations(*, bot: Bot, channel: str, citations: Iterable[Any]) -> list[Citation]:
    """The citations as the conversation's surface shows them. To widget visitors of a bot whose
    previews are switched off, a document is its title and page only (no passage to open, no
    snippet of it); a web page stays a link. Members see every passage of their organization."""
    shown = public_citations(citations)
    if channel != Channel.WIDGET or bot.source_previews:
        return shown
    return [
        {**c, "preview": False, "snippet": ""} if c.get("kind", "document") == "document" and not c["url"] else c
        for c in shown
    ]


@dataclass(frozen=True, slots=True)
class CitedPassage:
    number: int
    title: str
    page: int | None
    url: str | None
    paragraphs: list[list[Segment]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "page": self.page,
            "url": self.url,
            "paragraphs": [[{"text": s.text, "cited": s.cited} for s in paragraph] for paragraph in self.paragraphs],
        }


def _cited_passage(message: Message | None, number: int) -> CitedPassage:
    if message is None:
        raise NotFound(SOURCE_NOT_FOUND)
    citation = next(
        (c for c in message.citations or [] if isinstance(c, dict) and c.get("number") == number),
        None,
    )
    if citation is None or citation.get("kind", "document") != "document" or "chunk" not in citation:
        raise NotFound(SOURCE_NOT_FOUND)
    if not citation.get("document_id"):
        raise NotFound(SOURCE_NOT_FOUND)
    chunk = (
        Chunk.objects.filter(
            organization_id=message.organization_id,
            bot_id=message.conversation.bot_id,
            document_id=str(citation.get("document_id")),
            index=citation["chunk"],
            document__status=DocumentStatus.READY,
        )
        .only("text")
        .first()
    )
    if chunk is None:  # the document was deleted, or re-ingested into fewer passages
        raise NotFound(SOURCE_NOT_FOUND)
    return CitedPassage(
        number=number,
        title=str(citation.get("title") or ""),
        page=citation.get("page"),
        url=citation.get("url"),
        paragraphs=passage_segments(chunk.text, citation.get("highlights") or []),
    )


def visitor_cited_passage(*, bot: Bot, participant: Participant, message_id: uuid.UUID, number: int) -> CitedPassage:
    """Passage `number` of an answer in one of this visitor's conversations with this bot."""
    if not bot.source_previews:
        raise NotFound(SOURCE_NOT_FOUND)
    message = (
        Message.objects.filter(
            organization_id=bot.organization_id,
            id=message_id,
            role=MessageRole.ASSISTANT,
            conversation__bot=bot,
            **{f"conversation__{key}": value for key, value in participant.conversation_filter().items()},
        )
        .select_related("conversation")
        .first()
    )
    return _cited_passage(message, number)


def message_cited_passage(*, message: Message, number: int) -> CitedPassage:
    """Passage `number` of an answer already read through the tenant's selector (a member's)."""
    return _cited_passage(message if message.role == MessageRole.ASSISTANT else None, number)
