"""Chooses the provider of each kind from settings (ARCHITECTURE §2).

`auto` picks Gemini when GEMINI_API_KEY is set and Pinecone when PINECONE_API_KEY and
PINECONE_INDEX_HOST are set, the offline engines and the local store otherwise. Instances are
shared per process (the local store's matrix cache and the SDK clients' connection pools live
in them) and rebuilt when the settings they depend on change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from chatsphere.ai.types import LLM, Embedder, VectorStore

T = TypeVar("T")
_instances: dict[tuple[str, Hashable], Any] = {}
_lock = threading.Lock()


def _shared(kind: str, key: Hashable, build: Callable[[], T]) -> T:
    # Every question asks for its providers several times: the common case takes no lock.
    instance = _instances.get((kind, key))
    if instance is not None:
        return instance
    with _lock:
        instance = _instances.get((kind, key))
        if instance is None:
            instance = build()
            # Only one instance of a kind is kept: a settings change replaces it.
            for existing in [k for k in _instances if k[0] == kind]:
                del _instances[existing]
            _instances[(kind, key)] = instance
        return instance


def _choice(setting: str, remote: str, local: str, remote_configured: bool) -> str:
    value = (getattr(settings, setting) or "auto").lower()
    if value == "auto":
        return remote if remote_configured else local
    if value not in {remote, local}:
        raise ImproperlyConfigured(f"{setting} must be auto, {remote} or {local}; got {value!r}.")
    if value == remote and not remote_configured:
        raise ImproperlyConfigured(f"{setting}={remote} needs its API key (and host) to be set.")
    return value


def embedder_kind() -> str:
    return _choice("CHATSPHERE_EMBEDDINGS", "gemini", "offline", bool(settings.GEMINI_API_KEY))


def vector_store_kind() -> str:
    configured = bool(settings.PINECONE_API_KEY and settings.PINECONE_INDEX_HOST)
    return _choice("CHATSPHERE_VECTORSTORE", "pinecone", "local", configured)


def llm_kind() -> str:
    return _choice("CHATSPHERE_LLM", "gemini", "offline", bool(settings.GEMINI_API_KEY))


def get_embedder() -> Embedder:
    kind = embedder_kind()
    dimension = settings.EMBEDDING_DIMENSION
    if kind == "gemini":
        key = (
            kind,
            settings.GEMINI_API_KEY,
            settings.GEMINI_BASE_URL,
            settings.GEMINI_EMBEDDING_MODEL,
            dimension,
            settings.CHATSPHERE_PROVIDER_RETRY_DELAY,
        )

        def build() -> Embedder:
            from chatsphere.ai.gemini_embedder import GeminiEmbedder

            return GeminiEmbedder(
                api_key=settings.GEMINI_API_KEY,
                model=settings.GEMINI_EMBEDDING_MODEL,
                dimension=dimension,
                base_url=settings.GEMINI_BASE_URL,
                retry_initial_delay=settings.CHATSPHERE_PROVIDER_RETRY_DELAY,
            )

        return _shared("embedder", key, build)

    def build_offline() -> Embedder:
        from chatsphere.ai.offline_embedder import OfflineEmbedder

        return OfflineEmbedder(dimension=dimension)

    return _shared("embedder", (kind, dimension), build_offline)


def get_vector_store() -> VectorStore:
    kind = vector_store_kind()
    if kind == "pinecone":
        key = (kind, settings.PINECONE_API_KEY, settings.PINECONE_INDEX_HOST)

        def build() -> VectorStore:
            from chatsphere.ai.pinecone_store import PineconeStore

            return PineconeStore(api_key=settings.PINECONE_API_KEY, index_host=settings.PINECONE_INDEX_HOST)

        return _shared("vector_store", key, build)

    def build_local() -> VectorStore:
        from chatsphere.ai.local_store import LocalStore

        return LocalStore(cache_bytes=settings.CHATSPHERE_VECTOR_CACHE_MB * 1024 * 1024)

    return _shared("vector_store", (kind, settings.CHATSPHERE_VECTOR_CACHE_MB), build_local)


def get_llm() -> LLM:
    kind = llm_kind()
    if kind == "gemini":
        key = (kind, settings.GEMINI_API_KEY, settings.GEMINI_BASE_URL)

        def build() -> LLM:
            from chatsphere.ai.gemini_llm import GeminiLLM

            return GeminiLLM(
                api_key=settings.GEMINI_API_KEY,
                base_url=settings.GEMINI_BASE_URL,
                retry_initial_delay=settings.CHATSPHERE_PROVIDER_RETRY_DELAY,
            )

        return _shared("llm", key, build)

    def build_offline() -> LLM:
        from chatsphere.ai.offline_answerer import OfflineAnswerer

        return OfflineAnswerer()

    return _shared("llm", (kind,), build_offline)


def reset_providers() -> None:
    """Forget shared instances (tests that switch providers call this)."""
    with _lock:
        _instances.clear()
