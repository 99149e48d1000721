"""Offline answerer: answers by quoting the sentences of the sources that best match the question.

No model and no network: an extractive stand-in for the LLM, so a bot works end to end without an
API key. It never writes a claim of its own: every sentence it shows is quoted verbatim (trimmed
with an ellipsis when long) from a source and followed by that source's citation marker.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from chatsphere.ai.offline_embedder import STOPWORDS, stem
from chatsphere.ai.types import Completion, LLMEvent, LLMRequest, SourcePassage, TextDelta

_WORD = re.compile(r"\w+")
# A sentence ends at . ! ? (or their CJK forms) followed by space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+|\s*\n\s*")
_CHUNK = re.compile(r"\S+\s*")

MAX_SENTENCES = 3
MAX_SENTENCE_CHARS = 400
WORDS_PER_DELTA = 3
#: A sentence is quoted only if it scores at least this share of the best one.
RELATIVE_CUTOFF = 0.5
_K1 = 1.2
_B = 0.75


def _terms(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text.lower()) if word not in STOPWORDS]


def _tokens(text: str) -> int:
    """A rough token count (about four characters a token), for usage accounting only."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


@dataclass(frozen=True, slots=True)
class _Sentence:
    source: SourcePassage
    position: int  # order within its source
    text: str
    terms: Counter[str]


def _is_heading(text: str) -> bool:
    """A Markdown heading or a short label line ("Opening hours"): context, not an answer."""
    return text.startswith("#") or (len(text.split()) < 4 and text[-1] not in ".!?…。！？")


def _sentences(sources: Sequence[SourcePassage]) -> list[_Sentence]:
    result = []
    for source in sources:
        parts = [p.strip() for p in _SENTENCE_END.split(source.text)]
        for position, text in enumerate(p for p in parts if p):
            result.append(_Sentence(source, position, text, Counter(_terms(text))))
    prose = [sentence for sentence in result if not _is_heading(sentence.text)]
    return prose or result


def _score(sentences: list[_Sentence], query: set[str]) -> list[float]:
    """BM25 over the sentences, the question's distinct terms as the query."""
    count = len(sentences)
    average = sum(sum(s.terms.values()) for s in sentences) / count or 1.0
    document_frequency = Counter(term for s in sentences for term in query if term in s.terms)
    idf = {t: math.log(1 + (count - df + 0.5) / (df + 0.5)) for t, df in document_frequency.items()}
    scores = []
    for sentence in sentences:
        length = sum(sentence.terms.values())
        score = 0.0
        for term, weight in idf.items():
            tf = sentence.terms.get(term, 0)
            if tf:
                score += weight * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * length / average))
        scores.append(score)
    return scores


def _trim(text: str, query: set[str]) -> str:
    """At most MAX_SENTENCE_CHARS, cut at word boundaries around the first word of the question."""
    if len(text) <= MAX_SENTENCE_CHARS:
        return text
    start = 0
    for match in _WORD.finditer(text):
        if stem(match.group().lower()) in query:
            start = match.start()
            break
    # Keep some context before the first match, and start on a word.
    start = max(0, start - MAX_SENTENCE_CHARS // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 40 else start
    end = start + MAX_SENTENCE_CHARS
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    excerpt = text[start:end].strip()
    return ("…" if start else "") + excerpt + ("…" if end < len(text) else "")


def _attribution(source: SourcePassage) -> str:
    title = source.title.strip() or "the source"
    return f"{title} (page {source.page})" if source.page is not None else title


def compose_answer(question: str, sources: Sequence[SourcePassage]) -> str:
    """The quoted answer, or "" when no sentence of the sources shares a word with the question."""
    query = set(_terms(question))
    sentences = _sentences(sources)
    if not query or not sentences:
        return ""
    scores = _score(sentences, query)
    best = max(scores)
    if best <= 0:
        return ""
    ranked = sorted(range(len(sentences)), key=lambda i: -scores[i])
    chosen = [i for i in ranked[:MAX_SENTENCES] if scores[i] >= best * RELATIVE_CUTOFF]
    # Quote in reading order: by source as first ranked, then by position within the source.
    source_rank = {}
    for i in chosen:
        source_rank.setdefault(sentences[i].source.number, len(source_rank))
    chosen.sort(key=lambda i: (source_rank[sentences[i].source.number], sentences[i].position))
    parts = []
    previous: SourcePassage | None = None
    for i in chosen:
        sentence = sentences[i]
        quote = f"“{_trim(sentence.text, query)}” [{sentence.source.number}]"
        if previous is not None and previous.number == sentence.source.number:
            parts.append(f"It also says: {quote}")
        else:
            parts.append(f"According to {_attribution(sentence.source)}: {quote}")
        previous = sentence.source
    return "\n\n".join(parts)


class OfflineAnswerer:
    """Implements `LLM` without a model, by quoting the best-matching sentences of the sources.

    `stream()` picks up to three sentences across `request.sources` that best match the words of
    `request.question` (BM25 over sentences; stopwords ignored, words lightly stemmed) and writes
    each as `According to <title> (page n): “…” [number]`, where `number` is the source's
    `SourcePassage.number`. The text arrives as several `TextDelta` events of a few words each,
    then one `Completion(finish_reason="stop", model="offline")`.

    When there are no sources, or no sentence shares a word with the question, it yields only
    `Completion(finish_reason="no_answer")` and no text: the caller then shows the bot's fallback
    message. Token counts are estimates (about four characters a token).
    """

    name = "offline"

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMEvent]:
        input_tokens = _tokens(request.question) + sum(_tokens(s.title) + _tokens(s.text) for s in request.sources)
        answer = compose_answer(request.question, request.sources)
        if not answer:
            yield Completion(finish_reason="no_answer", input_tokens=input_tokens, output_tokens=0, model=self.name)
            return
        words = _CHUNK.findall(answer)
        for start in range(0, len(words), WORDS_PER_DELTA):
            yield TextDelta("".join(words[start : start + WORDS_PER_DELTA]))
            await asyncio.sleep(0)  # let the consumer forward each delta as it comes
        yield Completion(
            finish_reason="stop", input_tokens=input_tokens, output_tokens=_tokens(answer), model=self.name
        )
