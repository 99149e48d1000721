"""Graceful shutdown of a web process: open sockets are told the server is restarting, answers
being streamed are allowed to finish for a bounded time, and an answer still running when that
time is up is saved as interrupted.

Sockets register while open; an answer whose socket dropped goes on without it (the client may
resume it) and registers too, so that a stopping process waits for it as for the others.
`drain` is started by `chatsphere.serve` when the process is asked
to stop (SIGTERM), after it stopped accepting connections.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from typing import Protocol

from chatsphere import metrics

logger = logging.getLogger(__name__)

#: Close code of a socket closed because its server is restarting: RFC 6455's 1012 in the
#: application's range (daphne's WebSocket library only lets a server send 1000 or 3000–4999).
#: Clients reconnect, to another process or to this one once it is back.
SOCKET_SERVER_RESTARTING = 4012


class Drainable(Protocol):
    async def drain(self, *, force: bool) -> None:
        """Close now when idle or when `force`d; otherwise close once the current answer ends."""


_open: weakref.WeakSet[Drainable] = weakref.WeakSet()
#: The kind each open socket is counted under in the metrics (unregistering may happen twice).
_kinds: weakref.WeakKeyDictionary[Drainable, str] = weakref.WeakKeyDictionary()
#: Answers still running after their socket closed.
_detached: set[asyncio.Task[None]] = set()
_draining = False


def register(socket: Drainable, *, kind: str) -> None:
    _open.add(socket)
    if socket not in _kinds:
        _kinds[socket] = kind
        metrics.socket_opened(kind)


def unregister(socket: Drainable) -> None:
    _open.discard(socket)
    kind = _kinds.pop(socket, None)
    if kind is not None:
        metrics.socket_closed(kind)


def detached(answer: asyncio.Task[None]) -> None:
    """An answer goes on after its socket closed: wait for it (then cut it short) when stopping."""
    if not answer.done():
        _detached.add(answer)
        answer.add_done_callback(_detached.discard)


def draining() -> bool:
    return _draining


async def drain(*, grace_seconds: float, busy: Callable[[], int] = lambda: 0) -> None:
    """Ask every open socket to close, wait up to `grace_seconds` for them (and for `busy()`
    other connections, e.g. HTTP streams) to end, then force the rest."""
    global _draining
    _draining = True
    sockets = list(_open)
    logger.info("shutting down: %d open sockets, up to %.0f s for answers in progress", len(sockets), grace_seconds)
    await asyncio.gather(*(socket.drain(force=False) for socket in sockets), return_exceptions=True)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace_seconds
    while (_open or _detached or busy()) and loop.time() < deadline:
        await asyncio.sleep(0.1)
    left = list(_open)
    orphans = list(_detached)
    if left or orphans:
        logger.warning("shutting down: interrupting %d answers still in progress", len(left) + len(orphans))
        for answer in orphans:
            answer.cancel()
        await asyncio.gather(*(socket.drain(force=True) for socket in left), *orphans, return_exceptions=True)
        await asyncio.sleep(0.2)  # let the close frames go out
