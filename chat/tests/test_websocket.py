"""The chat sockets through the project's ASGI application: the widget (anonymous visitors of
the bot's allowed origins) and the dashboard playground (signed-in members)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from bots.models import Bot
from chat.models import Channel, Conversation, Message, MessageRole
from chat.tests.conftest import ALLOWED, BAKERY_TEXT, TIDES_TEXT, add_document, add_pdf, answer_text
from chat.visitors import visitor_token_issue
from chatsphere.asgi import application
from tests.fakes.gemini import FakeGemini

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]

QUESTION = "How much does the Puffin Island ferry cost?"
WAIT = 15  # seconds a test waits for one event
HOST = "testserver"


def headers(origin: str | None = ALLOWED, *, extra: list[tuple[bytes, bytes]] | None = None) -> list:
    result = [(b"host", HOST.encode())]
    if origin is not None:
        result.append((b"origin", origin.encode()))
    return result + (extra or [])


class Socket:
    """A connected (or refused) socket and its session event."""

    def __init__(self, communicator: WebsocketCommunicator, connected: bool, session: dict[str, Any] | None):
        self.communicator = communicator
        self.connected = connected
        self.session = session or {}
        self.numbers: list[tuple[str, int]] = []

    async def send(self, data: Any) -> None:
        await self.communicator.send_json_to(data)

    async def ask(self, text: str, conversation_id: str | None = None) -> list[dict[str, Any]]:
        frame: dict[str, Any] = {"type": "message", "text": text}
        if conversation_id is not None:
            frame["conversation_id"] = conversation_id
        await self.send(frame)
        return await self.until_end()

    async def receive(self) -> dict[str, Any]:
        """The next event; its place in its answer's stream (`stream_id`, `seq`) goes to `numbers`."""
        event = await self.receive_numbered()
        if "seq" in event:
            self.numbers.append((event.pop("stream_id"), event.pop("seq")))
        return event

    async def receive_numbered(self) -> dict[str, Any]:
        return await self.communicator.receive_json_from(timeout=WAIT)

    async def until_end(self) -> list[dict[str, Any]]:
        """Events up to and including `done` or `error`."""
        events = []
        while True:
            event = await self.receive()
            events.append(event)
            if event["type"] in ("done", "error"):
                return events

    async def close(self) -> None:
        await self.communicator.disconnect()


async def open_socket(
    path: str, origin: str | None = ALLOWED, query: dict[str, str] | None = None, **kwargs: Any
) -> Socket:
    url = path + (f"?{urlencode(query)}" if query else "")
    communicator = WebsocketCommunicator(application, url, headers=headers(origin, **kwargs))
    connected, _ = await communicator.connect(timeout=WAIT)
    session = await communicator.receive_json_from(timeout=WAIT) if connected else None
    if not connected:
        await communicator.disconnect()  # what the server tells a refused application
    return Socket(communicator, connected, session)


def widget(bot: Bot) -> str:
    return f"/ws/widget/{bot.public_key}/"


@pytest_asyncio.fixture
async def sockets() -> AsyncIterator[list[Socket]]:
    """Sockets opened by a test are closed after it."""
    opened: list[Socket] = []
    yield opened
    for socket in opened:
        if socket.connected:
            await socket.close()


@pytest.fixture
def bot(transactional_db: None, tenant_a: Any) -> Bot:
    bot = Bot.objects.create(
        organization=tenant_a.organization, name="Ferries", allowed_origins=[ALLOWED], fallback_message="No idea."
    )
    add_document(bot, "Ferries", TIDES_TEXT)
    return bot


async def connect(sockets: list[Socket], path: str, origin: str | None = ALLOWED, **kwargs: Any) -> Socket:
    socket = await open_socket(path, origin, **kwargs)
    sockets.append(socket)
    return socket


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


# --- connecting -----------------------------------------------------------------------------


async def test_widget_answers_with_the_event_stream(bot, sockets):
    socket = await connect(sockets, widget(bot))
    assert socket.connected
    assert socket.session["type"] == "session"
    assert socket.session["max_message_chars"] == 4000
    assert socket.session["visitor_token"]

    events = await socket.ask(QUESTION)

    assert types(events)[0] == "conversation"
    assert types(events)[-2:] == ["sources", "done"]
    assert set(types(events)[1:-2]) == {"token"}
    text = "".join(event["text"] for event in events if event["type"] == "token")
    assert "twelve euros" in text
    assert events[-2]["citations"][0]["title"] == "Ferries"
    conversation = await Conversation.objects.aget(id=events[0]["id"])
    assert conversation.channel == Channel.WIDGET and conversation.visitor_id
    answer = await Message.objects.aget(id=events[-1]["message_id"])
    assert answer.content == text and answer.role == MessageRole.ASSISTANT


