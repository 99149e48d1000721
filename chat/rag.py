"""The answering pipeline every surface uses (widget and playground sockets, the chat API in
JSON and SSE): question → retrieve → prompt → stream the model → saved answer, as events.

Events (ARCHITECTURE §5), in this order:
    {"type": "conversation", "id"}
    {"type": "token", "text"}                    (any number)
    {"type": "retrieval", "passages", "confidence", "bar", "fallback"}   (playground only: `explain`)
    {"type": "sources", "citations": [{number, kind, document_id, curated_answer_id, title, page, snippet,
                                       score, url, preview}]}
    {"type": "done", "message_id"}
or, at any point after `conversation` (or instead of it), one final
    {"type": "error", "code", "message"}         (+ "retry_after" when rate-limited)
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import close_old_connections, connections

from bots.models import Bot
from chat import prompt, services, sources
from chat.curated.matching import match_curated_answer
from chat.highlights import answer_claims, matching_sentences
from chat.participants import Participant
from chat.retrieval import Retrieval, RetrievedChunk, curated_source, question_vector, retrieve
from chatsphere import log_context, metrics
from chatsphere.ai.providers import get_llm
from chatsphere.ai.types import LLM, Completion, LLMEvent, LLMRequest, ProviderError, SourcePassage, TextDelta
from chatsphere.errors import ApplicationError, RateLimited

logger = logging.getLogger(__name__)

Event = dict[str, Any]
SNIPPET_CHARS = 240
CITATION = re.compile(r"\[(\d{1,3})\]")
RETRY_PAUSE_SECONDS = 0.25

RETRIEVAL_FAILED = "The assistant could not search its documents just now. Please try again in a moment."
ANSWER_FAILED = "The assistant could not finish its answer just now. Please try again in a moment."
ANSWER_BLOCKED = "The assistant cannot answer that question."
SERVER_ERROR = "Something went wrong on our side. Please try again."
INTERRUPTED = "The answer was interrupted."
#: Finish reason of an engine that found no answer in the sources and wrote nothing.
NO_ANSWER = "no_answer"


class database_sync_to_async(SyncToAsync):  # noqa: N801 - used like the function it replaces
    """Channels' `database_sync_to_async` (stale connections are closed around each call, as
    long-lived sockets need), except that a connection inside a transaction is left alone.

    The pipeline also runs inside synchronous requests (the chat API's JSON answer runs it with
    `async_to_sync`), where its thread-sensitive calls share the request's thread and connection:
    closing that connection in the middle of a transaction would break the caller's transaction.
    """

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        tidy = not any(connection.in_atomic_block for connection in connections.all(initialized_only=True))
        if tidy:
            close_old_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            if tidy:
                close_old_connections()


def error_event(code: str, message: str, **extra: Any) -> Event:
    return {"type": "error", "code": code, "message": message, **extra}


def application_error_event(error: ApplicationError) -> Event:
    extra: dict[str, Any] = {"retry_after": error.retry_after} if isinstance(error, RateLimited) else {}
    return error_event(error.code, error.message, **extra)


def _elapsed_ms(since: float) -> int:
    return max(0, round((time.monotonic() - since) * 1000))


def citations_for(
    answer: str, chunks: list[RetrievedChunk], *, quotes: tuple[tuple[int, str], ...] = ()
) -> list[dict[str, Any]]:
    """The sources the answer cites as [n]; all sources given when it cites none. A document's
    citation keeps its passage (`chunk`) and the sentences the answer relies on (`highlights`):
    those the engine quoted when it says so, else those closest to the answer's sentences citing it."""
    cited = {int(number) for number in CITATION.findall(answer)}
    numbered = list(enumerate(chunks, start=1))
    chosen = [(number, chunk) for number, chunk in numbered if number in cited] or numbered
    claims = answer_claims(answer) if not quotes else {}
    citations = []
    for number, chunk in chosen:
        citation: dict[str, Any] = {
            "number": number,
            "kind": "curated" if chunk.curated_answer_id else "document",
            "document_id": str(chunk.document_id) if chunk.document_id else None,
            "curated_answer_id": str(chunk.curated_answer_id) if chunk.curated_answer_id else None,
            "title": chunk.title,
            "page": chunk.page,
            "snippet": _snippet(chunk.text),
            "score": round(chunk.score, 4),
        }
        if chunk.document_id:
            quoted = [sentence for source, sentence in quotes if source == number]
            citation["chunk"] = chunk.chunk_index
            citation["highlights"] = quoted or matching_sentences(chunk.text, claims.get(number, []))
        citations.append(citation)
    return citations


