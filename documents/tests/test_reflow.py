"""Extraction gives text that reads like the document: paragraphs instead of visual lines, page
furniture gone, words rejoined, lists, tables and code kept as lines, for every format."""

from __future__ import annotations

import textwrap

import pytest

from chatsphere.text import split_sentences
from documents.ingestion import Section, chunk_sections, extract_safely
from documents.tests.conftest import TypesetPdf, make_pdf
from documents.tests.test_ingestion import docx_bytes

WARRANTY = (
    "The warranty covers every manufacturing defect that appears within two years of the date of pur\u00adchase. "
    "It does not cover damage caused by accidental drops, liquids, or repairs made by anyone other than an "
    "auth\u00adorised service partner. Customers can use the self-service portal to register a claim at any hour. "
    "A technician then contacts the customer within three working days to arrange a collection."
)
SUPPORT = (
    "Support is available by tele\u00adphone from Monday to Friday between nine in the morning and six in the "
    "evening. Requests sent through the self-service portal outside these hours are answered the next working "
    "day. Dr. Okafor leads the support team, e.g. for complaints about deliveries, and reviews every es\u00adcalation "
    "personally before it is closed."
)
RETURNS = (
    "Unused items may be returned within thirty days for a full refund of the purchase price. The item must be in "
    "its original packaging, together with the receipt or another proof of pur\u00adchase. Refunds reach the "
    "original payment method within ten working days of the return being accepted by the ware\u00adhouse."
)
BULLETS = [
    "Keep the receipt of every purchase, because the service partner asks for it before any repair under "
    "warranty is started.",
    "Register the product online.",
]
TABLE = [["Plan", "Price", "Support"], ["Basic", "10 euros", "E-mail only"], ["Pro", "25 euros", "Telephone"]]


def paragraphs(sections: list[Section]) -> list[str]:
    return [paragraph for section in sections for paragraph in section.text.split("\n\n")]


@pytest.fixture(scope="module")
def handbook() -> tuple[TypesetPdf, bytes]:
    document = TypesetPdf()
    document.heading("Warranty")
    document.paragraph(WARRANTY)
    document.paragraph(SUPPORT, indent=18)
    document.bullets(BULLETS)
    document.table(TABLE)
    document.heading("Returns")
    for _ in range(14):  # runs over several pages
        document.paragraph(RETURNS, indent=18)
        document.paragraph(SUPPORT, indent=18)
    return document, document.build()


