"""OfflineEmbedder: lexical vectors that retrieve the passage about the question's topic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from chatsphere.ai.offline_embedder import OfflineEmbedder
from chatsphere.ai.types import Embedder

PASSAGES = [
    "Refunds: annual plans can be refunded in full within 30 days of purchase. After that, "
    "refunds are prorated for the unused months.",
    "Our office is closed on public holidays. Support answers e-mails within one business day.",
    "To reset your password, open Settings, choose Security and click 'Reset password'. "
    "A link is sent to your e-mail address.",
    "The API is rate limited to 100 requests per minute per key; exceeding it returns HTTP 429.",
    "Invoices are issued on the first day of each billing period and can be downloaded as PDF.",
    "Hypertension in pregnancy increases the risk of preeclampsia and preterm delivery.",
]


def rank(embedder: OfflineEmbedder, question: str, passages: list[str] = PASSAGES) -> list[int]:
    scores = embedder.embed_documents(passages) @ embedder.embed_query(question)
    return list(np.argsort(-scores))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How do refunds work for annual plans?", 0),
        ("I forgot my password, how can I reset it?", 2),
        ("What happens when I exceed the rate limit of the API?", 3),
        ("Where do I download my invoice?", 4),
        ("Does high blood pressure during pregnancy raise preeclampsia risk?", 5),
    ],
)
def test_query_retrieves_the_passage_about_its_topic(question: str, expected: int) -> None:
    assert rank(OfflineEmbedder(), question)[0] == expected


def test_word_variants_still_match() -> None:
    # "refunded"/"refunding" and "reset"/"resetting" share stems, prefixes or n-grams.
    embedder = OfflineEmbedder()
    assert rank(embedder, "refunding a yearly plan")[0] == 0
    assert rank(embedder, "resetting passwords")[0] == 2


def test_shapes_dtypes_and_unit_norms() -> None:
    embedder = OfflineEmbedder(dimension=256)
    documents = embedder.embed_documents(PASSAGES, titles=["Help"] * len(PASSAGES))
    query = embedder.embed_query("refund policy")

    assert isinstance(embedder, Embedder)
    assert embedder.dimension == 256
    assert embedder.name == "offline-hash-v1"
    assert documents.shape == (len(PASSAGES), 256)
    assert documents.dtype == np.float32
    assert query.shape == (256,)
    assert query.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(documents, axis=1), 1.0, rtol=1e-5)
    assert np.linalg.norm(query) == pytest.approx(1.0, rel=1e-5)


def test_default_dimension_is_768() -> None:
    assert OfflineEmbedder().embed_query("hello").shape == (768,)


def test_no_documents_gives_an_empty_matrix() -> None:
    vectors = OfflineEmbedder(dimension=64).embed_documents([])
    assert vectors.shape == (0, 64)
    assert vectors.dtype == np.float32


def test_titles_must_match_texts() -> None:
    with pytest.raises(ValueError, match="titles"):
        OfflineEmbedder().embed_documents(["a", "b"], titles=["only one"])


def test_title_counts_towards_the_document() -> None:
    embedder = OfflineEmbedder()
    texts = ["Section one says little.", "Section one says little."]
    vectors = embedder.embed_documents(texts, titles=["Warranty terms", "Shipping rates"])
    assert int(np.argmax(vectors @ embedder.embed_query("warranty"))) == 0


@pytest.mark.parametrize("text", ["", "   ", "!!! ... ???", "the and of to"])
def test_text_without_words_gives_a_valid_unit_vector(text: str) -> None:
    vector = OfflineEmbedder().embed_query(text)
    assert vector.shape == (768,)
    assert np.all(np.isfinite(vector))
    assert np.linalg.norm(vector) == pytest.approx(1.0, rel=1e-5)


def test_non_english_text_is_embedded_and_retrieved() -> None:
    embedder = OfflineEmbedder()
    passages = [
        "Die Rückerstattung für Jahrespläne erfolgt innerhalb von dreißig Tagen.",
        "Пароль можно сбросить в настройках безопасности.",
        "退款政策 适用于 年度计划",
        "Les factures sont disponibles au format PDF.",
    ]
    vectors = embedder.embed_documents(passages)
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert rank(embedder, "Wie funktioniert die Rückerstattung?", passages)[0] == 0
    assert rank(embedder, "Как сбросить пароль?", passages)[0] == 1
    assert rank(embedder, "退款政策", passages)[0] == 2
    assert rank(embedder, "Où sont les factures ?", passages)[0] == 3


def test_deterministic_across_instances_and_batches() -> None:
    first = OfflineEmbedder().embed_documents(PASSAGES)
    second = OfflineEmbedder().embed_documents(list(reversed(PASSAGES)))[::-1]
    one_by_one = np.stack([OfflineEmbedder().embed_documents([p])[0] for p in PASSAGES])
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, one_by_one)
    np.testing.assert_array_equal(OfflineEmbedder().embed_query("refunds"), OfflineEmbedder().embed_query("refunds"))


def test_deterministic_across_processes() -> None:
    # Python's hash() is salted per process; the embedder must not depend on it.
    code = (
        "import sys; from chatsphere.ai.offline_embedder import OfflineEmbedder; "
        "sys.stdout.write(OfflineEmbedder(dimension=128).embed_query('annual plan refunds').tobytes().hex())"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    here = OfflineEmbedder(dimension=128).embed_query("annual plan refunds").tobytes().hex()
    assert outputs == {here}


def test_unrelated_texts_are_far_apart_and_related_close() -> None:
    embedder = OfflineEmbedder()
    a, b, c = embedder.embed_documents(
        [
            "Patients with diabetes received insulin therapy.",
            "Insulin therapy was given to diabetic patients.",
            "The invoice is available as a PDF download.",
        ]
    )
    assert float(a @ b) > 0.4
    assert abs(float(a @ c)) < 0.2