def retrieval_event(
    retrieval: Retrieval, given: list[RetrievedChunk], *, answer: str = "", fallback: str | None = None
) -> Event:
    """What the bot was given and why it answered or fell back, for the bot's own team: scores
    and the strictness bar are not for visitors. Passages are numbered as the answer cites them;
    after a fallback for lack of relevance they are the best ones found, given to no model."""
    cited = {int(number) for number in CITATION.findall(answer)}
    shown = given or retrieval.chunks
    return {
        "type": "retrieval",
        "passages": [
            {
                "number": number,
                "kind": "curated" if chunk.curated_answer_id else "document",
                "title": chunk.title,
                "page": chunk.page,
                "snippet": _snippet(chunk.text),
                "score": round(chunk.score, 4),
                "given": bool(given),
                "cited": number in cited,
            }
            for number, chunk in enumerate(shown, start=1)
        ],
        "confidence": round(retrieval.confidence, 4),
        "bar": round(retrieval.bar, 4),
        #: None (answered), "below_bar" (nothing relevant enough), "no_answer" (the passages did not answer).
        "fallback": fallback,
    }


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1].rstrip() + "…"


def build_llm_request(bot: Bot, turn: services.Turn, chunks: list[RetrievedChunk]) -> LLMRequest:
    sources = [
        SourcePassage(
            number=number, title=chunk.title, text=chunk.text, page=chunk.page, curated=bool(chunk.curated_answer_id)
        )
        for number, chunk in enumerate(chunks, start=1)
    ]
    return prompt.build_request(
        bot_prompt=bot.system_prompt,
        model=bot.model,
        question=turn.question.content,
        sources=sources,
        headings=[chunk.heading for chunk in chunks],
        history=prompt.history_turns(turn.history, settings.CHATSPHERE_CHAT_HISTORY_TOKENS),
        temperature=bot.temperature,
        max_output_tokens=bot.max_output_tokens,
        timeout_seconds=settings.CHATSPHERE_CHAT_LLM_TIMEOUT,
    )


async def stream_llm(llm: LLM, request: LLMRequest, *, attempts: int) -> AsyncIterator[LLMEvent]:
    """The model's events; a transient failure before the first token is tried again, never one
    after it (the visitor has seen part of the answer)."""
    for attempt in range(1, max(1, attempts) + 1):
        streamed = False
        try:
            async for event in llm.stream(request):
                if isinstance(event, TextDelta) and event.text:
                    streamed = True
                yield event
            return
        except ProviderError as error:
            if streamed or not error.transient or attempt >= attempts:
                raise
            logger.info("retrying the answer after a failure before its first token: %s", error.message)
            metrics.provider_retried(provider="llm", operation="answer")
        await asyncio.sleep(RETRY_PAUSE_SECONDS * attempt)


@dataclass(slots=True)
class _Progress:
    started: float
    text: list[str] = field(default_factory=list)
    first_token_ms: int | None = None
    saved: bool = False

    def token(self, text: str) -> None:
        if self.first_token_ms is None:
            self.first_token_ms = _elapsed_ms(self.started)
        self.text.append(text)

    @property
    def answer(self) -> str:
        return "".join(self.text)


async def _save(turn: services.Turn, progress: _Progress, **fields: Any) -> uuid.UUID:
    progress.saved = True
    latency_ms = _elapsed_ms(progress.started)
    message = await database_sync_to_async(services.answer_save)(
        conversation=turn.conversation,
        time_to_first_token_ms=progress.first_token_ms,
        latency_ms=latency_ms,
        **fields,
    )
    metrics.answer_finished(
        outcome=_outcome(fields),
        first_token_ms=progress.first_token_ms,
        latency_ms=latency_ms,
        output_tokens=fields.get("output_tokens") or 0,
    )
    return message.id


def _outcome(fields: dict[str, Any]) -> str:
    if fields.get("error"):
        return "interrupted" if fields["error"] == INTERRUPTED else "failed"
    return "unanswered" if fields.get("unanswered") else "answered"


async def _fallback(turn: services.Turn, progress: _Progress, **fields: Any) -> AsyncIterator[Event]:
    """The bot's fallback message as the answer, marked unanswered, without citations."""
    text = turn.bot.fallback_message
    progress.token(text)
    yield {"type": "token", "text": text}
    message_id = await _save(turn, progress, content=text, unanswered=True, **fields)
    yield {"type": "sources", "citations": []}
    yield {"type": "done", "message_id": str(message_id)}


