"""Which sentences of a cited passage an answer relies on, and the passage split for showing them.

A passage is reflowed text: paragraphs separated by a blank line, each split into sentences the
way the offline answerer splits them, so a sentence it quoted is found again word for word. For an
answer written by a model, the sentences of the answer that carry a `[n]` marker are its claims on
source n; the passage sentences that share the most words with a claim are the ones highlighted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from chatsphere.ai.offline_embedder import STOPWORDS
from chatsphere.text.sentences import split_sentences
from chatsphere.text.stemming import stem

_WORD = re.compile(r"\w+")
_MARKER = re.compile(r"\[(\d{1,3})\]")
#: A claim must share at least this many content words with a sentence to point at it.
MIN_SHARED_WORDS = 2
#: Besides the best sentence, others as close to the claim as this share of the best are cited too
#: when they hold more of its words (a claim may sum up two sentences).
CLOSE_SHARE = 0.8
#: The most sentences highlighted for one claim.
MAX_PER_CLAIM = 3


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    cited: bool


def normalize(text: str) -> str:
    return " ".join(text.split())


def passage_sentences(text: str) -> list[list[str]]:
    """The passage's paragraphs, each as its sentences (white space folded)."""
    paragraphs = []
    for block in text.split("\n\n"):
        sentences = [normalize(sentence) for sentence in split_sentences(block)]
        sentences = [sentence for sentence in sentences if sentence]
        if sentences:
            paragraphs.append(sentences)
    return paragraphs


def passage_segments(text: str, cited: Iterable[str]) -> list[list[Segment]]:
    """The passage as paragraphs of sentences, each marked cited when it is one of `cited`."""
    wanted = {normalize(sentence) for sentence in cited}
    return [[Segment(s, s in wanted) for s in paragraph] for paragraph in passage_sentences(text)]


def _content_words(text: str) -> set[str]:
    return {stem(word) for word in _WORD.findall(text.lower()) if word not in STOPWORDS}


def answer_claims(answer: str) -> dict[int, list[str]]:
    """Source number -> the sentences of the answer that cite it. A marker standing alone after
    a sentence ("… by Friday. [2]") belongs to that sentence."""
    claims: dict[int, list[str]] = defaultdict(list)
    for block in answer.split("\n\n"):
        previous = ""
        for sentence in split_sentences(block):
            numbers = [int(n) for n in _MARKER.findall(sentence)]
            text = normalize(_MARKER.sub(" ", sentence))
            if not _WORD.search(text):
                text = previous  # only markers: they cite the sentence before
            for number in dict.fromkeys(numbers):
                if text:
                    claims[number].append(text)
            previous = text or previous
    return dict(claims)


def matching_sentences(passage: str, claims: Iterable[str]) -> list[str]:
    """The passage's sentences that the claims rest on, by shared content words: for each claim
    the best sentence sharing at least MIN_SHARED_WORDS words, and any nearly as close."""
    sentences = [sentence for paragraph in passage_sentences(passage) for sentence in paragraph]
    words = [_content_words(sentence) for sentence in sentences]
    chosen: set[int] = set()
    for claim in claims:
        claim_words = _content_words(claim)
        if not claim_words:
            continue
        scores = []
        for index, sentence_words in enumerate(words):
            count = len(claim_words & sentence_words)
            if count >= MIN_SHARED_WORDS:
                # Dice: a long sentence that repeats the claim's words does not beat a short exact one.
                scores.append((2 * count / (len(claim_words) + len(sentence_words)), index))
        if not scores:
            continue
        scores.sort(reverse=True)
        best = scores[0][0]
        covered: set[str] = set()
        for score, index in scores[:MAX_PER_CLAIM]:
            shared = claim_words & words[index]
            # A runner-up counts only when it holds some of the claim the better ones do not (a
            # heading repeating the topic's words adds nothing).
            if score >= best * CLOSE_SHARE and not shared <= covered:
                chosen.add(index)
                covered |= shared
    return [sentences[index] for index in sorted(chosen)]