AQUARIUM_PAGES = [
    "Opening hours\nThe aquarium opens at nine in the morning every day.",
    "Tickets\nChildren under six enter the aquarium for free with an adult.",
]


async def test_widget_answer_about_an_uploaded_pdf_cites_document_and_page(bot, sockets):
    pdf = await database_sync_to_async(add_pdf)(bot, "aquarium.pdf", AQUARIUM_PAGES)
    socket = await connect(sockets, widget(bot))

    events = await socket.ask("Do children pay to enter the aquarium?")

    assert types(events)[-2:] == ["sources", "done"]
    assert "Children under six enter the aquarium for free" in answer_text(events)
    cited = events[-2]["citations"][0]
    assert (cited["document_id"], cited["title"], cited["page"]) == (str(pdf.id), "aquarium.pdf", 2)


async def test_widget_answer_through_gemini_cites_document_and_page(bot, sockets, gemini: FakeGemini):
    pdf = await database_sync_to_async(add_pdf)(bot, "aquarium.pdf", AQUARIUM_PAGES)
    gemini.script(chunks=["Children under six ", "enter for free ", "[1]."])
    socket = await connect(sockets, widget(bot))

    events = await socket.ask("Do children pay to enter the aquarium?")

    assert answer_text(events) == "Children under six enter for free [1]."
    (cited,) = events[-2]["citations"]
    assert (cited["document_id"], cited["page"], cited["number"]) == (str(pdf.id), 2, 1)
    prompt = str(gemini.requests()[-1])
    assert "Children under six enter the aquarium for free" in prompt


@pytest.mark.parametrize(
    "origin",
    [
        "https://allowed.example",
        "HTTPS://ALLOWED.EXAMPLE",
        "https://Allowed.Example",
        "https://allowed.example:443",
    ],
)
async def test_allowed_origin_and_its_case_variants_connect(bot, sockets, origin):
    assert (await connect(sockets, widget(bot), origin)).connected


@pytest.mark.parametrize(
    "origin",
    [
        None,
        "",
        "null",
        "https://allowed.example.evil.com",
        "HTTPS://ALLOWED.EXAMPLE.EVIL.COM",
        "https://allowed.example@evil.com",
        "https://evil.com@allowed.example",
        "https://allowed.example:8443",
        "http://allowed.example",
        "HTTP://ALLOWED.EXAMPLE",
        "wss://allowed.example",
        "https://sub.allowed.example",
        "https://allowed.examplee",
        "https://evil.com",
        "https://allowed.example/path",
        "https://allowed.example#",
        "file://",
        "https://allowed.example, https://evil.com",
    ],
)
async def test_other_origins_cannot_connect(bot, sockets, origin):
    socket = await connect(sockets, widget(bot), origin)
    assert not socket.connected


async def test_two_different_origin_headers_are_refused(bot, sockets):
    socket = await connect(sockets, widget(bot), ALLOWED, extra=[(b"origin", b"https://evil.com")])
    assert not socket.connected


async def test_allowed_origin_with_a_port(bot, sockets):
    bot.allowed_origins = ["http://localhost:3000"]
    await bot.asave(update_fields=["allowed_origins"])
    assert (await connect(sockets, widget(bot), "http://LOCALHOST:3000")).connected
    assert not (await connect(sockets, widget(bot), "http://localhost")).connected
    assert not (await connect(sockets, widget(bot), "http://localhost:3001")).connected
    assert not (await connect(sockets, widget(bot), "https://localhost:3000")).connected


async def test_empty_allowed_origins_admit_only_the_apps_own_host(bot, sockets, settings):
    settings.SITE_URL = "https://chat.example.net"
    bot.allowed_origins = []
    await bot.asave(update_fields=["allowed_origins"])
    assert (await connect(sockets, widget(bot), f"http://{HOST}")).connected
    assert (await connect(sockets, widget(bot), "https://chat.example.net")).connected
    for origin in (ALLOWED, f"https://{HOST}", f"http://{HOST}:8080", "null", None):
        assert not (await connect(sockets, widget(bot), origin)).connected, origin


