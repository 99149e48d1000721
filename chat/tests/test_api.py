"""The chat API: ask a bot (JSON and server-sent events), conversations, feedback, limits and
the public widget configuration."""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from typing import Any

import pytest
from django.test import AsyncClient
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Role
from accounts.services.api_keys import api_key_create
from accounts.tenancy import Actor
from bots.models import Bot
from chat.models import Channel, Conversation, Message, MessageRole
from chat.tests.conftest import ALLOWED, TIDES_TEXT, add_document
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory
from conftest import Tenant, jwt_client
from documents.models import DocumentStatus
from documents.tests.factories import DocumentFactory
from tests.fakes.gemini import FakeGemini

QUESTION = "How much does the Puffin Island ferry cost?"
CITATION_FIELDS = {"number", "kind", "document_id", "curated_answer_id", "title", "page", "snippet", "score", "url"}
pytestmark = pytest.mark.timeout(120)


def chat_url(bot: Bot) -> str:
    return reverse("bot-chat", kwargs={"bot_id": bot.id})


def sse_events(response: Any) -> list[dict[str, Any]]:
    body = b"".join(response.streaming_content).decode()
    frames = [frame for frame in body.split("\n\n") if frame]
    assert all(frame.startswith("data: ") and "\n" not in frame for frame in frames), body
    return [json.loads(frame.removeprefix("data: ")) for frame in frames]


def error_body(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.fixture
def ferry_bot(transactional_db: None, tenant_a: Tenant) -> Bot:
    bot = Bot.objects.create(organization=tenant_a.organization, name="Ferries", allowed_origins=[ALLOWED])
    add_document(bot, "Ferries", TIDES_TEXT)
    return bot


@pytest.fixture
def empty_bot(tenant_a: Tenant) -> Bot:
    """A bot without documents: it answers with its fallback, without searching or a model."""
    return Bot.objects.create(
        organization=tenant_a.organization, name="Empty", allowed_origins=[ALLOWED], fallback_message="No idea."
    )


# --- asking ---------------------------------------------------------------------------------


def test_json_answer_has_the_conversation_and_the_message(ferry_bot, tenant_a):
    response = jwt_client(tenant_a.member).post(chat_url(ferry_bot), {"message": QUESTION}, format="json")

    assert response.status_code == HTTPStatus.OK, response.content
    body = response.json()
    assert set(body) == {"conversation_id", "message"}
    message = body["message"]
    assert message["role"] == "assistant"
    assert "twelve euros" in message["content"]
    assert message["unanswered"] is False and message["error"] == ""
    assert message["model"] == "offline"
    assert message["latency_ms"] is not None and message["time_to_first_token_ms"] is not None
    (citation,) = message["citations"]
    assert set(citation) == CITATION_FIELDS
    assert citation["title"] == "Ferries"
    conversation = Conversation.objects.get(id=body["conversation_id"])
    assert conversation.channel == Channel.API and conversation.organization_id == tenant_a.organization.id
    assert Message.objects.get(id=message["id"]).conversation_id == conversation.id


@pytest.mark.parametrize("how", ["stream flag", "accept header"])
def test_event_stream_carries_the_events_in_order(ferry_bot, tenant_a, how):
    client = jwt_client(tenant_a.member)
    if how == "stream flag":
        response = client.post(chat_url(ferry_bot), {"message": QUESTION, "stream": True}, format="json")
    else:
        response = client.post(
            chat_url(ferry_bot), {"message": QUESTION}, format="json", HTTP_ACCEPT="text/event-stream"
        )

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    events = sse_events(response)
    kinds = [event["type"] for event in events]
    assert kinds[0] == "conversation" and kinds[-2:] == ["sources", "done"]
    assert set(kinds[1:-2]) == {"token"}
    text = "".join(event["text"] for event in events if event["type"] == "token")
    saved = Message.objects.get(id=events[-1]["message_id"])
    assert saved.content == text
    assert saved.conversation_id == Conversation.objects.get(id=events[0]["id"]).id
    assert set(events[-2]["citations"][0]) == CITATION_FIELDS | {"preview"}


def test_continuing_a_conversation(ferry_bot, tenant_a):
    client = jwt_client(tenant_a.member)
    first = client.post(chat_url(ferry_bot), {"message": QUESTION}, format="json").json()
    second = client.post(
        chat_url(ferry_bot),
        {"message": "Which pier does the ferry leave from?", "conversation_id": first["conversation_id"]},
        format="json",
    )
    assert second.status_code == HTTPStatus.OK
    assert second.json()["conversation_id"] == first["conversation_id"]
    assert "pier seven" in second.json()["message"]["content"]
    assert Message.objects.filter(conversation_id=first["conversation_id"]).count() == 4
    assert Conversation.objects.count() == 1


def test_another_organizations_conversation_or_bot_is_404(empty_bot, tenant_a, tenant_b):
    foreign_bot = Bot.objects.create(organization=tenant_b.organization, name="B")
    foreign = ConversationFactory(bot=foreign_bot, channel=Channel.API)
    client = jwt_client(tenant_a.member)

    response = client.post(chat_url(empty_bot), {"message": "hi", "conversation_id": str(foreign.id)}, format="json")
    error_body(response, HTTPStatus.NOT_FOUND, "not_found")
    error_body(client.post(chat_url(foreign_bot), {"message": "hi"}, format="json"), HTTPStatus.NOT_FOUND, "not_found")
    assert not Message.objects.exists()


def test_a_widget_conversation_cannot_be_continued_through_the_api(empty_bot, tenant_a):
    widget = ConversationFactory(bot=empty_bot, channel=Channel.WIDGET)
    response = jwt_client(tenant_a.member).post(
        chat_url(empty_bot), {"message": "hi", "conversation_id": str(widget.id)}, format="json"
    )
    error_body(response, HTTPStatus.NOT_FOUND, "not_found")


def test_fallback_answer_over_the_api(empty_bot, tenant_a):
    response = jwt_client(tenant_a.member).post(chat_url(empty_bot), {"message": QUESTION}, format="json")
    assert response.status_code == HTTPStatus.OK
    message = response.json()["message"]
    assert message["content"] == "No idea."
    assert message["unanswered"] is True and message["citations"] == []


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"message": "   "}, "empty_message"),
        ({"message": "x" * 4001}, "message_too_long"),
        ({}, "invalid"),
        ({"message": "hi", "conversation_id": "nope"}, "invalid"),
    ],
)
def test_bad_questions_are_400(empty_bot, tenant_a, payload, code):
    response = jwt_client(tenant_a.member).post(chat_url(empty_bot), payload, format="json")
    error_body(response, HTTPStatus.BAD_REQUEST, code)
    assert not Message.objects.exists()


