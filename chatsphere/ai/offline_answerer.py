"""Offline answerer: answers by quoting the sentences of the sources that carry the answer.

No model and no network: an extractive stand-in for the LLM, so a bot works end to end without an
API key. It never writes a claim of its own and says so: the answer is whole sentences quoted
verbatim from the sources, each followed by its source's citation marker.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from chatsphere.ai.offline_embedder import STOPWORDS
from chatsphere.ai.types import Completion, LLMEvent, LLMRequest, SourcePassage, TextDelta
from chatsphere.text.query import query_terms
from chatsphere.text.sentences import split_sentences
from chatsphere.text.stemming import stem
from chatsphere.text.word_weights import word_weight

_WORD = re.compile(r"\w+")
_CHUNK = re.compile(r"\S+\s*")
_DIGIT = re.compile(r"\d")
_NUMBER_TEXT = """
    one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred
    thousand million half quarter once twice daily weekly monthly yearly annually
"""
_NUMBER_WORDS = frozenset(_NUMBER_TEXT.split())
_CALENDAR_TEXT = """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
"""
_MONTHS = frozenset(_CALENDAR_TEXT.split())
#: Openings of questions that ask for a number, a date, a duration or an amount.
_ASKS_NUMBER = re.compile(
    r"\b(how (long|many|much|often|old|far|soon|late|early|big|large|high|fast)|when|what (year|date|day|time)|"
    r"at what (age|time)|cost|price|fee|charge|pay|percentage|rate|deadline|duration|period)\b",
    re.IGNORECASE,
)
#: A question that asks two things ("… and when is the office closed?").
_SEVERAL_PARTS = re.compile(
    r"\b(and|or|also)\s+(when|what|how|where|who|which|why|is|are|do|does|can|will|should)\b", re.IGNORECASE
)
#: Openings of a sentence that continues the one before it.
_REFERS_BACK = re.compile(r"^(it|its|this|these|that|those|they|their|he|she|his|her|such|the latter)\b", re.IGNORECASE)
_ASKS_NAME = re.compile(r"^\W*(who|whom|whose|where|which (city|town|country|person|company))\b", re.IGNORECASE)

INTRO = "Quoted from the documents:"
MAX_SENTENCE_CHARS = 600
WORDS_PER_DELTA = 3
#: A second quote scores at least this share of the first one (from another passage), or holds at
#: least this share of the question's weight that the first one does not.
SECOND_QUOTE_SHARE = 0.85
SECOND_QUOTE_NEW_SHARE = 0.25
#: Each step down the retrieval ranking costs a sentence this share of its score.
RANK_DECAY = 0.08


def _tokens(text: str) -> int:
    """A rough token count (about four characters a token), for usage accounting only."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


def _stems(text: str) -> set[str]:
    return {stem(word) for word in _WORD.findall(text.lower())}


@dataclass(frozen=True, slots=True)
class _Sentence:
    source: SourcePassage
    rank: int  # the source's place in the retrieval ranking, 0 first
    paragraph: int
    position: int  # within its paragraph
    text: str


def _is_label(text: str) -> bool:
    """A heading or a short label line ("Opening hours"): context, not an answer."""
    return text.startswith("#") or (len(text.split()) < 4 and text[-1] not in ".!?…。！？")


def _sentences(sources: Sequence[SourcePassage]) -> list[_Sentence]:
    """Every sentence of the sources once (overlapping passages repeat sentences), best source first."""
    seen: set[str] = set()
    result = []
    for rank, source in enumerate(sources):
        for paragraph, block in enumerate(source.text.split("\n\n")):
            for position, text in enumerate(split_sentences(block)):
                text = " ".join(text.split())
                key = text.lower()
                if not text or key in seen:
                    continue
                seen.add(key)
                result.append(_Sentence(source, rank, paragraph, position, text))
    prose = [sentence for sentence in result if not _is_label(sentence.text)]
    return prose or result


def _has_number(text: str, question_stems: set[str]) -> bool:
    """A number, amount, date or time the question does not already hold ("K7" in "the K7 pump")."""
    words = {word.lower() for word in _WORD.findall(text)} - question_stems
    return any(_DIGIT.search(word) for word in words) or bool(words & _NUMBER_WORDS or words & _MONTHS)


def _has_name(text: str, question_stems: set[str]) -> bool:
    """A capitalised word after the first that the question does not already name."""
    words = _WORD.findall(text)[1:]
    return any(word[0].isupper() and stem(word.lower()) not in question_stems for word in words)


class _Scorer:
    def __init__(self, question: str) -> None:
        terms = query_terms(question)
        self.weights = {stem(term): word_weight(term) for term in terms}
        self.total = sum(self.weights.values())
        self.question_stems = _stems(question)
        self.wants_number = bool(_ASKS_NUMBER.search(question))
        self.wants_name = bool(_ASKS_NAME.search(question))
        self.several_parts = bool(_SEVERAL_PARTS.search(question)) or question.count("?") > 1

    def coverage(self, text: str, *, besides: set[str] | None = None) -> float:
        """Share of the question's weight the text holds (leaving out the terms in `besides`)."""
        present = _stems(text) - (besides or set())
        return sum(weight for term, weight in self.weights.items() if term in present) / self.total

    def carries_answer(self, text: str, *, typed: bool = True) -> bool:
        """Whether the sentence holds what the question asks for (beyond repeating the question);
        `typed`: a number for "how long", a name for "who" (a question may ask several things)."""
        if text.rstrip().endswith("?"):
            return False
        if typed and self.wants_number:
            return _has_number(text, self.question_stems)
        if typed and self.wants_name:
            return _has_name(text, self.question_stems)
        novel = {word for word in _stems(text) - self.question_stems if len(word) > 2 and word not in STOPWORDS}
        return len(novel) >= 2

    def score(self, sentence: _Sentence) -> float:
        value = self.coverage(sentence.text)
        if not self.carries_answer(sentence.text):
            value *= 0.5
        return value * (1.0 - RANK_DECAY) ** sentence.rank


