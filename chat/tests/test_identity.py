"""Verified visitor identity over the widget socket: a signed user id makes the visitor that user
on every browser; anything unsigned or wrongly signed stays an anonymous visitor who can read
nobody else's conversations."""

# ruff: noqa: F811 - the widget socket fixtures (`bot`, `sockets`) come from test_websocket

from __future__ import annotations

import logging
from typing import Any

import pytest
from channels.db import database_sync_to_async

from accounts.models import Role
from accounts.tenancy import Actor
from bots import services as bot_services
from bots.identity import identity_sign
from bots.models import Bot
from chat.models import Conversation, Message
from chat.tests.conftest import ALLOWED
from chat.tests.test_websocket import (  # noqa: F401 - fixtures
    QUESTION,
    Socket,
    bot,
    connect,
    playground,
    session_cookie,
    sockets,
    types,
    widget,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]

FOLLOW_UP = "Which pier does the ferry leave from?"
USER = "customer-4711"
EMAIL = "ada.lovelace@example.com"
NAME = "Ada Lovelace"


@database_sync_to_async
def make_secret(bot: Bot) -> str:
    actor = Actor(organization=bot.organization, role=Role.OWNER)
    _bot, secret = bot_services.bot_rotate_identity_secret(actor=actor, bot=bot)
    return secret


def signed(secret: str, user_id: str = USER, email: str = "", name: str = "") -> dict[str, Any]:
    user_hash = identity_sign(secret=secret, user_id=user_id, email=email, name=name)
    return {"type": "identify", "user_id": user_id, "user_hash": user_hash, "email": email, "name": name}


async def identify(socket: Socket, frame: dict[str, Any]) -> dict[str, Any]:
    await socket.send(frame)
    event = await socket.receive()
    assert event["type"] == "identity", event
    return event


async def history_of(socket: Socket, conversation_id: str) -> dict[str, Any]:
    await socket.send({"type": "history", "conversation_id": conversation_id})
    return await socket.receive()


async def test_a_verified_visitor_finds_their_conversations_in_another_browser(bot, sockets):
    secret = await make_secret(bot)
    laptop = await connect(sockets, widget(bot))
    hello = await identify(laptop, signed(secret, email=EMAIL, name=NAME))
    assert hello == {"type": "identity", "verified": True, "user_id": USER, "email": EMAIL, "name": NAME,
                     "conversations": []}  # fmt: skip
    conversation_id = (await laptop.ask(QUESTION))[0]["id"]

    # A phone: a new browser, with no visitor token of the laptop's.
    phone = await connect(sockets, widget(bot))
    assert phone.session["visitor_token"] != laptop.session["visitor_token"]
    identity = await identify(phone, signed(secret, email=EMAIL, name=NAME))
    assert [c["id"] for c in identity["conversations"]] == [conversation_id]
    assert identity["conversations"][0]["title"] == QUESTION
    history = await history_of(phone, conversation_id)
    assert [m["content"] for m in history["messages"]][0] == QUESTION
    events = await phone.ask(FOLLOW_UP, conversation_id)
    assert events[0] == {"type": "conversation", "id": conversation_id}
    assert types(events)[-1] == "done"

    conversation = await Conversation.objects.aget(id=conversation_id)
    assert (conversation.verified_user_id, conversation.verified_email, conversation.verified_name) == (
        USER,
        EMAIL,
        NAME,
    )
    assert await Message.objects.filter(conversation_id=conversation_id).acount() == 4


async def test_the_signature_may_cover_the_user_id_alone(bot, sockets):
    secret = await make_secret(bot)
    socket = await connect(sockets, widget(bot))
    identity = await identify(socket, signed(secret))
    assert (identity["verified"], identity["user_id"], identity["email"], identity["name"]) == (True, USER, "", "")


def forgeries(secret: str, other_bots_secret: str) -> dict[str, dict[str, Any]]:
    """Identities an intruder could send for USER, keyed by what is wrong with them."""
    good = signed(secret, email=EMAIL)
    return {
        "no hash": {"type": "identify", "user_id": USER},
        "guessed hash": {"type": "identify", "user_id": USER, "user_hash": "0" * 64},
        "another user's hash": signed(secret, user_id="customer-4712") | {"user_id": USER},
        "hash for another bot": signed(other_bots_secret, email=EMAIL),
        "cut hash": good | {"user_hash": good["user_hash"][:-1]},
        "e-mail swapped": good | {"email": "mallory@example.com"},
        "name added": good | {"name": "Ada Lovelace"},
        "e-mail dropped": good | {"email": ""},
    }


