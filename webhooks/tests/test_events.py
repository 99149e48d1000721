"""Each event is sent by the change that causes it, to the endpoints subscribed to it, with what
an owner needs and no more visitor text than the unanswered question."""

from __future__ import annotations

import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from bots.models import Bot
from chat.models import Channel, Conversation
from chat.services import message_rate
from chat.tasks import announce_finished_conversations
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory
from conftest import jwt_client
from documents import services as document_services
from webhooks import services
from webhooks.models import DeliveryStatus
from webhooks.tests.conftest import owner, settle, wait_for_delivery

pytestmark = pytest.mark.django_db(transaction=True)

ALL_EVENTS = ["conversation.finished", "message.unanswered", "document.ready", "document.failed", "feedback.created"]


@pytest.fixture
def subscribed(receiver, deliveries_run, tenant_a):
    endpoint, _ = services.webhook_endpoint_create(actor=owner(tenant_a), url=receiver.url, events=ALL_EVENTS)
    return endpoint


@pytest.fixture
def bot(tenant_a) -> Bot:
    return Bot.objects.create(organization=tenant_a.organization, name="Ferry helper", fallback_message="No idea.")


def _only(receiver, event_type: str, *, timeout: float = 60) -> dict:
    receiver.wait_for(1, timeout=timeout)
    for _ in range(600):
        found = receiver.of_type(event_type)
        if found:
            (item,) = found
            return item.event
        receiver.wait_for(len(receiver.requests) + 1, timeout=timeout)
    raise AssertionError(f"no {event_type}")


def test_a_document_that_becomes_ready_is_announced(subscribed, receiver, bot, tenant_a):
    document = document_services.document_create_from_text(
        actor=owner(tenant_a), bot=bot, title="Timetable", text="The first ferry leaves at 7:10 from the north pier."
    )

    event = _only(receiver, "document.ready")

    assert event["organization_id"] == str(tenant_a.organization.id)
    assert event["data"]["bot"] == {"id": str(bot.id), "name": "Ferry helper"}
    announced = event["data"]["document"]
    assert announced["id"] == str(document.id) and announced["title"] == "Timetable"
    assert announced["status"] == "ready" and announced["error"] is None and announced["chunk_count"] >= 1


def test_a_document_that_fails_is_announced_with_the_reason(subscribed, receiver, bot, tenant_a):
    document = document_services.document_create_from_url(
        actor=owner(tenant_a), bot=bot, url=receiver.url + "missing-page"
    )

    event = _only(receiver, "document.failed")

    announced = event["data"]["document"]
    assert announced["id"] == str(document.id) and announced["status"] == "failed"
    assert announced["url"] == receiver.url + "missing-page"
    assert "404" in announced["error"]


def test_an_unanswered_question_is_sent_with_its_text(subscribed, receiver, bot, tenant_a):
    response = jwt_client(tenant_a.member).post(
        f"/api/v1/bots/{bot.id}/chat/", {"message": "Can I bring my bicycle?"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK

    event = _only(receiver, "message.unanswered")

    assert event["data"]["question"]["text"] == "Can I bring my bicycle?"
    assert event["data"]["message"]["id"] == response.json()["message"]["id"]
    assert event["data"]["conversation"] == {"id": response.json()["conversation_id"], "channel": "api"}
    assert event["data"]["bot"]["id"] == str(bot.id)


def test_a_rating_is_announced_once_per_change(subscribed, receiver, bot, tenant_a):
    answer = AnswerFactory(conversation__bot=bot, content="At 7:10.")

    message_rate(actor=owner(tenant_a), message=answer, rating=-1)
    message_rate(actor=owner(tenant_a), message=answer, rating=-1)  # the same rating again: no news

    event = _only(receiver, "feedback.created")
    assert event["data"]["rating"] == -1 and event["data"]["rated_by"] == "member"
    assert event["data"]["message"] == {"id": str(answer.id)}
    assert "content" not in str(event["data"])  # no conversation text


def test_a_quiet_conversation_is_announced_once_per_quiet_spell(subscribed, receiver, bot, settings):
    settings.CHATSPHERE_CONVERSATION_IDLE_MINUTES = 30
    conversation = ConversationFactory(bot=bot, channel=Channel.WIDGET)
    MessageFactory(conversation=conversation, content="Is there a night ferry?")
    AnswerFactory(conversation=conversation, content="No idea.", unanswered=True, feedback=-1)
    quiet_since = timezone.now() - timedelta(minutes=31)
    Conversation.objects.filter(id=conversation.id).update(last_message_at=quiet_since)
    still_talking = ConversationFactory(bot=bot, last_message_at=timezone.now() - timedelta(minutes=5))

    assert announce_finished_conversations() == 1
    assert announce_finished_conversations() == 0
    settle()

    event = _only(receiver, "conversation.finished")
    announced = event["data"]["conversation"]
    assert announced["id"] == str(conversation.id) and announced["id"] != str(still_talking.id)
    assert (announced["questions"], announced["answers"], announced["unanswered"]) == (1, 1, 1)
    assert (announced["helpful"], announced["not_helpful"]) == (0, 1)
    assert "Is there a night ferry?" not in str(event)
    settle()
    # The visitor comes back, then goes quiet again: a second spell, a second event.
    Conversation.objects.filter(id=conversation.id).update(last_message_at=timezone.now() - timedelta(minutes=40))
    assert announce_finished_conversations() == 0  # that message is older than the announcement
    Conversation.objects.filter(id=conversation.id).update(last_message_at=timezone.now())
    settings.CHATSPHERE_CONVERSATION_IDLE_MINUTES = 0
    assert announce_finished_conversations() == 2  # with no idle time, the other one is quiet too


def test_only_subscribed_endpoints_of_the_organization_get_an_event(receiver, deliveries_run, bot, tenant_a, tenant_b):
    endpoint, _ = services.webhook_endpoint_create(
        actor=owner(tenant_a), url=receiver.url + "ratings", events=["feedback.created"]
    )
    services.webhook_endpoint_create(actor=owner(tenant_b), url=receiver.url + "other-org", events=ALL_EVENTS)
    answer = AnswerFactory(conversation__bot=bot)

    message_rate(actor=owner(tenant_a), message=answer, rating=1)
    wait_for_delivery(lambda: endpoint.deliveries.filter(status=DeliveryStatus.SUCCEEDED).first())
    (received,) = receiver.wait_for(1)
    document_services.document_create_from_text(
        actor=owner(tenant_a), bot=bot, title="Fares", text="Adults pay 4 euros."
    )

    assert received.path == "/ratings" and received.event["type"] == "feedback.created"
    time.sleep(2)  # what would arrive for the document or the other organization has had its time
    assert len(receiver.requests) == 1
