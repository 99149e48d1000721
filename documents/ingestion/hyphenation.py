"""Undoing end-of-line hyphenation without breaking real compounds.

A word split at a line end ("exam-" / "ple") is joined ("example") unless the document itself
spells the pair with a hyphen elsewhere ("self-service"), the second part starts with a capital
or a digit ("COVID-19", "pre-Roman"), or the first part is a prefix written with a hyphen in
English ("self-"). When the document spells the joined word elsewhere, that wins over the prefix
rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_COMPOUND = re.compile(r"([^\W\d_]+)-([^\W\d_]+)")
_WORD = re.compile(r"[^\W\d_]+")
_HYPHENATED_PREFIXES = frozenset({"self", "e"})
_TRAILING_WORD = re.compile(r"([^\W\d_]+)-$")
_LEADING_WORD = re.compile(r"^([^\W_]+)")


class Hyphenation:
    """Decides line-end hyphens using the words of the whole document."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.compounds: set[str] = set()
        self.words: set[str] = set()
        for text in texts:
            lowered = text.lower()
            self.compounds.update(f"{a}-{b}" for a, b in _COMPOUND.findall(lowered))
            self.words.update(_WORD.findall(lowered))

    def keeps_hyphen(self, head: str, tail: str) -> bool:
        if not tail or not tail[0].islower():
            return True
        lowered = f"{head}-{tail}".lower()
        if lowered in self.compounds:
            return True
        if lowered.replace("-", "") in self.words:
            return False
        return head.lower() in _HYPHENATED_PREFIXES

    def join_lines(self, first: str, second: str) -> str:
        """Two lines of one paragraph as one: a space between, or a hyphenated word rejoined."""
        head, tail = _TRAILING_WORD.search(first), _LEADING_WORD.match(second)
        if head and tail and not first.endswith("--"):
            hyphen = "-" if self.keeps_hyphen(head.group(1), tail.group(1)) else ""
            return first[:-1] + hyphen + second
        return f"{first} {second}"
