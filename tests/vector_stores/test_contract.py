"""One contract, every vector store: the local store and Pinecone (the real SDK against the fake
server) must behave the same for everything the pipeline and retrieval rely on."""

from __future__ import annotations

import numpy as np
import pytest

from chatsphere.ai.types import VectorRecord

DIMENSION = 16
pytestmark = pytest.mark.django_db


def unit(seed: int, dimension: int = DIMENSION) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
    return vector / np.linalg.norm(vector)


def record(document: str, index: int, seed: int, **metadata: object) -> VectorRecord:
    return VectorRecord(
        id=f"{document}:{index}",
        values=unit(seed),
        metadata={"document_id": document, "chunk_index": index, "text": f"passage {index} of {document}", **metadata},
    )


def test_query_ranks_by_cosine_and_returns_metadata(store):
    store.upsert(namespace="bot-a", records=[record("d1", 0, 1), record("d1", 1, 2), record("d2", 0, 3)])
    matches = store.query(namespace="bot-a", vector=unit(2), top_k=3)
    assert [match.id for match in matches][0] == "d1:1"
    assert matches[0].score == pytest.approx(1.0, abs=1e-4)
    assert [match.score for match in matches] == sorted((match.score for match in matches), reverse=True)
    assert matches[0].metadata["text"] == "passage 1 of d1"
    assert matches[0].metadata["document_id"] == "d1"


def test_top_k_limits_results(store):
    store.upsert(namespace="bot-a", records=[record("d1", i, i) for i in range(10)])
    assert len(store.query(namespace="bot-a", vector=unit(3), top_k=4)) == 4


def test_document_filter(store):
    store.upsert(namespace="bot-a", records=[record("d1", 0, 1), record("d2", 0, 2), record("d2", 1, 3)])
    matches = store.query(namespace="bot-a", vector=unit(1), top_k=5, document_id="d2")
    assert {match.id for match in matches} == {"d2:0", "d2:1"}


def test_namespaces_are_isolated(store):
    store.upsert(namespace="bot-a", records=[record("d1", 0, 1)])
    store.upsert(namespace="bot-b", records=[record("d9", 0, 1)])
    assert [match.id for match in store.query(namespace="bot-b", vector=unit(1), top_k=5)] == ["d9:0"]
    assert store.query(namespace="bot-missing", vector=unit(1), top_k=5) == []


def test_upsert_same_id_overwrites(store):
    store.upsert(namespace="bot-a", records=[record("d1", 0, 1)])
    store.upsert(namespace="bot-a", records=[record("d1", 0, 5)])
    matches = store.query(namespace="bot-a", vector=unit(5), top_k=5)
    assert [match.id for match in matches] == ["d1:0"]
    assert matches[0].score == pytest.approx(1.0, abs=1e-4)


def test_delete_document_leaves_other_documents(store):
    store.upsert(namespace="bot-a", records=[record("d1", 0, 1), record("d1", 1, 2), record("d2", 0, 3)])
    store.delete_document(namespace="bot-a", document_id="d1")
    assert {match.id for match in store.query(namespace="bot-a", vector=unit(1), top_k=5)} == {"d2:0"}
    assert store.list_document_ids(namespace="bot-a", document_id="d1") == []


def test_delete_ids_and_list_document_ids(store):
    store.upsert(namespace="bot-a", records=[record("d1", i, i) for i in range(5)])
    assert sorted(store.list_document_ids(namespace="bot-a", document_id="d1")) == [f"d1:{i}" for i in range(5)]
    store.delete_ids(namespace="bot-a", ids=["d1:3", "d1:4", "d1:99"])
    assert sorted(store.list_document_ids(namespace="bot-a", document_id="d1")) == ["d1:0", "d1:1", "d1:2"]


def test_delete_namespace(store):
    store.upsert(namespace="bot-a", records=[record("d1", 0, 1)])
    store.upsert(namespace="bot-b", records=[record("d2", 0, 1)])
    store.delete_namespace(namespace="bot-a")
    store.delete_namespace(namespace="bot-never-existed")
    assert store.query(namespace="bot-a", vector=unit(1), top_k=5) == []
    assert len(store.query(namespace="bot-b", vector=unit(1), top_k=5)) == 1


def test_search_sees_writes_made_after_the_first_search(store):
    store.upsert(namespace="bot-a", records=[record("d1", 0, 1)])
    assert len(store.query(namespace="bot-a", vector=unit(1), top_k=5)) == 1
    store.upsert(namespace="bot-a", records=[record("d2", 0, 2)])
    assert len(store.query(namespace="bot-a", vector=unit(1), top_k=5)) == 2
    store.delete_document(namespace="bot-a", document_id="d1")
    assert [match.id for match in store.query(namespace="bot-a", vector=unit(1), top_k=5)] == ["d2:0"]


def test_large_batch_round_trip(store):
    records = [record(f"doc{i // 100}", i % 100, i) for i in range(1200)]
    assert store.upsert(namespace="bot-big", records=records) == 1200
    matches = store.query(namespace="bot-big", vector=unit(777), top_k=3)
    assert matches[0].id == "doc7:77"


def test_ids_only_query_still_names_document_and_chunk(store):
    store.upsert(namespace="bot-a", records=[record("d1", 0, 1), record("d1", 1, 2)])
    match = store.query(namespace="bot-a", vector=unit(2), top_k=1, include_metadata=False)[0]
    assert match.id == "d1:1"
    assert match.metadata["document_id"] == "d1"
    assert match.metadata["chunk_index"] == 1


def test_local_store_answers_many_queries_as_each_alone(db):
    """`query_many` (one matrix product for a crowd's questions) ranks exactly as `query` does."""
    from chatsphere.ai.local_store import LocalStore

    store = LocalStore()
    store.upsert(namespace="bot-a", records=[record(f"d{i % 7}", i, i) for i in range(60)])
    probes = [unit(seed) for seed in (3, 17, 41, 1000)]

    together = store.query_many(namespace="bot-a", vectors=probes, top_k=5, include_metadata=False)

    alone = [store.query(namespace="bot-a", vector=probe, top_k=5, include_metadata=False) for probe in probes]
    assert [[m.id for m in matches] for matches in together] == [[m.id for m in matches] for matches in alone]
    assert [m.score for matches in together for m in matches] == pytest.approx(
        [m.score for matches in alone for m in matches], abs=1e-6
    )
    assert together[0][0].id == "d3:3"  # the probe is that record's own vector
    assert store.query_many(namespace="bot-missing", vectors=probes, top_k=5) == [[], [], [], []]
