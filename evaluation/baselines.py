"""Baselines that `make eval` reports the product's figures against.

Answer baseline: bm25s (English stopwords, Snowball English stemmer) over the source paragraphs of
every document of a set picks the top paragraph; the answer is the sentence of that paragraph sharing
the most stemmed words with the question. It is a hit when an expected span occurs in that sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evaluation.long_documents import LongDocumentSet, PlacedParagraph, Question
from evaluation.pubmedqa import bm25_rankings, scores
from evaluation.text import answer_hit, stemmer, stems

__all__ = ["AnswerBaseline", "answer_baseline", "answer_hit", "bm25_rankings", "scores"]


@dataclass(frozen=True)
class AnswerBaseline:
    hits: int
    total: int
    answers: list[str]  # the chosen sentence per question, in question order

    @property
    def hit_rate(self) -> float:
        return self.hits / self.total if self.total else 0.0


class ParagraphIndex:
    """bm25s over paragraphs, with the same stemming as the sentence choice."""

    def __init__(self, paragraphs: Sequence[PlacedParagraph]) -> None:
        import bm25s

        self.paragraphs = list(paragraphs)
        self.retriever = bm25s.BM25()
        tokens = bm25s.tokenize(
            [p.text for p in self.paragraphs], stopwords="en", stemmer=stemmer(), show_progress=False
        )
        self.retriever.index(tokens, show_progress=False)

    def top(self, questions: Sequence[str]) -> list[PlacedParagraph]:
        import bm25s

        tokens = bm25s.tokenize(list(questions), stopwords="en", stemmer=stemmer(), show_progress=False)
        results, _ = self.retriever.retrieve(tokens, k=1, show_progress=False)
        return [self.paragraphs[int(row[0])] for row in results]


def best_sentence(question: str, paragraph: PlacedParagraph) -> str:
    """The paragraph's sentence sharing the most stemmed words with the question (the first on ties)."""
    asked = stems(question)
    return max(paragraph.sentences, key=lambda sentence: len(asked & stems(sentence)))


def answer_baseline(document_set: LongDocumentSet, questions: Sequence[Question] | None = None) -> AnswerBaseline:
    questions = list(document_set.answerable if questions is None else questions)
    index = ParagraphIndex([p for document in document_set.documents for p in document.paragraphs()])
    answers = [best_sentence(q.text, p) for q, p in zip(questions, index.top([q.text for q in questions]), strict=True)]
    hits = sum(answer_hit(answer, q.spans) for answer, q in zip(answers, questions, strict=True))
    return AnswerBaseline(hits=hits, total=len(questions), answers=answers)
