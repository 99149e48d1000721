"""Hybrid retrieval latency against the dense-only query it replaced, on one bot with 10k and 100k chunks.

The bot's passages are varied prose of 60-120 words, made of PubMedQA-L (dev) abstract sentences
drawn at random (a vocabulary of several thousand words, so BM25 postings are realistic), in ready
documents of 100 chunks; their vectors come from the offline embedder into the local store, and
the lexical index is written per document as the ingestion pipeline writes it. The questions are
PubMedQA's own. Per question, after a warm-up, in the same run and interleaved:

- dense only, as before: embed the question, the local store's top matches, and the matching
  chunk rows read with the ORM query retrieval used before it became hybrid;
- hybrid: `chat.retrieval.retrieve_sync` (embed, dense and BM25 candidates fused, relevance decision);
- lexical: the lexical index's search alone;
- vectors: embedding the question and the local store's query alone (what both others share).

Goal: hybrid p50 and p99 within 1.5x of dense only at 100k chunks.

Run: .venv/bin/python -m benchmarks.bench_hybrid_retrieval [--sizes 10000 100000] [--questions 200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

import numpy as np

from benchmarks._django import setup_django

if TYPE_CHECKING:
    from bots.models import Bot

GOAL = 1.5
CHUNKS_PER_DOCUMENT = 100
WARM_UP = 20
SEED = 20261129
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def load_pubmedqa() -> tuple[list[str], list[str]]:
    """(abstract sentences, questions) of PubMedQA-L dev, or exit when the data is missing."""
    from evaluation.pubmedqa import dev_path

    path = dev_path()
    if not path.is_file():
        print(f"PubMedQA data not found at {path}; set CHATSPHERE_PUBMEDQA_DIR to its folder. Skipping.")
        sys.exit(0)
    entries = json.loads(path.read_text(encoding="utf-8"))
    sentences = [
        sentence.strip()
        for entry in entries.values()
        for context in entry["CONTEXTS"]
        for sentence in _SENTENCE_END.split(context)
        if len(sentence.split()) >= 4
    ]
    questions = [entry["QUESTION"] for entry in entries.values()]
    return sentences, questions


def passages(sentences: list[str], count: int, rng: random.Random) -> list[str]:
    """`count` passages of 60-120 words, each a run of randomly drawn sentences."""
    texts = []
    for _ in range(count):
        target, words, parts = rng.randint(60, 120), 0, []
        while words < target:
            sentence = rng.choice(sentences)
            parts.append(sentence)
            words += len(sentence.split())
        texts.append(" ".join(parts))
    return texts


class Corpus:
    """One bot whose knowledge grows document by document, written the way ingestion writes it."""

    def __init__(self, sentences: list[str]) -> None:
        from django.utils import timezone

        from accounts.models import Role, User
        from accounts.services.organizations import organization_create
        from accounts.tenancy import Actor
        from bots.services import bot_create
        from chatsphere.ai.providers import get_embedder, get_vector_store

        self.sentences = sentences
        self.rng = random.Random(SEED)
        self.embedder, self.store = get_embedder(), get_vector_store()
        user = User.objects.create_user(
            email="bench@example.com", password="bench-pass-phrase-42", email_verified_at=timezone.now()
        )
        self.organization = organization_create(user=user, name="Bench")
        actor = Actor(organization=self.organization, role=Role.OWNER, user=user)
        self.bot = bot_create(actor=actor, name="Bench bot", allowed_origins=["https://bench.example"])
        self.bot.embedder, self.bot.embedding_dimension = self.embedder.name, self.embedder.dimension
        self.bot.save(update_fields=["embedder", "embedding_dimension"])
        self.chunks = 0

    def grow(self, size: int) -> None:
        from django.db import transaction

        from chatsphere.ai.types import VectorRecord
        from documents.lexical import lexical_index
        from documents.models import Chunk, Document, DocumentSource, DocumentStatus
        from documents.namespaces import bot_namespace, vector_id

        while self.chunks < size:
            count = min(CHUNKS_PER_DOCUMENT, size - self.chunks)
            texts = passages(self.sentences, count, self.rng)
            with transaction.atomic():
                document = Document.objects.create(
                    organization=self.organization,
                    bot=self.bot,
                    source=DocumentSource.TEXT,
                    title=f"Abstracts {self.chunks // CHUNKS_PER_DOCUMENT}",
                    status=DocumentStatus.READY,
                    chunk_count=count,
                    embedder=self.embedder.name,
                    embedding_dimension=self.embedder.dimension,
                )
                Chunk.objects.bulk_create(
                    [
                        Chunk(
                            organization=self.organization,
                            bot=self.bot,
                            document=document,
                            index=index,
                            text=text,
                            token_count=len(text.split()),
                            content_hash=f"{self.chunks + index:064x}",
                        )
                        for index, text in enumerate(texts)
                    ],
                    batch_size=500,
                )
                lexical_index().add_document(bot_id=self.bot.id, document_id=document.id)
            vectors = self.embedder.embed_documents(texts)
            self.store.upsert(
                namespace=bot_namespace(self.bot.id),
                records=[
                    VectorRecord(
                        id=vector_id(document.id, index),
                        values=vectors[index],
                        metadata={"document_id": str(document.id), "chunk_index": index},
                    )
                    for index in range(count)
                ],
            )
            self.chunks += count


def dense_only(bot: Bot, question: str, *, score_threshold: float = 0.2) -> list:
    """Retrieval as it was before it became hybrid: the store's top matches, their chunk rows read
    with one ORM query, the best `top_k` above the bot's score threshold (0.2 by default then)."""
    from django.db.models import Q

    from chat.retrieval import _match_key
    from chatsphere.ai.providers import get_embedder, get_vector_store
    from documents.models import Chunk, DocumentStatus
    from documents.namespaces import bot_namespace

    vector = get_embedder().embed_query(question)
    matches = get_vector_store().query(
        namespace=bot_namespace(bot.id), vector=vector, top_k=min(100, bot.top_k * 2), include_metadata=False
    )
    scored: dict[tuple[str, int], float] = {}
    for match in matches:
        key = _match_key(match)
        if key is not None and match.score >= score_threshold:
            scored.setdefault((str(key[0]), key[1]), match.score)
    if not scored:
        return []
    condition = reduce(or_, (Q(document_id=document_id, index=index) for document_id, index in scored))
    rows = (
        Chunk.objects.filter(organization_id=bot.organization_id, bot_id=bot.id, document__status=DocumentStatus.READY)
        .filter(condition)
        .values_list("document_id", "index", "document__title", "text", "page", "heading")
    )
    found = [
        (scored[(str(document_id), index)], document_id, index, text) for document_id, index, _, text, _, _ in rows
    ]
    found.sort(key=lambda row: (-row[0], str(row[1]), row[2]))
    return found[: bot.top_k]


