"""A small `make eval` in the test suite: if retrieval or answers regress, CI fails.

The embedded default (offline embedder, local store, lexical index, offline answerer), fed through
the real services and pipeline: PubMedQA documents against bm25s, long generated PDFs against the
BM25 paragraph + best-sentence baseline, and the "I don't know" rates. The bars sit a little under
what `make eval` measures on the full sets (docs/evaluation.md), so a real regression fails and
the smaller sets' noise does not.
"""

from __future__ import annotations

import pytest

from evaluation import product, pubmedqa
from evaluation.baselines import answer_baseline
from evaluation.long_documents import build_long_document_set

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]

PUBMEDQA_DOCUMENTS = 150


@pytest.fixture(autouse=True)
def _embedded_default(settings):
    from chatsphere.ai.providers import reset_providers
    from chatsphere.celery import app

    settings.GEMINI_API_KEY = ""
    settings.PINECONE_API_KEY = ""
    settings.CHATSPHERE_LLM = settings.CHATSPHERE_EMBEDDINGS = settings.CHATSPHERE_VECTORSTORE = "auto"
    settings.CHATSPHERE_MONTHLY_MESSAGE_QUOTA = 0
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    reset_providers()
    yield
    app.conf.task_always_eager = previous
    reset_providers()


def test_retrieval_keeps_up_with_bm25s_on_pubmedqa():
    assert pubmedqa.dev_path().is_file(), f"PubMedQA data not found at {pubmedqa.dev_path()}: see docs/evaluation.md"
    titles, texts, questions = (part[:PUBMEDQA_DOCUMENTS] for part in pubmedqa.load(pubmedqa.dev_path()))
    bot, actor = product.new_bot("PubMedQA")
    product.ingest_texts(actor, bot, titles, texts)

    ours = pubmedqa.scores(product.pubmedqa_rankings(bot, titles, questions))
    theirs = pubmedqa.scores(pubmedqa.bm25_rankings(list(texts), list(questions)))

    assert ours["recall@1"] >= 0.98 * theirs["recall@1"], (ours, theirs)
    assert ours["MRR@10"] >= 0.98 * theirs["MRR@10"], (ours, theirs)
    assert product.refused(bot, questions) <= 0.05


def test_answers_on_long_pdfs_beat_the_baseline_and_refuse_off_topic_questions():
    document_set = build_long_document_set("dev", 5)
    bot, actor = product.new_bot("Long documents")
    product.ingest_pdfs(actor, bot, document_set)

    report = product.evaluate_long_documents(bot, document_set)
    baseline = answer_baseline(document_set)

    assert report.hit_rate >= 1.1 * baseline.hit_rate, (report.hit_rate, baseline.hit_rate)
    assert report.cited_page_rate >= 0.75
    assert report.answerable_fallback_rate <= 0.10
    assert report.off_topic_fallback_rate() >= 0.90
