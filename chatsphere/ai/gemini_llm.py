"""Streaming answers from Gemini through google-genai's async client.

The SDK's async transport is httpx2 (or aiohttp when that is installed); both hand over each
server-sent event as it arrives, so deltas reach the visitor while the model is still writing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from google.genai import types

from chatsphere.ai.gemini_embedder import backoff_delay, gemini_client, gemini_provider_error
from chatsphere.ai.types import Completion, LLMEvent, LLMRequest, ProviderError, TextDelta

#: Finish reasons that mean the model withheld its answer.
BLOCKED_FINISH_REASONS = frozenset(
    {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE"}
)
_NO_AFC = types.AutomaticFunctionCallingConfig(disable=True)


@dataclass(slots=True)
class _StreamState:
    text_seen: bool = False
    chunks: int = 0
    finish_reason: str | None = None
    usage: types.GenerateContentResponseUsageMetadata | None = None
    model_version: str | None = None


def _enum_name(value: object) -> str:
    return str(getattr(value, "value", value))


def _chunk_text(chunk: types.GenerateContentResponse) -> str:
    if not chunk.candidates or not chunk.candidates[0].content:
        return ""
    parts = chunk.candidates[0].content.parts or []
    return "".join(part.text for part in parts if part.text and not part.thought)


def _contents(request: LLMRequest) -> list[types.Content]:
    if not request.contents:
        raise ValueError("An LLM request needs at least one turn.")
    return [types.Content(role=turn.role, parts=[types.Part(text=turn.text)]) for turn in request.contents]


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
        self._client = gemini_client(api_key=api_key, base_url=base_url)

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMEvent]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.timeout_seconds
        contents = _contents(request)
        attempt = 0
        while True:
            attempt += 1
            yielded = False
            try:
                async for event in self._attempt(request, contents, deadline):
                    yielded = True
                    yield event
                return
            except ProviderError as error:
                delay = backoff_delay(attempt, self._retry_initial_delay, self._retry_max_delay)
                retry = error.transient and not yielded and attempt < self._max_attempts
                if not retry or loop.time() + delay >= deadline:
                    raise
            await asyncio.sleep(delay)

    async def _attempt(
        self, request: LLMRequest, contents: list[types.Content], deadline: float
    ) -> AsyncIterator[LLMEvent]:
        config = types.GenerateContentConfig(
            system_instruction=request.system_instruction or None,
            temperature=request.temperature,
            max_output_tokens=request.max_output_tokens,
            automatic_function_calling=_NO_AFC,
        )
        state = _StreamState()
        chunks: AsyncIterator[types.GenerateContentResponse] | None = None
        try:
            async with asyncio.timeout_at(deadline):
                chunks = await self._client.aio.models.generate_content_stream(
                    model=request.model, contents=contents, config=config
                )
            while True:
                # The deadline wraps each read only: a timeout scope must not span a `yield`.
                async with asyncio.timeout_at(deadline):
                    try:
                        chunk = await anext(chunks)
                    except StopAsyncIteration:
                        break
                text = self._observe(chunk, state)
                if text:
                    yield TextDelta(text)
        except TimeoutError as error:
            raise ProviderError(
                f"Gemini did not answer within {request.timeout_seconds:g} s.", transient=True, code="timeout"
            ) from error
        except ProviderError:
            raise
        except Exception as error:
            mapped = gemini_provider_error(error, operation="generation", api_key=self._api_key)
            if mapped is None:
                raise
            raise mapped from error
        finally:
            if chunks is not None:
                await chunks.aclose()  # type: ignore[attr-defined]
        yield self._completion(request, state)

    @staticmethod
    def _observe(chunk: types.GenerateContentResponse, state: _StreamState) -> str:
        state.chunks += 1
        if chunk.prompt_feedback and chunk.prompt_feedback.block_reason and not chunk.candidates:
            reason = _enum_name(chunk.prompt_feedback.block_reason)
            raise ProviderError(f"Gemini refused the prompt (blocked: {reason}).", transient=False, code="blocked")
        if chunk.usage_metadata:
            state.usage = chunk.usage_metadata
        state.model_version = chunk.model_version or state.model_version
        if chunk.candidates and chunk.candidates[0].finish_reason:
            state.finish_reason = _enum_name(chunk.candidates[0].finish_reason)
        text = _chunk_text(chunk)
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
        usage = state.usage
        output_tokens = (usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0) if usage else 0
        return Completion(
            finish_reason=state.finish_reason,
            input_tokens=(usage.prompt_token_count or 0) if usage else 0,
            output_tokens=output_tokens,  # thinking tokens are billed as output
            model=state.model_version or request.model,
        )
