"""The application as served in production, plus a bare Channels echo consumer at `/ws/echo/`
that answers a message with 100 token frames and a `done` frame: the baseline of bench_chat."""

from __future__ import annotations

import json
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402

from chatsphere.asgi import application as chatsphere_application  # sets Django up first

TOKENS = 100


class EchoConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()
        await self.send(text_data=json.dumps({"type": "session"}))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        for index in range(TOKENS):
            await self.send(text_data=json.dumps({"type": "token", "text": f"word{index} "}))
        await self.send(text_data=json.dumps({"type": "done", "message_id": "echo"}))


echo = EchoConsumer.as_asgi()


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket" and scope["path"] == "/ws/echo/":
        await echo(scope, receive, send)
    else:
        await chatsphere_application(scope, receive, send)