@pytest.mark.parametrize("forgery", list(forgeries("x", "y")))
async def test_a_wrongly_signed_visitor_stays_anonymous_and_reads_nothing(bot, sockets, tenant_a, forgery):
    secret = await make_secret(bot)
    owner = await connect(sockets, widget(bot))
    await identify(owner, signed(secret, email=EMAIL))
    conversation_id = (await owner.ask(QUESTION))[0]["id"]
    other_bot = await Bot.objects.acreate(organization=tenant_a.organization, name="Other", allowed_origins=[ALLOWED])
    other_secret = await make_secret(other_bot)

    intruder = await connect(sockets, widget(bot))
    identity = await identify(intruder, forgeries(secret, other_secret)[forgery])

    assert identity == {"type": "identity", "verified": False, "conversations": []}
    refused = await history_of(intruder, conversation_id)
    assert (refused["type"], refused["code"], refused["request"]) == ("error", "not_found", "history")
    events = await intruder.ask("What did I ask before?", conversation_id)
    assert events == [{"type": "error", "code": "not_found", "message": "Conversation not found."}]
    assert await Message.objects.filter(conversation_id=conversation_id).acount() == 2, "nothing was added"
    events = await intruder.ask(QUESTION)
    assert types(events)[-1] == "done", "the widget still works for the anonymous visitor"
    mine = await Conversation.objects.aget(id=events[0]["id"])
    assert (mine.verified_user_id, mine.verified_email) == ("", "")


async def test_anonymous_visitors_and_a_bot_without_secret_verify_nobody(bot, sockets):
    owner = await connect(sockets, widget(bot))
    anonymous_id = (await owner.ask(QUESTION))[0]["id"]
    # No secret yet: even a signature made with an empty key verifies nobody.
    claim = await connect(sockets, widget(bot))
    assert (await identify(claim, signed("")))["verified"] is False

    secret = await make_secret(bot)
    verified = await connect(sockets, widget(bot))
    identity = await identify(verified, signed(secret))
    assert identity["conversations"] == [], "a verified visitor does not get anonymous visitors' conversations"
    assert (await history_of(verified, anonymous_id))["code"] == "not_found"


async def test_signing_out_in_the_same_browser_hides_the_verified_conversations(bot, sockets):
    secret = await make_secret(bot)
    socket = await connect(sockets, widget(bot))
    await identify(socket, signed(secret))
    conversation_id = (await socket.ask(QUESTION))[0]["id"]

    signed_out = await identify(socket, {"type": "identify"})
    assert signed_out == {"type": "identity", "verified": False, "conversations": []}
    assert (await history_of(socket, conversation_id))["code"] == "not_found"

    # The same browser token, next page view, no identity: still nothing.
    again = await connect(sockets, widget(bot), query={"visitor_token": socket.session["visitor_token"]})
    assert (await history_of(again, conversation_id))["code"] == "not_found"
    await again.send({"type": "conversations"})
    assert await again.receive() == {"type": "conversations", "conversations": []}


async def test_rotating_the_secret_invalidates_old_hashes_and_open_sessions(bot, sockets):
    old_secret = await make_secret(bot)
    socket = await connect(sockets, widget(bot))
    await identify(socket, signed(old_secret))
    conversation_id = (await socket.ask(QUESTION))[0]["id"]

    new_secret = await make_secret(bot)

    # The open socket is told its visitor is anonymous now, and reads nothing of theirs.
    assert await socket.receive() == {"type": "identity", "verified": False}
    assert (await history_of(socket, conversation_id))["code"] == "not_found"
    # A page still signing with the old secret: anonymous.
    stale = await connect(sockets, widget(bot))
    assert (await identify(stale, signed(old_secret)))["verified"] is False
    assert (await history_of(stale, conversation_id))["code"] == "not_found"
    # Signed with the new secret, the same user gets their conversations back.
    fresh = await connect(sockets, widget(bot))
    identity = await identify(fresh, signed(new_secret))
    assert [c["id"] for c in identity["conversations"]] == [conversation_id]


async def test_the_same_user_id_on_another_bot_is_another_visitor(bot, sockets, tenant_b):
    secret = await make_secret(bot)
    socket = await connect(sockets, widget(bot))
    await identify(socket, signed(secret))
    conversation_id = (await socket.ask(QUESTION))[0]["id"]
    foreign = await Bot.objects.acreate(organization=tenant_b.organization, name="Theirs", allowed_origins=[ALLOWED])
    foreign_secret = await make_secret(foreign)

    elsewhere = await connect(sockets, widget(foreign))
    identity = await identify(elsewhere, signed(foreign_secret))

    assert identity["verified"] is True and identity["conversations"] == []
    assert (await history_of(elsewhere, conversation_id))["code"] == "not_found"


async def test_a_rejected_identity_is_logged_at_info_without_secret_or_hash(bot, sockets, caplog):
    secret = await make_secret(bot)
    socket = await connect(sockets, widget(bot))
    frame = signed(secret) | {"user_id": "customer-9999"}
    with caplog.at_level(logging.INFO, logger="chat.consumers"):
        await identify(socket, frame)

    rejected = [r for r in caplog.records if "identity not verified" in r.getMessage()]
    assert [r.levelno for r in rejected] == [logging.INFO]
    assert "the signature does not match" in rejected[0].getMessage()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert secret not in logged and frame["user_hash"] not in logged


async def test_the_playground_does_not_take_identities(bot, sockets, tenant_a):
    cookie = await session_cookie(tenant_a.member)
    socket = await connect(sockets, playground(bot), origin="http://testserver", extra=[cookie])
    await socket.send({"type": "identify", "user_id": USER, "user_hash": "0" * 64})
    assert (await socket.receive())["code"] == "unknown_type"