async def test_the_hosted_chat_page_connects_whatever_the_allowed_origins(bot, sockets, settings):
    settings.SITE_URL = "https://chat.example.net"
    assert bot.allowed_origins == [ALLOWED]
    assert (await connect(sockets, widget(bot), ALLOWED)).connected
    assert (await connect(sockets, widget(bot), "https://chat.example.net")).connected
    assert not (await connect(sockets, widget(bot), "https://other.example")).connected


async def test_inactive_bot_or_unknown_key_is_refused(bot, sockets):
    assert not (await connect(sockets, "/ws/widget/pk_unknown/")).connected
    bot.is_active = False
    await bot.asave(update_fields=["is_active"])
    assert not (await connect(sockets, widget(bot))).connected


async def test_widget_records_the_page_and_browser(bot, sockets):
    socket = await connect(
        sockets,
        widget(bot),
        query={"page": f"{ALLOWED}/pricing?plan=pro"},
        extra=[(b"user-agent", b"Mozilla/5.0 (Test)")],
    )
    events = await socket.ask(QUESTION)
    conversation = await Conversation.objects.aget(id=events[0]["id"])
    assert conversation.origin_page == f"{ALLOWED}/pricing?plan=pro"
    assert conversation.user_agent == "Mozilla/5.0 (Test)"

    other = await connect(sockets, widget(bot), query={"page": "https://evil.com/phish"})
    events = await other.ask(QUESTION)
    conversation = await Conversation.objects.aget(id=events[0]["id"])
    assert conversation.origin_page == ALLOWED, "a page of another site is not believed"


async def test_an_idle_socket_keeps_working(bot, sockets):
    """A visitor reading the welcome message for a while must still get an answer."""
    socket = await connect(sockets, widget(bot))
    await asyncio.sleep(7)
    await socket.send({"type": "ping"})
    assert await socket.receive() == {"type": "pong"}


# --- frames ---------------------------------------------------------------------------------


async def test_bad_frames_get_an_error_and_the_socket_keeps_answering(bot, sockets):
    socket = await connect(sockets, widget(bot))
    communicator = socket.communicator

    await socket.send({"type": "message", "text": "x" * 4001})
    assert (await socket.receive())["code"] == "message_too_long"
    await communicator.send_to(text_data="x" * 100_000)
    assert (await socket.receive())["code"] == "message_too_long"
    await communicator.send_to(text_data="this is not JSON")
    assert (await socket.receive())["code"] == "invalid_json"
    await communicator.send_to(text_data="[1, 2]")
    assert (await socket.receive())["code"] == "invalid_json"
    await socket.send({"type": "dance"})
    event = await socket.receive()
    assert event["type"] == "error" and event["code"] == "unknown_type"
    await socket.send({"text": "no type"})
    assert (await socket.receive())["code"] == "unknown_type"
    for kind in (["message"], {"a": 1}, 7, None):
        await socket.send({"type": kind, "text": "hi"})
        assert (await socket.receive())["code"] == "unknown_type", kind
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive())["code"] == "invalid_frame"
    await socket.send({"type": "message"})
    assert (await socket.receive())["code"] == "invalid"
    await socket.send({"type": "message", "text": "  "})
    assert (await socket.receive())["code"] == "empty_message"
    await socket.send({"type": "message", "text": "hi", "conversation_id": "not-a-uuid"})
    assert (await socket.receive())["code"] == "invalid"
    await socket.send({"type": "ping"})
    assert await socket.receive() == {"type": "pong"}

    events = await socket.ask(QUESTION)
    assert types(events)[-1] == "done"
    assert await Message.objects.filter(role=MessageRole.USER).acount() == 1
    assert await communicator.receive_nothing(timeout=0.1)


async def test_a_message_of_exactly_the_limit_is_accepted(bot, sockets):
    socket = await connect(sockets, widget(bot))
    events = await socket.ask("ferry " * 666 + "cost")  # 4000 characters
    assert types(events)[-1] == "done"


# --- visitors and their conversations -------------------------------------------------------


