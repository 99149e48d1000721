"""Which visitor questions a curated answer answers: paraphrases yes, other questions on the same
topic no — with the offline embedder, the deployment's default."""

from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.tenancy import Actor
from bots.tests.factories import BotFactory
from chat.curated.matching import match_curated_answer
from chat.curated.services import curated_answer_create
from chat.models import CuratedAnswer
from chatsphere.ai.providers import get_embedder, reset_providers
from tests.fakes.gemini import FakeGemini

WARRANTY = "How long is the warranty?"
SHIPPING_COST = "How much does shipping cost?"
HOURS = "What are your opening hours?"
RETURNS = "Can I return an item?"
CANADA = "Do you ship to Canada?"
PASSWORD = "How do I reset my password?"
CANCEL = "How do I cancel my subscription?"

#: (curated question, visitor question)
PARAPHRASES = [
    (WARRANTY, "How long is the warranty?"),
    (WARRANTY, "how long is the warranty"),
    (WARRANTY, "What's the warranty period?"),
    (WARRANTY, "How long does the warranty last?"),
    (WARRANTY, "Warranty length?"),
    (WARRANTY, "How many years of warranty do I get?"),
    (SHIPPING_COST, "What is the price of delivery?"),
    (SHIPPING_COST, "Shipping costs?"),
    (HOURS, "When are you open?"),
    (RETURNS, "How do I return a product?"),
    (CANADA, "Do you deliver to Canada?"),
    (PASSWORD, "I forgot my password, how can I reset it?"),
    (CANCEL, "Can I cancel my subscription?"),
]
NEAR_MISSES = [
    (WARRANTY, "Does the warranty cover water damage?"),
    (WARRANTY, "How do I claim the warranty?"),
    (WARRANTY, "How long is the warranty on refurbished phones?"),
    (WARRANTY, "How long does shipping take?"),
    (SHIPPING_COST, "How long does shipping take?"),
    (HOURS, "How do I open an account?"),
    (RETURNS, "Can I return an item after 30 days?"),
    (CANADA, "Do you ship to Mexico?"),
    (PASSWORD, "How do I change my email address?"),
    (CANCEL, "How do I pause my subscription?"),
]


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization)


def write(bot, question: str, answer: str = "The answer.") -> CuratedAnswer:
    actor = Actor(organization=bot.organization, role=Role.OWNER)
    return curated_answer_create(actor=actor, bot=bot, question=question, answer=answer)


@pytest.mark.django_db
@pytest.mark.parametrize(("curated", "asked"), PARAPHRASES, ids=[asked for _, asked in PARAPHRASES])
def test_paraphrases_get_the_curated_answer(bot, curated, asked):
    entry = write(bot, curated, answer="Written by the owner.")
    match = match_curated_answer(bot=bot, question=asked)
    assert match is not None, asked
    assert (match.id, match.question, match.answer) == (entry.id, curated, "Written by the owner.")
    assert 0.8 <= match.score <= 1.0


@pytest.mark.django_db
@pytest.mark.parametrize(("curated", "asked"), NEAR_MISSES, ids=[asked for _, asked in NEAR_MISSES])
def test_other_questions_on_the_same_topic_do_not(bot, curated, asked):
    write(bot, curated)
    assert match_curated_answer(bot=bot, question=asked) is None


@pytest.mark.django_db
def test_the_best_of_several_entries_wins(bot):
    write(bot, WARRANTY, answer="Two years.")
    write(bot, "Does the warranty cover water damage?", answer="No.")
    write(bot, SHIPPING_COST, answer="Five euros.")
    assert match_curated_answer(bot=bot, question="What's the warranty period?").answer == "Two years."
    assert match_curated_answer(bot=bot, question="Is water damage covered by the warranty?").answer == "No."
    assert match_curated_answer(bot=bot, question="What is the capital of Peru?") is None


@pytest.mark.django_db
def test_identical_text_matches_by_words_and_vector(bot):
    write(bot, WARRANTY)
    match = match_curated_answer(bot=bot, question="HOW LONG IS THE WARRANTY")
    assert match.matched_by == "lexical+dense"
    assert match.score == 1.0
    assert match.dense_score == pytest.approx(1.0, abs=1e-4)


@pytest.mark.django_db
def test_a_given_query_vector_is_used_instead_of_embedding_the_question(bot):
    write(bot, WARRANTY)
    vector = get_embedder().embed_query(WARRANTY)
    # The words have nothing in common: only the vector passed in can match.
    match = match_curated_answer(bot=bot, question="zzz", query_vector=vector)
    assert match is not None
    assert match.matched_by == "dense"


@pytest.mark.django_db
def test_only_the_bots_own_entries_are_matched(bot, tenant_b):
    write(bot, WARRANTY)
    same_org_other_bot = BotFactory(organization=bot.organization)
    other_org_bot = BotFactory(organization=tenant_b.organization)
    assert match_curated_answer(bot=same_org_other_bot, question=WARRANTY) is None
    assert match_curated_answer(bot=other_org_bot, question=WARRANTY) is None


@pytest.mark.django_db
def test_entries_are_read_in_one_query(bot, django_assert_num_queries):
    for n in range(10):
        write(bot, f"Question about topic number {n}?")
    write(bot, WARRANTY)
    without_entries = BotFactory(organization=bot.organization)
    with django_assert_num_queries(1):
        assert match_curated_answer(bot=bot, question="What's the warranty period?") is not None
    with django_assert_num_queries(1):
        assert match_curated_answer(bot=without_entries, question=WARRANTY) is None


def use_gemini_embeddings(settings, fake_gemini: FakeGemini) -> None:
    settings.GEMINI_API_KEY = "test-gemini-key-curated"
    settings.GEMINI_BASE_URL = fake_gemini.base_url
    settings.CHATSPHERE_EMBEDDINGS = "gemini"
    settings.CHATSPHERE_PROVIDER_RETRY_DELAY = 0.01
    reset_providers()


@pytest.mark.django_db
def test_vectors_are_remade_when_the_embedder_changes(bot, settings, fake_gemini):
    entry = write(bot, WARRANTY)
    assert entry.embedder == "offline-hash-v1"
    use_gemini_embeddings(settings, fake_gemini)
    # The entry's vector is remade with the new embedder, once, and compared with the question's.
    match = match_curated_answer(bot=bot, question=WARRANTY)
    assert match is not None
    assert match.dense_score == pytest.approx(1.0, abs=1e-4)
    entry.refresh_from_db()
    assert entry.embedder == get_embedder().name != "offline-hash-v1"
    assert len(entry.question_embedding) == get_embedder().dimension * 4


@pytest.mark.django_db
def test_an_embedder_failure_leaves_the_words(bot, settings, fake_gemini):
    use_gemini_embeddings(settings, fake_gemini)
    entry = write(bot, WARRANTY)
    assert entry.embedder.startswith("gemini")
    fake_gemini.api_key = "another-key"  # every embedding request is now refused
    match = match_curated_answer(bot=bot, question="What's the warranty period?")
    assert match is not None
    assert (match.matched_by, match.dense_score) == ("lexical", None)
