"""PineconeStore drives the real pinecone SDK (v10, REST) against the fake Pinecone server."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pinecone._internal import http_client as pinecone_http

from chatsphere.ai.pinecone_store import MAX_METADATA_BYTES, PineconeStore, ensure_index
from chatsphere.ai.types import ProviderError, VectorRecord, VectorStore
from tests.fakes.pinecone import MAX_REQUEST_BYTES, FakePinecone

API_KEY = "test-pinecone-key-9a1f"
pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def fake(fake_pinecone: FakePinecone) -> FakePinecone:
    fake_pinecone.dimension = 8
    return fake_pinecone


@pytest.fixture
def store(fake: FakePinecone) -> PineconeStore:
    return PineconeStore(API_KEY, fake.base_url, timeout_seconds=5)


def unit(seed: int, dimension: int = 8) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
    return vector / np.linalg.norm(vector)


def record(document: str, index: int, seed: int | None = None, dimension: int = 8, **metadata: object) -> VectorRecord:
    fields = {"document_id": document, "chunk_index": index, "text": f"chunk {index} of {document}", **metadata}
    return VectorRecord(
        id=f"{document}:{index}", values=unit(seed if seed is not None else index, dimension), metadata=fields
    )  # type: ignore[arg-type]


def test_implements_the_vector_store_protocol(store):
    assert isinstance(store, VectorStore)


def test_upsert_splits_by_record_count(fake, store):
    records = [record(f"d{i // 100}", i % 100, seed=i) for i in range(2500)]

    assert store.upsert(namespace="bot-1", records=records) == 2500

    sizes = [len(r.body["vectors"]) for r in fake.requests("/vectors/upsert")]
    assert sizes == [1000, 1000, 500]
    assert all(r.body["namespace"] == "bot-1" for r in fake.requests("/vectors/upsert"))
    assert len(fake.vectors("bot-1")) == 2500


def test_upsert_splits_by_request_size(fake, store):
    fake.dimension = 768
    records = [record("big", i, dimension=768, text="x" * 12_000) for i in range(200)]
    assert sum(len(json.dumps({"values": unit(0, 768).tolist(), "text": "x" * 12_000})) for _ in records) > (
        MAX_REQUEST_BYTES
    )

    assert store.upsert(namespace="bot-1", records=records) == 200

    upserts = fake.requests("/vectors/upsert")
    assert len(upserts) > 1
    assert all(len(r.body["vectors"]) < 1000 for r in upserts)
    assert max(r.size for r in upserts) <= MAX_REQUEST_BYTES
    assert len(fake.vectors("bot-1")) == 200


def test_upsert_sends_values_and_clean_metadata(fake, store):
    store.upsert(
        namespace="bot-1",
        records=[
            VectorRecord(
                id="d1:0",
                values=np.arange(1, 9, dtype=np.float32),
                metadata={"document_id": "d1", "page": None, "title": "Guide", "tags": ["a", "b"], "score": 0.5},
            ),
            VectorRecord(id="d2:3", values=unit(1), metadata={}),
        ],
    )

    stored = fake.vectors("bot-1")
    assert stored["d1:0"][0] == [float(v) for v in range(1, 9)]
    assert stored["d1:0"][1] == {"document_id": "d1", "title": "Guide", "tags": ["a", "b"], "score": 0.5}
    # The document id is always there, so the document's vectors can be found again.
    assert stored["d2:3"][1] == {"document_id": "d2"}


def test_metadata_text_is_trimmed_under_the_limit(fake, store):
    text = "é" * 30_000 + "tail"  # 60 KB of UTF-8, more than Pinecone's 40 KB

    store.upsert(namespace="bot-1", records=[record("d1", 0, text=text, title="Guide")])

    metadata = fake.vectors("bot-1")["d1:0"][1]
    assert len(json.dumps(metadata, ensure_ascii=False, separators=(",", ":")).encode()) <= MAX_METADATA_BYTES
    assert text.startswith(metadata["text"])
    assert len(metadata["text"]) > 15_000
    assert metadata["title"] == "Guide"
    assert metadata["chunk_index"] == 0


def test_query_ranks_by_cosine_and_returns_metadata(fake, store):
    store.upsert(namespace="bot-1", records=[record("d1", 0, 1), record("d1", 1, 2), record("d2", 0, 3)])

    matches = store.query(namespace="bot-1", vector=unit(2), top_k=2)

    assert [m.id for m in matches][0] == "d1:1"
    assert matches[0].score == pytest.approx(1.0, abs=1e-5)
    assert len(matches) == 2
    assert matches[0].score >= matches[1].score
    assert matches[0].metadata == {"document_id": "d1", "chunk_index": 1, "text": "chunk 1 of d1"}
    (query,) = fake.requests("/query")
    assert query.body["topK"] == 2
    assert query.body["includeMetadata"] is True
    assert query.body["includeValues"] is False
    assert "filter" not in query.body


def test_query_filters_by_document(fake, store):
    store.upsert(namespace="bot-1", records=[record("d1", 0, 1), record("d2", 0, 2), record("d2", 1, 3)])

    matches = store.query(namespace="bot-1", vector=unit(1), top_k=5, document_id="d2")

    assert {m.id for m in matches} == {"d2:0", "d2:1"}
    assert fake.requests("/query")[0].body["filter"] == {"document_id": {"$eq": "d2"}}


def test_query_without_metadata_still_names_the_chunk(fake, store):
    store.upsert(namespace="bot-1", records=[record("doc-a", 7, 1)])

    (match,) = store.query(namespace="bot-1", vector=unit(1), top_k=1, include_metadata=False)

    assert match.metadata == {"document_id": "doc-a", "chunk_index": 7}
    assert fake.requests("/query")[0].body["includeMetadata"] is False


def test_query_of_a_missing_namespace_is_empty(store):
    assert store.query(namespace="nobody", vector=unit(1), top_k=3) == []


def test_delete_document_leaves_other_documents(fake, store):
    # "d1" is a prefix of "d10": the listing must use "d1:" to spare d10's chunks.
    store.upsert(
        namespace="bot-1",
        records=[record("d1", i, i) for i in range(150)] + [record("d10", 0, 500), record("d2", 0, 501)],
    )
    store.upsert(namespace="bot-2", records=[record("d1", 0, 1)])

    store.delete_document(namespace="bot-1", document_id="d1")

    assert sorted(fake.vectors("bot-1")) == ["d10:0", "d2:0"]
    assert list(fake.vectors("bot-2")) == ["d1:0"]
    assert {r.param("prefix") for r in fake.requests("/vectors/list")} == {"d1:"}


def test_list_document_ids_follows_pages(fake, store):
    store.upsert(namespace="bot-1", records=[record("d1", i, i) for i in range(250)] + [record("d2", 0, 1)])

    ids = store.list_document_ids(namespace="bot-1", document_id="d1")

    assert sorted(ids) == sorted(f"d1:{i}" for i in range(250))
    assert len(fake.requests("/vectors/list")) == 3


def test_list_document_ids_of_a_missing_namespace_is_empty(fake, store):
    fake.fail(404, path_contains="/vectors/list")
    assert store.list_document_ids(namespace="gone", document_id="d1") == []


def test_delete_ids_in_batches_of_1000(fake, store):
    store.upsert(namespace="bot-1", records=[record("d1", i, i) for i in range(2100)])

    store.delete_ids(namespace="bot-1", ids=[f"d1:{i}" for i in range(2050)] + ["d1:missing"])

    assert [len(r.body["ids"]) for r in fake.requests("/vectors/delete")] == [1000, 1000, 51]
    assert sorted(fake.vectors("bot-1")) == sorted(f"d1:{i}" for i in range(2050, 2100))


def test_delete_namespace_and_a_missing_one(fake, store):
    store.upsert(namespace="bot-1", records=[record("d1", 0, 1)])
    store.upsert(namespace="bot-2", records=[record("d1", 0, 1)])

    store.delete_namespace(namespace="bot-1")
    store.delete_namespace(namespace="never-written")  # the fake answers 404, as Pinecone does

    assert fake.namespaces() == ["bot-2"]
    assert [r.body.get("deleteAll") for r in fake.requests("/vectors/delete")] == [True, True]


def test_rate_limit_is_retried_by_the_sdk(fake, store):
    fake.fail(429, path_contains="/vectors/upsert")

    assert store.upsert(namespace="bot-1", records=[record("d1", 0)]) == 1

    assert len(fake.requests("/vectors/upsert")) == 2
    assert "d1:0" in fake.vectors("bot-1")


def test_server_errors_until_retries_run_out_are_transient(fake, store):
    fake.fail(503, times=10, path_contains="/query")

    with pytest.raises(ProviderError) as caught:
        store.query(namespace="bot-1", vector=unit(1), top_k=1)

    assert caught.value.transient is True
    assert caught.value.code == "unavailable"
    assert len(fake.requests("/query")) == 4


def test_wrong_dimension_is_a_permanent_error(store):
    with pytest.raises(ProviderError) as caught:
        store.upsert(namespace="bot-1", records=[record("d1", 0, dimension=3)])

    assert caught.value.transient is False
    assert caught.value.code == "bad_request"
    assert "dimension" in caught.value.message


def test_rejected_key_is_a_permanent_auth_error(fake, store):
    fake.api_key = "another-key"

    with pytest.raises(ProviderError) as caught:
        store.query(namespace="bot-1", vector=unit(1), top_k=1)

    assert caught.value.code == "auth"
    assert caught.value.transient is False
    assert API_KEY not in caught.value.message


def test_unreachable_host_is_transient(fake, monkeypatch):
    # The SDK's own seam for its retry backoff: its three retries of a refused connection need not sleep.
    monkeypatch.setattr(pinecone_http, "_retry_sleep", lambda _seconds: None)
    unreachable = FakePinecone().start()
    host = unreachable.base_url
    unreachable.stop()
    store = PineconeStore(API_KEY, host, timeout_seconds=1)

    with pytest.raises(ProviderError) as caught:
        store.query(namespace="bot-1", vector=unit(1), top_k=1)

    assert caught.value.transient is True
    assert caught.value.code == "connection"


def test_ensure_index_creates_once_and_returns_the_host(fake):
    first = ensure_index(API_KEY, "chatsphere", 768, controller_host=fake.base_url)
    second = ensure_index(API_KEY, "chatsphere", 768, controller_host=fake.base_url)

    assert first == second == fake.base_url
    assert fake.index_names() == ["chatsphere"]
    (create,) = [r for r in fake.requests("/indexes") if r.method == "POST"]
    assert create.body["name"] == "chatsphere"
    assert create.body["schema"]["fields"]["_values"] == {"type": "dense_vector", "dimension": 768, "metric": "cosine"}
    assert create.body["deployment"]["cloud"] == "aws"
    assert create.body["deployment"]["region"] == "us-east-1"


def test_ensure_index_refuses_an_index_of_another_dimension(fake):
    fake.add_index("chatsphere", dimension=1536)

    with pytest.raises(ProviderError) as caught:
        ensure_index(API_KEY, "chatsphere", 768, controller_host=fake.base_url)

    assert caught.value.code == "index_mismatch"
    assert not [r for r in fake.requests("/indexes") if r.method == "POST"]