async def test_visitor_resumes_its_own_conversation_with_its_token(bot, sockets):
    first = await connect(sockets, widget(bot))
    events = await first.ask(QUESTION)
    conversation_id = events[0]["id"]
    token = first.session["visitor_token"]
    await first.close()
    first.connected = False

    again = await connect(sockets, widget(bot), query={"visitor_token": token})
    assert again.connected
    events = await again.ask("Which pier does the ferry leave from?", conversation_id)

    assert events[0] == {"type": "conversation", "id": conversation_id}
    assert types(events)[-1] == "done"
    assert await Message.objects.filter(conversation_id=conversation_id).acount() == 4
    conversation = await Conversation.objects.aget(id=conversation_id)
    assert again.session["visitor_token"], "the token is renewed"
    assert conversation.visitor_id


async def test_visitor_gets_its_conversation_back_after_a_reload(bot, sockets):
    first = await connect(sockets, widget(bot))
    events = await first.ask(QUESTION)
    conversation_id, answer_id = events[0]["id"], events[-1]["message_id"]
    await first.send({"type": "feedback", "message_id": answer_id, "rating": 1})
    assert (await first.receive())["type"] == "feedback"

    again = await connect(sockets, widget(bot), query={"visitor_token": first.session["visitor_token"]})
    await again.send({"type": "history", "conversation_id": conversation_id})
    history = await again.receive()

    assert history["type"] == "history"
    assert history["conversation_id"] == conversation_id
    question, answer = history["messages"]
    assert (question["role"], question["content"]) == ("user", QUESTION)
    assert (answer["id"], answer["role"], answer["feedback"]) == (answer_id, "assistant", 1)
    assert answer["content"] == answer_text(events)
    assert answer["citations"][0]["title"] == "Ferries"

    stranger = await connect(sockets, widget(bot))
    await stranger.send({"type": "history", "conversation_id": conversation_id})
    refused = await stranger.receive()
    assert (refused["type"], refused["code"], refused["request"]) == ("error", "not_found", "history")
    await stranger.send({"type": "history", "conversation_id": "not-an-id"})
    assert (await stranger.receive())["code"] == "invalid"


async def test_another_visitors_conversation_is_not_found(bot, sockets):
    owner = await connect(sockets, widget(bot))
    conversation_id = (await owner.ask(QUESTION))[0]["id"]
    stranger = await connect(sockets, widget(bot))
    assert stranger.session["visitor_token"] != owner.session["visitor_token"]

    events = await stranger.ask("Tell me what you told them", conversation_id)

    assert events == [{"type": "error", "code": "not_found", "message": "Conversation not found."}]
    assert await Message.objects.filter(conversation_id=conversation_id).acount() == 2
    events = await stranger.ask(QUESTION)
    assert types(events)[-1] == "done", "the socket still answers"


async def test_another_bots_conversation_is_not_found(bot, sockets, tenant_a):
    other = await Bot.objects.acreate(organization=tenant_a.organization, name="Other", allowed_origins=[ALLOWED])
    on_other = await connect(sockets, widget(other))
    conversation_id = (await on_other.ask("hello"))[0]["id"]

    # The same visitor's token, presented to this bot, is not accepted: a new visitor is made.
    socket = await connect(sockets, widget(bot), query={"visitor_token": on_other.session["visitor_token"]})
    assert socket.connected
    assert socket.session["visitor_token"] != on_other.session["visitor_token"]
    events = await socket.ask(QUESTION, conversation_id)

    assert events == [{"type": "error", "code": "not_found", "message": "Conversation not found."}]


async def test_a_token_signed_for_another_bot_or_tampered_cannot_resume(bot, sockets, tenant_a):
    first = await connect(sockets, widget(bot))
    conversation = await Conversation.objects.aget(id=(await first.ask(QUESTION))[0]["id"])
    other = await Bot.objects.acreate(organization=tenant_a.organization, name="Other", allowed_origins=[ALLOWED])
    _visitor, foreign_token = visitor_token_issue(bot_id=other.id)
    forged = first.session["visitor_token"][:-2] + ("AA" if not first.session["visitor_token"].endswith("AA") else "BB")

    for token in (foreign_token, forged, "garbage"):
        socket = await connect(sockets, widget(bot), query={"visitor_token": token})
        assert socket.connected
        events = await socket.ask(QUESTION, str(conversation.id))
        assert events[0]["code"] == "not_found", token


