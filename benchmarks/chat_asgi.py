"""The application as served in production, plus a bare Channels echo consumer at `/ws/echo/`:
the baseline of bench_chat. It answers a message with the text the fake model streams, in the
same events (`BENCH_ECHO_TEXT`, `BENCH_ECHO_WORDS_PER_EVENT` words a frame), then a `done` frame."""

from __future__ import annotations

import json
import os
import re
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402

from chatsphere.asgi import application as chatsphere_application  # sets Django up first

_TEXT = os.environ.get("BENCH_ECHO_TEXT", "")
_WORDS = max(1, int(os.environ.get("BENCH_ECHO_WORDS_PER_EVENT", "1")))
_PIECES = re.findall(r"\s*\S+\s*", _TEXT)
EVENTS = ["".join(_PIECES[i : i + _WORDS]) for i in range(0, len(_PIECES), _WORDS)]


class EchoConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()
        await self.send(text_data=json.dumps({"type": "session"}))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        for text in EVENTS:
            await self.send(text_data=json.dumps({"type": "token", "text": text}))
        await self.send(text_data=json.dumps({"type": "done", "message_id": "echo"}))


echo = EchoConsumer.as_asgi()


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket" and scope["path"] == "/ws/echo/":
        await echo(scope, receive, send)  # type: ignore[arg-type]  # the scope as the server gave it
    else:
        await chatsphere_application(scope, receive, send)  # type: ignore[arg-type]  # the scope as the server gave it