class TestPdf:
    def test_sentences_come_out_whole_in_one_paragraph(self, handbook):
        _, pdf = handbook
        extracted = extract_safely(pdf, "pdf")
        found = paragraphs(extracted.sections)
        for source in (WARRANTY, SUPPORT, RETURNS):
            source_text = source.replace("\u00ad", "")
            assert source_text in found, source_text
        for paragraph in found:
            assert "\n" not in paragraph or paragraph.startswith(("•", "Plan"))

    def test_line_end_hyphenation_is_undone_but_compounds_keep_their_hyphen(self, handbook):
        typeset, pdf = handbook
        text = "\n".join(section.text for section in extract_safely(pdf, "pdf").sections)
        assert typeset.broken_words, "the typesetter broke no word: the test proves nothing"
        for word in typeset.broken_words:
            assert word in text
        assert "self-service portal" in text
        assert "selfservice" not in text

    def test_a_compound_broken_at_its_hyphen_keeps_it(self):
        pdf = make_pdf(
            [
                "Our self-service kiosks are in every shop. Customers can\n"
                "book a repair at the self-\n"
                "service kiosk, and the exam-\n"
                "ple receipt shows how."
            ]
        )
        text = extract_safely(pdf, "pdf").sections[0].text
        assert text == (
            "Our self-service kiosks are in every shop. Customers can book a repair at the self-service kiosk, "
            "and the example receipt shows how."
        )

    def test_a_label_line_above_its_text_is_a_paragraph_of_its_own(self):
        pdf = make_pdf(["Opening hours\nThe aquarium opens at nine in the morning every day."])
        assert extract_safely(pdf, "pdf").sections[0].text == (
            "Opening hours\n\nThe aquarium opens at nine in the morning every day."
        )

    def test_table_of_contents_entries_stay_lines(self):
        contents = "\n".join(
            [
                "1 Introduction . . . . . . . . . . . 1",
                "2 Installing the app . . . . . . . 3",
                "2.1 On Linux . . . . . 4",
            ]
        )
        assert extract_safely(make_pdf([contents]), "pdf").sections[0].text == contents

    def test_running_header_and_page_footer_are_dropped_and_pages_kept(self, handbook):
        _, pdf = handbook
        extracted = extract_safely(pdf, "pdf")
        assert extracted.page_count >= 4
        assert {section.page for section in extracted.sections} == set(range(1, extracted.page_count + 1))
        for section in extracted.sections:
            assert "Acme Handbook" not in section.text
            assert "Page " not in section.text
            assert "March 2026" not in section.text

    def test_headings_are_paragraphs_of_their_own_and_head_their_sections(self, handbook):
        _, pdf = handbook
        sections = extract_safely(pdf, "pdf").sections
        assert sections[0].heading == "Warranty"
        assert sections[0].text.startswith("Warranty\n\nThe warranty covers")
        returns = [section for section in sections if section.heading == "Returns"]
        assert returns[0].text.startswith("Returns\n\nUnused items")
        assert len({section.page for section in returns}) > 2  # the heading carries over the pages

    def test_list_items_and_table_rows_stay_lines(self, handbook):
        _, pdf = handbook
        found = paragraphs(extract_safely(pdf, "pdf").sections)
        assert "• " + BULLETS[0] + "\n• " + BULLETS[1] in found
        assert "\n".join(" | ".join(row) for row in TABLE) in found

    def test_every_chunk_of_a_long_document_is_whole_sentences_without_page_furniture(self, handbook):
        _, pdf = handbook
        drafts = chunk_sections(extract_safely(pdf, "pdf").sections, chunk_tokens=60, overlap_tokens=15)
        known = {
            sentence
            for text in (WARRANTY, SUPPORT, RETURNS, *BULLETS)
            for sentence in split_sentences(text.replace("\u00ad", ""))
        }
        known |= {"Warranty", "Returns", *(" | ".join(row) for row in TABLE), *("• " + item for item in BULLETS)}
        assert len(drafts) > 20
        for draft in drafts:
            for sentence in split_sentences(draft.text):
                assert sentence in known, (draft.page, draft.text)

    def test_a_fact_on_page_three_of_twelve_is_found_whole_on_page_three(self):
        fact = "The emergency exit of the north building is behind the canteen, next to the bicycle racks."
        filler = [
            f"Chapter {n} describes the routine maintenance of the ventilation units in building {n}, "
            "including the filters, the belts and the annual in\u00adspection by the facilities team."
            for n in range(1, 13)
        ]
        document = TypesetPdf()
        for page in range(1, 13):
            if page > 1:
                document.page_break()
            for repeat in range(6):
                document.paragraph(" ".join(filler[page - 1] for _ in range(3)))
                if page == 3 and repeat == 2:
                    document.paragraph(filler[2] + " " + fact + " " + filler[2])
        extracted = extract_safely(document.build(), "pdf")
        assert extracted.page_count == 12
        drafts = chunk_sections(extracted.sections, chunk_tokens=120, overlap_tokens=20)
        holding = [draft for draft in drafts if fact in draft.text]
        assert holding and all(draft.page == 3 for draft in holding)
        assert not any("Page 3 of" in draft.text for draft in drafts)

    def test_a_sentence_over_a_page_break_stays_whole_on_the_page_where_it_starts(self):
        sentence = (
            "The final inspection of every delivery is signed by the warehouse manager, who keeps "
            "the signed copy for seven years."
        )
        lines = textwrap.wrap("The earlier steps are described above. " + sentence, 60)
        pdf = make_pdf(
            ["Intro line of the first page, which ends here.\n" + "\n".join(lines[:1]), "\n".join(lines[1:])]
        )
        sections = extract_safely(pdf, "pdf").sections
        assert any(sentence in section.text and section.page == 1 for section in sections)
        assert all(not section.text.startswith(("who", "the signed")) for section in sections)


