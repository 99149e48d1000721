"""Whether the retrieved passages answer a question: the bot's "I don't know" decision.

A cosine score means different things for different embedders (and for a long page against a
short question), so the decision rests on evidence that means the same everywhere, measured on
the question's search words weighted by how informative they are in general language
(chatsphere.text.word_weights):

- `matched`: the weight of the question's words that the best of the top passages contains;
- `unknown`: the weight of the most informative question word that none of the bot's passages
  contains (a product, place or person the documents never mention).

A logistic model turns them into the probability that the documents answer the question; a bot
answers when it reaches the bot's strictness. The coefficients were fitted on the evaluation
data (`python -m evaluation.calibrate`): generated long documents with reworded questions and
off-topic questions, and PubMedQA, with both classes weighted equally.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

#: Top fused passages the decision looks at.
CANDIDATES = 3
#: P(answerable) = sigmoid(MATCHED * ln(1 + matched) + UNKNOWN * unknown + INTERCEPT).
MATCHED = 7.70
UNKNOWN = -0.506
INTERCEPT = -17.19


class Passage(Protocol):
    @property
    def terms(self) -> frozenset[str]: ...


def matched_weight(passages: Sequence[Passage], weights: Mapping[str, float]) -> float:
    """The weight of the question's words found in the best of the top passages."""
    return max((sum(weights.get(term, 0.0) for term in p.terms) for p in passages[:CANDIDATES]), default=0.0)


def confidence(passages: Sequence[Passage], weights: Mapping[str, float], unknown: frozenset[str]) -> float:
    """The probability (0-1) that the passages answer the question."""
    missing = max((weights.get(term, 0.0) for term in unknown), default=0.0)
    score = MATCHED * math.log1p(matched_weight(passages, weights)) + UNKNOWN * missing + INTERCEPT
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, score))))


def bar(strictness: float) -> float:
    """The confidence a bot of this strictness (0-1) needs before it answers: the strictness itself."""
    return min(1.0, max(0.0, strictness))
