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

_CLOSERS = "\"'”’»)]}›」』"
_OPENERS = "\"'“‘«([{‹¿¡"
_TERMINATORS = ".?!…。！？"
_CJK_TERMINATORS = "。！？"
# Every place a sentence may end; the rules below decide. (A plain character class lets the regex
# engine skip ahead quickly, which an alternation of whole patterns does not.)
_CANDIDATE = re.compile(r"[.?!…。！？\n]")
_INITIAL = re.compile(r"^[A-Z]$")
_LIST_MARKER = re.compile(r"^\(?(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,5})$")


def _ends_sentence(text: str, start: int, end: int, mark: str) -> bool:
    """Whether the terminal `mark` at text[start:end] (closers included) ends its sentence."""
    following = end
    while following < len(text) and text[following] in " \t":
        following += 1
    if following == len(text) or text[following] == "\n":
        return True
    first = text[following]
    if first.islower():
        return False  # "approx. five", "Yahoo! is", "… and then"
    if mark != ".":
        return True
    # A single period: look at the word it closes.
    word_start = start
    while word_start > 0 and not text[word_start - 1].isspace() and start - word_start < 40:
        word_start -= 1
    word = text[word_start:start].lstrip(_OPENERS)
    if _LIST_MARKER.match(word) and _starts_line(text, word_start):
        return False  # "1. Install the app" — a list marker, not a sentence
    lowered = word.lower()
    if lowered in _TITLES:
        return False
    if _INITIAL.match(word):
        return False  # "J. R. R. Tolkien", "John F. Kennedy"
    if lowered in _SENTENCE_FINAL:
        return first.isupper() or first in _OPENERS
    return True


def _starts_line(text: str, index: int) -> bool:
    while index > 0 and text[index - 1] in " \t":
        index -= 1
    return index == 0 or text[index - 1] == "\n"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in `text`, without surrounding white space."""
    spans: list[tuple[int, int]] = []
    start = position = 0
    length = len(text)
    while (match := _CANDIDATE.search(text, position)) is not None:
        mark_start = match.start()
        if text[mark_start] == "\n":
            _append(spans, text, start, mark_start)
            start = position = mark_start + 1
            continue
        mark_end = mark_start
        while mark_end < length and text[mark_end] in _TERMINATORS:
            mark_end += 1
        end = mark_end
        while end < length and text[end] in _CLOSERS:
            end += 1
        position = end
        mark = text[mark_start:mark_end]
        if any(char in _CJK_TERMINATORS for char in mark) or (
            (end == length or text[end].isspace()) and _ends_sentence(text, mark_start, end, mark)
        ):
            _append(spans, text, start, end)
            start = end
    _append(spans, text, start, length)
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
