"""`make eval`: answer quality of the embedded default, as ratios to baselines in the same run.

    python -m evaluation [--split dev|test] [--size eval|small|N] [--skip-pubmedqa]

Prints retrieval on PubMedQA-L (against bm25s), answers on long generated PDFs (against the BM25
paragraph + best-sentence baseline) and how often the bot says it does not know, with the goals.
docs/evaluation.md describes the output.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

GOALS = {"recall@1": 1.0, "answer hit": 1.1, "fallback on answerable": 0.05, "fallback on off-topic": 0.95}


def _status(ok: bool) -> str:
    return "ok" if ok else "BELOW GOAL"


def pubmedqa_section(limit: int | None) -> list[bool]:
    from evaluation import product, pubmedqa

    path = pubmedqa.dev_path()
    if not path.is_file():
        print(f"\n== PubMedQA: data not found at {path}; set CHATSPHERE_PUBMEDQA_DIR. Skipped.")
        return []
    titles, texts, questions = pubmedqa.load(path)
    if limit:
        titles, texts, questions = titles[:limit], texts[:limit], questions[:limit]
    started = time.perf_counter()
    bot, actor = product.new_bot("PubMedQA")
    product.ingest_texts(actor, bot, titles, texts)
    ingest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours = pubmedqa.scores(product.pubmedqa_rankings(bot, titles, questions))
    query_ms = (time.perf_counter() - started) * 1000 / len(questions)
    theirs = pubmedqa.scores(pubmedqa.bm25_rankings(texts, questions))
    refused = product.refused(bot, questions)
    print(f"\n== Retrieval on PubMedQA-L dev: {len(titles)} documents, {len(questions)} questions")
    print(f"   (ingested in {ingest_seconds:.1f} s; {query_ms:.1f} ms per ranked question)")
    print(f"{'metric':<12}{'ours':>8}{'bm25s':>8}{'ratio':>8}")
    for metric in ("recall@1", "recall@5", "MRR@10"):
        ratio = ours[metric] / theirs[metric] if theirs[metric] else float("nan")
        print(f"{metric:<12}{ours[metric]:>8.3f}{theirs[metric]:>8.3f}{ratio:>8.3f}")
    print(f"refused (answerable questions turned away): {refused:.1%}")
    recall_ok = ours["recall@1"] >= GOALS["recall@1"] * theirs["recall@1"]
    refused_ok = refused <= GOALS["fallback on answerable"]
    print(f"goal recall@1 >= {GOALS['recall@1']} x bm25s: {_status(recall_ok)}; refused <= 5%: {_status(refused_ok)}")
    return [recall_ok, refused_ok]


def long_documents_section(split: str, size: str | int) -> list[bool]:
    from evaluation import product
    from evaluation.baselines import answer_baseline
    from evaluation.long_documents import build_long_document_set

    document_set = build_long_document_set(split, size)
    baseline = answer_baseline(document_set)
    bot, actor = product.new_bot(f"Long documents ({split})")
    started = time.perf_counter()
    product.ingest_pdfs(actor, bot, document_set)
    ingest_seconds = time.perf_counter() - started
    report = product.evaluate_long_documents(bot, document_set)
    pages = sum(document.page_count for document in document_set.documents)
    print(
        f"\n== Answers on long PDFs ({split}): {len(document_set.documents)} documents, {pages} pages, "
        f"{len(document_set.answerable)} answerable and {len(document_set.off_topic)} off-topic questions"
    )
    print(f"   (ingested in {ingest_seconds:.1f} s)")
    ratio = report.hit_rate / baseline.hit_rate if baseline.hit_rate else float("nan")
    print(f"{'answer hit':<28}{report.hit_rate:>8.3f}   baseline {baseline.hit_rate:.3f}   ratio {ratio:.2f}")
    print(f"{'cited the right page':<28}{report.cited_page_rate:>8.3f}   (of answered questions)")
    answerable = report.answerable_fallback_rate
    off_topic = report.off_topic_fallback_rate()
    print(f"{'fallback on answerable':<28}{answerable:>8.1%}   goal <= 5%")
    print(
        f"{'fallback on off-topic':<28}{off_topic:>8.1%}   goal >= 95% "
        f"(general {report.off_topic_fallback_rate('general'):.1%}, "
        f"in-domain {report.off_topic_fallback_rate('in_domain'):.1%})"
    )
    checks = [
        ratio >= GOALS["answer hit"],
        answerable <= GOALS["fallback on answerable"],
        off_topic >= GOALS["fallback on off-topic"],
    ]
    print(f"goals: answer hit >= 1.1 x baseline {_status(checks[0])}; fallbacks {_status(all(checks[1:]))}")
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--size", default="eval", help="eval, small, or a number of documents")
    parser.add_argument("--pubmedqa-limit", type=int, default=0, help="use only the first N PubMedQA entries")
    parser.add_argument("--skip-pubmedqa", action="store_true")
    args = parser.parse_args()
    size: str | int = int(args.size) if args.size.isdigit() else args.size

    from benchmarks._django import setup_django

    os.environ.setdefault("CHATSPHERE_LOG_LEVEL", "WARNING")
    setup_django()
    import logging

    logging.disable(logging.INFO)
    print("ChatSphere evaluation on the embedded default (offline embedder, local store, offline answerer)")
    results: list[bool] = []
    if not args.skip_pubmedqa:
        results += pubmedqa_section(args.pubmedqa_limit or None)
    for split in ("dev", "test") if args.split == "both" else (args.split,):
        results += long_documents_section(split, size)
    print(f"\n{sum(results)} of {len(results)} goals met")
    sys.exit(0)


if __name__ == "__main__":
    main()
