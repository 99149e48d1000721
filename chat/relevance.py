"""Whether the retrieved passages answer a question: the bot's "I don't know" decision.

A cosine score means different things for different embedders (and for a long page against a
short question), so the decision rests on evidence that means the same everywhere, measured on
the question's search words weighted by how informative they are in general language
(chatsphere.text.word_weights):

- `matched`: the weight of the question's words that the best of the top passages contains;
- `unknown`: the weight of the most informative question word that none of the bot's passages
  contains;
- `unknown name`: the same among the words that name something (capitalised, or a code such as
  "R8"): a product, place or person the documents never mention makes a question off-topic even
  when the rest of it matches a passage well.

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
#: P(answerable) = sigmoid(MATCHED * ln(1 + matched) + UNKNOWN * unknown + UNKNOWN_NAME * unknown name
#: + INTERCEPT).
MATCHED = 7.68
UNKNOWN = -0.289
UNKNOWN_NAME = -0.458
INTERCEPT = -17.33


class Passage(Protocol):
    @property
    def terms(self) -> frozenset[str]: ...


def matched_weight(passages: Sequence[Passage], weights: Mapping[str, float]) -> float:
    """The weight of the question's words found in the best of the top passages."""
    return max((sum(weights.get(term, 0.0) for term in p.terms) for p in passages[:CANDIDATES]), default=0.0)


def features(
    passages: Sequence[Passage], weights: Mapping[str, float], unknown: frozenset[str], names: frozenset[str]
) -> tuple[float, float, float]:
    """ln(1 + matched weight), the heaviest unknown word's weight, the heaviest unknown name's."""
    missing = max((weights.get(term, 0.0) for term in unknown), default=0.0)
    missing_name = max((weights.get(term, 0.0) for term in unknown & names), default=0.0)
    return math.log1p(matched_weight(passages, weights)), missing, missing_name


def confidence(
    passages: Sequence[Passage], weights: Mapping[str, float], unknown: frozenset[str], names: frozenset[str]
) -> float:
    """The probability (0-1) that the passages answer the question."""
    matched, missing, missing_name = features(passages, weights, unknown, names)
    score = MATCHED * matched + UNKNOWN * missing + UNKNOWN_NAME * missing_name + INTERCEPT
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, score))))


def bar(strictness: float) -> float:
    """The confidence a bot of this strictness (0-1) needs before it answers: the strictness itself."""
    return min(1.0, max(0.0, strictness))
