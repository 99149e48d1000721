"""The evaluation corpus: deterministic, faithful to its PDFs, reworded questions, and a working baseline."""

from __future__ import annotations

import re
from statistics import mean

import pypdfium2 as pdfium
import pytest

from evaluation import off_topic, pubmedqa
from evaluation.baselines import answer_baseline, answer_hit
from evaluation.blocks import BulletList, Paragraph, Table
from evaluation.long_documents import LongDocumentSet, build_long_document_set, single_fact_document
from evaluation.text import normalise, overlap, squeeze


@pytest.fixture(scope="module")
def dev() -> LongDocumentSet:
    return build_long_document_set("dev", "small")


@pytest.fixture(scope="module")
def test_set() -> LongDocumentSet:
    return build_long_document_set("test", "small")


@pytest.fixture(scope="module")
def dev_pages(dev: LongDocumentSet) -> dict[str, list[str]]:
    """Text pypdfium2 extracts from each page of each document's PDF."""
    out = {}
    for document in dev.documents:
        pdf = pdfium.PdfDocument(document.pdf())
        out[document.title] = [pdf[n].get_textpage().get_text_range() for n in range(len(pdf))]
    return out


def test_same_split_and_size_give_the_same_set(dev: LongDocumentSet) -> None:
    again = build_long_document_set("dev", "small")

    assert [d.blocks for d in again.documents] == [d.blocks for d in dev.documents]
    assert again.answerable == dev.answerable
    assert again.off_topic == dev.off_topic
    assert again.documents[0].pdf() == dev.documents[0].pdf()


def test_sizes(dev: LongDocumentSet) -> None:
    assert len(dev.documents) == 3
    assert len(dev.answerable) == 20
    assert len(dev.off_topic) == 20
    assert {q.kind for q in dev.off_topic} == {"general", "in_domain"}


def test_documents_are_long_with_facts_inside_paragraphs(dev: LongDocumentSet) -> None:
    for document in dev.documents:
        assert 8 <= document.page_count <= 15
        assert 8 <= len(document.facts) <= 12
        for fact in document.facts:
            paragraph = document.blocks[fact.block]
            assert isinstance(paragraph, Paragraph)
            assert fact.position > 0 and paragraph.sentences[fact.position] == fact.sentence


def test_every_fact_has_a_near_duplicate_for_another_entity(dev: LongDocumentSet) -> None:
    for document in dev.documents:
        by_kind: dict[str, set[str]] = {}
        for fact in document.facts:
            by_kind.setdefault(fact.kind, set()).add(fact.entity)
        assert sum(len(entities) >= 2 for entities in by_kind.values()) >= 2, document.title


def test_each_pdf_page_has_the_running_header_and_footer(dev: LongDocumentSet, dev_pages) -> None:
    for document in dev.documents:
        pages = dev_pages[document.title]
        assert len(pages) == document.page_count
        for number, text in enumerate(pages, start=1):
            assert document.title in text
            assert f"Page {number} of {len(pages)}" in text


def test_fact_sentences_are_whole_on_their_recorded_page(dev: LongDocumentSet, dev_pages) -> None:
    for document in dev.documents:
        pages = [squeeze(text) for text in dev_pages[document.title]]
        for fact in document.facts:
            assert squeeze(fact.sentence) in pages[document.fact_page(fact) - 1], fact.sentence


def test_pdfs_hyphenate_some_line_ends_and_hold_a_list_and_a_table(dev: LongDocumentSet, dev_pages) -> None:
    text = "\n".join(page for pages in dev_pages.values() for page in pages)
    # pdfium reports a line-end hyphen as U+FFFE (other extractors keep "-" and the line break).
    assert re.search(r"[a-z](\ufffe|-\r?\n)[a-z]", text)
    assert "\u2022" in text
    first = dev.documents[0]
    assert any(isinstance(b, BulletList) for b in first.blocks) and any(isinstance(b, Table) for b in first.blocks)


