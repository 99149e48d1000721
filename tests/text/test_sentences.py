"""Sentence splitting on the tricky cases documents are full of."""

from __future__ import annotations

import pytest

from chatsphere.text import sentence_spans, split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Dr. Smith arrived. Mr. Jones left.", ["Dr. Smith arrived.", "Mr. Jones left."]),
        (
            "Bring fruit, e.g. apples, i.e. something sweet. Then rest.",
            ["Bring fruit, e.g. apples, i.e. something sweet.", "Then rest."],
        ),
        ("Pens, paper, etc. are provided. Bring a laptop.", ["Pens, paper, etc. are provided.", "Bring a laptop."]),
        ("We sell pens, paper, etc. Shipping is free.", ["We sell pens, paper, etc.", "Shipping is free."]),
        (
            "Acme Inc. and Widgets Ltd. merged. The deal closed.",
            ["Acme Inc. and Widgets Ltd. merged.", "The deal closed."],
        ),
        ("It is Red vs. Blue tonight. Tickets sell out.", ["It is Red vs. Blue tonight.", "Tickets sell out."]),
        ("See No. 4 and Fig. 2 for details. Done.", ["See No. 4 and Fig. 2 for details.", "Done."]),
        (
            "The U.S. Department of Labor agreed. Others did not.",
            ["The U.S. Department of Labor agreed.", "Others did not."],
        ),
        (
            "Doors open at 9 a.m. and close at 5 p.m. Late visitors wait.",
            ["Doors open at 9 a.m. and close at 5 p.m.", "Late visitors wait."],
        ),
        (
            "Python 3.5 and v2.1.0 are supported. Older ones are not.",
            ["Python 3.5 and v2.1.0 are supported.", "Older ones are not."],
        ),
        ("It costs 3.50 euros. That is cheap.", ["It costs 3.50 euros.", "That is cheap."]),
        (
            "J. R. R. Tolkien wrote it. John F. Kennedy read it.",
            ["J. R. R. Tolkien wrote it.", "John F. Kennedy read it."],
        ),
        ("Wait... Are you sure? Yes! Go.", ["Wait...", "Are you sure?", "Yes!", "Go."]),
        ("He paused… and went on. Then he stopped.", ["He paused… and went on.", "Then he stopped."]),
        ('She said "Stop." Then she left.', ['She said "Stop."', "Then she left."]),
        ("(This is an aside.) The text goes on.", ["(This is an aside.)", "The text goes on."]),
        ("It is “done.” Really?” he asked.", ["It is “done.”", "Really?” he asked."]),
        (
            "Visit https://example.com/docs/v1.2/index.html today. Then log in.",
            ["Visit https://example.com/docs/v1.2/index.html today.", "Then log in."],
        ),
        (
            "Write to help.desk@example.co.uk for help. We answer fast.",
            ["Write to help.desk@example.co.uk for help.", "We answer fast."],
        ),
        (
            "1. Install the app\n2. Open it. Sign in.\na. Optional step",
            ["1. Install the app", "2. Open it.", "Sign in.", "a. Optional step"],
        ),
        ("Plan | Price\nBasic | 10 euros", ["Plan | Price", "Basic | 10 euros"]),
        ("Opening hours\nThe shop opens daily", ["Opening hours", "The shop opens daily"]),
        ("これは最初の文です。二番目の文！最後？", ["これは最初の文です。", "二番目の文！", "最後？"]),
        ("The price grew by 5. Then it fell.", ["The price grew by 5.", "Then it fell."]),
        ("Costs approx. five euros a month.", ["Costs approx. five euros a month."]),
        ("No terminal mark at the end", ["No terminal mark at the end"]),
        ("  \n\n  ", []),
    ],
)
def test_split_sentences(text, sentences):
    assert split_sentences(text) == sentences


def test_spans_point_into_the_text_without_surrounding_space():
    text = "  First one.  Second one.\n\nThird one.  "
    spans = sentence_spans(text)
    assert [text[start:end] for start, end in spans] == ["First one.", "Second one.", "Third one."]
    assert spans[0][0] == 2
