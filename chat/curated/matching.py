"""Does a visitor's question ask what a curated answer answers?

Two signals, both cheap: the lexical one compares content terms (`chat.curated.text`), the dense
one the cosine of the embedder's query vector of the question with the entry's stored vector. An
entry matches when

- the terms agree (Dice >= LEXICAL_MATCH: the same terms, or one term more or fewer when the
  curated question has two or more), or
- the vectors agree (cosine >= thresholds.alone), or
- both half-agree (Dice >= LEXICAL_WITH_DENSE and cosine >= thresholds.with_words).

Figures behind the thresholds, offline embedder (chat/tests/test_curated_matching.py holds the table):
paraphrases score Dice 0.8-1.0 ("How long is the warranty?" / "What's the warranty period?" 1.0;
"How do I reset my password?" / "I forgot my password, how can I reset it?" 0.8), different
questions on the same topic 0.0-0.67 ("... cover water damage?" 0.33, "... on refurbished
phones?" 0.67, "Do you ship to Mexico?" for Canada 0.5). The offline vectors are lexical too and
mix the two groups (paraphrases 0.46-0.85, near misses 0.45-0.85), so with that embedder only a
near-identical vector (>= 0.9) counts. Semantic embedders score template-identical questions about
different things high (Canada / Mexico), hence a high bar alone and, with the terms, a share of
more than half of them.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bots.models import Bot
from chat.curated import embeddings
from chat.curated.text import content_terms, lexical_similarity
from chat.models import CuratedAnswer
from chatsphere.ai.types import ProviderError

logger = logging.getLogger(__name__)

LEXICAL_MATCH = 0.8
LEXICAL_WITH_DENSE = 0.6

MatchKind = Literal["lexical", "dense", "lexical+dense"]


@dataclass(frozen=True, slots=True)
class DenseThresholds:
    #: Cosine that matches on its own.
    alone: float
    #: Cosine that matches when the questions also share more than half of their terms.
    with_words: float


#: The offline embedder's vectors are lexical: they add nothing to the terms below near-identity.
OFFLINE_THRESHOLDS = DenseThresholds(alone=0.9, with_words=0.9)
SEMANTIC_THRESHOLDS = DenseThresholds(alone=0.93, with_words=0.85)


def dense_thresholds(embedder_name: str) -> DenseThresholds:
    return OFFLINE_THRESHOLDS if embedder_name.startswith("offline-") else SEMANTIC_THRESHOLDS


@dataclass(frozen=True, slots=True)
class CuratedMatch:
    id: uuid.UUID
    question: str
    answer: str
    #: The stronger of the two similarities, 0-1.
    score: float
    lexical_score: float
    dense_score: float | None
    matched_by: MatchKind


def _decide(lexical: float, dense: float | None, thresholds: DenseThresholds) -> MatchKind | None:
    words = lexical >= LEXICAL_MATCH
    vectors = dense is not None and dense >= thresholds.alone
    both = dense is not None and lexical >= LEXICAL_WITH_DENSE and dense >= thresholds.with_words
    if (words and vectors) or (both and not words and not vectors):
        return "lexical+dense"
    if words:
        return "lexical"
    if vectors:
        return "dense"
    return None


def match_curated_answer(*, bot: Bot, question: str, query_vector: np.ndarray | None = None) -> CuratedMatch | None:
    """The curated answer of `bot` that answers `question`, or None.

    Reads the bot's entries in one query and embeds the question at most once (not at all when
    the bot has no entries, or when the caller passes the `query_vector` it already computed with
    the deployment's embedder). When the embedder fails, the terms alone decide.
    """
    entries = list(
        CuratedAnswer.objects.filter(organization_id=bot.organization_id, bot_id=bot.id).only(
            "id", "organization_id", "question", "answer", "question_embedding", "embedder"
        )
    )
    if not entries:
        return None
    terms = content_terms(question)
    embedder = embeddings.current_embedder()
    try:
        embeddings.refresh_stale(entries, embedder)
    except ProviderError as error:
        logger.warning("curated answers of bot %s not re-embedded: %s", bot.id, error.message)
    vector = query_vector
    if vector is None and any(embeddings.is_current(entry, embedder) for entry in entries):
        try:
            vector = embedder.embed_query(question)
        except ProviderError as error:
            logger.warning("curated answers of bot %s matched by words only: %s", bot.id, error.message)
    thresholds = dense_thresholds(embedder.name)

    best: CuratedMatch | None = None
    for entry in entries:
        lexical = lexical_similarity(terms, content_terms(entry.question))
        dense = None
        if vector is not None and embeddings.is_current(entry, embedder):
            stored = embeddings.vector_from_bytes(entry.question_embedding)
            if stored is not None and stored.shape == np.shape(vector):
                dense = float(np.dot(stored, vector))
        kind = _decide(lexical, dense, thresholds)
        if kind is None:
            continue
        candidate = CuratedMatch(
            id=entry.id,
            question=entry.question,
            answer=entry.answer,
            score=round(max(lexical, dense or 0.0), 4),
            lexical_score=round(lexical, 4),
            dense_score=None if dense is None else round(dense, 4),
            matched_by=kind,
        )
        if best is None or (candidate.score, candidate.lexical_score) > (best.score, best.lexical_score):
            best = candidate
    return best


def covers(*, curated_terms: list[frozenset[str]], question: str) -> bool:
    """Whether a curated question (given by its `content_terms`) answers `question` by the terms
    alone: no embedding, so that many questions can be cleared at once (the unanswered list)."""
    terms = content_terms(question)
    return any(lexical_similarity(terms, curated) >= LEXICAL_MATCH for curated in curated_terms)
