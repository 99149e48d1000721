"""The events of each answer being streamed, kept for a while so that a client whose socket
dropped can reconnect and receive the rest of the answer from where it stopped (docs/chat.md,
"Resuming an answer").

Every answer is a stream with an id; each of its events carries the stream id and a sequence
number (1, 2, …). The stream ends with its `done` or `error` event and is kept for
`CHATSPHERE_ANSWER_RESUME_SECONDS` after its last event. With `REDIS_URL` set the events live in a
Redis stream (a reconnecting client may reach another web process); on the embedded default, in
this process's memory (there is only one).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
import uuid
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

Event = dict[str, Any]

#: Event types that end an answer's stream.
FINAL_TYPES = frozenset({"done", "error"})
#: How long one blocking read waits before checking that the stream still exists.
BLOCK_SECONDS = 5.0


class StreamGone(Exception):
    """The stream expired, never existed, or vanished while being read."""


def is_final(event: Event) -> bool:
    return event.get("type") in FINAL_TYPES


def keep_seconds(*, running: bool = False) -> float:
    """How long a stream is kept after its last event; while the answer runs, the model's timeout
    is added, so that a stream whose writer died mid-answer is forgotten too."""
    extra = float(settings.CHATSPHERE_CHAT_LLM_TIMEOUT) if running else 0.0
    return float(settings.CHATSPHERE_ANSWER_RESUME_SECONDS) + extra


class AnswerStreams(Protocol):
    async def open(self, stream_id: str, *, owner: str) -> None:
        """Start a stream that only `owner` may read."""

    async def append(self, stream_id: str, seq: int, event: Event) -> None:
        """Add the event numbered `seq` (the next number) to the stream."""

    async def owner(self, stream_id: str) -> str | None:
        """Who may read the stream; None when it expired or never existed."""

    def follow(self, stream_id: str, *, after: int) -> AsyncIterator[Event]:
        """The stream's events numbered above `after`, then each new one as it comes, up to and
        including the final one. Raises `StreamGone` if the stream expires meanwhile."""


# --- in memory (one process) ------------------------------------------------------------------


@dataclass(slots=True)
class _Buffer:
    owner: str
    #: When the stream is forgotten (monotonic seconds).
    expires_at: float
    events: list[Event] = field(default_factory=list)
    waiters: list[asyncio.Future[None]] = field(default_factory=list)

    def wake(self) -> None:
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)
        self.waiters.clear()


class MemoryAnswerStreams:
    """Streams in this process's memory (the embedded default runs one process)."""

    def __init__(self) -> None:
        self._buffers: dict[str, _Buffer] = {}

    def _purge(self) -> None:
        now = time.monotonic()
        for stream_id in [key for key, buffer in self._buffers.items() if buffer.expires_at <= now]:
            del self._buffers[stream_id]

    async def open(self, stream_id: str, *, owner: str) -> None:
        self._purge()
        self._buffers[stream_id] = _Buffer(owner=owner, expires_at=time.monotonic() + keep_seconds(running=True))

    async def append(self, stream_id: str, seq: int, event: Event) -> None:
        buffer = self._buffers.get(stream_id)
        if buffer is None:
            return
        buffer.events.append(event)
        buffer.expires_at = time.monotonic() + keep_seconds(running=not is_final(event))
        buffer.wake()

    async def owner(self, stream_id: str) -> str | None:
        self._purge()
        buffer = self._buffers.get(stream_id)
        return buffer.owner if buffer else None

    async def follow(self, stream_id: str, *, after: int) -> AsyncIterator[Event]:
        buffer = self._buffers.get(stream_id)
        if buffer is None:
            raise StreamGone(stream_id)
        position = max(0, after)  # event number n is at index n - 1
        while True:
            while position < len(buffer.events):
                event = buffer.events[position]
                position += 1
                yield event
                if is_final(event):
                    return
            waiter = asyncio.get_running_loop().create_future()
            buffer.waiters.append(waiter)
            await asyncio.wait({waiter}, timeout=BLOCK_SECONDS)
            self._purge()
            if self._buffers.get(stream_id) is not buffer:
                raise StreamGone(stream_id)


# --- in Redis (several processes) -------------------------------------------------------------