async def test_feedback_over_the_socket(bot, sockets):
    socket = await connect(sockets, widget(bot))
    events = await socket.ask(QUESTION)
    message_id = events[-1]["message_id"]

    await socket.send({"type": "feedback", "message_id": message_id, "rating": -1})
    assert await socket.receive() == {"type": "feedback", "message_id": message_id, "rating": -1}
    await socket.send({"type": "feedback", "message_id": message_id, "rating": 5})
    invalid = await socket.receive()
    assert invalid["type"] == "error" and invalid["code"] == "invalid"

    stranger = await connect(sockets, widget(bot))
    await stranger.send({"type": "feedback", "message_id": message_id, "rating": 1})
    assert (await stranger.receive())["code"] == "not_found"
    assert (await Message.objects.aget(id=message_id)).feedback == -1


# --- one answer at a time, limits -----------------------------------------------------------


LONG_ANSWER = " ".join(f"Ferry{number}" for number in range(60)) + " [1]."


async def test_tokens_arriving_together_reach_the_visitor_merged_in_fewer_frames(bot, sockets, gemini: FakeGemini):
    gemini.script(text=LONG_ANSWER, words_per_chunk=1)
    socket = await connect(sockets, widget(bot))

    events = await socket.ask(QUESTION)

    tokens = [event["text"] for event in events if event["type"] == "token"]
    assert "".join(tokens) == LONG_ANSWER
    assert tokens[0] == "Ferry0 "  # the first token is never held back
    assert len(tokens) < 61 / 2  # 61 model events, sent as far fewer frames
    assert types(events)[-2:] == ["sources", "done"]
    saved = await Message.objects.aget(id=events[-1]["message_id"])
    assert saved.content == LONG_ANSWER


async def test_tokens_paced_slower_than_the_merge_window_arrive_one_by_one(bot, sockets, gemini: FakeGemini):
    gemini.script(chunks=["Twelve ", "euros ", "[1]."], chunk_delay=0.6)
    socket = await connect(sockets, widget(bot))

    events = await socket.ask(QUESTION)

    assert [event["text"] for event in events if event["type"] == "token"] == ["Twelve ", "euros ", "[1]."]


async def test_one_answer_in_flight_per_connection(bot, sockets, gemini: FakeGemini):
    gate = threading.Event()
    gemini.script(chunks=["Twelve ", "euros ", "[1]."], gate=gate)
    socket = await connect(sockets, widget(bot))
    try:
        await socket.send({"type": "message", "text": QUESTION})
        assert (await socket.receive())["type"] == "conversation"
        assert await socket.receive() == {"type": "token", "text": "Twelve "}

        await socket.send({"type": "message", "text": "And for children?"})
        busy = await socket.receive()
        assert busy["type"] == "error" and busy["code"] == "busy"
    finally:
        gate.set()
    rest = await socket.until_end()
    assert types(rest)[-1] == "done"
    assert await Message.objects.filter(role=MessageRole.USER).acount() == 1
    gemini.script(text="Five euros [1].")
    assert types(await socket.ask("And for children?"))[-1] == "done"


async def test_leaving_mid_answer_still_saves_the_whole_answer(bot, sockets, gemini: FakeGemini):
    gate = threading.Event()
    gemini.script(chunks=["Twelve ", "euros ", "[1]."], gate=gate)
    socket = await connect(sockets, widget(bot))
    try:
        await socket.send({"type": "message", "text": QUESTION})
        assert (await socket.receive())["type"] == "conversation"
        assert await socket.receive() == {"type": "token", "text": "Twelve "}
        await socket.close()
        socket.connected = False
    finally:
        gate.set()
    # The answer goes on without the socket (the visitor may come back for the rest).
    answer = await saved_answer()
    assert answer.content == "Twelve euros [1]." and answer.error == ""


async def saved_answer() -> Message:
    """The assistant message, once saved (an answer whose socket left is saved when it ends)."""
    for _ in range(WAIT * 20):
        answer = await Message.objects.filter(role=MessageRole.ASSISTANT).order_by("-created_at").afirst()
        if answer is not None:
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError("no answer was saved")


# --- resuming an answer after the socket dropped ----------------------------------------------

#: Forty words, sent by the model one per event, 50 ms apart: two seconds of streaming.
FORTY_WORDS = (
    "The Puffin Island ferry leaves the north pier every morning at seven and returns at five; "
    "a return ticket costs twelve euros for adults, five for children under twelve, and "
    "bicycles travel free of charge on the lower deck [1]."
)


