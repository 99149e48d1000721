"""A fake Gemini Developer API server speaking the REST protocol google-genai 3.x uses.

Routes `/(v1|v1beta)/models/{model}:(generateContent|streamGenerateContent|batchEmbedContents|countTokens)`.
Generation follows a `GenerationScript` (text, chunking, delays, a gate, errors, safety blocks);
the default reply echoes the start of the last user message (see `FakeGemini.reply_for`).
Embeddings are deterministic, unit-norm bags of hashed words, so texts sharing words are similar.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from tests.fakes.server import Exchange, FakeServer

ROUTE = re.compile(r"^/(?:v1|v1beta)/models/(?P<model>[^/:]+):(?P<action>[A-Za-z]+)$")
MAX_EMBED_BATCH = 100
FULL_DIMENSION = 3072
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
WORD = re.compile(r"\w+")


def gemini_error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "status": STATUS_NAMES.get(status, "UNKNOWN")}}


# --- embeddings ---------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _token_vector(token: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(token.encode()).digest()[:8], "big")
    return np.random.default_rng(seed).standard_normal(FULL_DIMENSION)


def embed_text(text: str, dimension: int = FULL_DIMENSION) -> list[float]:
    """The fake's embedding of `text`: hashed words plus a small term unique to the whole text,
    truncated to `dimension` (like Gemini's Matryoshka truncation) and L2-normalised."""
    vector = 0.25 * _token_vector("\x00text\x00" + text)
    for word in WORD.findall(text.lower()):
        vector = vector + _token_vector(word)
    head = vector[:dimension]
    return (head / np.linalg.norm(head)).tolist()


def count_tokens(text: str) -> int:
    return len(WORD.findall(text))


# --- generation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerationScript:
    """How the fake answers a generation request."""

    text: str | None = None  # None: `FakeGemini.reply_for(last user message)`
    chunks: Sequence[str] | None = None  # the exact text deltas; overrides `text` and `words_per_chunk`
    words_per_chunk: int = 2
    first_chunk_delay: float = 0.0  # seconds before the first event (time to first token)
    chunk_delay: float = 0.0  # seconds between events
    gate: threading.Event | None = None  # after the first event, wait until this is set
    error_after: int | None = None  # send a mid-stream error frame after this many chunks (0: at once)
    error_status: int = 500
    error_message: str = "An internal error has occurred."
    block_reason: str | None = None  # a blocked prompt: promptFeedback.blockReason and no candidates
    empty_candidates: bool = False  # one event without candidates
    finish_reason: str = "STOP"
    model_version: str = "gemini-fake-001"


def split_words(text: str, words_per_chunk: int) -> list[str]:
    pieces = re.findall(r"\s*\S+\s*", text) or [text]
    size = max(1, words_per_chunk)
    return ["".join(pieces[i : i + size]) for i in range(0, len(pieces), size)]


def _contents_text(body: dict[str, Any]) -> list[tuple[str, str]]:
    turns = []
    for content in body.get("contents") or []:
        text = "".join(part.get("text", "") for part in content.get("parts") or [])
        turns.append((content.get("role", "user"), text))
    return turns


class FakeGemini(FakeServer):
    def __init__(self, *, api_key: str | None = None) -> None:
        super().__init__()
        #: When set, requests must carry this key (Gemini answers 400 "API key not valid" otherwise).
        self.api_key = api_key
        self.default_script = GenerationScript()
        self._scripts: list[GenerationScript] = []
        self._streams_started = 0
        self._streams_completed = 0
        self._chunks_sent = 0

    # --- configuration ---------------------------------------------------------------------

    def script(self, script: GenerationScript | None = None, *, once: bool = False, **fields: Any) -> GenerationScript:
        """Set how generation requests are answered: for every later request, or only the next one
        when `once` (one-shot scripts queue up in call order, ahead of the default)."""
        chosen = replace(script or GenerationScript(), **fields)
        with self._lock:
            if once:
                self._scripts.append(chosen)
            else:
                self.default_script = chosen
        return chosen

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self._scripts.clear()
            self.default_script = GenerationScript()
            self._streams_started = self._streams_completed = self._chunks_sent = 0

    @staticmethod
    def reply_for(user_text: str) -> str:
        """The default answer to a conversation whose last user message is `user_text`."""
        return f"Echo: {' '.join(user_text.split())[:100]}"

    @property
    def streams_started(self) -> int:
        with self._lock:
            return self._streams_started

    @property
    def streams_completed(self) -> int:
        """Streams whose last event (final chunk or error frame) has been written."""
        with self._lock:
            return self._streams_completed

    @property
    def chunks_sent(self) -> int:
        with self._lock:
            return self._chunks_sent

    def error_body(self, status: int, message: str) -> Any:
        return gemini_error(status, message)

    # --- routing ---------------------------------------------------------------------------

    def handle(self, exchange: Exchange) -> None:
        request = exchange.request
        match = ROUTE.match(request.path)
        if request.method != "POST" or match is None:
            exchange.send_json(404, gemini_error(404, f"Unknown endpoint {request.method} {request.path}."))
            return
        key = request.headers.get("x-goog-api-key")
        if not key:
            exchange.send_json(403, gemini_error(403, "Method doesn't allow unregistered callers."))
            return
        if self.api_key is not None and key != self.api_key:
            exchange.send_json(400, gemini_error(400, "API key not valid. Please pass a valid API key."))
            return
        if not isinstance(request.body, dict):
            exchange.send_json(400, gemini_error(400, "Invalid JSON payload received."))
            return
        model, action = match["model"], match["action"]
        if action == "batchEmbedContents":
            self._embed(exchange, model)
        elif action == "countTokens":
            total = sum(count_tokens(text) for _, text in _contents_text(request.body))
            exchange.send_json(200, {"totalTokens": total})
        elif action == "generateContent":
            self._generate(exchange)
        elif action == "streamGenerateContent":
            if request.param("alt") != "sse":
                exchange.send_json(400, gemini_error(400, "This fake streams only with ?alt=sse."))
                return
            self._stream(exchange)
        else:
            exchange.send_json(404, gemini_error(404, f"Unknown method {action}."))

    # --- embeddings ------------------------------------------------------------------------

    def _embed(self, exchange: Exchange, model: str) -> None:
        requests = exchange.request.body.get("requests")
        if not isinstance(requests, list) or not requests:
            exchange.send_json(400, gemini_error(400, "BatchEmbedContentsRequest.requests must not be empty."))
            return
        if len(requests) > MAX_EMBED_BATCH:
            message = "BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch"
            exchange.send_json(400, gemini_error(400, message))
            return
        embeddings = []
        for index, item in enumerate(requests):
            error = _embed_request_error(item, model)
            if error:
                exchange.send_json(400, gemini_error(400, f"requests[{index}]: {error}"))
                return
            text = "".join(part.get("text", "") for part in item["content"]["parts"])
            dimension = int(item.get("outputDimensionality") or FULL_DIMENSION)
            embeddings.append({"values": embed_text(text, dimension)})
        exchange.send_json(200, {"embeddings": embeddings})

    # --- generation ------------------------------------------------------------------------

    def _next_script(self) -> GenerationScript:
        with self._lock:
            return self._scripts.pop(0) if self._scripts else self.default_script

    def _plan(self, script: GenerationScript, body: dict[str, Any]) -> tuple[list[str], dict[str, int]]:
        turns = _contents_text(body)
        if script.chunks is not None:
            chunks = list(script.chunks)
        else:
            last_user = next((text for role, text in reversed(turns) if role == "user"), "")
            text = script.text if script.text is not None else self.reply_for(last_user)
            chunks = split_words(text, script.words_per_chunk) if text else []
        system = "".join(part.get("text", "") for part in (body.get("systemInstruction") or {}).get("parts") or [])
        prompt_tokens = sum(count_tokens(text) for _, text in turns) + count_tokens(system)
        output_tokens = sum(count_tokens(chunk) for chunk in chunks)
        usage = {
            "promptTokenCount": prompt_tokens,
            "candidatesTokenCount": output_tokens,
            "totalTokenCount": prompt_tokens + output_tokens,
        }
        return chunks, usage

    def _generate(self, exchange: Exchange) -> None:
        script = self._next_script()
        if not self.sleep(script.first_chunk_delay):
            return
        if script.error_after is not None:
            exchange.send_json(script.error_status, gemini_error(script.error_status, script.error_message))
            return
        chunks, usage = self._plan(script, exchange.request.body)
        exchange.send_json(200, _final_response(script, "".join(chunks), usage))

    def _wait_for(self, gate: threading.Event) -> bool:
        while not gate.wait(0.05):
            if self.stopping.is_set():
                return False
        return True

    def _stream(self, exchange: Exchange) -> None:
        script = self._next_script()
        chunks, usage = self._plan(script, exchange.request.body)
        with self._lock:
            self._streams_started += 1
        exchange.start_stream(200, "text/event-stream")
        events = _stream_events(script, chunks, usage)
        for index, event in enumerate(events):
            delay = script.first_chunk_delay if index == 0 else script.chunk_delay
            if not self.sleep(delay):
                return
            if index == 1 and script.gate is not None and not self._wait_for(script.gate):
                return
            # Counted before the write, so a client that has read an event always sees it counted.
            with self._lock:
                self._chunks_sent += 1
                if index == len(events) - 1:
                    self._streams_completed += 1
            exchange.write_chunk(b"data: " + json.dumps(event).encode() + b"\r\n\r\n")
        exchange.end_stream()


def _embed_request_error(item: Any, model: str) -> str | None:
    if not isinstance(item, dict):
        return "must be an object."
    parts = (item.get("content") or {}).get("parts")
    if not isinstance(parts, list) or not parts or not all(isinstance(part.get("text"), str) for part in parts):
        return "content.parts must hold text."
    if item.get("model") not in (None, f"models/{model}"):
        return f"model {item.get('model')!r} does not match the URL's models/{model}."
    dimension = item.get("outputDimensionality")
    if dimension is not None and not (isinstance(dimension, int) and 1 <= dimension <= FULL_DIMENSION):
        return f"outputDimensionality must be between 1 and {FULL_DIMENSION}."
    return None


def _candidate(text: str, finish_reason: str | None) -> dict[str, Any]:
    candidate: dict[str, Any] = {"index": 0}
    if text:
        candidate["content"] = {"role": "model", "parts": [{"text": text}]}
    if finish_reason:
        candidate["finishReason"] = finish_reason
    return candidate


def _final_response(script: GenerationScript, text: str, usage: dict[str, int]) -> dict[str, Any]:
    if script.block_reason:
        return {"promptFeedback": {"blockReason": script.block_reason}, "usageMetadata": _prompt_usage(usage)}
    if script.empty_candidates:
        return {"candidates": [], "usageMetadata": _prompt_usage(usage), "modelVersion": script.model_version}
    return {
        "candidates": [_candidate(text, script.finish_reason)],
        "usageMetadata": usage,
        "modelVersion": script.model_version,
        "responseId": "fake-response",
    }


def _prompt_usage(usage: dict[str, int]) -> dict[str, int]:
    return {"promptTokenCount": usage["promptTokenCount"], "totalTokenCount": usage["promptTokenCount"]}


def _stream_events(script: GenerationScript, chunks: list[str], usage: dict[str, int]) -> list[dict[str, Any]]:
    """Every SSE event of one stream, each a full response chunk carrying a text delta."""
    if script.block_reason or script.empty_candidates:
        return [_final_response(script, "", usage)]
    events: list[dict[str, Any]] = []
    for index, chunk in enumerate(chunks):
        if script.error_after is not None and index == script.error_after:
            break
        last = index == len(chunks) - 1
        events.append(
            {
                "candidates": [_candidate(chunk, script.finish_reason if last else None)],
                "usageMetadata": usage if last else _prompt_usage(usage),
                "modelVersion": script.model_version,
                "responseId": "fake-response",
            }
        )
    if script.error_after is not None:
        # "error" must be the first key: the SDK detects error frames by that prefix.
        events.append(gemini_error(script.error_status, script.error_message))
    elif not chunks:
        events.append(
            {
                "candidates": [_candidate("", script.finish_reason)],
                "usageMetadata": usage,
                "modelVersion": script.model_version,
            }
        )
    return events