def test_api_key_can_chat(empty_bot, tenant_a):
    actor = Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner)
    _key, secret = api_key_create(actor=actor, name="Website backend")
    for header in ({"HTTP_AUTHORIZATION": f"Api-Key {secret}"}, {"HTTP_X_API_KEY": secret}):
        client = APIClient()
        client.credentials(**header)
        response = client.post(chat_url(empty_bot), {"message": QUESTION}, format="json")
        assert response.status_code == HTTPStatus.OK, response.content
        assert response.json()["message"]["content"] == "No idea."

    listed = APIClient()
    listed.credentials(HTTP_X_API_KEY=secret)
    conversations = listed.get(reverse("conversation-list", kwargs={"bot_id": empty_bot.id})).json()["results"]
    assert len(conversations) == 2


def test_unauthenticated_requests_are_refused(empty_bot):
    assert APIClient().post(chat_url(empty_bot), {"message": QUESTION}, format="json").status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Api-Key csk_wrong")
    assert bad.post(chat_url(empty_bot), {"message": QUESTION}, format="json").status_code == 401
    assert not Message.objects.exists()


def test_rate_limit_is_429_with_retry_after(empty_bot, tenant_a, settings):
    settings.CHATSPHERE_CHAT_RATE_LIMITS = {**settings.CHATSPHERE_CHAT_RATE_LIMITS, "api": "2/m"}
    client = jwt_client(tenant_a.member)
    for _ in range(2):
        assert client.post(chat_url(empty_bot), {"message": QUESTION}, format="json").status_code == 200

    response = client.post(chat_url(empty_bot), {"message": QUESTION, "stream": True}, format="json")

    body = error_body(response, HTTPStatus.TOO_MANY_REQUESTS, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "wait" in body["detail"]
    assert Message.objects.filter(role=MessageRole.USER).count() == 2
    # Another member has their own allowance.
    other = jwt_client(tenant_a.admin).post(chat_url(empty_bot), {"message": QUESTION}, format="json")
    assert other.status_code == HTTPStatus.OK


def test_monthly_quota_is_a_friendly_429(empty_bot, tenant_a, tenant_b, settings):
    settings.CHATSPHERE_MONTHLY_MESSAGE_QUOTA = 2
    client = jwt_client(tenant_a.member)
    for _ in range(2):
        assert client.post(chat_url(empty_bot), {"message": QUESTION}, format="json").status_code == 200

    for payload in ({"message": QUESTION}, {"message": QUESTION, "stream": True}):
        response = client.post(chat_url(empty_bot), payload, format="json")
        body = error_body(response, HTTPStatus.TOO_MANY_REQUESTS, "quota_exceeded")
        assert "this month" in body["detail"]
    assert Message.objects.filter(role=MessageRole.USER).count() == 2
    # The quota is per organization.
    other_bot = Bot.objects.create(organization=tenant_b.organization, name="B")
    assert (
        jwt_client(tenant_b.member).post(chat_url(other_bot), {"message": QUESTION}, format="json").status_code == 200
    )


@pytest.mark.django_db(transaction=True)
def test_failed_answer_is_a_502_with_the_conversation(gemini: FakeGemini, ferry_bot, tenant_a):
    gemini.script(chunks=["Twelve ", "euros"], error_after=1)

    response = jwt_client(tenant_a.member).post(chat_url(ferry_bot), {"message": QUESTION}, format="json")

    body = error_body(response, HTTPStatus.BAD_GATEWAY, "answer_failed")
    conversation = Conversation.objects.get(id=body["conversation_id"])
    answer = conversation.messages.get(role=MessageRole.ASSISTANT)
    assert answer.content == "Twelve " and answer.error


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_event_stream_over_asgi_delivers_tokens_before_the_answer_is_finished(gemini: FakeGemini, tenant_a):
    from channels.db import database_sync_to_async

    bot = await Bot.objects.acreate(organization=tenant_a.organization, name="Ferries")
    await database_sync_to_async(add_document)(bot, "Ferries", TIDES_TEXT)
    gate = threading.Event()
    gemini.script(chunks=["Twelve ", "euros ", "[1]."], gate=gate)
    token = await database_sync_to_async(lambda: str(RefreshToken.for_user(tenant_a.member).access_token))()
    response = await AsyncClient().post(
        chat_url(bot),
        {"message": QUESTION, "stream": True},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == HTTPStatus.OK, response.content
    assert response["Content-Type"].startswith("text/event-stream")
    assert response.is_async, "ASGI streams the events as they come"
    frames = aiter(response.streaming_content)
    try:
        first = json.loads((await anext(frames)).decode().removeprefix("data: "))
        assert first["type"] == "conversation"
        token_frame = json.loads((await anext(frames)).decode().removeprefix("data: "))
        assert token_frame == {"type": "token", "text": "Twelve "}
        assert gemini.streams_completed == 0
    finally:
        gate.set()
    rest = [json.loads(frame.decode().removeprefix("data: ")) async for frame in frames]
    assert [event["type"] for event in rest][-2:] == ["sources", "done"]


# --- conversations --------------------------------------------------------------------------


def test_conversation_list_and_detail(empty_bot, tenant_a):
    client = jwt_client(tenant_a.member)
    first = client.post(chat_url(empty_bot), {"message": "First question"}, format="json").json()
    client.post(chat_url(empty_bot), {"message": "Again", "conversation_id": first["conversation_id"]}, format="json")
    widget = ConversationFactory(bot=empty_bot, channel=Channel.WIDGET, origin_page=f"{ALLOWED}/help")
    MessageFactory(conversation=widget, content="From the widget")

    response = client.get(reverse("conversation-list", kwargs={"bot_id": empty_bot.id}))
    assert response.status_code == HTTPStatus.OK
    results = response.json()["results"]
    assert [item["id"] for item in results] == [str(widget.id), first["conversation_id"]]
    assert results[1]["message_count"] == 4 and results[1]["title"] == "First question"
    assert results[1]["channel"] == "api" and results[0]["origin_page"] == f"{ALLOWED}/help"
    only_api = client.get(reverse("conversation-list", kwargs={"bot_id": empty_bot.id}), {"channel": "api"})
    assert [item["id"] for item in only_api.json()["results"]] == [first["conversation_id"]]

    detail = client.get(reverse("conversation-detail", kwargs={"conversation_id": first["conversation_id"]}))
    assert detail.status_code == HTTPStatus.OK
    body = detail.json()
    assert body["bot_id"] == str(empty_bot.id) and body["message_count"] == 4
    assert [(m["role"], m["content"]) for m in body["messages"]] == [
        ("user", "First question"),
        ("assistant", "No idea."),
        ("user", "Again"),
        ("assistant", "No idea."),
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"channel": "email"}, "channel"),
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "-5"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
    ],
)
def test_a_bad_filter_or_page_size_is_refused_naming_it(empty_bot, tenant_a, query, field):
    client = jwt_client(tenant_a.member)
    client.post(chat_url(empty_bot), {"message": "First question"}, format="json")

    response = client.get(reverse("conversation-list", kwargs={"bot_id": empty_bot.id}), query)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()["errors"]


