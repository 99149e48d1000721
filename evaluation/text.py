"""Word-level helpers shared by the corpus, its tests and the baselines: stemming, overlap, answer hits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

_WORD = re.compile(r"[A-Za-z0-9]+(?:[.,][0-9]+)*")
_SPACE = re.compile(r"\s+")
# Typographic variants an extractor or a model may produce for the same text.
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


@cache
def stemmer() -> Any:  # a Stemmer.Stemmer (PyStemmer ships no types)
    import Stemmer

    return Stemmer.Stemmer("english")


@cache
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def stems(text: str) -> set[str]:
    """Stemmed content words (English stopwords removed)."""
    stop = stopwords()
    return set(stemmer().stemWords([w for w in words(text) if w not in stop]))


def overlap(question: str, sentence: str, *, ignore: Iterable[str] = ()) -> float:
    """Share of the question's stemmed content words that also occur in the sentence.

    Words of `ignore` (e.g. the entity's name, which any question about it must repeat) are left out."""
    ignored = stems(" ".join(ignore))
    asked = stems(question) - ignored
    if not asked:
        return 0.0
    return len(asked & stems(sentence)) / len(asked)


def normalise(text: str) -> str:
    """Case- and whitespace-insensitive form used to compare answers with expected spans."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip().lower()


def answer_hit(answer: str, spans: Iterable[str]) -> bool:
    """True when any expected span occurs in the answer, ignoring case and whitespace differences."""
    text = normalise(answer)
    return any(normalise(span) in text for span in spans)


def squeeze(text: str) -> str:
    """Lower-case text without whitespace and hyphens, for comparing reflowed or hyphenated PDF text."""
    # pdfium marks a hyphen it removed at a line end with U+FFFE (some extractors use \x02 or a soft hyphen).
    return re.sub(r"[\s\-\u00ad\u2010\u2011\x02\ufffe]+", "", text.translate(_FOLD)).lower()
