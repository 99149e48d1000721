"""A webhook receiver on 127.0.0.1 for the tests, and the settings that let ChatSphere reach it.

Deliveries run where production runs them: on the embedded default in background threads of this
process (eager Celery), with Redis in a real Celery worker started here. Either way the test waits
for what the receiver got and for what the delivery log says, as a person would.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError, connection, connections

from accounts.models import Role
from accounts.tenancy import Actor
from chatsphere.ai.providers import reset_providers
from chatsphere.celery import app as celery_app
from conftest import Tenant
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.scheduling import timers_stop

REPO = Path(__file__).resolve().parents[2]
#: Pause before the first retry in these tests (then 4×, as in production): short, still measurable.
RETRY_BASE_SECONDS = 1.0


@dataclass
class Received:
    at: float
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers POSTs with the statuses in `script`, one per request, then 200; GETs answer 404."""

    url: str = ""
    script: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 60) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        raise AssertionError(f"the receiver got {len(self.requests)} requests, not {count}")

    def of_type(self, event_type: str) -> list[Received]:
        with self.lock:
            return [item for item in self.requests if item.event["type"] == event_type]


def serve(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.lock:
                receiver.requests.append(
                    Received(time.monotonic(), self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = receiver.script.pop(0) if receiver.script else 200
            payload = b'{"received": true}' if status < 300 else b"temporarily down"
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.url + "elsewhere")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    server = serve(found)
    yield found
    server.shutdown()
    server.server_close()


def verify(secret: str, received: Received, *, tolerance: int = 300) -> bool:
    """The receiver's check, written from the Standard Webhooks specification (as docs/webhooks.md)."""
    message_id = received.headers["webhook-id"]
    timestamp = received.headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + received.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    signatures = received.headers["webhook-signature"].split()
    offered = [item.split(",", 1)[1] for item in signatures if item.startswith("v1,")]
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(autouse=True)
def _offline_providers(settings: Any) -> Iterator[None]:
    """The embedded default's engines: documents become ready and bots answer without a network."""
    settings.GEMINI_API_KEY = ""
    settings.PINECONE_API_KEY = ""
    settings.CHATSPHERE_LLM = settings.CHATSPHERE_EMBEDDINGS = settings.CHATSPHERE_VECTORSTORE = "auto"
    settings.CHATSPHERE_MONTHLY_MESSAGE_QUOTA = 0
    reset_providers()
    yield
    reset_providers()


@pytest.fixture
def delivery_settings(settings: Any) -> Any:
    settings.CHATSPHERE_ALLOW_PRIVATE_URLS = True
    settings.CHATSPHERE_WEBHOOK_RETRY_BASE_SECONDS = RETRY_BASE_SECONDS
    settings.CHATSPHERE_WEBHOOK_TIMEOUT = 5.0
    return settings


@pytest.fixture
def deliveries_run(delivery_settings: Any, tmp_path: Path) -> Iterator[None]:
    """Runs deliveries as the configuration does: eager threads, or a real worker with Redis."""
    if not delivery_settings.REDIS_URL:
        previous = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        yield
        timers_stop()  # retries still waiting must not outlive the test's database
        # Requests that answered over an event loop (the chat API) leave a connection open in
        # asgiref's thread; on the in-memory SQLite of the tests it would lock the next test's writes.
        asyncio.run(sync_to_async(connections.close_all, thread_sensitive=True)())
        celery_app.conf.task_always_eager = previous
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": delivery_settings.REDIS_URL,
        "CHATSPHERE_VAR_DIR": str(tmp_path),
        "CHATSPHERE_ALLOW_PRIVATE_URLS": "1",
        "CHATSPHERE_WEBHOOK_RETRY_BASE_SECONDS": str(RETRY_BASE_SECONDS),
        "CHATSPHERE_WEBHOOK_TIMEOUT": "5",
        "DJANGO_MEDIA_ROOT": str(delivery_settings.MEDIA_ROOT),
        "CHATSPHERE_LLM": "offline",
        "CHATSPHERE_EMBEDDINGS": "offline",
        "CHATSPHERE_VECTORSTORE": "local",
    }
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and project
        [sys.executable, "-m", "celery", "-A", "chatsphere", "worker", "--concurrency=1", "--loglevel=WARNING"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_for_delivery(predicate: Callable[[], WebhookDelivery | None], timeout: float = 60) -> WebhookDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = predicate()
        except OperationalError:  # the test database in memory locks a table while a delivery writes
            found = None
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError("no delivery reached the expected state")


def finished(delivery_id: object, timeout: float = 60) -> WebhookDelivery:
    """The delivery once it succeeded or failed for good."""
    done = (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED)
    return wait_for_delivery(
        lambda: WebhookDelivery.objects.filter(id=delivery_id, status__in=done).first(), timeout=timeout
    )


def owner(tenant: Tenant) -> Actor:
    return Actor(organization=tenant.organization, role=Role.OWNER, user=tenant.owner)


def settle() -> None:
    """Wait for the attempts running in this process (embedded default) before the test writes
    again: the in-memory test database of SQLite locks whole tables while one thread writes."""
    timers_stop()
