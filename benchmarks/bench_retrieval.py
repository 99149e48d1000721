"""Retrieval quality of the offline embedder on PubMedQA-L (dev half), against bm25s in the same run.

Each entry's CONTEXTS, joined, is one document titled by its PMID; each QUESTION is asked and scored
on whether its own document comes back: recall@1, recall@5 and MRR@10. The offline vectors are
searched with the real LocalStore (on a throw-away SQLite database); bm25s indexes the same texts
with its default tokenisation plus English stopwords. Also prints the embedding throughput.

Run: .venv/bin/python -m benchmarks.bench_retrieval [--dimension 768] [--numpy]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from evaluation.pubmedqa import TOP_K, bm25_rankings, data_dir, load, scores


def offline_rankings(
    pmids: list[str], texts: list[str], questions: list[str], *, dimension: int, use_store: bool
) -> tuple[list[list[int]], dict[str, float]]:
    from chatsphere.ai.offline_embedder import OfflineEmbedder

    embedder = OfflineEmbedder(dimension=dimension)
    started = time.perf_counter()
    vectors = embedder.embed_documents(texts, titles=pmids)
    doc_seconds = time.perf_counter() - started
    started = time.perf_counter()
    queries = np.stack([embedder.embed_query(q) for q in questions])
    query_seconds = time.perf_counter() - started
    index = {pmid: i for i, pmid in enumerate(pmids)}
    if use_store:
        from chatsphere.ai.local_store import LocalStore
        from chatsphere.ai.types import VectorRecord

        store = LocalStore()
        namespace = "bench-pubmedqa"
        store.upsert(
            namespace=namespace,
            records=[
                VectorRecord(id=f"{pmid}:0", values=vectors[i], metadata={"document_id": pmid, "chunk_index": 0})
                for i, pmid in enumerate(pmids)
            ],
        )
        rankings = [
            [
                index[str(m.metadata["document_id"])]
                for m in store.query(namespace=namespace, vector=q, top_k=TOP_K, include_metadata=False)
            ]
            for q in queries
        ]
    else:
        similarity = queries @ vectors.T
        rankings = [list(np.argsort(-row, kind="stable")[:TOP_K]) for row in similarity]
    doc_mb = sum(len((f"{p}\n{t}").encode()) for p, t in zip(pmids, texts, strict=True)) / 1e6
    query_mb = sum(len(q.encode()) for q in questions) / 1e6
    return rankings, {
        "doc_mb_s": doc_mb / doc_seconds,
        "query_mb_s": query_mb / query_seconds,
        "doc_mb": doc_mb,
        "query_ms": query_seconds * 1000 / len(questions),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dimension", type=int, default=768)
    parser.add_argument("--numpy", action="store_true", help="plain numpy cosine instead of the LocalStore")
    args = parser.parse_args()

    path = data_dir() / "pqal_dev.json"
    if not path.is_file():
        print(f"PubMedQA data not found at {path}; set CHATSPHERE_PUBMEDQA_DIR to its folder. Skipping.")
        sys.exit(0)
    pmids, texts, questions = load(path)
    if not args.numpy:
        from benchmarks._django import setup_django

        setup_django()
    offline, speed = offline_rankings(pmids, texts, questions, dimension=args.dimension, use_store=not args.numpy)
    bm25 = bm25_rankings(texts, questions)
    ours, theirs = scores(offline), scores(bm25)

    search = "numpy cosine" if args.numpy else "LocalStore"
    print(f"PubMedQA-L dev: {len(pmids)} documents, {len(questions)} questions")
    print(f"offline: OfflineEmbedder({args.dimension}) searched with {search}; bm25s with stopwords='en'")
    print(f"{'metric':>10} {'offline':>9} {'bm25s':>9} {'ratio':>7}")
    for metric in ("recall@1", "recall@5", "MRR@10"):
        ratio = ours[metric] / theirs[metric] if theirs[metric] else float("nan")
        print(f"{metric:>10} {ours[metric]:>9.3f} {theirs[metric]:>9.3f} {ratio:>7.3f}")
    print(
        f"embedding throughput: documents {speed['doc_mb_s']:.2f} MB/s ({speed['doc_mb']:.2f} MB), "
        f"queries {speed['query_mb_s']:.2f} MB/s ({speed['query_ms']:.3f} ms per query)"
    )


if __name__ == "__main__":
    main()
