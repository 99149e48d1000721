"""A fake Sentry ingest server: accepts the envelopes sentry-sdk posts to
`/api/<project>/envelope/` (gzip or plain) and keeps the events they carry."""

from __future__ import annotations

import gzip
import json
import threading
from typing import Any

from tests.fakes.server import Exchange, FakeServer


def envelope_items(raw: bytes, encoding: str) -> list[tuple[dict[str, Any], Any]]:
    body = gzip.decompress(raw) if encoding == "gzip" else raw
    lines = body.split(b"\n")
    items = []
    index = 1  # line 0 is the envelope header
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        header = json.loads(lines[index])
        payload = lines[index + 1] if index + 1 < len(lines) else b""
        items.append((header, json.loads(payload) if header.get("type") == "event" else payload))
        index += 2
    return items


class FakeSentry(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.received = threading.Event()

    def dsn(self, project: int = 42) -> str:
        return f"http://publickey@127.0.0.1:{self.port}/{project}"

    def events(self) -> list[dict[str, Any]]:
        found = []
        for request in self.requests("/envelope/"):
            for header, payload in envelope_items(request.raw, request.headers.get("content-encoding", "")):
                if header.get("type") == "event":
                    found.append(payload)
        return found

    def handle(self, exchange: Exchange) -> None:
        if exchange.request.path.endswith("/envelope/"):
            self.received.set()
        exchange.send_json(200, {"id": "0" * 32})

    def error_body(self, status: int, message: str) -> Any:
        return {"detail": message}
