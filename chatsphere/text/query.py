"""The words of a question that a lexical search should look for.

Stopwords and the words that only make a sentence a question ("how", "tell me", "explain") carry
no evidence about which passage answers it; searching for them would reward passages for being
wordy. What is left is deduplicated by a light stem, so "warranty" and "warranties" count once.
"""

from __future__ import annotations

import re

from chatsphere.ai.offline_embedder import STOPWORDS, stem

_WORD = re.compile(r"\w+")
#: Words that phrase a request rather than say what it is about.
_REQUEST_TEXT = """
    tell explain describe know please need want find give show say says said mean means meant anything
    something someone anyone thing things kind sort way ways get got let lets us
"""
_REQUEST_WORDS = frozenset(_REQUEST_TEXT.split())
#: Adjectives and adverbs that "how" turns into a question word ("how long", "how much").
_AFTER_HOW_TEXT = "long much many often far old big large soon late early"
_AFTER_HOW = frozenset(_AFTER_HOW_TEXT.split())
#: Nouns that "what" or "which" turns into a question word ("what time", "which year").
_AFTER_WHAT_TEXT = "time times year day date month hour hours kind type sort"
_AFTER_WHAT = frozenset(_AFTER_WHAT_TEXT.split())
MAX_TERMS = 32


def query_terms(question: str) -> list[str]:
    """Distinct search words of a question, lower-cased, in order of first appearance."""
    words = _WORD.findall(question.lower())
    terms: list[str] = []
    seen: set[str] = set()
    previous = ""
    for word in words:
        skip = (
            word in STOPWORDS
            or word in _REQUEST_WORDS
            or (previous == "how" and word in _AFTER_HOW)
            or (previous in ("what", "which") and word in _AFTER_WHAT)
        )
        previous = word
        if skip or (len(word) == 1 and not word.isdigit()):
            continue
        key = stem(word)
        if key in seen:
            continue
        seen.add(key)
        terms.append(word)
        if len(terms) >= MAX_TERMS:
            break
    return terms


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w-]*|\w*\d\w*)")


def name_terms(question: str) -> frozenset[str]:
    """The question's words that name something: capitalised after the first word, or codes
    mixing letters and digits ("Basel", "JUNIPER", "R8"), lower-cased like `query_terms`."""
    names: set[str] = set()
    for match in _NAME.finditer(question.strip()):
        word = match.group(1)
        if any(ch.isalpha() for ch in word) or word.isdigit():
            names.update(part.lower() for part in _WORD.findall(word))
    return frozenset(names)
