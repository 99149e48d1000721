"""The product measured on the evaluation data: documents ingested through the real services and
pipeline, questions answered through the real answering pipeline (chat.rag), on whatever engines
the settings select (the embedded default: offline embedder, local store, offline answerer).

Needs Django set up with a database to write to; `make eval` uses a throw-away SQLite file and
the test suite its test database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync

from evaluation.baselines import answer_hit
from evaluation.long_documents import LongDocumentSet, Question
from evaluation.off_topic import OffTopicQuestion

if TYPE_CHECKING:
    from accounts.tenancy import Actor
    from bots.models import Bot


@dataclass
class Answer:
    question: str
    text: str
    unanswered: bool
    cited_pages: list[tuple[str, int | None]]


@dataclass
class LongDocumentReport:
    answerable: list[tuple[Question, Answer]] = field(default_factory=list)
    off_topic: list[tuple[OffTopicQuestion, Answer]] = field(default_factory=list)

    @property
    def hit_rate(self) -> float:
        hits = sum(
            answer_hit(answer.text, question.spans) for question, answer in self.answerable if not answer.unanswered
        )
        return hits / len(self.answerable) if self.answerable else 0.0

    @property
    def cited_page_rate(self) -> float:
        """Answered questions whose citations include the fact's document and page."""
        answered = [(q, a) for q, a in self.answerable if not a.unanswered]
        right = sum((q.document, q.page) in a.cited_pages for q, a in answered)
        return right / len(answered) if answered else 0.0

    @property
    def answerable_fallback_rate(self) -> float:
        return _rate(answer.unanswered for _, answer in self.answerable)

    def off_topic_fallback_rate(self, kind: str | None = None) -> float:
        return _rate(answer.unanswered for q, answer in self.off_topic if kind is None or q.kind == kind)


def _rate(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def new_bot(name: str, **fields: Any) -> tuple[Bot, Actor]:
    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.services.organizations import organization_create
    from accounts.tenancy import Actor
    from bots.services import bot_create

    user = User.objects.create_user(
        email=f"eval-{uuid.uuid4().hex[:12]}@example.com", password=uuid.uuid4().hex, email_verified_at=timezone.now()
    )
    organization = organization_create(user=user, name=name)
    actor = Actor(organization=organization, role=Role.OWNER, user=user)
    return bot_create(actor=actor, name=name, **fields), actor


def ingest_pdfs(actor: Actor, bot: Bot, document_set: LongDocumentSet) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import DocumentStatus
    from documents.services import document_create_from_file

    for document in document_set.documents:
        upload = SimpleUploadedFile(f"{document.title}.pdf", document.pdf(), content_type="application/pdf")
        created = document_create_from_file(actor=actor, bot=bot, uploaded_file=upload, title=document.title)
        created.refresh_from_db()
        if created.status != DocumentStatus.READY:
            raise RuntimeError(f"{document.title} was not ingested: {created.error}")
    bot.refresh_from_db()


def ask(bot: Bot, question: str) -> Answer:
    from chat import rag
    from chat.models import Channel, Message
    from chat.participants import Participant

    async def collect() -> list[dict[str, Any]]:
        return [
            event async for event in rag.answer(bot=bot, participant=Participant(channel=Channel.API), text=question)
        ]

    events = async_to_sync(collect)()
    done = next((event for event in events if event["type"] == "done"), None)
    if done is None:
        raise RuntimeError(f"no answer to {question!r}: {events[-1]}")
    message = Message.objects.get(id=done["message_id"])
    return Answer(
        question=question,
        text=message.content,
        unanswered=message.unanswered,
        cited_pages=[(citation["title"], citation.get("page")) for citation in message.citations],
    )


def evaluate_long_documents(bot: Bot, document_set: LongDocumentSet) -> LongDocumentReport:
    report = LongDocumentReport()
    for question in document_set.answerable:
        report.answerable.append((question, ask(bot, question.text)))
    for off_topic in document_set.off_topic:
        report.off_topic.append((off_topic, ask(bot, off_topic.text)))
    return report


def pubmedqa_rankings(bot: Bot, titles: Sequence[str], questions: Sequence[str], *, depth: int = 10) -> list[list[int]]:
    """For each question, the indexes (into `titles`) of the documents retrieved, best first."""
    from chat.retrieval import rank_sync
    from documents.models import Document

    position = {title: number for number, title in enumerate(titles)}
    title_of = dict(Document.objects.filter(bot=bot).values_list("id", "title"))
    rankings = []
    for question in questions:
        ranked: list[int] = []
        for chunk in rank_sync(bot=bot, question=question, limit=depth * 3):
            number = position[title_of[chunk.document_id]]  # type: ignore[index]  # ranked chunks belong to documents
            if number not in ranked:
                ranked.append(number)
        rankings.append(ranked[:depth])
    return rankings


def ingest_texts(actor: Actor, bot: Bot, titles: Sequence[str], texts: Sequence[str]) -> None:
    from documents.services import document_create_from_text

    for title, text in zip(titles, texts, strict=True):
        document_create_from_text(actor=actor, bot=bot, title=title, text=text)
    bot.refresh_from_db()


def refused(bot: Bot, questions: Sequence[str]) -> float:
    """Share of the questions the relevance decision turns away (no model would be called)."""
    from chat.retrieval import retrieve_sync

    return _rate([not retrieve_sync(bot=bot, question=question).relevant for question in questions])