def test_a_page_size_within_bounds_is_used(empty_bot, tenant_a):
    client = jwt_client(tenant_a.member)
    for number in range(3):
        client.post(chat_url(empty_bot), {"message": f"Question {number}"}, format="json")

    response = client.get(reverse("conversation-list", kwargs={"bot_id": empty_bot.id}), {"page_size": "2"})

    assert response.status_code == HTTPStatus.OK
    assert len(response.json()["results"]) == 2 and response.json()["next"]


def test_conversations_and_messages_of_another_organization_are_404(tenant_a, tenant_b):
    foreign_bot = Bot.objects.create(organization=tenant_b.organization, name="B")
    conversation = ConversationFactory(bot=foreign_bot)
    answer = AnswerFactory(conversation=conversation, content="Secret answer")
    client = jwt_client(tenant_a.owner)
    for response in (
        client.get(reverse("conversation-list", kwargs={"bot_id": foreign_bot.id})),
        client.get(reverse("conversation-detail", kwargs={"conversation_id": conversation.id})),
        client.post(reverse("message-feedback", kwargs={"message_id": answer.id}), {"rating": 1}, format="json"),
    ):
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "Secret" not in response.content.decode()
    answer.refresh_from_db()
    assert answer.feedback is None


# --- feedback -------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [1, -1])
def test_feedback_is_recorded(tenant_a, rating):
    bot = Bot.objects.create(organization=tenant_a.organization, name="A")
    answer = AnswerFactory(conversation=ConversationFactory(bot=bot), content="Twelve euros.")
    response = jwt_client(tenant_a.member).post(
        reverse("message-feedback", kwargs={"message_id": answer.id}), {"rating": rating}, format="json"
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json()["feedback"] == rating
    answer.refresh_from_db()
    assert answer.feedback == rating


@pytest.mark.parametrize("rating", [0, 2, "good", None, True])
def test_invalid_rating_is_400_naming_rating(tenant_a, rating):
    bot = Bot.objects.create(organization=tenant_a.organization, name="A")
    answer = AnswerFactory(conversation=ConversationFactory(bot=bot))
    response = jwt_client(tenant_a.member).post(
        reverse("message-feedback", kwargs={"message_id": answer.id}), {"rating": rating}, format="json"
    )
    body = error_body(response, HTTPStatus.BAD_REQUEST, "invalid")
    assert "rating" in body["errors"]
    answer.refresh_from_db()
    assert answer.feedback is None


def test_questions_cannot_be_rated(tenant_a):
    bot = Bot.objects.create(organization=tenant_a.organization, name="A")
    question = MessageFactory(conversation=ConversationFactory(bot=bot))
    response = jwt_client(tenant_a.member).post(
        reverse("message-feedback", kwargs={"message_id": question.id}), {"rating": 1}, format="json"
    )
    error_body(response, HTTPStatus.BAD_REQUEST, "not_an_answer")


# --- widget configuration -------------------------------------------------------------------


def config_url(bot: Bot | str) -> str:
    key = bot if isinstance(bot, str) else bot.public_key
    return reverse("widget-config", kwargs={"public_key": key})


def test_widget_config_with_cors_for_an_allowed_origin(tenant_a):
    bot = Bot.objects.create(
        organization=tenant_a.organization,
        name="Support",
        widget_title="Ask Harbour",
        primary_color="#112233",
        position="left",
        theme="dark",
        welcome_message="Ahoy!",
        suggested_questions=["When does the ferry leave?"],
        allowed_origins=[ALLOWED],
    )
    DocumentFactory(bot=bot, title="Ferry timetable")
    response = APIClient().get(config_url(bot), HTTP_ORIGIN=ALLOWED)

    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert response.json() == {
        "public_key": bot.public_key,
        "title": "Ask Harbour",
        "primary_color": "#112233",
        "position": "left",
        "theme": "dark",
        "welcome_message": "Ahoy!",
        "suggested_questions": ["When does the ferry leave?"],
        "source_previews": True,
        "max_message_chars": 4000,
        "socket_path": f"/ws/widget/{bot.public_key}/",
    }
    preflight = APIClient().options(config_url(bot), HTTP_ORIGIN=ALLOWED, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight["Access-Control-Allow-Origin"] == ALLOWED


@pytest.mark.parametrize("status", [None, DocumentStatus.PROCESSING, DocumentStatus.FAILED])
def test_widget_config_of_a_bot_without_ready_documents_does_not_invite_questions(tenant_a, status):
    bot = Bot.objects.create(
        organization=tenant_a.organization,
        name="Support",
        welcome_message="Ask me anything about the ferries!",
        suggested_questions=["When does the ferry leave?"],
        allowed_origins=[ALLOWED],
    )
    if status is not None:
        DocumentFactory(bot=bot, title="Ferry timetable", status=status)
    DocumentFactory(bot=Bot.objects.create(organization=tenant_a.organization, name="Other"), title="Timetable")

    body = APIClient().get(config_url(bot), HTTP_ORIGIN=ALLOWED).json()

    assert body["welcome_message"] == (
        "Hi! I can't answer questions yet: my documents are still being added. Please check back soon."
    )
    assert body["suggested_questions"] == []


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "https://allowed.example.evil.com",
        "http://allowed.example",
        "https://allowed.example:8443",
        "https://allowed.example@evil.com",
        "https://allowed.example/",
        "null",
    ],
)
def test_widget_config_has_no_cors_for_other_origins(tenant_a, origin):
    bot = Bot.objects.create(organization=tenant_a.organization, name="Support", allowed_origins=[ALLOWED])
    response = APIClient().get(config_url(bot), HTTP_ORIGIN=origin)
    assert response.status_code == HTTPStatus.OK
    assert "Access-Control-Allow-Origin" not in response


