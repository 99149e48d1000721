"""Pinecone serverless as the vector store, through the `pinecone` SDK v10 (REST data plane).

One namespace per bot; record ids are `<document_id>:<chunk_index>`. Requests are kept inside
Pinecone's limits (1,000 records and 2 MB per upsert, 40 KB of metadata per record, 1,000 ids
per delete) and every SDK failure surfaces as a ProviderError.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import httpx
import numpy as np
from pinecone import Pinecone, ServerlessSpec
from pinecone import errors as pc_errors

from chatsphere import metrics
from chatsphere.ai.types import Metadata, ProviderError, VectorMatch, VectorRecord

T = TypeVar("T")

MAX_RECORDS_PER_UPSERT = 1000
#: Pinecone rejects upserts over 2 MB; the estimate is exact JSON, the margin covers encoder differences.
MAX_UPSERT_BYTES = 2_000_000
#: Pinecone allows 40 KB of metadata per record.
MAX_METADATA_BYTES = 40_000
MAX_IDS_PER_DELETE = 1000
MAX_TOP_K = 10_000
LIST_PAGE_SIZE = 100
TEXT_FIELD = "text"


def _json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def _clean_value(value: Any) -> Any:
    """A metadata value Pinecone accepts (string, finite number, bool, list of strings), or None to drop it."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int | float | np.integer | np.floating):
        number = value.item() if isinstance(value, np.generic) else value
        return number if math.isfinite(number) else None
    if isinstance(value, list | tuple | set | frozenset):
        return [str(item) for item in value if item is not None]
    return str(value)


def _truncate_utf8(text: str, max_bytes: int) -> str:
    return text.encode()[: max(0, max_bytes)].decode(errors="ignore")


def clean_metadata(record: VectorRecord, max_bytes: int = MAX_METADATA_BYTES) -> dict[str, Any]:
    """Pinecone-safe metadata for a record: no nulls, only supported types, always a `document_id`,
    and at most `max_bytes` of JSON (the `text` field is shortened when it has to be)."""
    metadata = {key: cleaned for key, value in record.metadata.items() if (cleaned := _clean_value(value)) is not None}
    metadata.setdefault("document_id", record.id.rsplit(":", 1)[0])
    excess = _json_size(metadata) - max_bytes
    text = metadata.get(TEXT_FIELD)
    if excess > 0 and isinstance(text, str):
        # JSON escapes can make the encoded text longer than its UTF-8 bytes, so shrink until it fits.
        while excess > 0 and text:
            text = _truncate_utf8(text, len(text.encode()) - excess)
            metadata[TEXT_FIELD] = text
            excess = _json_size(metadata) - max_bytes
    if excess > 0:
        raise ValueError(f"The metadata of record {record.id!r} is over {max_bytes} bytes even without its text.")
    return metadata


def _vector_list(values: np.ndarray | Sequence[float]) -> list[float]:
    array = np.asarray(values, dtype=np.float32).reshape(-1)
    if array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError("Vectors must be non-empty and hold finite numbers only.")
    return array.tolist()


