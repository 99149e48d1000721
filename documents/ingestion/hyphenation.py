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

# Stripped from white-space separated tokens to leave words ("(self-service)," → "self-service").
_PUNCTUATION = "\"'“”‘’«»()[]{}<>.,;:!?…*/\\"
_HYPHENATED_PREFIXES = frozenset({"self", "e"})
_TRAILING_WORD = re.compile(r"([^\W\d_]+)-$")
_LEADING_WORD = re.compile(r"^([^\W_]+)")


class Hyphenation:
    """Decides line-end hyphens using the words of the whole document."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._texts = texts
        self._compounds: set[str] | None = None
        self._words: set[str] = set()

    def _vocabulary(self) -> set[str]:
        """Hyphenated pairs ("self-service"); words go to `_words`. Built on the first decision
        that needs them: many documents have no line-end hyphen at all."""
        if self._compounds is None:
            self._compounds = set()
            tokens = {token.strip(_PUNCTUATION) for token in "\n".join(self._texts).lower().split()}
            for token in tokens:
                if "-" in token:
                    parts = token.split("-")
                    self._compounds.update(f"{a}-{b}" for a, b in zip(parts, parts[1:], strict=False))
                else:
                    self._words.add(token)
        return self._compounds

    def keeps_hyphen(self, head: str, tail: str) -> bool:
        if not tail or not tail[0].islower():
            return True
        lowered = f"{head}-{tail}".lower()
        if lowered in self._vocabulary():
            return True
        if lowered.replace("-", "") in self._words:
            return False
        return head.lower() in _HYPHENATED_PREFIXES

    def join_lines(self, first: str, second: str) -> str:
        """Two lines of one paragraph as one: a space between, or a hyphenated word rejoined."""
        if not first.endswith("-") or first.endswith("--"):
            return f"{first} {second}"
        # `first` may be a long paragraph in the making: look at its last word only.
        head, tail = _TRAILING_WORD.search(first[-64:]), _LEADING_WORD.match(second)
        if head and tail:
            hyphen = "-" if self.keeps_hyphen(head.group(1), tail.group(1)) else ""
            return first[:-1] + hyphen + second
        return f"{first} {second}"
