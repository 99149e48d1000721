"""OfflineAnswerer: quotes the matching sentences of the sources, with their citation markers."""

from __future__ import annotations

import re

import pytest

from chatsphere.ai.offline_answerer import OfflineAnswerer
from chatsphere.ai.types import LLM, ChatTurn, Completion, LLMEvent, LLMRequest, SourcePassage, TextDelta

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(30)]

REFUNDS = SourcePassage(
    number=1,
    title="Billing FAQ",
    page=3,
    text="Invoices are sent monthly. Annual plans can be refunded in full within 30 days of purchase. "
    "Monthly plans are not refundable.",
)
PASSWORDS = SourcePassage(
    number=2,
    title="Account help",
    text="To reset your password, open Settings and choose Security. The reset link expires after one hour.",
)
HOLIDAYS = SourcePassage(number=7, title="Office hours", text="The office is closed on public holidays.")


def make_request(question: str, sources: list[SourcePassage]) -> LLMRequest:
    return LLMRequest(
        model="offline",
        system_instruction="Answer from the sources only.",
        contents=[ChatTurn("user", question)],
        question=question,
        sources=sources,
    )


async def collect(question: str, sources: list[SourcePassage]) -> tuple[list[LLMEvent], str]:
    events = [event async for event in OfflineAnswerer().stream(make_request(question, sources))]
    return events, "".join(e.text for e in events if isinstance(e, TextDelta))


