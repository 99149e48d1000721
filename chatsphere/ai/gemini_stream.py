"""A thin client for Gemini's streaming generation (`:streamGenerateContent?alt=sse`).

google-genai builds a pydantic response object per server-sent event and runs each through
several layers of async plumbing; with a few hundred answers streaming at once that cost more
CPU than the rest of answering together. This client posts the same request body the SDK sends
and reads the event stream with httpx and orjson into plain dicts. Everything else (embeddings,
non-streaming calls) stays on the SDK.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson

from chatsphere.ai.gemini_embedder import provider_error_for_status
from chatsphere.ai.types import LLMRequest

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
#: google-genai's default API version since 3.0.
API_VERSION = "v1"
_ERROR_PREFIX = b'{"error":'


def request_body(request: LLMRequest) -> dict[str, Any]:
    """The JSON body google-genai sends for the same request (camelCase, unset fields left out)."""
    if not request.contents:
        raise ValueError("An LLM request needs at least one turn.")
    body: dict[str, Any] = {
        "contents": [{"parts": [{"text": turn.text}], "role": turn.role} for turn in request.contents]
    }
    if request.system_instruction:
        body["systemInstruction"] = {"parts": [{"text": request.system_instruction}], "role": "user"}
    config: dict[str, Any] = {}
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if request.max_output_tokens is not None:
        config["maxOutputTokens"] = request.max_output_tokens
    if config:
        body["generationConfig"] = config
    return body


def _error_of(status: int, payload: bytes, api_key: str) -> Exception:
    """The ProviderError for an error body (`{"error": {"code", "message", "status"}}`)."""
    try:
        error = orjson.loads(payload).get("error") or {}
    except (orjson.JSONDecodeError, AttributeError):
        error = {}
    code = int(error.get("code") or status) if isinstance(error, dict) else status
    message = str(error.get("message") or "") if isinstance(error, dict) else ""
    name = str(error.get("status") or "") if isinstance(error, dict) else ""
    return provider_error_for_status(code, name, message, operation="generation", api_key=api_key)


class GeminiStreamClient:
    """Streams one generation as parsed event dicts. One httpx connection pool per event loop
    (a pool must not outlive the loop it was made on: tests run one loop each)."""

    def __init__(self, *, api_key: str, base_url: str | None = None) -> None:
        if not api_key:
            raise ValueError("A Gemini API key is required.")
        self._api_key = api_key
        self._base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    def _pool(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            pool = httpx.AsyncClient(
                # The caller's deadline bounds each call; httpx's own 5 s default would cut long answers.
                timeout=httpx.Timeout(None, connect=30.0),
                # Every answer being written holds a connection: the default 100 would queue the rest.
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=200),
            )
            self._pools[loop] = pool
        return pool

    def url(self, model: str) -> str:
        name = model if model.startswith(("models/", "tunedModels/")) else f"models/{model}"
        return f"{self._base_url}/{API_VERSION}/{name}:streamGenerateContent?alt=sse"

    async def events(self, request: LLMRequest) -> AsyncIterator[dict[str, Any]]:
        """Each server-sent event as a dict; raises ProviderError for an error reply or error frame."""
        headers = {"x-goog-api-key": self._api_key, "content-type": "application/json"}
        body = orjson.dumps(request_body(request))
        async with self._pool().stream("POST", self.url(request.model), content=body, headers=headers) as response:
            if response.status_code != 200:
                raise _error_of(response.status_code, await response.aread(), self._api_key)
            data: list[bytes] = []
            pending = b""
            async for piece in response.aiter_bytes():
                pending += piece
                *lines, pending = pending.split(b"\n")
                for raw in lines:
                    line = raw.rstrip(b"\r")
                    if line:
                        if line.startswith(b"data:"):
                            data.append(line[6:] if line[5:6] == b" " else line[5:])
                        continue
                    if not data:
                        continue  # a blank line ends an event; none was open
                    payload = b"\n".join(data)
                    data = []
                    if payload.startswith(_ERROR_PREFIX):
                        raise _error_of(response.status_code, payload, self._api_key)
                    yield orjson.loads(payload)
            if data:  # a last event without its blank line
                payload = b"\n".join(data)
                if payload.startswith(_ERROR_PREFIX):
                    raise _error_of(response.status_code, payload, self._api_key)
                yield orjson.loads(payload)