def measure(bot: Bot, questions: list[str]) -> dict[str, list[float]]:
    """Per question, milliseconds of each way, interleaved (the order rotates) after a warm-up."""
    from chat.retrieval import DENSE_CANDIDATES, LEXICAL_CANDIDATES, retrieve_sync
    from chatsphere.ai.providers import get_embedder, get_vector_store
    from documents.lexical import lexical_index, query_terms
    from documents.namespaces import bot_namespace

    def lexical(question: str) -> object:
        return lexical_index().search(
            organization_id=bot.organization_id,
            bot_id=bot.id,
            terms=query_terms(question),
            limit=LEXICAL_CANDIDATES,
        )

    def vectors(question: str) -> object:
        return get_vector_store().query(
            namespace=bot_namespace(bot.id),
            vector=get_embedder().embed_query(question),
            top_k=DENSE_CANDIDATES,
            include_metadata=False,
        )

    ways: dict[str, Callable[[str], object]] = {
        "dense": lambda question: dense_only(bot, question),
        "hybrid": lambda question: retrieve_sync(bot=bot, question=question),
        "lexical": lexical,
        "vectors": vectors,
    }
    names = list(ways)
    for question in questions[:WARM_UP]:
        for way in ways.values():
            way(question)
    timings: dict[str, list[float]] = {name: [] for name in names}
    for number, question in enumerate(questions):
        order = names[number % len(names) :] + names[: number % len(names)]
        for name in order:
            started = time.perf_counter()
            ways[name](question)
            timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def report(size: int, timings: dict[str, list[float]]) -> None:
    figures = {name: (np.percentile(ms, 50), np.percentile(ms, 99)) for name, ms in timings.items()}
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\n{size:,} chunks, {len(timings['dense'])} questions (load average {load}, RSS {rss_mb():.0f} MB)")
    print(f"   {'':<38} {'p50 ms':>8} {'p99 ms':>8}")
    labels = {
        "dense": "dense only, as before",
        "hybrid": "hybrid (rank + relevance decision)",
        "lexical": "lexical search alone",
        "vectors": "embedding + vector store query alone",
    }
    for name, label in labels.items():
        p50, p99 = figures[name]
        print(f"   {label:<38} {p50:>8.2f} {p99:>8.2f}")
    for index, percentile in enumerate(("p50", "p99")):
        ratio = figures["hybrid"][index] / figures["dense"][index]
        verdict = "met" if ratio <= GOAL else "missed"
        print(f"   hybrid/dense {percentile}: {ratio:.2f}x (goal <= {GOAL}x: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="chunk counts, ascending")
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()
    sentences, questions = load_pubmedqa()
    workdir = setup_django()
    try:
        run(questions, sentences, sorted(args.sizes), args.questions)
    finally:
        # A 100k-chunk database is half a gigabyte.
        shutil.rmtree(workdir, ignore_errors=True)


def run(questions: list[str], sentences: list[str], sizes: list[int], count: int) -> None:
    from django.conf import settings

    # As in production: no query log, whose bookkeeping would weigh on every query measured.
    settings.DEBUG = False
    random.Random(SEED).shuffle(questions)
    questions = questions[:count]
    print(f"{len(sentences):,} PubMedQA sentences drawn into passages; {len(questions)} PubMedQA questions")

    corpus = Corpus(sentences)
    for size in sizes:
        started = time.perf_counter()
        corpus.grow(size)
        print(f"\nseeded {size:,} chunks in {time.perf_counter() - started:.0f} s (RSS {rss_mb():.0f} MB)")
        report(size, measure(corpus.bot, questions))


if __name__ == "__main__":
    main()