def _trim(text: str, scorer: _Scorer) -> str:
    """A sentence longer than MAX_SENTENCE_CHARS (a table row, a run-on) cut at word boundaries
    around the first of the question's words, with an ellipsis where it was cut."""
    if len(text) <= MAX_SENTENCE_CHARS:
        return text
    start = next((m.start() for m in _WORD.finditer(text) if stem(m.group().lower()) in scorer.weights), 0)
    start = max(0, start - MAX_SENTENCE_CHARS // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 40 else start
    end = start + MAX_SENTENCE_CHARS
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def _attribution(source: SourcePassage) -> str:
    title = source.title.strip() or "the source"
    return f"{title}, page {source.page}" if source.page is not None else title


def _with_answer(sentence: _Sentence, sentences: list[_Sentence], scorer: _Scorer) -> list[_Sentence]:
    """The sentence, and the next one of its paragraph when only that one holds the answer and
    refers back to it ("The K7 pump has a warranty. It lasts 36 months.")."""
    if scorer.carries_answer(sentence.text):
        return [sentence]
    following = next(
        (
            s
            for s in sentences
            if s.source is sentence.source and s.paragraph == sentence.paragraph and s.position == sentence.position + 1
        ),
        None,
    )
    if following is None or not _REFERS_BACK.match(following.text) or not scorer.carries_answer(following.text):
        return [sentence]
    return [sentence, following]


@dataclass(frozen=True, slots=True)
class Composed:
    text: str
    #: (source number, sentence) of every sentence quoted, whole and as the source has it.
    quotes: tuple[tuple[int, str], ...] = ()


def compose_answer(question: str, sources: Sequence[SourcePassage]) -> str:
    """The quoted answer, or "" when no sentence of the sources shares a search word with the question."""
    return compose(question, sources).text


def compose(question: str, sources: Sequence[SourcePassage]) -> Composed:
    """The quoted answer and the sentences it quotes; an empty text when nothing answers."""
    curated = next((source for source in sources if source.curated), None)
    if curated is not None:
        # The owner's answer to this very question, as they wrote it.
        return Composed(f"{curated.text.strip()} [{curated.number}]")
    scorer = _Scorer(question)
    sentences = _sentences(sources)
    if scorer.total <= 0 or not sentences:
        return Composed("")
    scored = sorted(((scorer.score(s), index) for index, s in enumerate(sentences)), reverse=True)
    best_score = scored[0][0]
    if best_score <= 0:
        return Composed("")
    first = _with_answer(sentences[scored[0][1]], sentences, scorer)
    quotes = [first]
    covered = set().union(*(_stems(s.text) for s in first))
    for value, index in scored[1:]:
        candidate = sentences[index]
        if any(candidate is s for s in first) or not scorer.carries_answer(candidate.text, typed=False):
            continue
        # A second quote answers a part of the question the first leaves open, or is a close
        # second from another passage (the documents may say it in two places, or the first is wrong).
        adds = scorer.several_parts and scorer.coverage(candidate.text, besides=covered) >= SECOND_QUOTE_NEW_SHARE
        close = value >= best_score * SECOND_QUOTE_SHARE and candidate.source is not first[0].source
        if adds or close:
            quotes.append(_with_answer(candidate, sentences, scorer))
            break
    parts = [INTRO]
    for group in quotes:
        source = group[0].source
        text = " ".join(_trim(s.text, scorer) for s in group)
        parts.append(f"“{text}” [{source.number}] ({_attribution(source)})")
    quoted = tuple((s.source.number, s.text) for group in quotes for s in group)
    return Composed("\n\n".join(parts), quoted)


class OfflineAnswerer:
    """Implements `LLM` without a model, by quoting the sentences of the sources that answer.

    `stream()` scores every distinct sentence of `request.sources` by the share of the question's
    informative words it contains (chatsphere.text.word_weights), halves the score of one that does
    not hold what the question asks for (a number for "how long", a name for "who", something beyond
    the question's own words), and lowers it a little with each step down the retrieval ranking. The
    best sentence is quoted (with the next one of its paragraph when only that one holds the answer),
    and a second one from elsewhere when it scores nearly as well, each as `“…” [number] (title, page)`
    under a line saying the text is quoted. The text arrives as several `TextDelta` events of a few
    words each, then one `Completion(finish_reason="stop", model="offline")`.

    When there are no sources, or no sentence shares a word with the question, it yields only
    `Completion(finish_reason="no_answer")` and no text: the caller then shows the bot's fallback
    message. Token counts are estimates (about four characters a token).
    """

    name = "offline"

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMEvent]:
        input_tokens = _tokens(request.question) + sum(_tokens(s.title) + _tokens(s.text) for s in request.sources)
        composed = compose(request.question, request.sources)
        answer = composed.text
        if not answer:
            yield Completion(finish_reason="no_answer", input_tokens=input_tokens, output_tokens=0, model=self.name)
            return
        words = _CHUNK.findall(answer)
        for start in range(0, len(words), WORDS_PER_DELTA):
            yield TextDelta("".join(words[start : start + WORDS_PER_DELTA]))
            await asyncio.sleep(0)  # let the consumer forward each delta as it comes
        yield Completion(
            finish_reason="stop",
            input_tokens=input_tokens,
            output_tokens=_tokens(answer),
            model=self.name,
            quotes=composed.quotes,
        )
