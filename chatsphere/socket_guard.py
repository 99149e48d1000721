"""Sockets whose dependency is down close with 4503 ("try again shortly") instead of failing the
handshake with a 500: the widget and the dashboard reconnect with backoff, and nothing is logged
as a crash."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from chatsphere import unavailable

logger = logging.getLogger(__name__)

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class UnavailableSocketGuard:
    """ASGI middleware for the WebSocket router."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        accepted = closed = False

        async def tracking_send(message: Message) -> None:
            nonlocal accepted, closed
            if message["type"] == "websocket.accept":
                accepted = True
            elif message["type"] == "websocket.close":
                closed = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if closed or not unavailable.is_unavailable(exc):
                raise
            logger.warning("closing socket %s: a dependency is unavailable (%s)", scope.get("path"), exc)
            if not accepted:
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": unavailable.SOCKET_TRY_AGAIN_LATER})
