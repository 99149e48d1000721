"""PubMedQA-L (dev half) as a retrieval benchmark: loading, the bm25s baseline and the scores.

Each entry's CONTEXTS, joined, is one document titled by its PMID; query i's relevant document is
document i. Shared by `benchmarks/bench_retrieval.py` and `make eval`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

TOP_K = 10


def data_dir() -> Path:
    """The PubMedQA folder: $CHATSPHERE_PUBMEDQA_DIR, else `shared/data/pubmedqa` beside the checkout."""
    override = os.environ.get("CHATSPHERE_PUBMEDQA_DIR")
    if override:
        return Path(override)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "data" / "pubmedqa"
        if candidate.is_dir():
            return candidate
    return here.parents[2] / "shared" / "data" / "pubmedqa"


def dev_path() -> Path:
    return data_dir() / "pqal_dev.json"


def load(path: Path) -> tuple[list[str], list[str], list[str]]:
    """(pmids, document texts, questions), in file order."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    pmids = list(entries)
    texts = [" ".join(entries[p]["CONTEXTS"]) for p in pmids]
    questions = [entries[p]["QUESTION"] for p in pmids]
    return pmids, texts, questions


def load_contexts(path: Path) -> list[list[str]]:
    """Each entry's CONTEXTS (abstract sections as paragraphs), in file order."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    return [list(entries[p]["CONTEXTS"]) for p in entries]


def scores(rankings: Sequence[Sequence[int]]) -> dict[str, float]:
    """recall@1, recall@5 and MRR@10 when query i's relevant document is document i."""
    r1 = r5 = mrr = 0.0
    for query, ranked in enumerate(rankings):
        ranked = list(ranked)[:TOP_K]
        if ranked[:1] == [query]:
            r1 += 1
        if query in ranked[:5]:
            r5 += 1
        if query in ranked:
            mrr += 1.0 / (ranked.index(query) + 1)
    n = len(rankings)
    return {"recall@1": r1 / n, "recall@5": r5 / n, "MRR@10": mrr / n}


def bm25_rankings(texts: list[str], questions: list[str]) -> list[list[int]]:
    """bm25s with its default tokenisation plus English stopwords: the top TOP_K documents per question."""
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False), show_progress=False)
    query_tokens = bm25s.tokenize(questions, stopwords="en", return_ids=False, show_progress=False)
    results, _ = retriever.retrieve(query_tokens, k=TOP_K, show_progress=False)
    return [list(map(int, row)) for row in results]
