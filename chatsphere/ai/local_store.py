"""The local vector store: vectors in the project's database, searched exactly with numpy.

Each namespace (bot) is kept in memory as one float32 matrix, loaded on first search and
reloaded only when the namespace's generation has moved (any process's write moves it), so a
search costs one indexed lookup plus a matrix-vector product. `query_many` answers the questions
of many visitors with one matrix product: reading the matrix once for all of them is what makes
the local store keep up with a crowd.

The matrices a process keeps are bounded by a byte budget (`cache_bytes`, from
`CHATSPHERE_VECTOR_CACHE_MB`): loading one more bot than fits evicts the bots searched least
recently, which are read again from the database when next asked. A single namespace larger
than the whole budget is still searched (it is loaded, used, and the first to go).
"""

from __future__ import annotations

import json
import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import F

from chatsphere.ai.models import StoredVector, VectorNamespace
from chatsphere.ai.types import VectorMatch, VectorRecord


@dataclass(frozen=True, slots=True)
class _Matrix:
    generation: int
    namespace_pk: int
    pks: np.ndarray  # row ids, to fetch the metadata of the best matches
    ids: np.ndarray  # object array of vector ids
    document_ids: np.ndarray  # object array, for the per-document filter
    vectors: np.ndarray  # (n, dimension) float32

    @property
    def nbytes(self) -> int:
        """Memory held: the arrays, and the id strings the object arrays point to."""
        strings = sum(sys.getsizeof(value) for value in self.ids) + sum(
            sys.getsizeof(value) for value in self.document_ids
        )
        return self.vectors.nbytes + self.pks.nbytes + self.ids.nbytes + self.document_ids.nbytes + strings


_EMPTY = np.empty((0, 0), dtype=np.float32)


def _as_float32(values: np.ndarray | Sequence[float]) -> np.ndarray:
    array = np.asarray(values, dtype=np.float32).reshape(-1)
    if not np.all(np.isfinite(array)):
        raise ValueError("Vectors must contain finite numbers only.")
    return array