async def drop_after_words(socket: Socket, words: int) -> list[dict[str, Any]]:
    """Ask, read numbered events until `words` words arrived, then drop the socket."""
    await socket.send({"type": "message", "text": QUESTION})
    seen: list[dict[str, Any]] = []
    while len(answer_text(seen).split()) < words:
        seen.append(await socket.receive_numbered())
    await socket.close()
    socket.connected = False
    return seen


async def resume(socket: Socket, stream_id: str, after: int) -> list[dict[str, Any]]:
    await socket.send({"type": "resume", "stream_id": stream_id, "after": after})
    events = []
    while not events or events[-1]["type"] not in ("done", "error"):
        events.append(await socket.receive_numbered())
    return events


async def test_a_dropped_socket_resumes_the_answer_with_every_token_once(bot, sockets, gemini: FakeGemini):
    assert len(FORTY_WORDS.split()) == 40
    gemini.script(text=FORTY_WORDS, words_per_chunk=1, chunk_delay=0.05)
    first = await connect(sockets, widget(bot))
    before = await drop_after_words(first, 5)
    stream_id, last = before[-1]["stream_id"], before[-1]["seq"]

    again = await connect(sockets, widget(bot), query={"visitor_token": first.session["visitor_token"]})
    after = await resume(again, stream_id, last)

    events = before + after
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1)), "none lost, none twice"
    assert {event["stream_id"] for event in events} == {stream_id}
    assert answer_text(events) == FORTY_WORDS
    assert answer_text(before).split() == FORTY_WORDS.split()[: len(answer_text(before).split())]
    assert types(events)[0] == "conversation" and types(events)[-2:] == ["sources", "done"]
    answer = await Message.objects.aget(id=events[-1]["message_id"])
    assert (answer.content, answer.error) == (FORTY_WORDS, "")
    assert types(await again.ask("And for children?"))[-1] == "done", "the socket answers again"


async def test_resuming_from_the_start_replays_a_finished_answer(bot, sockets):
    first = await connect(sockets, widget(bot))
    await first.send({"type": "message", "text": QUESTION})
    events = []
    while not events or events[-1]["type"] != "done":
        events.append(await first.receive_numbered())

    replayed = await resume(first, events[0]["stream_id"], 0)
    assert replayed == events
    assert await resume(first, events[0]["stream_id"], len(events) - 1) == events[-1:]


async def test_another_visitor_cannot_resume_an_answer(bot, sockets, gemini: FakeGemini, tenant_a):
    gemini.script(text=FORTY_WORDS, words_per_chunk=1, chunk_delay=0.05)
    owner = await connect(sockets, widget(bot))
    stream_id = (await drop_after_words(owner, 3))[0]["stream_id"]

    stranger = await connect(sockets, widget(bot))
    member = await connect(sockets, playground(bot), f"http://{HOST}", extra=[await session_cookie(tenant_a.owner)])
    for socket in (stranger, member):
        refused = await resume(socket, stream_id, 0)
        assert refused == [
            {
                "type": "error",
                "code": "stream_expired",
                "message": "This answer can no longer be resumed; load the conversation's history to see it.",
                "request": "resume",
                "stream_id": stream_id,
            }
        ]
    again = await connect(sockets, widget(bot), query={"visitor_token": owner.session["visitor_token"]})
    assert answer_text(await resume(again, stream_id, 0)) == FORTY_WORDS, "its own visitor still can"


async def test_an_expired_answer_tells_the_visitor_to_load_the_history(bot, sockets, settings):
    settings.CHATSPHERE_ANSWER_RESUME_SECONDS = 0.2
    first = await connect(sockets, widget(bot))
    await first.send({"type": "message", "text": QUESTION})
    events = []
    while not events or events[-1]["type"] != "done":
        events.append(await first.receive_numbered())
    await asyncio.sleep(1.2)  # Redis keeps keys whole seconds

    (expired,) = await resume(first, events[0]["stream_id"], 3)
    assert (expired["code"], expired["request"]) == ("stream_expired", "resume")
    await first.send({"type": "history", "conversation_id": events[0]["id"]})
    history = await first.receive()
    assert history["messages"][-1]["content"] == answer_text(events)