def test_widget_config_cors_is_per_bot(tenant_a):
    mine = Bot.objects.create(organization=tenant_a.organization, name="Mine", allowed_origins=[ALLOWED])
    other = Bot.objects.create(
        organization=tenant_a.organization, name="Other", allowed_origins=["https://other.example"]
    )
    assert "Access-Control-Allow-Origin" not in APIClient().get(config_url(other), HTTP_ORIGIN=ALLOWED)
    assert APIClient().get(config_url(mine), HTTP_ORIGIN=ALLOWED)["Access-Control-Allow-Origin"] == ALLOWED


def test_unknown_or_inactive_widget_is_404(tenant_a):
    inactive = Bot.objects.create(
        organization=tenant_a.organization, name="Off", allowed_origins=[ALLOWED], is_active=False
    )
    for key in (inactive.public_key, "pk_unknown", "x" * 300):
        response = APIClient().get(config_url(key), HTTP_ORIGIN=ALLOWED)
        error_body(response, HTTPStatus.NOT_FOUND, "not_found")
        assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db(transaction=True)
def test_gemini_answers_request_after_request(gemini: FakeGemini, ferry_bot, tenant_a):
    """Each synchronous request runs the pipeline on its own event loop; the shared Gemini client
    must keep working from one request to the next."""
    client = jwt_client(tenant_a.member)
    for number in range(3):
        gemini.script(text=f"Answer {number} [1].", once=True)
        response = client.post(chat_url(ferry_bot), {"message": QUESTION}, format="json")
        assert response.status_code == HTTPStatus.OK, response.content
        assert response.json()["message"]["content"] == f"Answer {number} [1]."
    events = sse_events(client.post(chat_url(ferry_bot), {"message": QUESTION, "stream": True}, format="json"))
    assert events[-1]["type"] == "done"
