"""Streaming answers from Gemini.

Generation streams through `gemini_stream.GeminiStreamClient` (httpx and orjson on the same REST
endpoint and body as google-genai): each server-sent event is handed over as it arrives, so
deltas reach the visitor while the model is still writing, without the SDK's per-event cost.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson

from chatsphere import metrics
from chatsphere.ai.gemini_embedder import backoff_delay, gemini_provider_error
from chatsphere.ai.gemini_stream import GeminiStreamClient
from chatsphere.ai.types import Completion, LLMEvent, LLMRequest, ProviderError, TextDelta

#: Finish reasons that mean the model withheld its answer.
BLOCKED_FINISH_REASONS = frozenset(
    {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE"}
)


@dataclass(slots=True)
class _StreamState:
    text_seen: bool = False
    chunks: int = 0
    finish_reason: str | None = None
    usage: dict[str, Any] | None = None
    model_version: str | None = None


def _first_candidate(event: dict[str, Any]) -> dict[str, Any] | None:
    candidates = event.get("candidates")
    return candidates[0] if candidates and isinstance(candidates[0], dict) else None


def _event_text(candidate: dict[str, Any] | None) -> str:
    """The answer text of a candidate: its parts' text, thoughts left out."""
    if candidate is None:
        return ""
    parts = (candidate.get("content") or {}).get("parts") or []
    return "".join(part.get("text") or "" for part in parts if not part.get("thought"))


class GeminiLLM:
    """`LLM` on Gemini. A transient failure is retried only while nothing has been yielded;
    `request.timeout_seconds` bounds the whole call, retries included."""

    name = "gemini"

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        max_attempts: int = 3,
        *,
        retry_initial_delay: float = 0.5,
        retry_max_delay: float = 8.0,
    ) -> None:
        self._api_key = api_key
        self._max_attempts = max(1, max_attempts)
        self._retry_initial_delay = retry_initial_delay
        self._retry_max_delay = retry_max_delay
        self._client = GeminiStreamClient(api_key=api_key, base_url=base_url)

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMEvent]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.timeout_seconds
        if not request.contents:
            raise ValueError("An LLM request needs at least one turn.")
        attempt = 0
        while True:
            attempt += 1
            yielded = False
            try:
                async for event in self._attempt(request, deadline):
                    yielded = True
                    yield event
                return
            except ProviderError as error:
                delay = backoff_delay(attempt, self._retry_initial_delay, self._retry_max_delay)
                retry = error.transient and not yielded and attempt < self._max_attempts
                retry = retry and loop.time() + delay < deadline
                metrics.provider_failed(
                    provider="gemini",
                    operation="generation",
                    code=error.code,
                    transient=error.transient,
                    retrying=retry,
                )
                if not retry:
                    raise
            await asyncio.sleep(delay)

    async def _attempt(self, request: LLMRequest, deadline: float) -> AsyncIterator[LLMEvent]:
        state = _StreamState()
        events: AsyncIterator[dict[str, Any]] | None = None
        try:
            events = self._client.events(request)
            while True:
                # The deadline wraps each read only: a timeout scope must not span a `yield`.
                async with asyncio.timeout_at(deadline):
                    try:
                        event = await anext(events)
                    except StopAsyncIteration:
                        break
                text = self._observe(event, state)
                if text:
                    yield TextDelta(text)
        except TimeoutError as error:
            raise ProviderError(
                f"Gemini did not answer within {request.timeout_seconds:g} s.", transient=True, code="timeout"
            ) from error
        except ProviderError:
            raise
        except orjson.JSONDecodeError as error:
            raise ProviderError(
                "Gemini sent an event that is not JSON.", transient=not state.text_seen, code="bad_response"
            ) from error
        except Exception as error:
            mapped = gemini_provider_error(error, operation="generation", api_key=self._api_key)
            if mapped is None:
                raise
            raise mapped from error
        finally:
            if events is not None:
                await events.aclose()  # type: ignore[attr-defined]  # the SDK's stream is an async generator
        yield self._completion(request, state)

    @staticmethod
    def _observe(event: dict[str, Any], state: _StreamState) -> str:
        state.chunks += 1
        candidate = _first_candidate(event)
        block_reason = (event.get("promptFeedback") or {}).get("blockReason")
        if block_reason and candidate is None:
            raise ProviderError(
                f"Gemini refused the prompt (blocked: {block_reason}).", transient=False, code="blocked"
            )
        if event.get("usageMetadata"):
            state.usage = event["usageMetadata"]
        state.model_version = event.get("modelVersion") or state.model_version
        if candidate is not None and candidate.get("finishReason"):
            state.finish_reason = str(candidate["finishReason"])
        text = _event_text(candidate)
        state.text_seen = state.text_seen or bool(text)
        return text

    @staticmethod
    def _completion(request: LLMRequest, state: _StreamState) -> Completion:
        if not state.text_seen:
            if state.finish_reason in BLOCKED_FINISH_REASONS:
                raise ProviderError(
                    f"Gemini withheld the answer (finish reason {state.finish_reason}).",
                    transient=False,
                    code="blocked",
                )
            # No event at all is a cut stream, worth another try; a finished but empty answer is not.
            raise ProviderError(
                "Gemini returned an empty response.", transient=state.chunks == 0, code="empty_response"
            )
        if state.finish_reason is None:
            raise ProviderError(
                "Gemini's stream ended before the answer was complete.", transient=True, code="incomplete_response"
            )
        usage = state.usage or {}
        output_tokens = int(usage.get("candidatesTokenCount") or 0) + int(usage.get("thoughtsTokenCount") or 0)
        return Completion(
            finish_reason=state.finish_reason,
            input_tokens=int(usage.get("promptTokenCount") or 0),
            output_tokens=output_tokens,  # thinking tokens are billed as output
            model=state.model_version or request.model,
        )