@pytest.mark.services
async def test_with_redis_another_socket_resumes_from_the_redis_stream(bot, sockets, gemini: FakeGemini, settings):
    """Several web processes: the reconnection may reach another one, which reads the answer's
    events from Redis (while the first process goes on writing them there)."""
    import redis.asyncio

    gemini.script(text=FORTY_WORDS, words_per_chunk=1, chunk_delay=0.05)
    first = await connect(sockets, widget(bot))
    before = await drop_after_words(first, 5)
    stream_id, last = before[-1]["stream_id"], before[-1]["seq"]
    key = settings.CHATSPHERE_ANSWER_STREAMS_PREFIX + stream_id
    client = redis.asyncio.Redis.from_url(settings.REDIS_URL)
    try:
        assert await client.xlen(key) >= len(before)

        again = await connect(sockets, widget(bot), query={"visitor_token": first.session["visitor_token"]})
        after = await resume(again, stream_id, last)

        events = before + after
        assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
        assert answer_text(events) == FORTY_WORDS
        assert await client.xlen(key) == len(events)
        assert 0 < await client.ttl(key) <= settings.CHATSPHERE_ANSWER_RESUME_SECONDS
    finally:
        await client.aclose()


async def test_with_redis_unreachable_answers_still_stream_and_resuming_falls_back_to_history(bot, sockets, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    socket = await connect(sockets, widget(bot))
    await socket.send({"type": "message", "text": QUESTION})
    events = []
    while not events or events[-1]["type"] not in ("done", "error"):
        events.append(await socket.receive_numbered())
    assert types(events)[-1] == "done" and "twelve euros" in answer_text(events)

    (refused,) = await resume(socket, events[0]["stream_id"], 1)
    assert (refused["code"], refused["request"]) == ("stream_expired", "resume")
    assert types(await socket.ask("Which pier does the ferry leave from?"))[-1] == "done"


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"type": "resume"}, '"stream_id"'),
        ({"type": "resume", "stream_id": ["x"]}, '"stream_id"'),
        ({"type": "resume", "stream_id": "abc", "after": -1}, '"after"'),
        ({"type": "resume", "stream_id": "abc", "after": "3"}, '"after"'),
        ({"type": "resume", "stream_id": "abc", "after": True}, '"after"'),
    ],
)
async def test_bad_resume_frames_name_the_field(bot, sockets, frame, field):
    socket = await connect(sockets, widget(bot))
    await socket.send(frame)
    error = await socket.receive()
    assert (error["type"], error["code"], error["request"]) == ("error", "invalid", "resume")
    assert error["message"].startswith(field)
    assert types(await socket.ask(QUESTION))[-1] == "done", "the socket still answers"


async def test_visitor_rate_limit_gives_a_rate_limited_event(bot, sockets, settings):
    settings.CHATSPHERE_CHAT_RATE_LIMITS = {"visitor": "2/m", "ip": "100/m", "api": "100/m"}
    socket = await connect(sockets, widget(bot))
    for _ in range(2):
        assert types(await socket.ask(QUESTION))[-1] == "done"

    (event,) = await socket.ask(QUESTION)

    assert event["type"] == "error" and event["code"] == "rate_limited"
    assert isinstance(event["retry_after"], int) and 1 <= event["retry_after"] <= 60
    assert str(event["retry_after"]) in event["message"]
    assert await Message.objects.filter(role=MessageRole.USER).acount() == 2
    # Another visitor is not held back by this one.
    other = await connect(sockets, widget(bot))
    assert types(await other.ask(QUESTION))[-1] == "done"


async def test_ip_rate_limit_covers_every_visitor_of_one_address(bot, sockets, settings):
    settings.CHATSPHERE_CHAT_RATE_LIMITS = {"visitor": "100/m", "ip": "2/m", "api": "100/m"}
    for _ in range(2):
        socket = await connect(sockets, widget(bot))
        assert types(await socket.ask(QUESTION))[-1] == "done"
    third = await connect(sockets, widget(bot))
    (event,) = await third.ask(QUESTION)
    assert event["code"] == "rate_limited" and event["retry_after"] >= 1


async def test_monthly_quota_is_an_error_event(bot, sockets, settings):
    settings.CHATSPHERE_MONTHLY_MESSAGE_QUOTA = 1
    socket = await connect(sockets, widget(bot))
    assert types(await socket.ask(QUESTION))[-1] == "done"
    (event,) = await socket.ask(QUESTION)
    assert event["code"] == "quota_exceeded" and "this month" in event["message"]
    await socket.send({"type": "ping"})
    assert await socket.receive() == {"type": "pong"}


# --- playground -----------------------------------------------------------------------------


@database_sync_to_async
def session_cookie(user: Any) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


def playground(bot: Bot) -> str:
    return f"/ws/playground/{bot.id}/"


