"""When the widget offers the contact form: the plain-words matcher, and the `handoff` event the
socket sends after an answer for each reason the owner switched on."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from bots.models import Bot, HandoffField
from chat.handoff import asks_for_person
from chat.tests.test_websocket import QUESTION, bot, connect, sockets, widget  # noqa: F401 - fixtures

ASKS = [
    "Can I talk to a human?",
    "I want to speak with a real person please",
    "connect me to an agent",
    "I need a human",
    "Human please!",
    "how do I contact support?",
    "Could I get in touch with your team",
    "put me through to a representative",
    "Is there a live agent?",
    "agent",
]
NOT_ASKS = [
    "How much does the Puffin Island ferry cost?",
    "Do your agents sell tickets at the pier?",
    "What is the human population of Puffin Island?",
    "I don't want to talk to a human, just tell me the timetable",
    "Is the ferry suitable for people in wheelchairs?",
    "",
]


@pytest.mark.parametrize("text", ASKS)
def test_plainly_worded_requests_for_a_person_are_recognised(text):
    assert asks_for_person(text)


@pytest.mark.parametrize("text", NOT_ASKS)
def test_questions_that_merely_mention_people_are_not_requests(text):
    assert not asks_for_person(text)


UNANSWERABLE = "Can I bring my kayak on the night train to Vienna?"


async def _handoff_settings(bot: Bot, **changes: Any) -> None:  # noqa: F811 - a parameter, not the fixture
    for name, value in {"handoff_enabled": True, **changes}.items():
        setattr(bot, name, value)
    await sync_to_async(bot.save)()


async def _no_offer(socket: Any) -> bool:
    """Nothing follows `done` within a short wait."""
    return await socket.communicator.receive_nothing(timeout=1.5)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
async def test_the_form_is_offered_after_the_fallback_with_the_bots_fields(bot, sockets):  # noqa: F811 - the fixtures imported above
    await _handoff_settings(
        bot,
        handoff_name=HandoffField.REQUIRED,
        handoff_name_label="Full name",
        handoff_message=HandoffField.OFF,
        handoff_consent_text="I agree to be e-mailed about my question.",
    )
    socket = await connect(sockets, widget(bot))

    events = await socket.ask(UNANSWERABLE)
    offer = await socket.receive()

    assert events[-1]["type"] == "done"
    assert offer == {
        "type": "handoff",
        "reason": "fallback",
        "conversation_id": events[0]["id"],
        "form": {
            "fields": [
                {"name": "name", "label": "Full name", "required": True, "max_length": 200},
                {"name": "email", "label": "Your e-mail address", "required": True, "max_length": 254},
            ],
            "consent_text": "I agree to be e-mailed about my question.",
        },
    }


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
async def test_an_answered_question_gets_no_offer_and_a_switched_off_handoff_never_offers(bot, sockets):  # noqa: F811 - the fixtures imported above
    await _handoff_settings(bot)
    socket = await connect(sockets, widget(bot))
    await socket.ask(QUESTION)
    assert await _no_offer(socket)

    await _handoff_settings(bot, handoff_enabled=False)
    await socket.ask(UNANSWERABLE)
    assert await _no_offer(socket)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
async def test_asking_for_a_person_offers_the_form_even_when_the_fallback_does_not(bot, sockets):  # noqa: F811 - the fixtures imported above
    await _handoff_settings(bot, handoff_on_fallback=False)
    socket = await connect(sockets, widget(bot))

    await socket.ask(UNANSWERABLE)
    assert await _no_offer(socket)
    await socket.ask("Can I talk to a human please?")
    offer = await socket.receive()

    assert (offer["type"], offer["reason"]) == ("handoff", "request")


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(90)
async def test_the_form_is_offered_once_after_the_chosen_number_of_messages(bot, sockets):  # noqa: F811 - the fixtures imported above
    await _handoff_settings(bot, handoff_on_fallback=False, handoff_on_request=False, handoff_after_messages=2)
    socket = await connect(sockets, widget(bot))

    first = await socket.ask(QUESTION)
    assert await _no_offer(socket)
    await socket.ask("And how long does the crossing take?", first[0]["id"])
    offer = await socket.receive()
    await socket.ask("Thanks, and is there a café on board?", first[0]["id"])

    assert (offer["type"], offer["reason"]) == ("handoff", "messages")
    assert await _no_offer(socket)
