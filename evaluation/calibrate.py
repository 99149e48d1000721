"""Fit the relevance decision's coefficients (chat.relevance) on the evaluation data.

    python -m evaluation.calibrate

Answerable questions: the dev long documents' questions and PubMedQA's; off-topic questions:
the dev set's general and in-domain ones, asked of both bots. Each question gives the
features of chat.relevance; a logistic regression with both classes weighted equally is fitted
by Newton's method and checked on the unseen test split. Prints the coefficients to put in
chat/relevance.py and the fallback rates at a few bars.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bots.models import Bot


def features(bot: Bot, question: str) -> list[float]:
    from chat import relevance
    from chat.retrieval import can_search, rank
    from chatsphere.ai.providers import get_embedder

    vector = get_embedder().embed_query(question) if can_search(bot) else None
    chunks, evidence = rank(bot=bot, question=question, vector=vector, limit=relevance.CANDIDATES)
    return list(relevance.features(chunks, evidence.weights, evidence.unknown, evidence.names))


def fit(x: np.ndarray, y: np.ndarray, *, l2: float = 1e-2, steps: int = 50) -> np.ndarray:
    """Class-balanced L2-regularised logistic regression; the intercept is the last coefficient."""
    design = np.hstack([x, np.ones((len(x), 1))])
    weights = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    beta = np.zeros(design.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-design @ beta))
        gradient = design.T @ ((p - y) * weights) + l2 * beta
        hessian = (design * (p * (1 - p) * weights)[:, None]).T @ design + l2 * np.eye(len(beta))
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def main() -> None:
    from benchmarks._django import setup_django

    setup_django()
    import logging

    logging.disable(logging.INFO)
    from evaluation import product, pubmedqa
    from evaluation.long_documents import build_long_document_set

    samples: dict[str, list[tuple[list[float], int]]] = {}
    for split in ("dev", "test"):
        document_set = build_long_document_set(split, "eval")
        bot, actor = product.new_bot(f"calibration {split}")
        product.ingest_pdfs(actor, bot, document_set)
        samples[split] = [(features(bot, q.text), 1) for q in document_set.answerable]
        samples[split] += [(features(bot, q.text), 0) for q in document_set.off_topic]
    titles, texts, questions = pubmedqa.load(pubmedqa.dev_path())
    bot, actor = product.new_bot("calibration PubMedQA")
    product.ingest_texts(actor, bot, titles, texts)
    off_topic = build_long_document_set("dev", "eval").off_topic
    samples["pubmedqa"] = [(features(bot, q), 1) for q in questions] + [(features(bot, q.text), 0) for q in off_topic]

    train = samples["dev"] + samples["pubmedqa"]
    beta = fit(np.array([f for f, _ in train]), np.array([label for _, label in train]))
    print(f"MATCHED = {beta[0]:.3f}\nUNKNOWN = {beta[1]:.3f}\nUNKNOWN_NAME = {beta[2]:.3f}\nINTERCEPT = {beta[3]:.3f}")
    for bar in (0.3, 0.4, 0.5, 0.6):
        parts = []
        for name, rows in samples.items():
            x = np.array([f for f, _ in rows])
            y = np.array([label for _, label in rows])
            p = 1.0 / (1.0 + np.exp(-(x @ beta[:-1] + beta[-1])))
            parts.append(f"{name}: answerable {np.mean(p[y == 1] < bar):.1%}, off-topic {np.mean(p[y == 0] < bar):.1%}")
        print(f"bar {bar}: " + " | ".join(parts))


if __name__ == "__main__":
    main()