class LocalStore:
    name = "local"

    def __init__(self, *, cache_bytes: int = 0) -> None:
        #: Most recently searched last; at most `cache_bytes` in all (0: no budget).
        self._cache: OrderedDict[str, tuple[_Matrix, int]] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._lock = threading.Lock()
        # One load at a time: concurrent first searches would each read the whole namespace.
        self._load_lock = threading.Lock()

    # --- writes ----------------------------------------------------------------------------

    @staticmethod
    def _bump(namespace_pk: int) -> None:
        VectorNamespace.objects.filter(pk=namespace_pk).update(generation=F("generation") + 1)

    def upsert(self, *, namespace: str, records: Sequence[VectorRecord]) -> int:
        if not records:
            return 0
        dimension = None
        rows = []
        for record in records:
            values = _as_float32(record.values)
            if dimension is None:
                dimension = values.shape[0]
            elif values.shape[0] != dimension:
                raise ValueError("All vectors of one upsert must have the same dimension.")
            document_id = str(record.metadata.get("document_id", record.id.split(":", 1)[0]))
            rows.append((record.id, document_id, values.tobytes(), dict(record.metadata)))
        with transaction.atomic():
            space, _ = VectorNamespace.objects.get_or_create(name=namespace)
            StoredVector.objects.bulk_create(
                [
                    StoredVector(namespace=space, vector_id=vid, document_id=doc, values=blob, metadata=meta)
                    for vid, doc, blob, meta in rows
                ],
                batch_size=500,
                update_conflicts=True,
                unique_fields=["namespace", "vector_id"],
                update_fields=["document_id", "values", "metadata"],
            )
            self._bump(space.pk)
        return len(rows)

    def delete_ids(self, *, namespace: str, ids: Sequence[str]) -> None:
        if not ids:
            return
        with transaction.atomic():
            space = VectorNamespace.objects.filter(name=namespace).first()
            if space is None:
                return
            for start in range(0, len(ids), 500):
                StoredVector.objects.filter(namespace=space, vector_id__in=list(ids[start : start + 500])).delete()
            self._bump(space.pk)

    def delete_document(self, *, namespace: str, document_id: str) -> None:
        with transaction.atomic():
            space = VectorNamespace.objects.filter(name=namespace).first()
            if space is None:
                return
            StoredVector.objects.filter(namespace=space, document_id=document_id).delete()
            self._bump(space.pk)

    def delete_namespace(self, *, namespace: str) -> None:
        VectorNamespace.objects.filter(name=namespace).delete()
        with self._lock:
            self._cache.pop(namespace, None)

    # --- reads -----------------------------------------------------------------------------

    def list_document_ids(self, *, namespace: str, document_id: str) -> list[str]:
        return list(
            StoredVector.objects.filter(namespace__name=namespace, document_id=document_id)
            .order_by("vector_id")
            .values_list("vector_id", flat=True)
        )

    def count(self, *, namespace: str) -> int:
        return StoredVector.objects.filter(namespace__name=namespace).count()

    def _current(self, namespace: str) -> tuple[int, int] | None:
        # Raw SQL: this runs on every search, and the ORM would double its cost.
        table = connection.ops.quote_name(VectorNamespace._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, generation FROM {table} WHERE name = %s", [namespace])  # noqa: S608 - model's table  # nosec B608
            row = cursor.fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def _matrix(self, namespace: str) -> _Matrix | None:
        current = self._current(namespace)
        if current is None:
            with self._lock:
                self._cache.pop(namespace, None)
            return None
        namespace_pk, generation = current
        cached = self._cached(namespace, namespace_pk, generation)
        if cached is not None:
            return cached
        with self._load_lock:
            cached = self._cached(namespace, namespace_pk, generation)
            if cached is not None:
                return cached  # loaded by another thread meanwhile
            return self._load(namespace, namespace_pk, generation)

    def _cached(self, namespace: str, namespace_pk: int, generation: int) -> _Matrix | None:
        with self._lock:
            entry = self._cache.get(namespace)
            if entry is None or entry[0].generation != generation or entry[0].namespace_pk != namespace_pk:
                return None
            self._cache.move_to_end(namespace)
            return entry[0]

    def _keep(self, namespace: str, matrix: _Matrix) -> None:
        """Cache the matrix, then evict the least recently searched ones beyond the budget."""
        size = matrix.nbytes
        with self._lock:
            self._cache.pop(namespace, None)
            self._cache[namespace] = (matrix, size)
            if not self._cache_bytes:
                return
            held = sum(entry[1] for entry in self._cache.values())
            while held > self._cache_bytes and len(self._cache) > 1:
                _, (_, evicted) = self._cache.popitem(last=False)
                held -= evicted

    def cached_namespaces(self) -> list[str]:
        """The namespaces held in memory, least recently searched first."""
        with self._lock:
            return list(self._cache)

    def cached_bytes(self) -> int:
        with self._lock:
            return sum(entry[1] for entry in self._cache.values())

    def _load(self, namespace: str, namespace_pk: int, generation: int) -> _Matrix:
        rows = list(
            StoredVector.objects.filter(namespace_id=namespace_pk)
            .order_by("pk")
            .values_list("pk", "vector_id", "document_id", "values")
        )
        if rows:
            pks = np.array([row[0] for row in rows], dtype=np.int64)
            ids = np.array([row[1] for row in rows], dtype=object)
            document_ids = np.array([row[2] for row in rows], dtype=object)
            vectors = np.vstack([np.frombuffer(bytes(row[3]), dtype=np.float32) for row in rows])
        else:
            pks = np.empty(0, dtype=np.int64)
            ids = document_ids = np.empty(0, dtype=object)
            vectors = _EMPTY
        matrix = _Matrix(generation, namespace_pk, pks, ids, document_ids, vectors)
        self._keep(namespace, matrix)
        return matrix

    @staticmethod
    def _stored_metadata(pks: list[int]) -> dict[int, dict]:
        table = connection.ops.quote_name(StoredVector._meta.db_table)
        placeholders = ", ".join(["%s"] * len(pks))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, metadata FROM {table} WHERE id IN ({placeholders})", pks)  # noqa: S608 - only %s marks  # nosec B608
            rows = cursor.fetchall()
        return {int(pk): value if isinstance(value, dict) else json.loads(value) for pk, value in rows}

    def query(
        self,
        *,
        namespace: str,
        vector: np.ndarray | Sequence[float],
        top_k: int,
        document_id: str | None = None,
        include_metadata: bool = True,
    ) -> list[VectorMatch]:
        return self.query_many(
            namespace=namespace,
            vectors=[vector],
            top_k=top_k,
            document_id=document_id,
            include_metadata=include_metadata,
        )[0]

    def query_many(
        self,
        *,
        namespace: str,
        vectors: Sequence[np.ndarray | Sequence[float]],
        top_k: int,
        document_id: str | None = None,
        include_metadata: bool = True,
    ) -> list[list[VectorMatch]]:
        """`query` for several vectors at once (one matrix product), results in their order."""
        if not vectors:
            return []
        matrix = self._matrix(namespace)
        if matrix is None or matrix.ids.size == 0 or top_k <= 0:
            return [[] for _ in vectors]
        queries = np.stack([_as_float32(vector) for vector in vectors]) if len(vectors) > 1 else None
        if queries is None:
            queries = _as_float32(vectors[0])[np.newaxis, :]
        if queries.shape[1] != matrix.vectors.shape[1]:
            raise ValueError(
                f"The query has {queries.shape[1]} dimensions but this namespace holds {matrix.vectors.shape[1]}."
            )
        all_scores = queries @ matrix.vectors.T  # (questions, rows)
        return [self._best(matrix, scores, top_k, document_id, include_metadata) for scores in all_scores]

    def _best(
        self, matrix: _Matrix, scores: np.ndarray, top_k: int, document_id: str | None, include_metadata: bool
    ) -> list[VectorMatch]:
        if document_id is not None:
            scores[matrix.document_ids != document_id] = -np.inf
        k = min(top_k, scores.shape[0])
        best = np.argpartition(scores, scores.shape[0] - k)[-k:] if k < scores.shape[0] else np.arange(k)
        best = best[np.argsort(-scores[best], kind="stable")]
        best = best[np.isfinite(scores[best])]
        if best.size == 0:
            return []
        if include_metadata:
            stored = self._stored_metadata([int(pk) for pk in matrix.pks[best]])
            metadata = [stored.get(int(pk), {}) for pk in matrix.pks[best]]
        else:
            metadata = [
                {"document_id": str(matrix.document_ids[index]), "chunk_index": _chunk_index(str(matrix.ids[index]))}
                for index in best
            ]
        return [
            VectorMatch(id=str(matrix.ids[index]), score=float(scores[index]), metadata=meta)
            for index, meta in zip(best, metadata, strict=True)
        ]


def _chunk_index(record_id: str) -> int:
    _, _, tail = record_id.rpartition(":")
    return int(tail) if tail.isdigit() else -1
