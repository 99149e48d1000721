"""Sentence splitting for document text: rules, no model, linear in the text's length.

A sentence ends at ".", "?", "!" or an ellipsis (with any closing quotes and brackets after it)
followed by white space and a word that may start a sentence, at a CJK terminator, and always at a
line break ("\\n": list items and table rows are lines of their own). A period does not end a
sentence after a known abbreviation ("Dr.", "e.g."), an initial ("J. R. R. Tolkien"), a list
marker at the start of a line ("1.", "a."), or when the next word starts with a lowercase letter.
Decimals, versions, URLs and e-mail addresses never end a sentence because no space follows their
periods.
"""

from __future__ import annotations

import re

# fmt: off
# Abbreviations that are followed by a name or a number, so never end a sentence.
_TITLES = frozenset({
    "dr", "mr", "mrs", "ms", "prof", "sr", "jr", "st", "mt", "rev", "gen", "col", "lt", "sgt", "capt", "hon",
    "gov", "sen", "rep", "pres", "fr", "vs", "v", "cf", "e.g", "i.e", "viz", "al", "approx", "ca", "no", "nos",
    "fig", "figs", "eq", "eqs", "vol", "vols", "ch", "chap", "sec", "secs", "art", "p", "pp", "para", "paras",
    "ref", "refs", "ed", "eds", "tel", "ph.d", "u.s", "u.k", "u.n", "e.u",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})
# Abbreviations that often end a sentence too: they end one when a capitalised word follows.
_SENTENCE_FINAL = frozenset({
    "etc", "inc", "ltd", "co", "corp", "llc", "plc", "bros", "a.m", "p.m", "am", "pm", "b.c", "a.d", "bc", "ad",
})
# fmt: on

_CLOSERS = "\"'”’»)]}›"
_OPENERS = "\"'“‘«([{‹¿¡"
# A terminal mark, closers after it, then the white space that separates it from what follows.
_BOUNDARY = re.compile(rf"(?:\.{{2,}}|…|[.?!]+)[{re.escape(_CLOSERS)}]*(?=\s)|[。！？]+[{re.escape(_CLOSERS)}」』]*|\n")
_WORD_BEFORE = re.compile(r"(\S+?)\.+$")
_INITIAL = re.compile(r"^[A-Z]$")
_LIST_MARKER = re.compile(r"^\(?(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,5})$")


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether the terminal mark at text[start:end] ends its sentence."""
    mark = text[start:end].rstrip(_CLOSERS)
    if mark == "\n" or mark[0] in "。！？":
        return True
    following = text[end:].lstrip(" \t")
    if not following or following[0] == "\n":
        return True
    first = following[0]
    if first.islower():
        return False  # "approx. five", "Yahoo! is", "… and then"
    if mark[0] in "?!" or len(mark) > 1 or mark == "…":
        return True
    # A single period: look at the word it closes.
    line_start = text.rfind("\n", 0, start) + 1
    word_match = _WORD_BEFORE.search(text, max(line_start, start - 40), end)
    if word_match is None:
        return True
    word = word_match.group(1).lstrip(_OPENERS)
    if word_match.start() == line_start and _LIST_MARKER.match(word) and text[line_start:start].strip() == word:
        return False  # "1. Install the app" — a list marker, not a sentence
    lowered = word.lower()
    if lowered in _TITLES:
        return False
    if _INITIAL.match(word):
        return False  # "J. R. R. Tolkien", "John F. Kennedy"
    if lowered in _SENTENCE_FINAL:
        return first.isupper() or first in _OPENERS
    return True


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in `text`, without surrounding white space."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.end() <= start or not _ends_sentence(text, match.start(), match.end()):
            continue
        _append(spans, text, start, match.end())
        start = match.end()
    _append(spans, text, start, len(text))
    return spans


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, in order, each stripped of surrounding white space."""
    return [text[start:end] for start, end in sentence_spans(text)]
