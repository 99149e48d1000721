"""ChatSphere as its deployment kit runs it: two web processes behind a round-robin proxy, a
worker and beat, started with the Procfile's commands, on PostgreSQL and a Redis server of the
test's own that it stops and starts again.

A visitor on either process is answered; a document uploaded through one process shows its
progress on a dashboard socket held by the other; while Redis is down every surface says "try
again shortly" (503 with Retry-After, sockets closed with 4503) and nothing answers 500; once it
is back, sockets connect at once and uploads are processed within a minute; a worker
killed mid-document is replaced and the document still ends ready. Runs in the CI's PostgreSQL +
Redis pass. The tests are one story in order and share the deployment: they run on one
pytest-xdist worker (`XDIST_GROUPS` in the root conftest).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.processes import (
    REPO,
    RedisServer,
    RoundRobinProxy,
    free_port,
    postgres_admin,
    postgres_database_for,
    start_role,
    stop_process,
    wait_for_http,
)

pytestmark = [pytest.mark.services, pytest.mark.timeout(600)]

PASSWORD = "harbour-lights-" + secrets.token_hex(4)
FERRY_TEXT = (
    "The Puffin Island ferry leaves the north pier every morning at seven o'clock. A return ticket costs "
    "twelve euros for adults and six euros for children.\n\nIn winter the ferry runs twice a day, and the "
    "timetable is posted at the harbour office next to the lighthouse."
)
#: The issue's bound for work queued while Redis was down.
RECOVERY_SECONDS = 60

SEED = """
import json
from django.utils import timezone
from accounts.models import Membership, Organization, Role, User
from accounts.tenancy import Actor
from bots.services import bot_create
organization = Organization.objects.create(name="Harbour", slug="harbour")
user = User.objects.create_user(email="owner@harbour.example", password={password!r}, email_verified_at=timezone.now())
Membership.objects.create(organization=organization, user=user, role=Role.OWNER)
bot = bot_create(actor=Actor(organization=organization, role=Role.OWNER, user=user), name="Ferries")
print("SEED " + json.dumps({{"bot_id": str(bot.id), "public_key": bot.public_key}}))
"""


@dataclass
class Cluster:
    env: dict[str, str]
    var_dir: Path
    redis: RedisServer
    web_ports: list[int]
    web: list[subprocess.Popen[bytes]]
    proxy: RoundRobinProxy
    bot_id: str
    public_key: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def web_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.web_ports[index]}"

    def log(self, name: str) -> str:
        path = self.var_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def restart(self, role: str, *, sig: int = signal.SIGTERM) -> None:
        stop_process(self.processes[role], sig=sig)
        self.processes[role] = start_role(role, self.env, self.var_dir / f"{role}.log")

    def token(self, base_url: str) -> str:
        response = httpx.post(
            f"{base_url}/api/v1/auth/token/", json={"email": "owner@harbour.example", "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return response.json()["access"]

    def upload(self, base_url: str, name: str, text: str) -> httpx.Response:
        return httpx.post(
            f"{base_url}/api/v1/bots/{self.bot_id}/documents/",
            headers={"Authorization": f"Bearer {self.token(base_url)}"},
            files={"file": (name, text.encode(), "text/plain")},
            timeout=30,
        )

    def document(self, base_url: str, document_id: str) -> dict[str, Any]:
        response = httpx.get(
            f"{base_url}/api/v1/documents/{document_id}/",
            headers={"Authorization": f"Bearer {self.token(base_url)}"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    def wait_ready(self, document_id: str, *, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            document = self.document(self.proxy.url, document_id)
            if document["status"] in ("ready", "failed") or time.monotonic() > deadline:
                return document
            time.sleep(0.5)


def _server_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if re.search(r'" 500 \d|"WSCONNECT.*" 500', line)]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        pytest.fail("the cluster test needs DATABASE_URL (CI's PostgreSQL + Redis pass)")
    var_dir = tmp_path_factory.mktemp("cluster")
    redis = RedisServer(var_dir)
    redis.start()
    cluster_url, cluster_db = postgres_database_for(database_url, "cluster")
    postgres_admin(database_url, f'DROP DATABASE IF EXISTS "{cluster_db}" WITH (FORCE)')
    postgres_admin(database_url, f'CREATE DATABASE "{cluster_db}"')
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "HOME": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "chatsphere.settings",
        "DATABASE_URL": cluster_url,
        "REDIS_URL": redis.url,
        "DJANGO_SECRET_KEY": "cluster-" + secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no HTTPS redirect (cookies stay secure-only; the test sends them itself).
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "CHATSPHERE_EMAIL": "disabled",
        "CHATSPHERE_VAR_DIR": str(var_dir),
        "DJANGO_MEDIA_ROOT": str(var_dir / "media"),
        "DJANGO_STATIC_ROOT": str(var_dir / "static"),
        "CHATSPHERE_LLM": "offline",
        "CHATSPHERE_EMBEDDINGS": "offline",
        "CHATSPHERE_VECTORSTORE": "local",
        "CHATSPHERE_RATE_AUTH_IP": "1000/min",
        "CHATSPHERE_RATE_AUTH_EMAIL": "1000/min",
        "PYTHONUNBUFFERED": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=REPO, env=env, check=True, timeout=300)  # noqa: S603
    seeded = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", SEED.format(password=PASSWORD)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seed = json.loads(next(line for line in seeded.stdout.splitlines() if line.startswith("SEED "))[5:])

    processes: dict[str, subprocess.Popen[bytes]] = {}
    web_ports = []
    for index in range(2):
        port = free_port()
        web_ports.append(port)
        processes[f"web{index}"] = start_role("web", {**env, "PORT": str(port)}, var_dir / f"web{index}.log")
    processes["worker"] = start_role("worker", env, var_dir / "worker.log")
    processes["beat"] = start_role("beat", env, var_dir / "beat.log")
    try:
        for index, port in enumerate(web_ports):
            wait_for_http(f"http://127.0.0.1:{port}/readyz/", timeout=90, process=processes[f"web{index}"])
        with RoundRobinProxy(web_ports) as proxy:
            yield Cluster(
                env=env,
                var_dir=var_dir,
                redis=redis,
                web_ports=web_ports,
                web=[processes["web0"], processes["web1"]],
                proxy=proxy,
                bot_id=seed["bot_id"],
                public_key=seed["public_key"],
                processes=processes,
            )
    finally:
        for process in processes.values():
            stop_process(process, timeout=15)
        redis.stop()
        postgres_admin(database_url, f'DROP DATABASE IF EXISTS "{cluster_db}" WITH (FORCE)')


# --- clients -----------------------------------------------------------------------------------------


def dashboard_session(base_url: str) -> str:
    """Log in through the dashboard's form; the session cookie, sent by hand (it is secure-only)."""
    with httpx.Client(base_url=base_url) as client:
        page = client.get("/app/login/")
        csrf = page.cookies["csrftoken"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = client.post(
            "/app/login/",
            data={"username": "owner@harbour.example", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Cookie": f"csrftoken={csrf}", "Referer": f"{base_url}/app/login/"},
        )
        assert response.status_code == 302, response.text[:500]
        return response.cookies["sessionid"]


async def ask(base_url: str, public_key: str, question: str) -> str:
    """A visitor's question on the widget socket; the answer's text."""
    ws_url = base_url.replace("http://", "ws://") + f"/ws/widget/{public_key}/"
    async with websockets.connect(ws_url, origin=base_url, open_timeout=20) as socket:
        session = json.loads(await asyncio.wait_for(socket.recv(), 20))
        assert session["type"] == "session"
        await socket.send(json.dumps({"type": "message", "text": question}))
        text = ""
        while True:
            event = json.loads(await asyncio.wait_for(socket.recv(), 60))
            if event["type"] == "token":
                text += event["text"]
            elif event["type"] == "error":
                raise AssertionError(event)
            elif event["type"] == "done":
                return text


async def close_code_of_widget_socket(base_url: str, public_key: str) -> int | None:
    ws_url = base_url.replace("http://", "ws://") + f"/ws/widget/{public_key}/"
    async with websockets.connect(ws_url, origin=base_url, open_timeout=20) as socket:
        try:
            while True:
                await asyncio.wait_for(socket.recv(), 20)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


# --- the journeys ------------------------------------------------------------------------------------


def test_progress_of_an_upload_through_one_process_reaches_a_dashboard_on_the_other(cluster):
    session = dashboard_session(cluster.web_url(1))

    async def watch_while_uploading() -> tuple[str, list[dict[str, Any]]]:
        ws_url = cluster.web_url(1).replace("http://", "ws://") + f"/ws/bots/{cluster.bot_id}/documents/"
        async with websockets.connect(
            ws_url,
            origin=cluster.web_url(1),
            additional_headers={"Cookie": f"sessionid={session}"},
            open_timeout=20,
        ) as socket:
            response = await asyncio.to_thread(cluster.upload, cluster.web_url(0), "ferry.txt", FERRY_TEXT)
            assert response.status_code == 202, response.text
            document_id = response.json()["id"]
            seen = []
            while not seen or seen[-1]["status"] not in ("ready", "failed"):
                event = json.loads(await asyncio.wait_for(socket.recv(), 90))
                if event["type"] == "document" and event["document"]["id"] == document_id:
                    seen.append(event["document"])
            return document_id, seen

    document_id, seen = asyncio.run(watch_while_uploading())
    assert seen[-1]["status"] == "ready", seen[-1]
    assert seen[-1]["chunk_count"] > 0
    assert len(seen) >= 2  # progress before the end, not only the final row
    assert cluster.document(cluster.web_url(1), document_id)["status"] == "ready"


def test_visitors_on_either_process_are_answered_from_the_documents(cluster):
    for index in range(2):
        answer = asyncio.run(ask(cluster.web_url(index), cluster.public_key, "How much is a return ticket for adults?"))
        assert "twelve euros" in answer, answer


def test_while_redis_is_down_every_surface_says_try_again_and_recovers_when_it_returns(cluster):
    cluster.redis.stop()
    try:
        login = httpx.post(
            f"{cluster.proxy.url}/api/v1/auth/token/",
            json={"email": "owner@harbour.example", "password": PASSWORD},
            timeout=30,
        )
        assert login.status_code == 503, login.text
        assert login.json()["code"] == "service_unavailable"
        assert int(login.headers["Retry-After"]) > 0

        page = httpx.get(f"{cluster.web_url(0)}/app/login/", timeout=30)
        assert page.status_code in (200, 503), page.text[:300]
        form = httpx.post(
            f"{cluster.web_url(0)}/app/login/",
            data={"username": "owner@harbour.example", "password": PASSWORD},
            timeout=30,
        )
        assert form.status_code in (403, 503), form.text[:300]  # CSRF refusal or "back in a moment", never 500

        code = asyncio.run(close_code_of_widget_socket(cluster.web_url(1), cluster.public_key))
        assert code == 4503  # "try again shortly": the widget reconnects with backoff
    finally:
        cluster.redis.start()

    # Back: sockets connect at once, on both processes (no stale pooled connection fails them).
    for index in range(2):
        answer = asyncio.run(ask(cluster.web_url(index), cluster.public_key, "When does the ferry leave?"))
        assert "seven" in answer, answer
    response = cluster.upload(cluster.proxy.url, "winter.txt", "In winter the harbour office opens at nine.")
    assert response.status_code == 202, response.text
    assert cluster.wait_ready(response.json()["id"], timeout=RECOVERY_SECONDS)["status"] == "ready"


def test_a_worker_killed_mid_document_is_replaced_and_the_document_ends_ready(cluster):
    long_text = "\n\n".join(
        f"Section {n}. The harbour master records tide {n} at the north pier and the ferry schedule {n}." * 20
        for n in range(400)
    )
    response = cluster.upload(cluster.proxy.url, "tides.txt", long_text)
    assert response.status_code == 202, response.text
    document_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while cluster.document(cluster.proxy.url, document_id)["status"] != "processing":
        assert time.monotonic() < deadline, "the document never started"
        time.sleep(0.05)
    cluster.restart("worker", sig=signal.SIGKILL)
    document = cluster.wait_ready(document_id, timeout=RECOVERY_SECONDS + 60)
    assert document["status"] == "ready", document


def test_a_visitor_resumes_through_the_other_process_when_one_restarts_gracefully(cluster):
    async def scenario() -> list[dict[str, Any]]:
        first = cluster.web_url(0)
        async with websockets.connect(
            first.replace("http://", "ws://") + f"/ws/widget/{cluster.public_key}/", origin=first, open_timeout=20
        ) as sock:
            token = json.loads(await sock.recv())["visitor_token"]
            await sock.send(json.dumps({"type": "message", "text": "How much is a ticket for children?"}))
            conversation_id = ""
            while True:
                event = json.loads(await asyncio.wait_for(sock.recv(), 60))
                if event["type"] == "conversation":
                    conversation_id = event["id"]
                if event["type"] == "done":
                    break
            stopping = asyncio.create_task(asyncio.to_thread(stop_process, cluster.processes["web0"]))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(sock.recv(), 60)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4012
            await stopping
        # The widget reconnects through the load balancer; the stopped process no longer answers.
        proxy = cluster.proxy.url
        for _attempt in range(6):
            try:
                sock = await websockets.connect(
                    proxy.replace("http://", "ws://") + f"/ws/widget/{cluster.public_key}/?visitor_token={token}",
                    origin=proxy,
                    open_timeout=20,
                )
                break
            except (OSError, websockets.InvalidHandshake, websockets.ConnectionClosed):
                await asyncio.sleep(0.5)
        async with sock:
            assert json.loads(await sock.recv())["type"] == "session"
            await sock.send(json.dumps({"type": "history", "conversation_id": conversation_id}))
            history = json.loads(await asyncio.wait_for(sock.recv(), 30))
            assert history["type"] == "history", history
            return history["messages"]

    messages = asyncio.run(scenario())
    assert any("children" in message["content"] for message in messages), messages
    cluster.processes["web0"] = start_role(
        "web", {**cluster.env, "PORT": str(cluster.web_ports[0])}, cluster.var_dir / "web0.log"
    )
    wait_for_http(f"{cluster.web_url(0)}/readyz/", timeout=90, process=cluster.processes["web0"])


def test_no_request_or_socket_was_answered_500(cluster):
    for index in range(2):
        assert not _server_errors(cluster.log(f"web{index}")), _server_errors(cluster.log(f"web{index}"))