HARD_WRAPPED = (
    textwrap.fill(WARRANTY.replace("\u00ad", ""), 72)
    + "\n\n"
    + "Acme Service Centre\n12 Harbour Street\nSpringfield\n\n"
    + textwrap.fill(RETURNS.replace("\u00ad", ""), 72)
    + "\n\n- "
    + textwrap.fill(BULLETS[0], 70, subsequent_indent="  ")
    + "\n- "
    + BULLETS[1]
    + "\n"
)


class TestText:
    def test_hard_wrapped_prose_is_joined_and_short_lines_kept(self):
        text = extract_safely(HARD_WRAPPED.encode(), "text").sections[0].text
        assert text.split("\n\n") == [
            WARRANTY.replace("\u00ad", ""),
            "Acme Service Centre\n12 Harbour Street\nSpringfield",
            RETURNS.replace("\u00ad", ""),
            f"- {BULLETS[0]}\n- {BULLETS[1]}",
        ]

    def test_paragraphs_marked_by_an_indented_first_line_stay_apart(self):
        first, second = WARRANTY.replace("\u00ad", ""), RETURNS.replace("\u00ad", "")
        text = "\n".join(
            textwrap.wrap(first, 72, initial_indent="    ") + textwrap.wrap(second, 72, initial_indent="    ")
        )
        assert extract_safely(text.encode(), "text").sections[0].text == f"{first}\n\n{second}"

    def test_markdown_joins_paragraphs_but_keeps_code_tables_and_lists(self):
        markdown = (
            b"# Setup\n\n"
            b"Install the command line tool first. It needs Python 3.11\n"
            b"or newer and about fifty megabytes of disk space.\n\n"
            b"```bash\npip install acme\nacme login\n```\n\n"
            b"| Command | Effect |\n|---|---|\n| acme login | signs in |\n| acme sync | uploads files |\n\n"
            b"* Run `acme sync` after every change to the\n  configuration file.\n* Keep the token secret.\n"
        )
        text = extract_safely(markdown, "markdown").sections[0].text
        assert text.split("\n\n") == [
            "# Setup",
            "Install the command line tool first. It needs Python 3.11 or newer and about fifty megabytes of disk "
            "space.",
            "```bash\npip install acme\nacme login\n```",
            "| Command | Effect |\n|---|---|\n| acme login | signs in |\n| acme sync | uploads files |",
            "* Run `acme sync` after every change to the configuration file.\n* Keep the token secret.",
        ]

    def test_docx_paragraphs_are_one_line_each_and_lists_are_lines(self):
        def build(document):
            paragraph = document.add_paragraph("The office opens at nine.")
            paragraph.add_run().add_break()
            paragraph.add_run("It closes at five.")
            document.add_paragraph("Visitors sign in at the desk.")
            document.add_paragraph("Bring an ID card.", style="List Bullet")
            document.add_paragraph("Wear the visitor badge.", style="List Bullet")

        text = extract_safely(docx_bytes(build), "docx").sections[0].text
        assert text == (
            "The office opens at nine. It closes at five.\n\nVisitors sign in at the desk.\n\n"
            "Bring an ID card.\nWear the visitor badge."
        )

    def test_html_paragraphs_are_separated_and_not_wrapped(self):
        html = (
            b"<html><body><main><h1>Delivery</h1><p>Orders placed before noon\nleave the warehouse\n"
            b"the same day.</p><p>Orders placed later leave the next morning.</p>"
            b"<ul><li>Standard: three days</li><li>Express: one day</li></ul></main></body></html>"
        )
        sections = extract_safely(html, "html").sections
        found = paragraphs(sections)
        assert "Orders placed before noon leave the warehouse the same day." in found
        assert "Orders placed later leave the next morning." in found
        assert any("Standard: three days\n" in paragraph for paragraph in found)
