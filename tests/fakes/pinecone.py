"""A fake Pinecone index (REST data plane, API 2026-07) plus the few control-plane calls that
creating and describing an index need, for the `pinecone` SDK v10 (v7 and v9 speak the same data plane).

State is in memory, per namespace (the empty namespace is `__default__`), and can be read
directly: `fake.vectors("bot-1") -> {id: (values, metadata)}`. Scoring is exact (cosine by
default), filters follow Pinecone's metadata filter language, and limits are enforced as the
service does (dimension, 1,000 vectors and 2 MB per upsert, 40 KB of metadata, topK <= 10,000).
Every injected fault carries `Retry-After: 0` so the SDK's retries do not sleep.
"""

from __future__ import annotations

import base64
import copy
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from tests.fakes.server import Exchange, FakeServer

DEFAULT_NAMESPACE = "__default__"
MAX_UPSERT_VECTORS = 1000
MAX_REQUEST_BYTES = 2 * 1024 * 1024
MAX_METADATA_BYTES = 40 * 1024
MAX_TOP_K = 10_000
MAX_IDS = 1000
MAX_LIST_LIMIT = 100
STATUS_CODES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    413: "OUT_OF_RANGE",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
INDEX_PATH = re.compile(r"^/indexes/(?P<name>[^/]+)$")
NAMESPACE_PATH = re.compile(r"^/namespaces/(?P<name>[^/]+)$")

Vectors = dict[str, tuple[list[float], dict[str, Any]]]


def pinecone_error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"code": STATUS_CODES.get(status, "UNKNOWN"), "message": message}, "status": status}


class RequestError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _ns(namespace: str | None) -> str:
    return namespace or DEFAULT_NAMESPACE


# --- metadata filters ---------------------------------------------------------------------

_MISSING = object()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    return left == right


def _any_equal(value: Any, target: Any) -> bool:
    """A list field matches when any of its elements does."""
    if isinstance(value, list):
        return any(_equal(item, target) for item in value)
    return value is not _MISSING and _equal(value, target)


def _compare(value: Any, operator: str, operand: Any) -> bool:
    if not _is_number(operand):
        raise RequestError(400, f"{operator} needs a number, got {operand!r}.")
    if not _is_number(value):
        return False
    return {"$gt": value > operand, "$gte": value >= operand, "$lt": value < operand, "$lte": value <= operand}[
        operator
    ]


def _operator_holds(value: Any, operator: str, operand: Any) -> bool:
    if operator == "$eq":
        return _any_equal(value, operand)
    if operator == "$ne":
        return not _any_equal(value, operand)
    if operator in {"$gt", "$gte", "$lt", "$lte"}:
        return _compare(value, operator, operand)
    if operator in {"$in", "$nin"}:
        if not isinstance(operand, list) or len(operand) > 10_000:
            raise RequestError(400, f"{operator} needs a list of at most 10000 values.")
        found = any(_any_equal(value, item) for item in operand)
        return found if operator == "$in" else not found
    if operator == "$exists":
        if not isinstance(operand, bool):
            raise RequestError(400, "$exists needs true or false.")
        return (value is not _MISSING) == operand
    raise RequestError(400, f"Unsupported filter operator {operator!r}.")


def filter_matches(metadata: Mapping[str, Any], expression: Mapping[str, Any]) -> bool:
    """Whether a record's metadata satisfies a Pinecone filter expression."""
    if not isinstance(expression, Mapping):
        raise RequestError(400, "A filter must be an object.")
    for key, condition in expression.items():
        if key in {"$and", "$or"}:
            if not isinstance(condition, list) or not condition:
                raise RequestError(400, f"{key} needs a non-empty list of filters.")
            results = [filter_matches(metadata, sub) for sub in condition]
            if not (all(results) if key == "$and" else any(results)):
                return False
            continue
        if key.startswith("$"):
            raise RequestError(400, f"Unsupported filter operator {key!r}.")
        value = metadata.get(key, _MISSING)
        if isinstance(condition, Mapping):
            if not condition:
                raise RequestError(400, f"The filter on {key!r} is empty.")
            if not all(_operator_holds(value, op, operand) for op, operand in condition.items()):
                return False
        elif not _operator_holds(value, "$eq", condition):  # a bare value means $eq
            return False
    return True


# --- validation ---------------------------------------------------------------------------


def _check_id(value: Any) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= 512:
        raise RequestError(400, f"Vector id must be a string of 1 to 512 characters, got {value!r}.")
    return value


