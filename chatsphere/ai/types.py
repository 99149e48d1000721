"""Plain data types and protocols shared by the provider adapters.

Adapters know nothing of Django models: they take and return these values, so the
domain code can swap Gemini for the offline engines (or Pinecone for the local store)
by settings alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np

MetadataValue = str | int | float | bool | list[str]
Metadata = dict[str, MetadataValue]


class ProviderError(Exception):
    """An external provider failed. `transient` errors (429, 5xx, timeouts) are worth retrying."""

    def __init__(self, message: str, *, transient: bool, code: str = "provider_error") -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.code = code


# --- embeddings -------------------------------------------------------------------------


@runtime_checkable
class Embedder(Protocol):
    """Turns text into unit-length float32 vectors of a fixed dimension."""

    #: Stable identifier recorded on each bot/document (e.g. "offline-hash-v1",
    #: "gemini:gemini-embedding-001"); a change means vectors must be rebuilt.
    name: str
    dimension: int

    def embed_documents(self, texts: Sequence[str], *, titles: Sequence[str] | None = None) -> np.ndarray:
        """Return an array of shape (len(texts), dimension), dtype float32, rows L2-normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Return one vector of shape (dimension,), dtype float32, L2-normalised."""
        ...


# --- vector stores ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VectorRecord:
    id: str
    values: np.ndarray | Sequence[float]
    metadata: Metadata = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VectorMatch:
    id: str
    score: float
    metadata: Metadata = field(default_factory=dict)


@runtime_checkable
class VectorStore(Protocol):
    """One namespace per bot. Record ids are `<document_id>:<chunk_index>`; metadata always
    carries `document_id` so a document's vectors can be found and removed."""

    name: str

    def upsert(self, *, namespace: str, records: Sequence[VectorRecord]) -> int: ...

    def query(
        self,
        *,
        namespace: str,
        vector: np.ndarray | Sequence[float],
        top_k: int,
        document_id: str | None = None,
        include_metadata: bool = True,
    ) -> list[VectorMatch]:
        """Best matches first, by cosine similarity; only in `document_id` when given.

        Without `include_metadata`, matches carry only `document_id` and `chunk_index` (callers that
        read the chunks from the database skip the transfer of the stored text).
        """
        ...

    def delete_ids(self, *, namespace: str, ids: Sequence[str]) -> None: ...

    def delete_document(self, *, namespace: str, document_id: str) -> None: ...

    def delete_namespace(self, *, namespace: str) -> None: ...

    def list_document_ids(self, *, namespace: str, document_id: str) -> list[str]:
        """Ids of every record of one document (used to remove stale chunks on re-ingest)."""
        ...


@runtime_checkable
class BatchVectorStore(VectorStore, Protocol):
    """A store that answers many queries of one namespace together more cheaply than one by one
    (the local store: one matrix product instead of one pass over the matrix per question)."""

    def query_many(
        self,
        *,
        namespace: str,
        vectors: Sequence[np.ndarray | Sequence[float]],
        top_k: int,
        document_id: str | None = None,
        include_metadata: bool = True,
    ) -> list[list[VectorMatch]]:
        """`query` for each vector, results in the vectors' order."""
        ...


# --- language models --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChatTurn:
    role: Literal["user", "model"]
    text: str


@dataclass(frozen=True, slots=True)
class SourcePassage:
    """A numbered source given to the model; `number` is what the answer cites as [n]."""

    number: int
    title: str
    text: str
    page: int | None = None
    #: An answer the bot's owner wrote for this question: used as it is.
    curated: bool = False


@dataclass(frozen=True, slots=True)
class LLMRequest:
    model: str
    system_instruction: str
    #: Conversation so far, oldest first; the last turn is the user's question with its
    #: fenced sources already rendered into it.
    contents: Sequence[ChatTurn]
    #: The question alone and the sources as data, for engines that answer without a model.
    question: str
    sources: Sequence[SourcePassage] = ()
    temperature: float = 0.2
    max_output_tokens: int = 1024
    timeout_seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class Completion:
    """Last event of a successful stream."""

    finish_reason: str
    input_tokens: int = 0
    output_tokens: int = 0
    model: str = ""
    #: (source number, sentence) for each sentence quoted verbatim from a source, when the engine
    #: knows them (the offline answerer); empty for a model's own words.
    quotes: tuple[tuple[int, str], ...] = ()


LLMEvent = TextDelta | Completion


@runtime_checkable
class LLM(Protocol):
    name: str

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMEvent]:
        """Yield TextDelta events as text arrives, then one Completion.

        Raises ProviderError; a transient one raised before the first TextDelta may be retried
        by the caller, never after (the visitor has already seen tokens).
        """
        ...
