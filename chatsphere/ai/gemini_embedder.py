"""Gemini embeddings through google-genai (Developer API, `batchEmbedContents`).

Also home of the Gemini client factory and error mapping that the Gemini LLM adapter shares.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence

import httpx
import numpy as np
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from chatsphere import metrics
from chatsphere.ai.types import ProviderError

try:  # google-genai's default transport since 3.0; plain httpx when it is missing
    import httpx2
except ImportError:  # pragma: no cover - depends on the installed extras
    httpx2 = None  # type: ignore[assignment]  # an optional extra

try:  # the SDK switches its async calls to aiohttp whenever aiohttp is importable
    import aiohttp
except ImportError:
    aiohttp = None

MAX_BATCH = 100  # batchEmbedContents rejects more requests per call
_TIMEOUTS: tuple[type[BaseException], ...] = (httpx.TimeoutException, asyncio.TimeoutError) + (
    (httpx2.TimeoutException,) if httpx2 else ()
)
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    (httpx.TransportError,) + ((httpx2.TransportError,) if httpx2 else ()) + ((aiohttp.ClientError,) if aiohttp else ())
)


def gemini_client(*, api_key: str, base_url: str | None = None, timeout_seconds: float | None = None) -> genai.Client:
    """A client that makes one attempt per call: the adapters retry themselves, so that every
    transient failure (a dropped connection too, which the SDK's retry options skip) is covered."""
    if not api_key:
        # Without a key the SDK would silently fall back to GOOGLE_API_KEY / GEMINI_API_KEY.
        raise ValueError("A Gemini API key is required.")
    options = types.HttpOptions(
        base_url=base_url or None,
        timeout=int(timeout_seconds * 1000) if timeout_seconds else None,  # the SDK counts milliseconds
    )
    return genai.Client(api_key=api_key, http_options=options)


def backoff_delay(attempt: int, initial: float, maximum: float) -> float:
    """Exponential backoff with jitter before retry number `attempt` (1-based)."""
    base = min(maximum, initial * 2 ** (attempt - 1))
    return base * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not security


def _status_code(status: int, message: str) -> str:
    if status == 429:
        return "rate_limited"
    if status == 408:
        return "timeout"
    if status >= 500:
        return "unavailable"
    if status in {401, 403} or "API key" in message:
        return "auth"
    if status == 404:
        return "not_found"
    return "bad_request"


def gemini_provider_error(error: BaseException, *, operation: str, api_key: str = "") -> ProviderError | None:
    """The ProviderError for an exception raised by google-genai, or None when it is not a provider failure.

    429, 408, 5xx, timeouts and connection errors are transient; other 4xx are not.
    """
    if isinstance(error, genai_errors.APIError):
        return provider_error_for_status(
            int(error.code or 0), error.status or "", error.message or "", operation=operation, api_key=api_key
        )
    if isinstance(error, _TIMEOUTS):
        detail, transient, code = "the request timed out", True, "timeout"
    elif isinstance(error, _CONNECTION_ERRORS):
        detail, transient, code = f"connection error ({type(error).__name__}: {error})", True, "connection"
    else:
        return None
    return _provider_error(f"Gemini {operation} failed: {detail}", transient=transient, code=code, api_key=api_key)


def provider_error_for_status(
    status: int, status_name: str, message: str, *, operation: str, api_key: str = ""
) -> ProviderError:
    """The ProviderError for Gemini's error reply `{"error": {"code", "status", "message"}}`:
    429, 408 and 5xx are transient; other 4xx are not."""
    detail = f"HTTP {status} {status_name}".rstrip() + (f": {message}" if message else "")
    transient = status in {408, 429} or status >= 500
    return _provider_error(
        f"Gemini {operation} failed: {detail}", transient=transient, code=_status_code(status, message), api_key=api_key
    )


def _provider_error(message: str, *, transient: bool, code: str, api_key: str) -> ProviderError:
    if api_key:
        message = message.replace(api_key, "***")
    return ProviderError(message, transient=transient, code=code)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    if np.any(norms == 0) or not np.all(np.isfinite(norms)):
        raise ProviderError("Gemini returned an empty or invalid embedding.", transient=False, code="bad_response")
    return (vectors / norms).astype(np.float32)


class GeminiEmbedder:
    """`Embedder` on Gemini. 408/429/5xx, timeouts and connection errors are retried with
    exponential backoff (from `retry_initial_delay`) up to `max_attempts`, then raise ProviderError."""

    def __init__(
        self,
        api_key: str,
        model: str = "gemini-embedding-001",
        dimension: int = 768,
        base_url: str | None = None,
        timeout_seconds: float = 30,
        max_attempts: int = 4,
        *,
        retry_initial_delay: float = 1.0,
        retry_max_delay: float = 30.0,
    ) -> None:
        self.model = model
        self.dimension = dimension
        self.name = f"gemini:{model}:{dimension}"
        self._api_key = api_key
        self._max_attempts = max(1, max_attempts)
        self._retry_initial_delay = retry_initial_delay
        self._retry_max_delay = retry_max_delay
        self._client = gemini_client(api_key=api_key, base_url=base_url, timeout_seconds=timeout_seconds)

    def embed_documents(self, texts: Sequence[str], *, titles: Sequence[str] | None = None) -> np.ndarray:
        if titles is not None and len(titles) != len(texts):
            raise ValueError("titles must be as many as texts.")
        result = np.empty((len(texts), self.dimension), dtype=np.float32)
        # The title is one field of the request config, so texts are grouped by title.
        groups: dict[str, list[int]] = {}
        for index in range(len(texts)):
            groups.setdefault(titles[index] if titles is not None else "", []).append(index)
        for title, indices in groups.items():
            for start in range(0, len(indices), MAX_BATCH):
                batch = indices[start : start + MAX_BATCH]
                vectors = self._embed([texts[i] for i in batch], task_type="RETRIEVAL_DOCUMENT", title=title)
                result[batch] = vectors
        return result

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text], task_type="RETRIEVAL_QUERY")[0]

    def _embed(self, texts: list[str], *, task_type: str, title: str = "") -> np.ndarray:
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._embed_once(texts, task_type=task_type, title=title)
            except ProviderError as error:
                retrying = error.transient and attempt < self._max_attempts
                metrics.provider_failed(
                    provider="gemini",
                    operation="embedding",
                    code=error.code,
                    transient=error.transient,
                    retrying=retrying,
                )
                if not retrying:
                    raise
            time.sleep(backoff_delay(attempt, self._retry_initial_delay, self._retry_max_delay))

    def _embed_once(self, texts: list[str], *, task_type: str, title: str) -> np.ndarray:
        config = types.EmbedContentConfig(
            task_type=task_type, title=title or None, output_dimensionality=self.dimension
        )
        try:
            response = self._client.models.embed_content(model=self.model, contents=texts, config=config)  # type: ignore[arg-type]  # list[str] is a contents list; the stub's union of lists rejects it (invariance)
        except Exception as error:
            mapped = gemini_provider_error(error, operation="embedding", api_key=self._api_key)
            if mapped is None:
                raise
            raise mapped from error
        embeddings = response.embeddings or []
        vectors = [embedding.values or [] for embedding in embeddings]
        if len(vectors) != len(texts) or any(len(values) != self.dimension for values in vectors):
            raise ProviderError(
                f"Gemini returned {len(vectors)} embeddings for {len(texts)} texts, or not of {self.dimension} "
                "dimensions.",
                transient=False,
                code="bad_response",
            )
        return _normalise(np.asarray(vectors, dtype=np.float64))
