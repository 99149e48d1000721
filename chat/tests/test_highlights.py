"""Which sentences of a cited passage are highlighted: the claims an answer makes on each source,
and the passage sentences that share the most words with them."""

from __future__ import annotations

from chat.highlights import Segment, answer_claims, matching_sentences, passage_segments

# A passage as ingestion leaves it: reflowed paragraphs, with two sentences that differ in one word.
WARRANTY = (
    "K7 pump warranty.\n\n"
    "The K7 pump has a warranty of 36 months from the date of purchase. "
    "The K7 pump has a warranty of 12 months when it is used commercially. "
    "Keep the receipt: the warranty is honoured only with proof of purchase.\n\n"
    "Repairs under warranty are free of charge and take about ten working days."
)


def test_claims_are_the_answer_sentences_carrying_each_marker():
    answer = (
        "Home owners get a 36 month warranty [1]. Commercial use shortens it to 12 months. [2]\n\n"
        "Repairs are free [1][3]."
    )
    assert answer_claims(answer) == {
        1: ["Home owners get a 36 month warranty .", "Repairs are free ."],
        2: ["Commercial use shortens it to 12 months."],
        3: ["Repairs are free ."],
    }


def test_an_answer_without_markers_claims_nothing():
    assert answer_claims("The pump is guaranteed.") == {}


def test_the_sentence_closest_to_the_claim_wins_over_its_near_duplicate():
    chosen = matching_sentences(WARRANTY, ["Bought for the home, the K7 pump is under warranty for 36 months."])
    assert chosen == ["The K7 pump has a warranty of 36 months from the date of purchase."]

    chosen = matching_sentences(WARRANTY, ["Used commercially, the warranty lasts 12 months."])
    assert chosen == ["The K7 pump has a warranty of 12 months when it is used commercially."]


def test_a_claim_resting_on_two_paragraphs_highlights_both_in_passage_order():
    chosen = matching_sentences(
        WARRANTY, ["Repairs under warranty take ten working days.", "Keep the receipt as proof of purchase."]
    )
    assert chosen == [
        "Keep the receipt: the warranty is honoured only with proof of purchase.",
        "Repairs under warranty are free of charge and take about ten working days.",
    ]


def test_a_claim_sharing_one_word_or_only_common_words_highlights_nothing():
    assert matching_sentences(WARRANTY, ["It is what it is, and then some."]) == []
    assert matching_sentences(WARRANTY, ["Ten green bottles."]) == []


def test_segments_keep_paragraphs_and_mark_the_cited_sentences_whatever_their_spacing():
    wrapped = WARRANTY.replace("from the date", "from  the date")
    segments = passage_segments(wrapped, ["The K7 pump has a warranty of 36   months from the date of purchase."])
    assert segments == [
        [Segment("K7 pump warranty.", False)],
        [
            Segment("The K7 pump has a warranty of 36 months from the date of purchase.", True),
            Segment("The K7 pump has a warranty of 12 months when it is used commercially.", False),
            Segment("Keep the receipt: the warranty is honoured only with proof of purchase.", False),
        ],
        [Segment("Repairs under warranty are free of charge and take about ten working days.", False)],
    ]