def _batches_by_size(items: list[dict[str, Any]], max_count: int, max_bytes: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    overhead = 64  # the `{"vectors":[…],"namespace":"…"}` envelope, with room for a long namespace
    for item in items:
        item_size = _json_size(item) + 1  # plus its comma
        if batch and (len(batch) >= max_count or size + item_size + overhead > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item_size
    if batch:
        yield batch


def _chunk_index(record_id: str) -> int:
    tail = record_id.rpartition(":")[2]
    return int(tail) if tail.isdigit() else -1


def _status_code(error: pc_errors.ApiError) -> str:
    if isinstance(error, pc_errors.RateLimitError):
        return "rate_limited"
    if isinstance(error, pc_errors.ServiceError):
        return "unavailable"
    if isinstance(error, pc_errors.UnauthorizedError | pc_errors.ForbiddenError):
        return "auth"
    if isinstance(error, pc_errors.NotFoundError):
        return "not_found"
    if isinstance(error, pc_errors.PayloadTooLargeError):
        return "payload_too_large"
    return "timeout" if error.status_code == 408 else "bad_request"


def pinecone_provider_error(error: Exception, *, operation: str, api_key: str = "") -> ProviderError | None:
    """The ProviderError for an exception raised by the pinecone SDK, or None when it is not one of its failures."""
    if isinstance(error, pc_errors.ApiError):
        status = int(error.status_code or 0)
        transient = isinstance(error, pc_errors.RateLimitError | pc_errors.ServiceError) or status in {408, 429}
        transient = transient or status >= 500
        code, detail = _status_code(error), f"HTTP {status}: {error.message}"
    elif isinstance(error, pc_errors.PineconeTimeoutError | httpx.TimeoutException):
        transient, code, detail = True, "timeout", "the request timed out"
    elif isinstance(error, pc_errors.PineconeConnectionError | httpx.TransportError):
        transient, code, detail = True, "connection", f"connection error ({error})"
    elif isinstance(error, pc_errors.ResponseParsingError):
        transient, code, detail = False, "bad_response", str(error)
    elif isinstance(error, pc_errors.PineconeValueError | pc_errors.PineconeTypeError):
        transient, code, detail = False, "invalid_request", str(error)
    else:
        return None
    message = f"Pinecone {operation} failed: {detail}"
    if api_key:
        message = message.replace(api_key, "***")
    return ProviderError(message, transient=transient, code=code)


class PineconeStore:
    """`VectorStore` on one Pinecone serverless index. The SDK already retries 408/429/5xx and
    connection errors (4 attempts, honouring Retry-After); what still fails becomes a ProviderError."""

    name = "pinecone"

    def __init__(
        self,
        api_key: str,
        index_host: str,
        *,
        timeout_seconds: float = 30.0,
        max_upsert_bytes: int = MAX_UPSERT_BYTES,
        max_records_per_upsert: int = MAX_RECORDS_PER_UPSERT,
        max_metadata_bytes: int = MAX_METADATA_BYTES,
    ) -> None:
        if not api_key or not index_host:
            raise ValueError("PineconeStore needs an API key and the index host.")
        self._api_key = api_key
        self._max_upsert_bytes = max_upsert_bytes
        self._max_records = min(max_records_per_upsert, MAX_RECORDS_PER_UPSERT)
        self._max_metadata_bytes = max_metadata_bytes
        # `host=` skips the control plane: the data plane is all this store needs.
        self._index = Pinecone(api_key=api_key, timeout=timeout_seconds).Index(host=index_host)

    def _call(self, operation: str, call: Callable[[], T], *, missing_ok: bool = False, default: Any = None) -> T:
        try:
            return call()
        except Exception as error:
            if missing_ok and isinstance(error, pc_errors.NotFoundError):
                return default  # a namespace that was never written to
            mapped = pinecone_provider_error(error, operation=operation, api_key=self._api_key)
            if mapped is None:
                raise
            # The SDK has already retried what it retries; the caller's task may try again later.
            metrics.provider_failed(
                provider="pinecone", operation=operation, code=mapped.code, transient=mapped.transient, retrying=False
            )
            raise mapped from error

    # --- writes ----------------------------------------------------------------------------

    def upsert(self, *, namespace: str, records: Sequence[VectorRecord]) -> int:
        items = [
            {"id": r.id, "values": _vector_list(r.values), "metadata": clean_metadata(r, self._max_metadata_bytes)}
            for r in records
        ]
        upserted = 0
        for batch in _batches_by_size(items, self._max_records, self._max_upsert_bytes):
            response = self._call("upsert", functools.partial(self._index.upsert, vectors=batch, namespace=namespace))
            upserted += int(response.upserted_count or 0)
        return upserted

    def delete_ids(self, *, namespace: str, ids: Sequence[str]) -> None:
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), MAX_IDS_PER_DELETE):
            batch = unique[start : start + MAX_IDS_PER_DELETE]
            self._call("delete", functools.partial(self._index.delete, ids=batch, namespace=namespace), missing_ok=True)

    def delete_document(self, *, namespace: str, document_id: str) -> None:
        # By id prefix rather than by metadata filter: list + delete-by-id works on every serverless
        # index, while delete-by-filter is refused on serverless indexes of older API versions.
        self.delete_ids(namespace=namespace, ids=self.list_document_ids(namespace=namespace, document_id=document_id))

    def delete_namespace(self, *, namespace: str) -> None:
        self._call(
            "namespace delete", lambda: self._index.delete(delete_all=True, namespace=namespace), missing_ok=True
        )

    # --- reads -----------------------------------------------------------------------------

    def list_document_ids(self, *, namespace: str, document_id: str) -> list[str]:
        def collect() -> list[str]:
            pages = self._index.list(prefix=f"{document_id}:", limit=LIST_PAGE_SIZE, namespace=namespace)
            return [item.id for page in pages for item in page.vectors if item.id]

        return self._call("list", collect, missing_ok=True, default=[])

    def query(
        self,
        *,
        namespace: str,
        vector: np.ndarray | Sequence[float],
        top_k: int,
        document_id: str | None = None,
        include_metadata: bool = True,
    ) -> list[VectorMatch]:
        if top_k <= 0:
            return []
        values = _vector_list(vector)
        flt = {"document_id": {"$eq": document_id}} if document_id is not None else None
        response = self._call(
            "query",
            lambda: self._index.query(
                vector=values,
                top_k=min(top_k, MAX_TOP_K),
                namespace=namespace,
                filter=flt,
                include_metadata=include_metadata,
                include_values=False,
            ),
            missing_ok=True,
        )
        if response is None:
            return []
        return [self._match(match, include_metadata) for match in response.matches]

    @staticmethod
    def _match(match: Any, include_metadata: bool) -> VectorMatch:
        if include_metadata:
            metadata: Metadata = dict(match.metadata or {})
        else:
            # Without the metadata transfer, the id still says which chunk this is.
            document_id, _, _ = match.id.rpartition(":")
            metadata = {"document_id": document_id, "chunk_index": _chunk_index(match.id)}
        return VectorMatch(id=match.id, score=float(match.score), metadata=metadata)


