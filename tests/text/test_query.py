"""The search words of a question: what it is about, not how it is asked."""

from __future__ import annotations

import pytest

from chatsphere.text.query import name_terms, query_terms


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("What time does the aquarium open?", ["aquarium", "open"]),
        ("How long is the warranty on the K7 pump?", ["warranty", "k7", "pump"]),
        ("Can you tell me which year the museum was founded?", ["museum", "founded"]),
        ("Do children pay to enter the aquarium?", ["children", "pay", "enter", "aquarium"]),
        ("Refunds? refund policy for refunded orders", ["refunds", "policy", "orders"]),
        ("What is it?", []),
    ],
)
def test_question_words_are_left_out_and_repeats_counted_once(question: str, terms: list[str]) -> None:
    assert query_terms(question) == terms


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("How much time off do employees of the Basel office get?", {"basel"}),
        ("If my Brightwater R8 breaks, who repairs it?", {"brightwater", "r8"}),
        ("What does PX-4471 mean?", {"px", "4471"}),
        ("Who heads the bowls section?", set()),
    ],
)
def test_names_are_capitalised_words_after_the_first_and_codes(question: str, names: set[str]) -> None:
    assert name_terms(question) == names
