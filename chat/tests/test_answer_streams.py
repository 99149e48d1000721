"""The kept events of answers, in both stores: what a reconnecting client reads after event n,
the live tail up to the final event, who may read, and forgetting (docs/chat.md, "Resuming an answer")."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from django.conf import settings as django_settings

from chat.answer_streams import AnswerStreams, MemoryAnswerStreams, RedisAnswerStreams, StreamGone

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]

WORDS = ["The", "ferry", "leaves", "the", "north", "pier", "at", "seven", "and", "returns", "at", "five"]


def numbered(stream_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [{"type": "conversation", "id": "c1"}]
    events += [{"type": "token", "text": word + " "} for word in WORDS]
    events += [{"type": "sources", "citations": []}, {"type": "done", "message_id": "m1"}]
    return [event | {"stream_id": stream_id, "seq": seq} for seq, event in enumerate(events, start=1)]


@pytest_asyncio.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.services)])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[AnswerStreams]:
    if request.param == "memory":
        yield MemoryAnswerStreams()
        return
    yield RedisAnswerStreams(django_settings.REDIS_URL, django_settings.CHATSPHERE_ANSWER_STREAMS_PREFIX)


async def read_all(store: AnswerStreams, stream_id: str, after: int) -> list[dict[str, Any]]:
    return [event async for event in store.follow(stream_id, after=after)]


async def test_a_reader_gets_what_it_missed_then_the_live_events_once(store):
    stream_id = uuid.uuid4().hex
    events = numbered(stream_id)
    await store.open(stream_id, owner="bot:widget:visitor-1")
    for event in events[:6]:
        await store.append(stream_id, event["seq"], event)

    reader = asyncio.create_task(read_all(store, stream_id, after=4))
    await asyncio.sleep(0.1)
    for event in events[6:]:
        await store.append(stream_id, event["seq"], event)
        await asyncio.sleep(0.01)

    assert await asyncio.wait_for(reader, 10) == events[4:]
    assert await read_all(store, stream_id, after=0) == events, "a finished answer is replayed whole"
    assert await store.owner(stream_id) == "bot:widget:visitor-1"


async def test_unknown_and_expired_streams_are_gone(store, settings):
    settings.CHATSPHERE_ANSWER_RESUME_SECONDS = 0.2
    assert await store.owner("no-such-stream") is None
    stream_id = uuid.uuid4().hex
    events = numbered(stream_id)
    await store.open(stream_id, owner="bot:widget:visitor-1")
    for event in events:
        await store.append(stream_id, event["seq"], event)

    await asyncio.sleep(1.3)  # Redis expires keys in whole seconds

    assert await store.owner(stream_id) is None
    with pytest.raises(StreamGone):
        await read_all(store, stream_id, after=0)


async def test_a_stream_whose_writer_never_finished_is_forgotten_too(settings):
    settings.CHATSPHERE_ANSWER_RESUME_SECONDS = 0.1
    settings.CHATSPHERE_CHAT_LLM_TIMEOUT = 0.1
    store = MemoryAnswerStreams()
    stream_id = uuid.uuid4().hex
    await store.open(stream_id, owner="bot:widget:visitor-1")
    await store.append(stream_id, 1, numbered(stream_id)[0])

    await asyncio.sleep(0.3)

    assert await store.owner(stream_id) is None