def ensure_index(
    api_key: str,
    name: str,
    dimension: int,
    metric: str = "cosine",
    cloud: str = "aws",
    region: str = "us-east-1",
    controller_host: str | None = None,
    *,
    ready_timeout_seconds: int = 300,
) -> str:
    """Create the serverless index when it does not exist (idempotent); return its data-plane host.

    An existing index of another dimension or metric is an error: its vectors could not be searched
    with this embedder's.
    """
    client = Pinecone(api_key=api_key, host=controller_host or None)

    def create_or_describe() -> Any:
        if not client.has_index(name):
            # A conflict means another process created it meanwhile.
            with contextlib.suppress(pc_errors.ConflictError):
                client.create_index(
                    name=name,
                    dimension=dimension,
                    metric=metric,
                    spec=ServerlessSpec(cloud=cloud, region=region),
                    timeout=ready_timeout_seconds,
                )
        return client.describe_index(name)

    try:
        description = create_or_describe()
    except Exception as error:
        mapped = pinecone_provider_error(error, operation="index setup", api_key=api_key)
        if mapped is None:
            raise
        raise mapped from error
    if description.dimension != dimension:
        raise ProviderError(
            f"Pinecone index {name!r} has dimension {description.dimension}, not {dimension}; "
            "create a new index for this embedder.",
            transient=False,
            code="index_mismatch",
        )
    if not description.host:
        raise ProviderError(f"Pinecone index {name!r} has no host yet.", transient=True, code="not_ready")
    return str(description.host)
