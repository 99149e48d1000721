"""GeminiEmbedder drives the real google-genai SDK against the fake Gemini server."""

from __future__ import annotations

import numpy as np
import pytest

from chatsphere.ai.gemini_embedder import GeminiEmbedder
from chatsphere.ai.types import Embedder, ProviderError
from tests.fakes.gemini import FakeGemini, embed_text

API_KEY = "test-gemini-key-5ec7e7"
EMBED_PATH = ":batchEmbedContents"
pytestmark = pytest.mark.timeout(30)


def make_embedder(fake: FakeGemini, **options: object) -> GeminiEmbedder:
    settings = {"dimension": 768, "timeout_seconds": 5, "max_attempts": 3, "retry_initial_delay": 0.01}
    settings.update(options)
    return GeminiEmbedder(API_KEY, base_url=fake.base_url, retry_max_delay=0.05, **settings)  # type: ignore[arg-type]


def expected(text: str, dimension: int = 768) -> np.ndarray:
    return np.asarray(embed_text(text, dimension), dtype=np.float32)


def test_implements_the_embedder_protocol(fake_gemini):
    embedder = make_embedder(fake_gemini)
    assert isinstance(embedder, Embedder)
    assert embedder.name == "gemini:gemini-embedding-001:768"
    assert embedder.dimension == 768


def test_documents_are_sent_in_batches_of_at_most_100_and_come_back_in_order(fake_gemini):
    texts = [f"passage number {i} about topic {i % 7}" for i in range(250)]

    vectors = make_embedder(fake_gemini).embed_documents(texts)

    sizes = [len(r.body["requests"]) for r in fake_gemini.requests(EMBED_PATH)]
    assert sizes == [100, 100, 50]
    sent = [
        item["content"]["parts"][0]["text"] for r in fake_gemini.requests(EMBED_PATH) for item in r.body["requests"]
    ]
    assert sent == texts
    assert vectors.shape == (250, 768)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(vectors[0], expected(texts[0]), atol=1e-6)
    np.testing.assert_allclose(vectors[249], expected(texts[249]), atol=1e-6)


def test_documents_use_retrieval_document_with_titles_and_the_dimension(fake_gemini):
    texts = ["alpha one", "beta one", "alpha two"]

    vectors = make_embedder(fake_gemini).embed_documents(texts, titles=["Alpha", "Beta", "Alpha"])

    requests = fake_gemini.requests(EMBED_PATH)
    assert all(r.path == "/v1/models/gemini-embedding-001:batchEmbedContents" for r in requests)
    by_title = {
        item["title"]: [i["content"]["parts"][0]["text"] for i in r.body["requests"]]
        for r in requests
        for item in r.body["requests"][:1]
    }
    assert by_title == {"Alpha": ["alpha one", "alpha two"], "Beta": ["beta one"]}
    items = [item for r in requests for item in r.body["requests"]]
    assert {item["taskType"] for item in items} == {"RETRIEVAL_DOCUMENT"}
    assert {item["outputDimensionality"] for item in items} == {768}
    assert requests[0].headers["x-goog-api-key"] == API_KEY
    # Grouping by title must not reorder the results.
    np.testing.assert_allclose(vectors[2], expected("alpha two"), atol=1e-6)
    np.testing.assert_allclose(vectors[1], expected("beta one"), atol=1e-6)


def test_query_uses_retrieval_query_without_title(fake_gemini):
    vector = make_embedder(fake_gemini, dimension=1536).embed_query("how do refunds work?")

    (request,) = fake_gemini.requests(EMBED_PATH)
    (item,) = request.body["requests"]
    assert item["taskType"] == "RETRIEVAL_QUERY"
    assert "title" not in item
    assert item["outputDimensionality"] == 1536
    assert vector.shape == (1536,)
    assert vector.dtype == np.float32


def test_vectors_are_l2_normalised(fake_gemini):
    raw = [3.0, 4.0] + [0.0] * 766
    fake_gemini.fail(200, {"embeddings": [{"values": raw}, {"values": [2.0] * 768}]})

    vectors = make_embedder(fake_gemini).embed_documents(["a", "b"])

    np.testing.assert_allclose(vectors[0][:2], [0.6, 0.8], atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), [1.0, 1.0], atol=1e-6)


def test_no_texts_make_no_request(fake_gemini):
    vectors = make_embedder(fake_gemini).embed_documents([])
    assert vectors.shape == (0, 768)
    assert fake_gemini.requests() == []


def test_rate_limit_is_retried_then_succeeds(fake_gemini):
    fake_gemini.fail(429, path_contains=EMBED_PATH)

    vector = make_embedder(fake_gemini).embed_query("retry me")

    assert len(fake_gemini.requests(EMBED_PATH)) == 2
    np.testing.assert_allclose(vector, expected("retry me"), atol=1e-6)


def test_bad_request_is_permanent_and_not_retried(fake_gemini):
    fake_gemini.fail(400, path_contains=EMBED_PATH)

    with pytest.raises(ProviderError) as caught:
        make_embedder(fake_gemini).embed_query("x")

    assert caught.value.transient is False
    assert caught.value.code == "bad_request"
    assert "400" in caught.value.message
    assert len(fake_gemini.requests(EMBED_PATH)) == 1


def test_server_errors_until_attempts_run_out_are_transient(fake_gemini):
    fake_gemini.fail(500, times=5, path_contains=EMBED_PATH)

    with pytest.raises(ProviderError) as caught:
        make_embedder(fake_gemini, max_attempts=3).embed_query("x")

    assert caught.value.transient is True
    assert caught.value.code == "unavailable"
    assert len(fake_gemini.requests(EMBED_PATH)) == 3


def test_rejected_api_key_is_permanent_and_the_key_is_not_in_the_message(fake_gemini):
    fake_gemini.api_key = "the-right-key"

    with pytest.raises(ProviderError) as caught:
        make_embedder(fake_gemini).embed_query("x")

    assert caught.value.transient is False
    assert caught.value.code == "auth"
    assert API_KEY not in str(caught.value)


def test_timeout_is_transient(fake_gemini):
    fake_gemini.fail(200, delay=2.0, path_contains=EMBED_PATH)

    with pytest.raises(ProviderError) as caught:
        make_embedder(fake_gemini, timeout_seconds=0.3, max_attempts=1).embed_query("slow")

    assert caught.value.transient is True
    assert caught.value.code == "timeout"


def test_dropped_connection_is_retried(fake_gemini):
    fake_gemini.fail(500, drop=True, path_contains=EMBED_PATH)

    vector = make_embedder(fake_gemini, max_attempts=2).embed_query("again")

    assert len(fake_gemini.requests(EMBED_PATH)) == 2
    np.testing.assert_allclose(vector, expected("again"), atol=1e-6)


def test_dropped_connection_is_transient(fake_gemini):
    fake_gemini.fail(500, drop=True, path_contains=EMBED_PATH)

    with pytest.raises(ProviderError) as caught:
        make_embedder(fake_gemini, max_attempts=1).embed_query("x")

    assert caught.value.transient is True
    assert caught.value.code == "connection"


def test_a_short_answer_is_a_permanent_bad_response(fake_gemini):
    fake_gemini.fail(200, {"embeddings": [{"values": [1.0] * 768}]})

    with pytest.raises(ProviderError) as caught:
        make_embedder(fake_gemini).embed_documents(["a", "b"])

    assert caught.value.code == "bad_response"
    assert caught.value.transient is False


def test_titles_must_match_texts(fake_gemini):
    with pytest.raises(ValueError, match="titles"):
        make_embedder(fake_gemini).embed_documents(["a", "b"], titles=["only one"])