async def answer_turn(
    turn: services.Turn, *, started: float | None = None, explain: bool = False
) -> AsyncIterator[Event]:
    """Answer a question already saved by `services.turn_start`; with `explain`, a `retrieval`
    event before `sources` says which passages were given, their scores and any fallback's reason."""
    progress = _Progress(started=time.monotonic() if started is None else started)
    bot = turn.bot
    log_context.bind(organization=bot.organization_id, bot=bot.id, question=turn.question.content)
    yield {"type": "conversation", "id": str(turn.conversation.id)}
    try:
        question = turn.question.content
        try:
            vector = await question_vector(bot, question)
            curated = await database_sync_to_async(match_curated_answer)(
                bot=bot, question=question, query_vector=vector
            )
            retrieval = await retrieve(bot=bot, question=question, vector=vector)
        except ProviderError as error:
            logger.warning("retrieval failed for bot %s: %s", bot.id, error.message)
            await _save(turn, progress, content="", error=f"retrieval: {error.message}")
            yield error_event("retrieval_failed", RETRIEVAL_FAILED)
            return

        chunks = retrieval.chunks if retrieval.relevant else []
        if curated is not None:
            # The owner's own answer to this question comes first; passages may add to it.
            chunks = [curated_source(curated), *chunks[: max(0, bot.top_k - 1)]]
        if not chunks:
            # Nothing relevant: the bot's own "I don't know", and no model call that could invent.
            if explain:
                yield retrieval_event(retrieval, [], fallback="below_bar")
            async for event in _fallback(turn, progress):
                yield event
            return

        llm = get_llm()
        request = build_llm_request(bot, turn, chunks)
        completion: Completion | None = None
        try:
            async for streamed in stream_llm(llm, request, attempts=settings.CHATSPHERE_CHAT_LLM_ATTEMPTS):
                if isinstance(streamed, TextDelta):
                    if streamed.text:
                        progress.token(streamed.text)
                        yield {"type": "token", "text": streamed.text}
                else:
                    completion = streamed
        except ProviderError as error:
            logger.warning("answer failed for bot %s: %s", bot.id, error.message)
            await _save(turn, progress, content=progress.answer, model=request.model, error=error.message)
            blocked = error.code == "blocked"
            yield error_event(
                "answer_blocked" if blocked else "answer_failed", ANSWER_BLOCKED if blocked else ANSWER_FAILED
            )
            return

        answer = progress.answer
        if not answer and completion is not None and completion.finish_reason == NO_ANSWER:
            # The engine found nothing in the sources that answers the question (the offline
            # answerer says so instead of writing): the bot's fallback, counted as unanswered.
            if explain:
                yield retrieval_event(retrieval, chunks, fallback="no_answer")
            async for event in _fallback(
                turn,
                progress,
                model=completion.model or request.model,
                input_tokens=completion.input_tokens,
                output_tokens=completion.output_tokens,
            ):
                yield event
            return
        citations = citations_for(answer, chunks, quotes=completion.quotes if completion else ())
        addresses = await database_sync_to_async(sources.web_page_addresses)(
            organization_id=bot.organization_id, citations=citations
        )
        for citation in citations:
            citation["url"] = addresses.get(citation["document_id"] or "")
        message_id = await _save(
            turn,
            progress,
            content=answer,
            citations=citations,
            model=(completion.model if completion else "") or request.model,
            input_tokens=completion.input_tokens if completion else 0,
            output_tokens=completion.output_tokens if completion else 0,
        )
        if explain:
            yield retrieval_event(retrieval, chunks, answer=answer)
        shown = sources.shown_citations(bot=bot, channel=turn.conversation.channel, citations=citations)
        yield {"type": "sources", "citations": shown}
        yield {"type": "done", "message_id": str(message_id)}
    except (asyncio.CancelledError, GeneratorExit):
        # The visitor left (socket closed, SSE client gone): keep what they saw.
        if not progress.saved:
            with suppress(Exception):
                await _save(turn, progress, content=progress.answer, error=INTERRUPTED)
        raise
    except Exception:
        logger.exception("answering in conversation %s failed", turn.conversation.id)
        if not progress.saved:
            with suppress(Exception):
                await _save(turn, progress, content=progress.answer, error="server error")
        yield error_event("server_error", SERVER_ERROR)


async def answer(
    *,
    bot: Bot,
    participant: Participant,
    text: str,
    conversation_id: uuid.UUID | None = None,
    public_key: str | None = None,
    explain: bool = False,
) -> AsyncIterator[Event]:
    """Save the question and answer it. Refusals (quota, a conversation that is not the
    participant's, an empty or too long message, a switched-off bot) come as one error event."""
    started = time.monotonic()
    log_context.bind(organization=bot.organization_id, bot=bot.id, question=text)
    try:
        turn = await database_sync_to_async(services.turn_start)(
            bot=bot, participant=participant, text=text, conversation_id=conversation_id, public_key=public_key
        )
    except ApplicationError as error:
        yield application_error_event(error)
        return
    async for event in answer_turn(turn, started=started, explain=explain):
        yield event