def test_spans_are_in_the_fact_sentence_and_not_in_the_question(dev: LongDocumentSet, test_set) -> None:
    for question in dev.answerable + test_set.answerable:
        for span in question.spans:
            assert normalise(span) in normalise(question.sentence)
            assert normalise(span) not in normalise(question.text)
        assert question.page >= 1


def test_questions_are_worded_differently_from_their_fact(dev: LongDocumentSet, test_set) -> None:
    for document_set in (dev, test_set):
        # Share of the question's content words (besides the entity's name) found in the fact sentence.
        shared = mean(overlap(q.text, q.sentence, ignore=[q.entity]) for q in document_set.answerable)
        print(f"{document_set.split}: stemmed-word overlap with the fact sentence {shared:.2f}")
        assert shared <= 0.5


def test_dev_and_test_share_no_question_nor_question_form(dev: LongDocumentSet, test_set) -> None:
    def forms(document_set: LongDocumentSet) -> set[str]:
        return {q.text.replace(q.entity, "{entity}").lower() for q in document_set.answerable}

    assert not {q.text for q in dev.answerable} & {q.text for q in test_set.answerable}
    assert not forms(dev) & forms(test_set)
    assert not {q.sentence for q in dev.answerable} & {q.sentence for q in test_set.answerable}
    assert not {q.text for q in dev.off_topic} & {q.text for q in test_set.off_topic}


def test_off_topic_questions_name_nothing_in_the_documents(dev: LongDocumentSet, test_set) -> None:
    for document_set in (dev, test_set):
        corpus = " " + " ".join(normalise(d.text()).replace("\n", " ") for d in document_set.documents) + " "
        corpus = re.sub(r"[^a-z0-9]+", " ", corpus)
        for question in document_set.off_topic:
            for name in question.names:
                assert f" {re.sub(r'[^a-z0-9]+', ' ', name.lower()).strip()} " not in corpus, question.text


def test_off_topic_banks_are_big_enough_for_make_eval() -> None:
    import random

    for family in ("a", "b"):
        assert len(off_topic.general_questions(family, random.Random(0), 1000, " ")) >= 150


def test_renderings_hold_every_fact(dev: LongDocumentSet) -> None:
    document = dev.documents[0]
    markdown, html, text = document.markdown(), document.html(), document.text()

    assert markdown.startswith(f"# {document.title}\n")
    assert "<nav" in html and "<footer" in html and "<article>" in html
    assert max(len(line) for line in text.splitlines()) <= 72
    flat_text = normalise(text)
    for fact in document.facts:
        assert fact.sentence in markdown
        assert normalise(fact.sentence) in flat_text
        assert fact.sentence.replace("&", "&amp;").replace("'", "&#x27;") in html


def test_single_fact_pdf_puts_the_fact_on_the_requested_page() -> None:
    single = single_fact_document(pages=12, fact_page=3)
    pdf = pdfium.PdfDocument(single.document.pdf())

    assert len(pdf) == 12 and len(single.document.facts) == 1
    found = [
        n + 1
        for n in range(len(pdf))
        if squeeze(single.fact.sentence) in squeeze(pdf[n].get_textpage().get_text_range())
    ]
    assert found == [3]
    assert single.questions and all(q.page == 3 for q in single.questions)


def test_answer_hit_ignores_case_and_spacing() -> None:
    assert answer_hit("The warranty lasts 36\n MONTHS.", ["36 months"])
    assert not answer_hit("The warranty lasts 24 months.", ["36 months", "three years"])


def test_answer_baseline_finds_some_answers_but_not_all(dev: LongDocumentSet) -> None:
    result = answer_baseline(dev)
    print(f"answer baseline on the small dev set: {result.hits}/{result.total} = {result.hit_rate:.2f}")
    assert result.total == len(dev.answerable)
    assert 0 < result.hits < result.total


def test_pubmedqa_scores() -> None:
    assert pubmedqa.scores([[0, 1], [0, 1], [2, 0]]) == {
        "recall@1": 2 / 3,
        "recall@5": 1.0,
        "MRR@10": (1 + 0.5 + 1) / 3,
    }