def cited(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


async def test_answers_by_quoting_the_matching_source_with_its_number() -> None:
    events, text = await collect("Can I get a refund on an annual plan?", [PASSWORDS, REFUNDS, HOLIDAYS])

    assert text == (
        "Quoted from the documents:\n\n"
        "“Annual plans can be refunded in full within 30 days of purchase.” [1] (Billing FAQ, page 3)"
    )


async def test_streams_several_deltas_then_one_completion() -> None:
    events, text = await collect("How do I reset my password?", [REFUNDS, PASSWORDS])

    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert len(deltas) > 1
    assert all(e.text for e in deltas)
    assert isinstance(events[-1], Completion)
    assert [e for e in events if isinstance(e, Completion)] == [events[-1]]
    completion = events[-1]
    assert completion.finish_reason == "stop"
    assert completion.model == "offline"
    assert completion.input_tokens > 0
    assert completion.output_tokens > 0
    assert cited(text) == {2}
    assert "Account help" in text
    assert "page" not in text  # the source has no page number


async def test_quotes_sentences_from_several_sources_each_with_its_own_marker() -> None:
    question = "When does the password reset link expire and when is the office closed?"
    _, text = await collect(question, [PASSWORDS, HOLIDAYS, REFUNDS])

    assert "The reset link expires after one hour.” [2]" in text
    assert "The office is closed on public holidays.” [7]" in text
    assert 1 not in cited(text)


async def test_every_quote_comes_from_the_sources() -> None:
    sources = [REFUNDS, PASSWORDS, HOLIDAYS]
    _, text = await collect("refund password office", sources)

    quotes = re.findall(r"“(.*?)”", text)
    assert quotes
    assert len(quotes) <= 3
    for quote in quotes:
        assert any(quote.strip("…") in s.text for s in sources)


@pytest.mark.parametrize(
    ("question", "sources"),
    [
        ("What is the capital of Mongolia?", [REFUNDS, PASSWORDS, HOLIDAYS]),
        ("How do refunds work?", []),
        ("What is it?", [REFUNDS]),  # only stopwords
        ("", [REFUNDS]),
    ],
)
async def test_no_answer_when_nothing_matches(question: str, sources: list[SourcePassage]) -> None:
    events, _ = await collect(question, sources)

    assert len(events) == 1
    assert isinstance(events[0], Completion)
    assert events[0].finish_reason == "no_answer"
    assert events[0].output_tokens == 0
    assert events[0].model == "offline"


async def test_never_cites_a_number_it_was_not_given() -> None:
    sources = [
        SourcePassage(number=4, title="A", text="Shipping to Canada takes five days. Shipping is free over $50."),
        SourcePassage(number=9, title="B", text="Express shipping to Canada costs $15."),
    ]
    _, text = await collect("How long does shipping to Canada take and what does express shipping cost?", sources)

    assert cited(text)
    assert cited(text) <= {4, 9}


async def test_long_sentences_are_trimmed_with_an_ellipsis() -> None:
    filler = " ".join(f"word{i}" for i in range(150))
    source = SourcePassage(
        number=3, title="Long", text=f"{filler} the warranty covers batteries for two years {filler}."
    )
    _, text = await collect("What does the warranty cover?", [source])

    quote = re.findall(r"“(.*?)”", text)[0]
    assert len(quote) <= 602
    assert quote.startswith("…")
    assert quote.endswith("…")
    assert "the warranty covers batteries for two years" in quote
    assert text.endswith("[3] (Long)")


async def test_non_english_sources() -> None:
    source = SourcePassage(
        number=5, title="Hilfe", text="Die Rückerstattung erfolgt innerhalb von 30 Tagen. Wir sind montags geschlossen."
    )
    _, text = await collect("Wann erfolgt die Rückerstattung?", [source])

    assert "“Die Rückerstattung erfolgt innerhalb von 30 Tagen.” [5]" in text
    assert "montags" not in text


async def test_untitled_source() -> None:
    source = SourcePassage(number=1, title="", text="Support answers e-mails within one business day.")
    _, text = await collect("How fast does support answer e-mails?", [source])

    assert text.endswith("“Support answers e-mails within one business day.” [1] (the source)")


async def test_implements_the_llm_protocol() -> None:
    assert isinstance(OfflineAnswerer(), LLM)
    assert OfflineAnswerer.name == "offline"


async def test_headings_are_not_quoted_as_answers() -> None:
    source = SourcePassage(
        number=1,
        title="Guide",
        text="## Adding knowledge\n\nGive a bot knowledge by uploading files or pasting text.\nTickets\n",
    )
    _events, answer = await collect("How do I add knowledge to a bot?", [source])
    assert "## Adding knowledge" not in answer
    assert "uploading files or pasting text" in answer


async def test_a_sentence_repeated_by_overlapping_passages_is_quoted_once() -> None:
    shared = "The K7 pump is covered for 36 months from the date of delivery."
    first = SourcePassage(number=1, title="Manual", page=4, text=f"Installation takes an hour. {shared}")
    second = SourcePassage(number=2, title="Manual", page=4, text=f"{shared} Claims go through the dealer.")

    _, text = await collect("How long is the K7 pump covered?", [first, second])

    assert text.count(shared) == 1


async def test_the_sentence_with_the_answer_wins_over_one_that_restates_the_question() -> None:
    source = SourcePassage(
        number=1,
        title="Warranty FAQ",
        text=(
            "How long is the warranty on the K7 pump? Customers often ask about the warranty on the K7 pump. "
            "Every K7 pump is covered for 36 months from delivery."
        ),
    )

    _, text = await collect("How long is the K7 pump's warranty?", [source])

    assert "“Every K7 pump is covered for 36 months from delivery.” [1]" in text
    assert "Customers often ask" not in text
    assert "How long is the warranty" not in text


async def test_the_next_sentence_is_quoted_too_when_only_it_holds_the_answer() -> None:
    source = SourcePassage(
        number=1,
        title="Manual",
        text="The K7 pump comes with a manufacturer warranty against defects. It lasts 36 months. Keep the receipt.",
    )

    _, text = await collect("How long does the K7 pump warranty last?", [source])

    assert "“The K7 pump comes with a manufacturer warranty against defects. It lasts 36 months.” [1]" in text
    assert "receipt" not in text


async def test_quotes_whole_sentences_never_fragments() -> None:
    source = SourcePassage(
        number=2,
        title="Policy",
        page=3,
        text=(
            "Returns are accepted within 30 days. The warranty does not cover damage caused by water or by "
            "dropping the device, and claims need the original receipt. Repairs take about a week."
        ),
    )

    _, text = await collect("Is water damage covered by the warranty?", [source])

    quote = re.findall(r"“(.*?)”", text)[0]
    assert quote == (
        "The warranty does not cover damage caused by water or by dropping the device, "
        "and claims need the original receipt."
    )


async def test_says_plainly_that_it_quotes() -> None:
    _, text = await collect("Can I get a refund on an annual plan?", [REFUNDS])

    assert text.startswith("Quoted from the documents:")


async def test_a_curated_answer_is_given_as_the_owner_wrote_it() -> None:
    curated = SourcePassage(
        number=1, title="Curated answer", text="Yes: annual plans are refunded within 30 days.", curated=True
    )

    _, text = await collect("Can I get my money back on a yearly plan?", [curated, REFUNDS])

    assert text == "Yes: annual plans are refunded within 30 days. [1]"