def _check_metadata(vector_id: str, metadata: Any) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise RequestError(400, f"Metadata of vector {vector_id!r} must be an object.")
    for key, value in metadata.items():
        if value is None:
            raise RequestError(400, f"Metadata value for field {key!r} of vector {vector_id!r} must not be null.")
        valid = isinstance(value, str | bool) or (_is_number(value) and math.isfinite(value))
        valid = valid or (isinstance(value, list) and all(isinstance(item, str) for item in value))
        if not valid:
            raise RequestError(
                400,
                f"Metadata value for field {key!r} of vector {vector_id!r} must be a string, number, boolean "
                "or list of strings.",
            )
    size = len(json.dumps(metadata, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_METADATA_BYTES:
        raise RequestError(
            400, f"Metadata size is {size} bytes, which exceeds the limit of {MAX_METADATA_BYTES} bytes per vector."
        )
    return metadata


class FakePinecone(FakeServer):
    fault_headers = {"Retry-After": "0"}

    def __init__(self, *, dimension: int = 768, metric: str = "cosine", api_key: str | None = None) -> None:
        super().__init__()
        self.dimension = dimension
        self.metric = metric
        #: When set, requests must carry this `Api-Key` (401 otherwise).
        self.api_key = api_key
        self._namespaces: dict[str, Vectors] = {}
        self._indexes: dict[str, dict[str, Any]] = {}

    # --- inspection ------------------------------------------------------------------------

    def vectors(self, namespace: str = "") -> Vectors:
        """A copy of one namespace: {id: (values, metadata)}; empty when it does not exist."""
        with self._lock:
            return copy.deepcopy(self._namespaces.get(_ns(namespace), {}))

    def namespaces(self) -> list[str]:
        with self._lock:
            return sorted(self._namespaces)

    def index_names(self) -> list[str]:
        with self._lock:
            return sorted(self._indexes)

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self._namespaces.clear()
            self._indexes.clear()

    def error_body(self, status: int, message: str) -> Any:
        return pinecone_error(status, message)

    # --- routing ---------------------------------------------------------------------------

    def handle(self, exchange: Exchange) -> None:
        request = exchange.request
        if self.api_key is not None and request.headers.get("api-key") != self.api_key:
            exchange.send_json(401, pinecone_error(401, "Invalid API Key"))
            return
        try:
            status, body = self._route(request.method, request.path, exchange)
        except RequestError as error:
            status, body = error.status, pinecone_error(error.status, error.message)
        exchange.send_json(status, body)

    def _route(self, method: str, path: str, exchange: Exchange) -> tuple[int, Any]:
        request = exchange.request
        body = request.body if isinstance(request.body, dict) else {}
        routes = {
            ("POST", "/vectors/upsert"): lambda: self._upsert(body, request.size),
            ("POST", "/query"): lambda: self._query(body),
            ("POST", "/vectors/delete"): lambda: self._delete(body),
            ("GET", "/vectors/fetch"): lambda: self._fetch(request.query),
            ("GET", "/vectors/list"): lambda: self._list(request.query),
            ("POST", "/describe_index_stats"): lambda: self._stats(body),
            ("GET", "/describe_index_stats"): lambda: self._stats({}),
            ("GET", "/indexes"): lambda: (200, {"indexes": [copy.deepcopy(d) for d in self._indexes.values()]}),
            ("POST", "/indexes"): lambda: self._create_index(body),
        }
        if (method, path) in routes:
            with self._lock:
                return routes[(method, path)]()
        with self._lock:
            if match := INDEX_PATH.match(path):
                return self._index_resource(method, match["name"])
            if (match := NAMESPACE_PATH.match(path)) and method == "DELETE":
                if self._namespaces.pop(match["name"], None) is None:
                    raise RequestError(404, f"Namespace {match['name']} not found.")
                return 202, {}
        raise RequestError(404, f"Unknown endpoint {method} {path}.")

    # --- data plane ------------------------------------------------------------------------

    def _check_values(self, values: Any) -> list[float]:
        if not isinstance(values, list) or not all(_is_number(v) for v in values):
            raise RequestError(400, "Vector values must be a list of numbers.")
        if len(values) != self.dimension:
            raise RequestError(
                400, f"Vector dimension {len(values)} does not match the dimension of the index {self.dimension}"
            )
        return [float(v) for v in values]

    def _upsert(self, body: dict[str, Any], size: int) -> tuple[int, Any]:
        if size > MAX_REQUEST_BYTES:
            raise RequestError(413, f"Request size {size} bytes exceeds the maximum of {MAX_REQUEST_BYTES} bytes.")
        vectors = body.get("vectors")
        if not isinstance(vectors, list) or not vectors:
            raise RequestError(400, "Upsert needs at least one vector.")
        if len(vectors) > MAX_UPSERT_VECTORS:
            raise RequestError(400, f"Upsert of {len(vectors)} vectors exceeds the limit of {MAX_UPSERT_VECTORS}.")
        staged = {}
        for item in vectors:
            vector_id = _check_id(item.get("id") if isinstance(item, dict) else None)
            staged[vector_id] = (
                self._check_values(item.get("values")),
                _check_metadata(vector_id, item.get("metadata")),
            )
        self._namespaces.setdefault(_ns(body.get("namespace")), {}).update(staged)
        return 200, {"upsertedCount": len(vectors)}

    def _scores(self, rows: list[list[float]], query: list[float]) -> list[float]:
        if not rows:
            return []
        matrix, vector = np.asarray(rows, dtype=np.float64), np.asarray(query, dtype=np.float64)
        if self.metric == "dotproduct":
            return (matrix @ vector).tolist()
        if self.metric == "euclidean":
            return ((matrix - vector) ** 2).sum(axis=1).tolist()
        norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector)
        return np.divide(matrix @ vector, norms, out=np.zeros(len(rows)), where=norms > 0).tolist()

    def _query(self, body: dict[str, Any]) -> tuple[int, Any]:
        top_k = body.get("topK")
        if not _is_number(top_k) or not 1 <= top_k <= MAX_TOP_K:
            raise RequestError(400, f"topK must be between 1 and {MAX_TOP_K}.")
        namespace = body.get("namespace") or ""
        records = self._namespaces.get(_ns(namespace), {})
        if body.get("vector") is not None:
            query = self._check_values(body["vector"])
        elif isinstance(body.get("id"), str):
            if body["id"] not in records:
                return 200, {"matches": [], "namespace": namespace, "usage": {"readUnits": 1}}
            query = records[body["id"]][0]
        else:
            raise RequestError(400, "A query needs a vector or an id.")
        expression = body.get("filter")
        candidates = [
            (vector_id, values, metadata)
            for vector_id, (values, metadata) in records.items()
            if expression is None or filter_matches(metadata, expression)
        ]
        scores = self._scores([values for _, values, _ in candidates], query)
        scored = [(score, *candidate) for score, candidate in zip(scores, candidates, strict=True)]
        scored.sort(key=lambda item: item[0], reverse=self.metric != "euclidean")
        matches = []
        for score, vector_id, values, metadata in scored[: int(top_k)]:
            match: dict[str, Any] = {"id": vector_id, "score": score, "values": []}
            if body.get("includeValues"):
                match["values"] = list(values)
            if body.get("includeMetadata") and metadata:
                match["metadata"] = copy.deepcopy(metadata)
            matches.append(match)
        return 200, {"matches": matches, "namespace": namespace, "usage": {"readUnits": max(1, len(records) // 100)}}

    def _delete(self, body: dict[str, Any]) -> tuple[int, Any]:
        key = _ns(body.get("namespace"))
        records = self._namespaces.get(key)
        selectors = [name for name in ("ids", "deleteAll", "filter") if body.get(name) not in (None, False)]
        if len(selectors) != 1:
            raise RequestError(400, "Delete needs exactly one of ids, deleteAll or filter.")
        if body.get("deleteAll"):
            if records is None:
                raise RequestError(404, f"Namespace {body.get('namespace') or ''} not found.")
            del self._namespaces[key]
            return 200, {}
        if body.get("ids") is not None:
            ids = body["ids"]
            if not isinstance(ids, list) or len(ids) > MAX_IDS:
                raise RequestError(400, f"Delete takes a list of at most {MAX_IDS} ids.")
            doomed = [_check_id(vector_id) for vector_id in ids]
        else:
            doomed = [vid for vid, (_, metadata) in (records or {}).items() if filter_matches(metadata, body["filter"])]
        for vector_id in doomed:
            (records or {}).pop(vector_id, None)
        if records is not None and not records:
            del self._namespaces[key]
        return 200, {}

    def _fetch(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        ids = query.get("ids", [])
        if not ids or len(ids) > MAX_IDS:
            raise RequestError(400, f"Fetch takes 1 to {MAX_IDS} ids.")
        namespace = (query.get("namespace") or [""])[0]
        records = self._namespaces.get(_ns(namespace), {})
        found = {}
        for vector_id in ids:
            if vector_id in records:
                values, metadata = records[vector_id]
                found[vector_id] = {"id": vector_id, "values": list(values)}
                if metadata:
                    found[vector_id]["metadata"] = copy.deepcopy(metadata)
        return 200, {"vectors": found, "namespace": namespace, "usage": {"readUnits": 1}}

    def _list(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        namespace = (query.get("namespace") or [""])[0]
        prefix = (query.get("prefix") or [""])[0]
        limit_text = (query.get("limit") or [str(MAX_LIST_LIMIT)])[0]
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIST_LIMIT:
            raise RequestError(400, f"limit must be between 1 and {MAX_LIST_LIMIT}.")
        token = (query.get("paginationToken") or [""])[0]
        after = base64.urlsafe_b64decode(token.encode()).decode() if token else ""
        ids = sorted(vid for vid in self._namespaces.get(_ns(namespace), {}) if vid.startswith(prefix) and vid > after)
        page = ids[: int(limit_text)]
        body: dict[str, Any] = {
            "vectors": [{"id": vid} for vid in page],
            "namespace": namespace,
            "usage": {"readUnits": 1},
        }
        if len(ids) > len(page):
            body["pagination"] = {"next": base64.urlsafe_b64encode(page[-1].encode()).decode()}
        return 200, body

    def _stats(self, body: dict[str, Any]) -> tuple[int, Any]:
        expression = body.get("filter")
        counts = {
            name: sum(1 for _, meta in records.values() if expression is None or filter_matches(meta, expression))
            for name, records in self._namespaces.items()
        }
        return 200, {
            "namespaces": {name: {"vectorCount": count} for name, count in counts.items()},
            "dimension": self.dimension,
            "indexFullness": 0.0,
            "totalVectorCount": sum(counts.values()),
            "metric": self.metric,
            "vectorType": "dense",
        }

    # --- control plane ---------------------------------------------------------------------

    def describe(self, name: str, dimension: int, metric: str, cloud: str, region: str) -> dict[str, Any]:
        return {
            "name": name,
            "host": self.base_url,  # with its scheme: a bare host would make the SDK use https
            "dimension": dimension,
            "metric": metric,
            "vector_type": "dense",
            "spec": {"serverless": {"cloud": cloud, "region": region}},
            "schema": {"fields": {"_values": {"type": "dense_vector", "dimension": dimension, "metric": metric}}},
            "deployment": {"deployment_type": "managed", "cloud": cloud, "region": region},
            "status": {"ready": True, "state": "Ready"},
            "deletion_protection": "disabled",
        }

    def add_index(self, name: str, *, dimension: int | None = None, metric: str | None = None) -> None:
        """Make the control plane know an index (as if created earlier)."""
        with self._lock:
            self._indexes[name] = self.describe(
                name, dimension or self.dimension, metric or self.metric, "aws", "us-east-1"
            )

    def _create_index(self, body: dict[str, Any]) -> tuple[int, Any]:
        name = body.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9-]{1,45}", name):
            raise RequestError(400, "Index name must be 1 to 45 characters of a-z, 0-9 and '-'.")
        if name in self._indexes:
            raise RequestError(409, f"Resource {name} already exists")
        # v10 sends `schema` + `deployment`; v7 to v9 send `dimension`, `metric` and `spec`.
        field = ((body.get("schema") or {}).get("fields") or {}).get("_values") or {}
        serverless = (body.get("spec") or {}).get("serverless") or {}
        deployment = body.get("deployment") or serverless
        dimension = field.get("dimension") or body.get("dimension")
        if not _is_number(dimension):
            raise RequestError(400, "Index dimension is required.")
        metric = field.get("metric") or body.get("metric") or "cosine"
        description = self.describe(
            name, int(dimension), metric, deployment.get("cloud", "aws"), deployment.get("region", "us-east-1")
        )
        self._indexes[name] = description
        return 201, copy.deepcopy(description)

    def _index_resource(self, method: str, name: str) -> tuple[int, Any]:
        if name not in self._indexes:
            raise RequestError(404, f"Resource {name} not found")
        if method == "GET":
            return 200, copy.deepcopy(self._indexes[name])
        if method == "DELETE":
            del self._indexes[name]
            return 202, {}
        raise RequestError(405, f"{method} is not supported on an index.")