async def test_playground_answers_members_of_the_bots_organization(bot, sockets, tenant_a):
    cookie = await session_cookie(tenant_a.member)
    socket = await connect(sockets, playground(bot), f"http://{HOST}", extra=[cookie])
    assert socket.connected
    assert "visitor_token" not in socket.session

    events = await socket.ask(QUESTION)

    assert types(events)[-2:] == ["sources", "done"]
    conversation = await Conversation.objects.aget(id=events[0]["id"])
    assert conversation.channel == Channel.PLAYGROUND
    assert conversation.user_id == tenant_a.member.id
    again = await socket.ask("Which pier?", str(conversation.id))
    assert again[0] == {"type": "conversation", "id": str(conversation.id)}


async def test_playground_refuses_strangers(bot, sockets, tenant_b):
    outsider = await session_cookie(tenant_b.owner)
    assert not (await connect(sockets, playground(bot), f"http://{HOST}", extra=[outsider])).connected
    assert not (await connect(sockets, playground(bot), f"http://{HOST}")).connected, "anonymous"
    assert not (
        await connect(sockets, playground(bot), f"http://{HOST}", extra=[(b"cookie", b"sessionid=forged")])
    ).connected


async def test_playground_refuses_other_origins_even_with_a_session(bot, sockets, tenant_a):
    cookie = await session_cookie(tenant_a.owner)
    for origin in (ALLOWED, "https://evil.com", None, "null"):
        assert not (await connect(sockets, playground(bot), origin, extra=[cookie])).connected, origin


async def test_playground_cannot_continue_a_widget_conversation(bot, sockets, tenant_a):
    visitor = await connect(sockets, widget(bot))
    conversation_id = (await visitor.ask(QUESTION))[0]["id"]
    cookie = await session_cookie(tenant_a.owner)
    socket = await connect(sockets, playground(bot), f"http://{HOST}", extra=[cookie])
    (event,) = await socket.ask(QUESTION, conversation_id)
    assert event["code"] == "not_found"


async def test_playground_shows_every_passage_given_with_scores_and_which_were_cited(bot, sockets, tenant_a):
    await database_sync_to_async(add_document)(bot, "Bakery", BAKERY_TEXT)
    cookie = await session_cookie(tenant_a.owner)
    socket = await connect(sockets, playground(bot), f"http://{HOST}", extra=[cookie])

    events = await socket.ask(QUESTION)

    assert types(events)[-3:] == ["retrieval", "sources", "done"]
    retrieval = events[-3]
    assert retrieval["fallback"] is None
    passages = retrieval["passages"]
    assert [passage["number"] for passage in passages] == list(range(1, len(passages) + 1))
    assert passages[0]["title"] == "Ferries" and passages[0]["cited"] and passages[0]["given"]
    assert all(isinstance(passage["score"], float) for passage in passages)
    cited_numbers = {citation["number"] for citation in events[-2]["citations"]}
    assert {passage["number"] for passage in passages if passage["cited"]} <= cited_numbers
    assert retrieval["confidence"] >= retrieval["bar"] == pytest.approx(bot.strictness)


async def test_playground_fallback_says_the_best_passage_and_the_bar_it_fell_below(bot, sockets, tenant_a):
    await Bot.objects.filter(id=bot.id).aupdate(strictness=0.95)
    cookie = await session_cookie(tenant_a.owner)
    socket = await connect(sockets, playground(bot), f"http://{HOST}", extra=[cookie])

    events = await socket.ask("Can dogs ride the ferry to Oslo in December?")

    assert answer_text(events) == "No idea."
    (retrieval,) = [event for event in events if event["type"] == "retrieval"]
    assert retrieval["fallback"] == "below_bar"
    assert retrieval["bar"] == pytest.approx(0.95)
    assert retrieval["confidence"] < retrieval["bar"]
    best = retrieval["passages"][0]
    assert best["title"] == "Ferries" and not best["given"] and not best["cited"]


async def test_widget_visitors_never_get_scores_or_the_strictness_bar(bot, sockets):
    await Bot.objects.filter(id=bot.id).aupdate(strictness=0.95)
    socket = await connect(sockets, widget(bot))

    for question in (QUESTION, "Can dogs ride the ferry to Oslo in December?"):
        events = await socket.ask(question)
        assert "retrieval" not in types(events)
        assert types(events)[-2:] == ["sources", "done"]
