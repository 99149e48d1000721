"""The HTTP plumbing shared by the fake provider servers: a threaded stdlib server on 127.0.0.1,
a journal of every request and a queue of injected faults."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: Any  # parsed JSON, or None when there was no (JSON) body
    size: int  # bytes of the raw body
    raw: bytes = b""  # the body as sent (for protocols that are not JSON)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(slots=True)
class Fault:
    """One injected reply, used instead of the normal handling of a matching request."""

    status: int
    body: Any = None  # None: the fake's own error body for `status`
    headers: dict[str, str] = field(default_factory=dict)
    path_contains: str | None = None  # None matches every request
    delay: float = 0.0  # seconds to wait before replying (timeouts)
    drop: bool = False  # close the connection without any reply


class Exchange:
    """One request being answered: plain JSON replies or a chunked stream."""

    def __init__(self, handler: BaseHTTPRequestHandler, request: RecordedRequest) -> None:
        self._handler = handler
        self.request = request

    def send_json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        self._handler.send_response(status)
        self._handler.send_header("Content-Type", "application/json")
        self._handler.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self._handler.send_header(name, value)
        self._handler.end_headers()
        self._handler.wfile.write(payload)
        self._handler.wfile.flush()

    def start_stream(self, status: int, content_type: str) -> None:
        self._handler.send_response(status)
        self._handler.send_header("Content-Type", content_type)
        self._handler.send_header("Transfer-Encoding", "chunked")
        self._handler.end_headers()
        self._handler.wfile.flush()

    def write_chunk(self, data: bytes) -> None:
        # One HTTP chunk per event, flushed at once, so the client sees it before the next one.
        self._handler.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        self._handler.wfile.flush()

    def end_stream(self) -> None:
        self._handler.wfile.write(b"0\r\n\r\n")
        self._handler.wfile.flush()

    def drop(self) -> None:
        self._handler.close_connection = True
        with contextlib.suppress(OSError):
            self._handler.connection.shutdown(socket.SHUT_RDWR)


class FakeServer:
    """Base of the fakes: subclasses implement `handle` and `error_body`."""

    #: Headers sent with every injected fault (Pinecone's fake adds `Retry-After: 0`).
    fault_headers: Mapping[str, str] = {}

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._journal: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self.stopping.clear()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_class(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=type(self).__name__, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.stopping.set()  # wakes handlers sleeping in scripted delays
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("The fake server is not running; call start() first.")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- journal and faults ----------------------------------------------------------------

    def requests(self, path_contains: str | None = None) -> list[RecordedRequest]:
        """Requests received so far, oldest first, optionally only those whose path contains a string."""
        with self._lock:
            journal = list(self._journal)
        return [r for r in journal if path_contains is None or path_contains in r.path]

    def fail(
        self,
        status: int,
        body: Any = None,
        *,
        times: int = 1,
        path_contains: str | None = None,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        drop: bool = False,
    ) -> None:
        """Answer the next `times` matching requests with `status` (faults queue up in call order)."""
        with self._lock:
            for _ in range(times):
                self._faults.append(Fault(status, body, dict(headers or {}), path_contains, delay, drop))

    def pending_faults(self) -> int:
        with self._lock:
            return len(self._faults)

    def reset(self) -> None:
        with self._lock:
            self._journal.clear()
            self._faults.clear()

    def sleep(self, seconds: float) -> bool:
        """Wait, unless the server is stopping; returns False when interrupted."""
        return seconds <= 0 or not self.stopping.wait(seconds)

    # --- to implement ----------------------------------------------------------------------

    def handle(self, exchange: Exchange) -> None:
        raise NotImplementedError

    def error_body(self, status: int, message: str) -> Any:
        raise NotImplementedError

    # --- dispatch --------------------------------------------------------------------------

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.path_contains is None or fault.path_contains in path:
                    return self._faults.pop(index)
        return None

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        request = _read_request(handler)
        with self._lock:
            self._journal.append(request)
        exchange = Exchange(handler, request)
        fault = self._take_fault(request.path)
        try:
            if fault is None:
                self.handle(exchange)
                return
            if not self.sleep(fault.delay):
                return
            if fault.drop:
                exchange.drop()
                return
            body = fault.body if fault.body is not None else self.error_body(fault.status, "Injected fault.")
            exchange.send_json(fault.status, body, {**self.fault_headers, **fault.headers})
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout under test); nothing is left to answer.
            handler.close_connection = True


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops connects when a hundred clients call at once
    # (each then stalls 1-3 s in SYN retries); a real API endpoint never does that.
    request_queue_size = 4096

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients closing keep-alive connections (or giving up on a slow reply) are routine here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _read_request(handler: BaseHTTPRequestHandler) -> RecordedRequest:
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length) if length else b""
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    url = urlsplit(handler.path)
    return RecordedRequest(
        method=handler.command,
        path=url.path,
        query=parse_qs(url.query, keep_blank_values=True),
        headers={name.lower(): value for name, value in handler.headers.items()},
        body=body,
        size=len(raw),
        raw=raw,
    )


def _handler_class(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' connection pools expect

        def do_GET(self) -> None:  # noqa: N802
            fake._dispatch(self)

        do_POST = do_DELETE = do_PATCH = do_PUT = do_GET  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler
