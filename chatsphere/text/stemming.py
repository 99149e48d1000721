"""Word stems for matching a question's words with a document's ("resignation" and "resigning"
share "resign"): the Snowball English stemmer, the one PostgreSQL's English search uses too."""

from __future__ import annotations

from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of a lower-cased word."""
    return _STEMMER.stemWord(word)
