"""What the product reports to Prometheus as it works: answers and their timings, unanswered
questions, open sockets, ingestion, provider failures and rate-limit refusals."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from bots.models import Bot
from chat.tests.conftest import ALLOWED, TIDES_TEXT, add_document
from chatsphere.asgi import application
from conftest import Tenant, jwt_client
from tests.fakes.gemini import FakeGemini
from tests.metrics_scrape import TOKEN, scrape, value

QUESTION = "How much does the Puffin Island ferry cost?"
GENERATE = "streamGenerateContent"
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(autouse=True)
def _metrics_on(settings):
    settings.CHATSPHERE_METRICS_TOKEN = TOKEN


@pytest.fixture
def ferry_bot(transactional_db: None, tenant_a: Tenant) -> Bot:
    bot = Bot.objects.create(
        organization=tenant_a.organization, name="Ferries", allowed_origins=[ALLOWED], fallback_message="No idea."
    )
    add_document(bot, "Ferries", TIDES_TEXT)
    return bot


def ask(bot: Bot, tenant: Tenant, question: str = QUESTION) -> dict:
    response = jwt_client(tenant.member).post(
        reverse("bot-chat", kwargs={"bot_id": bot.id}), {"message": question}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()["message"]


def test_an_answer_counts_with_its_timings_and_tokens(ferry_bot, tenant_a, gemini: FakeGemini):
    gemini.script(chunks=["Twelve ", "euros ", "each ", "way ", "[1]."], first_chunk_delay=0.3, chunk_delay=0.05)
    before = scrape()

    message = ask(ferry_bot, tenant_a)

    after = scrape()
    assert message["unanswered"] is False
    assert value(after, "chatsphere_answers_total", outcome="answered") == (
        value(before, "chatsphere_answers_total", outcome="answered") + 1
    )
    for histogram in ("chatsphere_answer_first_token_seconds", "chatsphere_answer_seconds"):
        assert value(after, f"{histogram}_count") == value(before, f"{histogram}_count") + 1
    # The first token came after the fake's 0.3 s delay: not in the 0.25 s bucket.
    assert value(after, "chatsphere_answer_first_token_seconds_bucket", le="0.25") == value(
        before, "chatsphere_answer_first_token_seconds_bucket", le="0.25"
    )
    assert value(after, "chatsphere_answer_output_tokens_total") > value(
        before, "chatsphere_answer_output_tokens_total"
    )
    assert value(after, "chatsphere_answer_tokens_per_second_count") == (
        value(before, "chatsphere_answer_tokens_per_second_count") + 1
    )


def test_a_question_without_an_answer_counts_as_unanswered(ferry_bot, tenant_a):
    before = scrape()

    message = ask(ferry_bot, tenant_a, "Which volcano erupted in the Andes last spring?")

    assert message["unanswered"] is True and message["content"] == "No idea."
    after = scrape()
    assert value(after, "chatsphere_answers_total", outcome="unanswered") == (
        value(before, "chatsphere_answers_total", outcome="unanswered") + 1
    )
    assert value(after, "chatsphere_answers_total", outcome="answered") == value(
        before, "chatsphere_answers_total", outcome="answered"
    )


def test_provider_failures_and_retries_are_counted(ferry_bot, tenant_a, gemini: FakeGemini):
    gemini.script(text="Twelve euros each way [1].")
    gemini.fail(503, path_contains=GENERATE)
    errors = {"provider": "gemini", "operation": "generation", "code": "unavailable", "transient": "true"}
    before = scrape()

    message = ask(ferry_bot, tenant_a)

    after = scrape()
    assert message["error"] == "" and message["content"] == "Twelve euros each way [1]."  # the retry answered
    assert value(after, "chatsphere_provider_errors_total", **errors) == (
        value(before, "chatsphere_provider_errors_total", **errors) + 1
    )
    retries = {"provider": "gemini", "operation": "generation"}
    assert value(after, "chatsphere_provider_retries_total", **retries) == (
        value(before, "chatsphere_provider_retries_total", **retries) + 1
    )


def test_a_refused_question_counts_as_a_rate_limit_refusal(ferry_bot, tenant_a, settings):
    settings.CHATSPHERE_CHAT_RATE_LIMITS = {**settings.CHATSPHERE_CHAT_RATE_LIMITS, "api": "1/m"}
    client = jwt_client(tenant_a.member)
    url = reverse("bot-chat", kwargs={"bot_id": ferry_bot.id})
    assert client.post(url, {"message": QUESTION}, format="json").status_code == HTTPStatus.OK
    before = scrape()

    refused = client.post(url, {"message": QUESTION}, format="json")

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert value(scrape(), "chatsphere_rate_limited_total", scope="api") == (
        value(before, "chatsphere_rate_limited_total", scope="api") + 1
    )


def test_ingestion_counts_documents_and_pages(transactional_db, tenant_a):
    bot = Bot.objects.create(organization=tenant_a.organization, name="Ferries", allowed_origins=[ALLOWED])
    before = scrape()

    add_document(bot, "Ferries", TIDES_TEXT)
    add_document(bot, "Ferries again", TIDES_TEXT + "\n\nThe last ferry leaves at nine.")

    after = scrape()
    assert value(after, "chatsphere_ingestions_total", outcome="ready") == (
        value(before, "chatsphere_ingestions_total", outcome="ready") + 2
    )
    assert value(after, "chatsphere_ingestion_pages_total") == value(before, "chatsphere_ingestion_pages_total") + 2
    assert value(after, "chatsphere_ingestion_seconds_count") == value(before, "chatsphere_ingestion_seconds_count") + 2
    assert value(after, "chatsphere_documents", status="ready") >= 2


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_open_widget_sockets_are_counted_until_they_close(tenant_a):
    bot = await Bot.objects.acreate(organization=tenant_a.organization, name="Ferries", allowed_origins=[ALLOWED])
    from asgiref.sync import sync_to_async

    open_now = sync_to_async(lambda: value(scrape(), "chatsphere_open_sockets", kind="widget"))
    before = await open_now()
    communicator = WebsocketCommunicator(
        application, f"/ws/widget/{bot.public_key}/", headers=[(b"host", b"testserver"), (b"origin", ALLOWED.encode())]
    )
    connected, _ = await communicator.connect(timeout=15)
    assert connected
    await communicator.receive_json_from(timeout=15)  # the session event

    assert await open_now() == before + 1

    await communicator.disconnect()
    assert await open_now() == before
