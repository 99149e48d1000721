"""Stopping a web process (SIGTERM from systemd, Docker or a deploy) does not cut visitors off
mid-answer: the process stops accepting connections, lets the answer being streamed finish,
closes the socket with 4012 ("server restarting", the widget reconnects), and exits. An answer
that outlasts the grace period is cut and saved as interrupted, never lost.

The process is `python -m chatsphere.serve` as the Procfile starts it, on the embedded default,
answering through the fake Gemini (slow on purpose) started by the test."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets

from tests.fakes.gemini import FakeGemini
from tests.processes import REPO, free_port, procfile, start_role, wait_for_http

pytestmark = pytest.mark.timeout(240)

DOCUMENT = (
    "The Puffin Island ferry leaves the north pier every morning at seven o'clock. A return ticket "
    "costs twelve euros for adults."
)
ANSWER = " ".join(f"word{n}" for n in range(40))  # 20 events of 2 words, 0.25 s apart: about 5 s
SEED = """
import json
from django.utils import timezone
from accounts.models import Membership, Organization, Role, User
from accounts.tenancy import Actor
from bots.services import bot_create
from documents.services import document_create_from_text
organization = Organization.objects.create(name="Harbour", slug="harbour")
user = User.objects.create_user(email="owner@harbour.example", password="x" * 20, email_verified_at=timezone.now())
Membership.objects.create(organization=organization, user=user, role=Role.OWNER)
actor = Actor(organization=organization, role=Role.OWNER, user=user)
bot = bot_create(actor=actor, name="Ferries")
document_create_from_text(actor=actor, bot=bot, title="Ferries", text={text!r})
print("SEED " + json.dumps({{"public_key": bot.public_key}}))
"""


class WebProcess:
    def __init__(self, env: dict[str, str], var_dir: Path) -> None:
        self.env, self.var_dir = env, var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = start_role("web", {**env, "PORT": str(self.port)}, var_dir / "web.log")
        wait_for_http(f"{self.url}/healthz/", timeout=90, process=self.process)

    def terminate(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)

    def log(self) -> str:
        return (self.var_dir / "web.log").read_text(errors="replace")

    def messages(self) -> list[dict[str, Any]]:
        with sqlite3.connect(self.var_dir / "chatsphere.sqlite3") as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT role, content, error FROM chat_message ORDER BY created_at").fetchall()
        return [dict(row) for row in rows]


@pytest.fixture
def gemini(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGemini]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with FakeGemini() as server:
        server.script(text=ANSWER, words_per_chunk=2, chunk_delay=0.25)
        yield server


def start_web(tmp_path: Path, gemini: FakeGemini, *, grace_seconds: float) -> tuple[WebProcess, str]:
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "chatsphere.settings",
        "CHATSPHERE_VAR_DIR": str(tmp_path),
        "DJANGO_DEBUG": "1",  # static files from the source folders, as `make run`
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "GEMINI_API_KEY": "test-key",
        "GEMINI_BASE_URL": gemini.base_url,
        "CHATSPHERE_LLM": "gemini",
        "CHATSPHERE_EMBEDDINGS": "offline",
        "CHATSPHERE_VECTORSTORE": "local",
        "CHATSPHERE_SHUTDOWN_GRACE_SECONDS": str(grace_seconds),
        "CHATSPHERE_EAGER_INGEST_AFTER_RESPONSE": "0",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)  # noqa: S603
    seeded = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", SEED.format(text=DOCUMENT)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    public_key = json.loads(next(line for line in seeded.stdout.splitlines() if line.startswith("SEED "))[5:])[
        "public_key"
    ]
    return WebProcess(env, tmp_path), public_key


async def ask_and_stop(web: WebProcess, public_key: str) -> tuple[str, list[str], int | None, bool]:
    """Ask, send SIGTERM after the first token; the text received, the event types after the
    signal, the close code, and whether a new connection was refused meanwhile."""
    url = web.url.replace("http://", "ws://") + f"/ws/widget/{public_key}/"
    async with websockets.connect(url, origin=web.url, open_timeout=20) as sock:
        assert json.loads(await sock.recv())["type"] == "session"
        await sock.send(json.dumps({"type": "message", "text": "When does the Puffin Island ferry leave?"}))
        text, after = "", []
        refused = signalled = False
        try:
            while True:
                event = json.loads(await asyncio.wait_for(sock.recv(), 30))
                if event["type"] == "token":
                    text += event["text"]
                    if not signalled:
                        web.terminate()
                        signalled = True
                        await asyncio.sleep(0.5)
                        refused = _refused(web.port)
                        continue
                if signalled:
                    after.append(event["type"])
        except websockets.ConnectionClosed as closed:
            return text, after, closed.rcvd.code if closed.rcvd else None, refused


def _refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except OSError:
        return True


def test_the_answer_in_progress_finishes_before_the_process_stops(tmp_path, gemini):
    web, public_key = start_web(tmp_path, gemini, grace_seconds=30)
    text, after, code, refused = asyncio.run(ask_and_stop(web, public_key))

    assert text.split() == ANSWER.split()  # every word, once
    assert after[-2:] == ["sources", "done"]
    assert code == 4012
    assert refused  # no new connections once stopping
    web.process.wait(timeout=30)
    assert web.process.returncode == 0
    answer = [message for message in web.messages() if message["role"] == "assistant"][-1]
    assert answer["content"] == ANSWER and answer["error"] == ""


def test_an_answer_outlasting_the_grace_period_is_saved_as_interrupted(tmp_path, gemini):
    web, public_key = start_web(tmp_path, gemini, grace_seconds=1)
    started = time.monotonic()
    text, after, code, _ = asyncio.run(ask_and_stop(web, public_key))

    assert code == 4012
    assert "done" not in after
    assert 0 < len(text.split()) < len(ANSWER.split())
    web.process.wait(timeout=30)
    assert time.monotonic() - started < 15
    answer = [message for message in web.messages() if message["role"] == "assistant"][-1]
    assert answer["error"] == "The answer was interrupted."
    assert answer["content"].split() == text.split()  # what the visitor saw is what is kept


async def ask_drop_and_stop(web: WebProcess, public_key: str) -> str:
    """Ask, leave after the first token (the answer goes on, to be resumed), then send SIGTERM;
    the text received."""
    url = web.url.replace("http://", "ws://") + f"/ws/widget/{public_key}/"
    async with websockets.connect(url, origin=web.url, open_timeout=20) as sock:
        assert json.loads(await sock.recv())["type"] == "session"
        await sock.send(json.dumps({"type": "message", "text": "When does the Puffin Island ferry leave?"}))
        while (event := json.loads(await asyncio.wait_for(sock.recv(), 30)))["type"] != "token":
            pass
    await asyncio.sleep(0.3)
    web.terminate()
    return event["text"]


def test_an_answer_whose_visitor_left_is_finished_and_saved_before_the_process_stops(tmp_path, gemini):
    web, public_key = start_web(tmp_path, gemini, grace_seconds=30)
    first = asyncio.run(ask_drop_and_stop(web, public_key))

    web.process.wait(timeout=40)
    assert web.process.returncode == 0
    answer = [message for message in web.messages() if message["role"] == "assistant"][-1]
    assert answer["content"].startswith(first)
    assert answer["content"] == ANSWER and answer["error"] == ""


def test_an_answer_whose_visitor_left_is_interrupted_when_it_outlasts_the_grace_period(tmp_path, gemini):
    web, public_key = start_web(tmp_path, gemini, grace_seconds=1)
    asyncio.run(ask_drop_and_stop(web, public_key))

    web.process.wait(timeout=30)
    answer = [message for message in web.messages() if message["role"] == "assistant"][-1]
    assert answer["error"] == "The answer was interrupted."
    assert 0 < len(answer["content"].split()) < len(ANSWER.split())


def test_the_procfile_starts_the_graceful_web_process():
    assert procfile()["web"].split()[:3] == ["python", "-m", "chatsphere.serve"]
