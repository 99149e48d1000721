"""Passages are whole sentences and paragraphs within the token budget, overlapping by whole
sentences, never across pages or headings."""

from __future__ import annotations

from chatsphere.text import sentence_spans, split_sentences
from documents.ingestion import Section, chunk_sections, count_tokens

SENTENCES = [
    f"Rule {n} says that {'requests of this kind ' * (n % 4)}are answered within {n} working days." for n in range(120)
]


def long_section(page: int | None = 1, heading: str | None = None) -> Section:
    paragraphs = [" ".join(SENTENCES[start : start + 5]) for start in range(0, len(SENTENCES), 5)]
    return Section(text="\n\n".join(paragraphs), page=page, heading=heading)


def test_passages_are_whole_sentences_within_the_budget_and_cover_everything():
    drafts = chunk_sections([long_section()], chunk_tokens=80, overlap_tokens=20)
    assert len(drafts) > 10
    for draft in drafts:
        assert draft.token_count <= 80
        assert set(split_sentences(draft.text)) <= set(SENTENCES), draft.text
    covered = {sentence for draft in drafts for sentence in split_sentences(draft.text)}
    assert covered == set(SENTENCES)


def test_overlap_is_whole_sentences_of_about_the_asked_size():
    drafts = chunk_sections([long_section()], chunk_tokens=120, overlap_tokens=30)
    for before, after in zip(drafts, drafts[1:], strict=False):
        shared = [sentence for sentence in split_sentences(after.text) if sentence in split_sentences(before.text)]
        assert shared, (before.text, after.text)
        # The shared sentences are the end of one passage and the start of the next.
        overlap = before.text[before.text.index(shared[0]) :]
        assert after.text.startswith(overlap)
        assert split_sentences(overlap) == shared
        assert 10 <= count_tokens(overlap) <= 60


def test_without_overlap_passages_follow_each_other():
    drafts = chunk_sections([long_section()], chunk_tokens=100, overlap_tokens=0)
    sentences = [sentence for draft in drafts for sentence in split_sentences(draft.text)]
    assert sentences == SENTENCES


def test_passages_end_where_paragraphs_end_when_they_can():
    paragraphs = long_section().text.split("\n\n")
    paragraph_ends = {split_sentences(paragraph)[-1] for paragraph in paragraphs}
    drafts = chunk_sections([long_section()], chunk_tokens=150, overlap_tokens=0)
    assert all(split_sentences(draft.text)[-1] in paragraph_ends for draft in drafts)


def test_paragraphs_inside_a_passage_keep_their_blank_line():
    section = Section(text="First paragraph here.\n\nSecond paragraph here.\n\n• item one\n• item two")
    (draft,) = chunk_sections([section], chunk_tokens=100)
    assert draft.text == section.text


def test_a_sentence_longer_than_a_passage_is_cut_after_clauses_first():
    clauses = [f"the {n}th clause of this very long sentence names another condition" for n in range(30)]
    sentence = "Warranty applies when " + ", ".join(clauses[:15]) + "; " + ", ".join(clauses[15:]) + "."
    drafts = chunk_sections([Section(text=sentence)], chunk_tokens=60, overlap_tokens=0)
    assert len(drafts) > 3
    assert all(draft.token_count <= 60 for draft in drafts)
    assert all(draft.text.endswith((",", ";")) for draft in drafts[:-1])
    assert " ".join(draft.text for draft in drafts) == sentence


def test_a_clause_longer_than_a_passage_is_cut_between_words():
    sentence = " ".join(f"word{n}" for n in range(100)) + "."
    drafts = chunk_sections([Section(text=sentence)], chunk_tokens=30)
    assert all(draft.token_count <= 30 for draft in drafts)
    assert " ".join(draft.text for draft in drafts) == sentence


def test_passages_never_span_pages_or_headings_and_keep_them():
    sections = [
        Section(text="Page one ends here.", page=1, heading="Intro"),
        Section(text="Page two starts here.", page=2, heading="Intro"),
        Section(text="A new heading starts.", page=2, heading="Details"),
    ]
    drafts = chunk_sections(sections, chunk_tokens=200, overlap_tokens=50)
    assert [(d.text, d.page, d.heading) for d in drafts] == [
        ("Page one ends here.", 1, "Intro"),
        ("Page two starts here.", 2, "Intro"),
        ("A new heading starts.", 2, "Details"),
    ]


def test_sentence_spans_and_chunk_boundaries_agree():
    text = long_section().text
    starts = {start for start, _ in sentence_spans(text)}
    for draft in chunk_sections([long_section()], chunk_tokens=90, overlap_tokens=25):
        assert text.index(draft.text) in starts