class RedisAnswerStreams:
    """One Redis stream per answer, its entries numbered `<seq>-0`, so that reading "after n" is
    one XREAD from `n-0`: what was missed, then (blocking) each new event. Both keys expire as
    `keep_seconds` says (a process that died mid-answer leaves nothing behind for long)."""

    #: While an answer runs, its keys' expiry is pushed back at most this often: every event would
    #: cost two more commands, and the running expiry already covers the model's whole timeout.
    REFRESH_SECONDS = 10.0

    def __init__(self, url: str, prefix: str) -> None:
        self._url = url
        self._prefix = prefix
        #: When each running stream's expiry was last set.
        self._refreshed: dict[str, float] = {}
        # redis-py's asyncio clients belong to the event loop that made them.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    def _client(self) -> Any:
        import redis.asyncio

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            # The read timeout must outlast a blocking read.
            client = redis.asyncio.Redis.from_url(self._url, socket_timeout=BLOCK_SECONDS + 25)
            self._clients[loop] = client
        return client

    def _keys(self, stream_id: str) -> tuple[str, str]:
        return f"{self._prefix}{stream_id}", f"{self._prefix}{stream_id}:owner"

    @staticmethod
    def _ttl(*, running: bool) -> int:
        return max(1, round(keep_seconds(running=running)))

    async def open(self, stream_id: str, *, owner: str) -> None:
        _, owner_key = self._keys(stream_id)
        await self._client().set(owner_key, owner, ex=self._ttl(running=True))

    async def append(self, stream_id: str, seq: int, event: Event) -> None:
        events_key, owner_key = self._keys(stream_id)
        entry = {"event": json.dumps(event, ensure_ascii=False)}
        final = is_final(event)
        now = time.monotonic()
        if not final and now - self._refreshed.get(stream_id, -self.REFRESH_SECONDS) < self.REFRESH_SECONDS:
            await self._client().xadd(events_key, entry, id=f"{seq}-0")
            return
        # The first event (the stream key is new), a running answer's periodic refresh, the last.
        ttl = self._ttl(running=not final)
        async with self._client().pipeline(transaction=False) as pipe:
            pipe.xadd(events_key, entry, id=f"{seq}-0")
            pipe.expire(events_key, ttl)
            pipe.expire(owner_key, ttl)
            await pipe.execute()
        if final:
            self._refreshed.pop(stream_id, None)
        else:
            self._refreshed[stream_id] = now
            if len(self._refreshed) > 10_000:  # writers that died mid-answer: their times are stale
                self._refreshed = {k: t for k, t in self._refreshed.items() if now - t < self.REFRESH_SECONDS}

    async def owner(self, stream_id: str) -> str | None:
        _, owner_key = self._keys(stream_id)
        value = await self._client().get(owner_key)
        return value.decode() if isinstance(value, bytes) else value

    async def follow(self, stream_id: str, *, after: int) -> AsyncIterator[Event]:
        events_key, owner_key = self._keys(stream_id)
        client = self._client()
        last = f"{max(0, after)}-0"
        while True:
            answer = await client.xread({events_key: last}, count=100, block=round(BLOCK_SECONDS * 1000))
            if not answer:
                if not await client.exists(owner_key):
                    raise StreamGone(stream_id)
                continue
            for entry_id, fields in answer[0][1]:
                last = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
                event = json.loads(fields[b"event"])
                yield event
                if is_final(event):
                    return


# --- the store in use, and writing one answer into it ------------------------------------------

_memory = MemoryAnswerStreams()


def answer_streams() -> AnswerStreams:
    """Redis with `REDIS_URL` set (several web processes), else this process's memory."""
    if settings.REDIS_URL:
        return _redis_streams(settings.REDIS_URL, settings.CHATSPHERE_ANSWER_STREAMS_PREFIX)
    return _memory


@functools.cache
def _redis_streams(url: str, prefix: str) -> RedisAnswerStreams:
    """One per address, so that every answer of this process shares its Redis connections."""
    return RedisAnswerStreams(url, prefix)


class StreamWriter:
    """Numbers the events of one answer and keeps them in its stream. Keeping is best effort: if
    the store fails (Redis down), the answer still reaches the socket, it just cannot be resumed."""

    def __init__(self, store: AnswerStreams, stream_id: str) -> None:
        self.store = store
        self.id = stream_id
        self.seq = 0
        self.kept = True

    @classmethod
    async def start(cls, *, owner: str) -> StreamWriter:
        writer = cls(answer_streams(), uuid.uuid4().hex)
        try:
            await writer.store.open(writer.id, owner=owner)
        except Exception:
            logger.warning("answer stream %s cannot be kept; it will not be resumable", writer.id, exc_info=True)
            writer.kept = False
        return writer

    async def write(self, event: Event) -> Event:
        """The event with its stream id and number, after it was kept."""
        self.seq += 1
        numbered = {**event, "stream_id": self.id, "seq": self.seq}
        if self.kept:
            try:
                await self.store.append(self.id, self.seq, numbered)
            except Exception:
                logger.warning("answer stream %s lost an event; it will not be resumable", self.id, exc_info=True)
                self.kept = False
        return numbered
