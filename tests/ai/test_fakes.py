"""The fakes speak the wire protocols the SDKs expect: raw HTTP checks, no SDK in between."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import numpy as np
import pytest

from tests.fakes.gemini import FakeGemini, embed_text
from tests.fakes.pinecone import FakePinecone, RequestError, filter_matches

pytestmark = pytest.mark.timeout(30)
GEMINI_HEADERS = {"x-goog-api-key": "k", "Content-Type": "application/json"}
USER_HI = {"contents": [{"role": "user", "parts": [{"text": "hi there"}]}]}


def gemini_post(fake: FakeGemini, path: str, body: object) -> httpx.Response:
    return httpx.post(fake.base_url + path, json=body, headers=GEMINI_HEADERS, timeout=5)


def embed_body(*texts: str, dimension: int | None = None) -> dict:
    requests = []
    for text in texts:
        item: dict = {"content": {"parts": [{"text": text}]}, "model": "models/emb"}
        if dimension:
            item["outputDimensionality"] = dimension
        requests.append(item)
    return {"requests": requests}


def sse_events(raw: bytes) -> list[bytes]:
    assert raw.endswith(b"\r\n\r\n")
    return raw[: -len(b"\r\n\r\n")].split(b"\r\n\r\n")


# --- Gemini -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v1beta"])
def test_gemini_generate_content(fake_gemini, version):
    response = gemini_post(fake_gemini, f"/{version}/models/m:generateContent", USER_HI)

    assert response.status_code == 200
    body = response.json()
    assert body["candidates"][0]["content"] == {"role": "model", "parts": [{"text": "Echo: hi there"}]}
    assert body["candidates"][0]["finishReason"] == "STOP"
    assert body["usageMetadata"] == {"promptTokenCount": 2, "candidatesTokenCount": 3, "totalTokenCount": 5}


def test_gemini_stream_framing(fake_gemini):
    fake_gemini.script(text="one two three", words_per_chunk=1)

    response = gemini_post(fake_gemini, "/v1/models/m:streamGenerateContent?alt=sse", USER_HI)

    assert response.headers["content-type"] == "text/event-stream"
    events = sse_events(response.content)
    assert all(event.startswith(b"data: {") for event in events)
    chunks = [json.loads(event[len(b"data: ") :]) for event in events]
    assert [c["candidates"][0]["content"]["parts"][0]["text"] for c in chunks] == ["one ", "two ", "three"]
    assert [c["candidates"][0].get("finishReason") for c in chunks] == [None, None, "STOP"]
    assert chunks[-1]["usageMetadata"]["candidatesTokenCount"] == 3
    assert "candidatesTokenCount" not in chunks[0]["usageMetadata"]


def test_gemini_mid_stream_error_frame_starts_with_error(fake_gemini):
    fake_gemini.script(text="one two three", words_per_chunk=1, error_after=1, error_status=429)

    events = sse_events(gemini_post(fake_gemini, "/v1/models/m:streamGenerateContent?alt=sse", USER_HI).content)

    assert len(events) == 2
    assert events[1].startswith(b'data: {"error":')
    assert json.loads(events[1][6:]) == {
        "error": {"code": 429, "message": "An internal error has occurred.", "status": "RESOURCE_EXHAUSTED"}
    }


def test_gemini_blocked_prompt(fake_gemini):
    fake_gemini.script(block_reason="PROHIBITED_CONTENT")

    body = gemini_post(fake_gemini, "/v1/models/m:generateContent", USER_HI).json()

    assert body["promptFeedback"] == {"blockReason": "PROHIBITED_CONTENT"}
    assert "candidates" not in body


def test_gemini_one_shot_scripts_come_before_the_default(fake_gemini):
    fake_gemini.script(text="always")
    fake_gemini.script(text="first", once=True)

    texts = [
        gemini_post(fake_gemini, "/v1/models/m:generateContent", USER_HI).json()["candidates"][0]["content"]["parts"]
        for _ in range(2)
    ]

    assert texts == [[{"text": "first"}], [{"text": "always"}]]


def test_gemini_embeddings_are_deterministic_unit_vectors(fake_gemini):
    body = gemini_post(fake_gemini, "/v1/models/emb:batchEmbedContents", embed_body("cats purr", "cats purr")).json()

    first, second = (np.asarray(e["values"]) for e in body["embeddings"])
    assert first.shape == (3072,)
    assert np.linalg.norm(first) == pytest.approx(1.0)
    np.testing.assert_array_equal(first, second)


def test_gemini_embeddings_truncate_to_the_requested_dimension(fake_gemini):
    body = gemini_post(fake_gemini, "/v1/models/emb:batchEmbedContents", embed_body("cats purr", dimension=256)).json()

    values = body["embeddings"][0]["values"]
    assert len(values) == 256
    assert values == pytest.approx(embed_text("cats purr", 256))


def test_gemini_embeddings_of_texts_sharing_words_are_closer():
    query = np.asarray(embed_text("refund policy", 768))
    related = np.asarray(embed_text("Our refund policy allows returns", 768))
    unrelated = np.asarray(embed_text("The office opens at nine", 768))
    assert query @ related > query @ unrelated + 0.3


def test_gemini_batch_limit(fake_gemini):
    response = gemini_post(fake_gemini, "/v1/models/emb:batchEmbedContents", embed_body(*["t"] * 101))

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": 400,
            "message": "BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch",
            "status": "INVALID_ARGUMENT",
        }
    }


def test_gemini_count_tokens(fake_gemini):
    assert gemini_post(fake_gemini, "/v1beta/models/m:countTokens", USER_HI).json() == {"totalTokens": 2}


def test_gemini_needs_an_api_key(fake_gemini):
    response = httpx.post(fake_gemini.base_url + "/v1/models/m:generateContent", json=USER_HI, timeout=5)
    assert response.status_code == 403
    assert response.json()["error"]["status"] == "PERMISSION_DENIED"


def test_gemini_unknown_route(fake_gemini):
    response = gemini_post(fake_gemini, "/v2/models/m:generateContent", USER_HI)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == 404


def test_gemini_faults_queue_then_normal_service_resumes_and_all_is_journaled(fake_gemini):
    fake_gemini.fail(429, path_contains=":generateContent")
    fake_gemini.fail(500, {"error": {"code": 500, "message": "custom", "status": "INTERNAL"}})

    statuses = [gemini_post(fake_gemini, "/v1/models/m:generateContent", USER_HI) for _ in range(3)]

    assert [r.status_code for r in statuses] == [429, 500, 200]
    assert statuses[0].json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert statuses[1].json()["error"]["message"] == "custom"
    journal = fake_gemini.requests(":generateContent")
    assert len(journal) == 3
    assert journal[0].headers["x-goog-api-key"] == "k"
    assert journal[0].body == USER_HI
    assert fake_gemini.pending_faults() == 0


# --- Pinecone -----------------------------------------------------------------------------


@pytest.fixture
def pc(fake_pinecone: FakePinecone) -> Iterator[httpx.Client]:
    fake_pinecone.dimension = 2
    with httpx.Client(base_url=fake_pinecone.base_url, headers={"Api-Key": "k"}, timeout=5) as client:
        yield client


def upsert(pc: httpx.Client, vectors: list[dict], namespace: str = "ns") -> httpx.Response:
    return pc.post("/vectors/upsert", json={"vectors": vectors, "namespace": namespace})


def test_pinecone_upsert_query_fetch_and_stats(pc, fake_pinecone):
    vectors = [
        {"id": "a", "values": [1.0, 0.0], "metadata": {"doc": "x"}},
        {"id": "b", "values": [0.6, 0.8], "metadata": {"doc": "y"}},
        {"id": "c", "values": [0.0, 1.0]},
    ]
    assert upsert(pc, vectors).json() == {"upsertedCount": 3}

    query = pc.post("/query", json={"topK": 2, "vector": [1.0, 0.0], "namespace": "ns", "includeMetadata": True})
    assert [(m["id"], round(m["score"], 6), m.get("metadata")) for m in query.json()["matches"]] == [
        ("a", 1.0, {"doc": "x"}),
        ("b", 0.6, {"doc": "y"}),
    ]
    bare = pc.post("/query", json={"topK": 1, "vector": [1.0, 0.0], "namespace": "ns"}).json()["matches"][0]
    assert "metadata" not in bare
    assert bare["values"] == []

    fetched = pc.get("/vectors/fetch", params=[("ids", "a"), ("ids", "zzz"), ("namespace", "ns")]).json()
    assert fetched["vectors"] == {"a": {"id": "a", "values": [1.0, 0.0], "metadata": {"doc": "x"}}}

    stats = pc.post("/describe_index_stats", json={}).json()
    assert stats["namespaces"] == {"ns": {"vectorCount": 3}}
    assert stats["dimension"] == 2
    assert stats["totalVectorCount"] == 3
    assert fake_pinecone.vectors("ns")["b"] == ([0.6, 0.8], {"doc": "y"})


def test_pinecone_default_namespace(pc, fake_pinecone):
    pc.post("/vectors/upsert", json={"vectors": [{"id": "a", "values": [1.0, 0.0]}]})
    assert fake_pinecone.namespaces() == ["__default__"]
    assert list(fake_pinecone.vectors("")) == ["a"]


@pytest.mark.parametrize(
    ("vectors", "status", "needle"),
    [
        ([{"id": "a", "values": [1.0, 0.0, 0.0]}], 400, "dimension"),
        ([{"id": "a", "values": [1.0, 0.0], "metadata": {"k": None}}], 400, "null"),
        ([{"id": "a", "values": [1.0, 0.0], "metadata": {"k": {"nested": 1}}}], 400, "string, number"),
        ([{"id": "a", "values": [1.0, 0.0], "metadata": {"k": "x" * 41_000}}], 400, "exceeds"),
        ([{"id": f"v{i}", "values": [1.0, 0.0]} for i in range(1001)], 400, "1000"),
    ],
)
def test_pinecone_upsert_validation(pc, fake_pinecone, vectors, status, needle):
    response = upsert(pc, vectors)

    assert response.status_code == status
    body = response.json()
    assert body["status"] == status
    assert body["error"]["code"] == "INVALID_ARGUMENT"
    assert needle in body["error"]["message"]
    assert fake_pinecone.vectors("ns") == {}


def test_pinecone_upsert_over_2_mb(pc):
    vectors = [{"id": f"v{i}", "values": [1.0, 0.0], "metadata": {"t": "x" * 30_000}} for i in range(80)]
    assert upsert(pc, vectors).status_code == 413


def test_pinecone_top_k_limit(pc):
    assert pc.post("/query", json={"topK": 10_001, "vector": [1.0, 0.0]}).status_code == 400


def test_pinecone_list_pages(pc):
    upsert(pc, [{"id": f"doc1:{i:03d}", "values": [1.0, 0.0]} for i in range(5)] + [{"id": "doc2:0", "values": [0, 1]}])

    first = pc.get("/vectors/list", params={"namespace": "ns", "prefix": "doc1:", "limit": 2}).json()
    token = first["pagination"]["next"]
    second = pc.get(
        "/vectors/list", params={"namespace": "ns", "prefix": "doc1:", "limit": 2, "paginationToken": token}
    ).json()
    last = pc.get(
        "/vectors/list",
        params={"namespace": "ns", "prefix": "doc1:", "limit": 2, "paginationToken": second["pagination"]["next"]},
    ).json()

    assert [v["id"] for v in first["vectors"] + second["vectors"] + last["vectors"]] == [
        f"doc1:{i:03d}" for i in range(5)
    ]
    assert "pagination" not in last
    assert pc.get("/vectors/list", params={"namespace": "ns", "limit": 101}).status_code == 400


def test_pinecone_delete_forms(pc, fake_pinecone):
    upsert(pc, [{"id": i, "values": [1.0, 0.0], "metadata": {"doc": i[0]}} for i in ("a1", "a2", "b1", "c1")])

    assert pc.post("/vectors/delete", json={"namespace": "ns", "ids": ["a1", "missing"]}).json() == {}
    assert pc.post("/vectors/delete", json={"namespace": "ns", "filter": {"doc": "b"}}).json() == {}
    assert sorted(fake_pinecone.vectors("ns")) == ["a2", "c1"]
    assert pc.post("/vectors/delete", json={"namespace": "ns", "deleteAll": True}).json() == {}
    assert fake_pinecone.namespaces() == []
    assert pc.post("/vectors/delete", json={"namespace": "ns", "deleteAll": True}).status_code == 404


def test_pinecone_faults_carry_retry_after_zero(pc, fake_pinecone):
    fake_pinecone.fail(429, path_contains="/query")

    response = pc.post("/query", json={"topK": 1, "vector": [1.0, 0.0]})

    assert response.status_code == 429
    assert response.headers["retry-after"] == "0"
    assert response.json()["error"]["code"] == "RESOURCE_EXHAUSTED"
    assert pc.post("/query", json={"topK": 1, "vector": [1.0, 0.0]}).status_code == 200
    assert [r.path for r in fake_pinecone.requests()] == ["/query", "/query"]


def test_pinecone_control_plane(pc, fake_pinecone):
    assert pc.get("/indexes/rag").status_code == 404
    body = {
        "name": "rag",
        "schema": {"fields": {"_values": {"type": "dense_vector", "dimension": 768, "metric": "cosine"}}},
        "deployment": {"deployment_type": "managed", "cloud": "aws", "region": "eu-west-1"},
    }

    created = pc.post("/indexes", json=body)

    assert created.status_code == 201
    description = pc.get("/indexes/rag").json()
    assert description == created.json()
    assert description["host"] == fake_pinecone.base_url
    assert description["dimension"] == 768
    assert description["deployment"]["region"] == "eu-west-1"
    assert description["status"] == {"ready": True, "state": "Ready"}
    assert pc.post("/indexes", json=body).status_code == 409
    assert [index["name"] for index in pc.get("/indexes").json()["indexes"]] == ["rag"]


METADATA = {"genre": "drama", "year": 2020, "tags": ["a", "b"], "draft": False}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ({"genre": "drama"}, True),
        ({"genre": {"$eq": "comedy"}}, False),
        ({"genre": {"$ne": "comedy"}}, True),
        ({"year": {"$gt": 2019}}, True),
        ({"year": {"$gte": 2021}}, False),
        ({"year": {"$lt": 2021, "$gte": 2020}}, True),
        ({"year": {"$lte": 2019}}, False),
        ({"genre": {"$in": ["comedy", "drama"]}}, True),
        ({"genre": {"$nin": ["comedy", "drama"]}}, False),
        ({"tags": "b"}, True),
        ({"tags": {"$in": ["z", "a"]}}, True),
        ({"tags": {"$nin": ["b"]}}, False),
        ({"tags": {"$ne": "c"}}, True),
        ({"missing": {"$exists": False}}, True),
        ({"genre": {"$exists": False}}, False),
        ({"draft": False}, True),
        ({"draft": 0}, False),
        ({"$and": [{"genre": "drama"}, {"year": {"$gt": 2020}}]}, False),
        ({"$or": [{"genre": "comedy"}, {"year": 2020}]}, True),
        ({"missing": "x"}, False),
    ],
)
def test_pinecone_filters(expression, expected):
    assert filter_matches(METADATA, expression) is expected


def test_pinecone_unknown_filter_operator_is_rejected():
    with pytest.raises(RequestError):
        filter_matches(METADATA, {"genre": {"$regex": "d.*"}})
