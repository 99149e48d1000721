"""How questions are compared as text: the key that makes two questions "identical", and the
content terms the lexical side of matching compares.

The offline embedder is lexical, so paraphrases such as "How long is the warranty?" and "What's
the warranty period?" share only one word. A small table of question idioms and synonyms common in
customer support folds them onto one term each; a semantic embedder (Gemini) needs none of it, and
the table never makes two different questions equal on its own (they must share every other term).
"""

from __future__ import annotations

import re

from chatsphere.ai.offline_embedder import STOPWORDS, stem

_SPACE = re.compile(r"\s+")
_END_PUNCTUATION = re.compile(r"[\s?!.…。？！]+$")
_WORD = re.compile(r"\w+")

#: Idioms rewritten to one term before splitting into words ("how long" asks for a duration).
_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bhow\s+long\b"), " duration "),
    (re.compile(r"\bhow\s+many\s+(?:years?|months?|weeks?|days?|hours?|minutes?)\b"), " duration "),
    (re.compile(r"\bhow\s+much\b"), " price "),
    (re.compile(r"\bmoney\s+back\b"), " refund "),
    (re.compile(r"\bsign\s+in\b|\blog\s*in\b"), " login "),
]

#: Stemmed word -> the term it stands for.
_SYNONYMS: dict[str, str] = {
    "period": "duration",
    "duration": "duration",
    "length": "duration",
    "price": "price",
    "pric": "price",
    "cost": "price",
    "fee": "price",
    "charge": "price",
    "charg": "price",
    "deliver": "ship",
    "delivery": "ship",
    "delivering": "ship",
    "shipment": "ship",
    "product": "item",
    "hour": "open",
    "refund": "refund",
    "cancell": "cancel",
}

#: Words that carry no content in a question, on top of the embedder's stopwords.
_FILLER_TEXT = """
    get gets getting got take takes last lasts need want like know tell please hi hello thanks thank
    anyone someone something there ok okay much many
"""
_FILLERS = frozenset(_FILLER_TEXT.split())


def question_key(text: str) -> str:
    """The question as compared for identity: case-folded, spaces collapsed, end punctuation dropped."""
    folded = _SPACE.sub(" ", text.replace("’", "'")).strip().casefold()
    return _END_PUNCTUATION.sub("", folded)


def content_terms(text: str) -> frozenset[str]:
    """The question's content words, stemmed, with idioms and synonyms folded."""
    lowered = " " + text.replace("’", "'").casefold() + " "
    for pattern, term in _PHRASES:
        lowered = pattern.sub(term, lowered)
    terms = set()
    for word in _WORD.findall(lowered):
        if len(word) < 2 or word in STOPWORDS or word in _FILLERS:
            continue
        root = stem(word)
        terms.add(_SYNONYMS.get(root, root))
    return frozenset(terms)


def lexical_similarity(left: frozenset[str], right: frozenset[str]) -> float:
    """Dice coefficient of two term sets: 1 for the same terms; a missing or an extra term both cost."""
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))
