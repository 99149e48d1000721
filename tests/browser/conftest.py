"""Browser tests: the real ASGI app (daphne) in a subprocess, host pages served from other local
origins, and Debian's Chromium driven by Playwright.

The server gets a database of its own that this process never opens through pytest-django: a
SQLite file in a temporary CHATSPHERE_VAR_DIR, or — when DATABASE_URL is set (CI's second pass) —
a PostgreSQL database named after the test database with `_browser` (and the pytest-xdist worker
id) appended. With REDIS_URL set the server uses Redis for its channel layer and cache, under
prefixes of its own.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.processes import free_port, postgres_admin, postgres_database_for, wait_for_http

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("CHATSPHERE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--metrics-recording-only",
]
# Variables of the outer environment the server must not inherit: the answers come from the
# offline answerer, the vectors from the local store.
SCRUBBED = ("GEMINI_API_KEY", "GEMINI_BASE_URL", "PINECONE_API_KEY", "PINECONE_INDEX_HOST", "DJANGO_SETTINGS_MODULE")


class Seeder:
    """`python -m tests.browser.seed --serve`, started on first use: one Django process that
    writes and reads the server's data for every browser test."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = dict(env)
        self.env.pop("REDIS_URL", None)  # eager ingestion: the document is ready when a request returns
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.buffer = b""

    def request(self, payload: dict[str, Any], *, timeout: float = 120) -> dict[str, Any]:
        if self.process is None or self.process.poll() is not None:
            self.start()
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(json.dumps(payload).encode() + b"\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + timeout
        while True:
            line = self._read_line(deadline)
            if line.startswith("SEED-RESULT "):
                return json.loads(line.removeprefix("SEED-RESULT "))
            if line.startswith("SEED-ERROR "):
                raise RuntimeError("seeding failed:\n" + json.loads(line.removeprefix("SEED-ERROR ")))

    def start(self) -> None:
        self.buffer = b""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "tests.browser.seed", "--serve"],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
            )

    def _read_line(self, deadline: float) -> str:
        assert self.process is not None and self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise RuntimeError(f"seeding took too long:\n{self.log_tail()}")
            if select.select([fd], [], [], remaining)[0]:
                chunk = os.read(fd, 65536)
                if not chunk:
                    self.stop()
                    raise RuntimeError(f"the seeding process exited:\n{self.log_tail()}")
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.stdin is not None:
            self.process.stdin.close()  # end of input: the process leaves its loop
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None


@dataclass
class ChatServer:
    """The running application: its base URL and helpers that read and write its data."""

    url: str
    env: dict[str, str]
    log_path: Path
    seeder: Seeder

    def seed(self, action: str, **arguments: Any) -> dict[str, Any]:
        return self.seeder.request({"action": action, **arguments})

    def bot(self, **arguments: Any) -> dict[str, Any]:
        bot = self.seed("bot", **arguments)
        assert all(status == "ready" for status in bot["documents"].values()), bot
        return bot

    def conversations(self, public_key: str) -> list[dict[str, Any]]:
        return self.seed("conversations", public_key=public_key)["conversations"]

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@pytest.fixture(scope="package")
def chat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatServer]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package `chromium` (.ci/run does).")
    var_dir = tmp_path_factory.mktemp("browser-server")
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    run_id = uuid.uuid4().hex[:8]
    env.update(
        {
            "CHATSPHERE_VAR_DIR": str(var_dir),
            "DJANGO_MEDIA_ROOT": str(var_dir / "media"),
            # Development settings, as `make run` sets them: static files through the finders.
            "DJANGO_DEBUG": "1",
            "DJANGO_SECRET_KEY": "browser-" + secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "CHATSPHERE_LLM": "offline",
            "CHATSPHERE_EMBEDDINGS": "offline",
            "CHATSPHERE_VECTORSTORE": "local",
            "CHATSPHERE_CACHE_PREFIX": f"browser-{run_id}",
            "CHATSPHERE_CHANNELS_PREFIX": f"browser-{run_id}",
            "CHATSPHERE_ANSWER_STREAMS_PREFIX": f"browser-{run_id}:answer:",
            "CHATSPHERE_RATE_CHAT_VISITOR": "1000/m",
            "CHATSPHERE_RATE_CHAT_IP": "1000/m",
            # Every journey signs up from the same loopback address.
            "CHATSPHERE_RATE_SIGNUP_IP": "1000/hour",
            # Webhook journeys post to a receiver on 127.0.0.1 and watch a retry: a short first pause.
            "CHATSPHERE_ALLOW_PRIVATE_URLS": "1",
            "CHATSPHERE_WEBHOOK_RETRY_BASE_SECONDS": "1",
            # Website journeys crawl a site on 127.0.0.1: a short pause between its pages.
            "CHATSPHERE_CRAWL_DELAY_SECONDS": "0.1",
            "PYTHONUNBUFFERED": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    database_url = os.environ.get("DATABASE_URL", "")
    browser_db = None
    if database_url:
        env["DATABASE_URL"], browser_db = postgres_database_for(database_url, "browser")
        postgres_admin(database_url, f'DROP DATABASE IF EXISTS "{browser_db}" WITH (FORCE)')
        postgres_admin(database_url, f'CREATE DATABASE "{browser_db}"')

    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True, timeout=300
    )
    port = free_port()
    log_path = var_dir / "daphne.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "chatsphere.asgi:application"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = ChatServer(
        url=f"http://127.0.0.1:{port}", env=env, log_path=log_path, seeder=Seeder(env, var_dir / "seed.log")
    )
    try:
        server.seeder.start()  # starts up while the server does
        wait_for_http(server.url + "/healthz/", timeout=60, process=process)
        yield server
    finally:
        server.seeder.stop()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if browser_db:
            postgres_admin(database_url, f'DROP DATABASE IF EXISTS "{browser_db}" WITH (FORCE)')


# --- host pages on other origins --------------------------------------------------------------


@dataclass
class HostSite:
    """A plain website on its own origin that serves the pages a test registers."""

    origin: str
    pages: dict[str, str] = field(default_factory=dict)

    def page(self, html: str) -> str:
        path = f"/page-{uuid.uuid4().hex[:12]}.html"
        self.pages[path] = html
        return self.origin + path


def _serve(site: HostSite) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            html = site.pages.get(self.path.split("?", 1)[0])
            body = (html or "not found").encode()
            self.send_response(200 if html else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="package")
def host_sites() -> Iterator[tuple[HostSite, HostSite]]:
    """Two websites: the one the bots allow, and a stranger."""
    allowed, stranger = HostSite(origin=""), HostSite(origin="")
    servers = [_serve(allowed), _serve(stranger)]
    yield allowed, stranger
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def allowed_site(host_sites: tuple[HostSite, HostSite]) -> HostSite:
    return host_sites[0]


@pytest.fixture
def stranger_site(host_sites: tuple[HostSite, HostSite]) -> HostSite:
    return host_sites[1]


def host_page(server: ChatServer, public_key: str, *, attributes: str = "", head: str = "", body: str = "") -> str:
    """A host page with the one tag a site owner pastes."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host site</title>{head}</head>
<body>
<h1>Welcome to the host site</h1>
<p><a href="#top" id="host-link">A link of the host page</a></p>
{body}
<script src="{server.url}/static/chatsphere/widget.js" data-bot="{public_key}" {attributes} async></script>
</body></html>"""


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Chromium for the tests of this folder, closed when they are done: between its calls,
    Playwright's sync API marks its event loop as running in this thread, which would refuse the
    asyncio tests and the database calls of whatever test runs next in the process."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class Session:
    """One browser context and page, with what the page did recorded for assertions."""

    context: Any
    page: Any
    dialogs: list[str] = field(default_factory=list)
    frames_in: list[dict[str, Any]] = field(default_factory=list)
    frames_out: list[dict[str, Any]] = field(default_factory=list)
    sockets: list[Any] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    #: Answer "OK" to confirm() dialogs (a person confirming a deletion) instead of "Cancel".
    accept_dialogs: bool = False

    def watch(self, page: Any) -> None:
        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            if self.accept_dialogs:
                dialog.accept()
            else:
                dialog.dismiss()

        def on_socket(ws: Any) -> None:
            self.sockets.append(ws)
            ws.on("framereceived", lambda payload: self._frame(self.frames_in, payload))
            ws.on("framesent", lambda payload: self._frame(self.frames_out, payload))

        page.on("dialog", on_dialog)
        page.on("websocket", on_socket)
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)
        elif message.type == "warning":
            self.console_warnings.append(message.text)

    @staticmethod
    def _frame(into: list[dict[str, Any]], payload: Any) -> None:
        try:
            data = json.loads(payload if isinstance(payload, str) else payload.decode())
        except (ValueError, AttributeError):
            return
        if isinstance(data, dict):
            into.append(data)

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [frame for frame in self.frames_in if frame.get("type") == kind]

    def sent(self, kind: str) -> list[dict[str, Any]]:
        return [frame for frame in self.frames_out if frame.get("type") == kind]


@pytest.fixture
def new_session(
    browser: Any, request: pytest.FixtureRequest, chat_server: ChatServer
) -> Iterator[Callable[..., Session]]:
    """Opens browser contexts; each test's pages are screenshotted into test-artifacts/browser/."""
    sessions: list[Session] = []

    def open_session(**options: Any) -> Session:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        options.setdefault("locale", "en-US")
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        page = context.new_page()
        session = Session(context=context, page=page)
        session.watch(page)
        sessions.append(session)
        return session

    yield open_session

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for index, session in enumerate(sessions):
        suffix = f"-{index + 1}" if len(sessions) > 1 else ""
        try:
            session.page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=False)
        except Exception as error:  # noqa: BLE001 - a screenshot must not hide the test's outcome
            print(f"screenshot of {name}{suffix} failed: {error}")  # noqa: T201
        session.context.close()
    if failed:
        print("--- daphne log (tail) ---\n" + chat_server.log_tail())  # noqa: T201


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


@pytest.fixture
def session(new_session: Callable[..., Session]) -> Session:
    return new_session()


@pytest.fixture(scope="module")
def ingestion_worker(chat_server: ChatServer) -> Iterator[None]:
    """With Redis the server queues ingestion for a worker, as in production: start a real one."""
    if "REDIS_URL" not in chat_server.env:
        yield  # no Redis: ingestion runs in the server process
        return
    log = (chat_server.log_path.parent / "worker.log").open("wb")
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and project
        [sys.executable, "-m", "celery", "-A", "chatsphere", "worker", "--concurrency=1", "--loglevel=INFO"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=REPO,
        env=chat_server.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        print("--- worker log (tail) ---\n" + (chat_server.log_path.parent / "worker.log").read_text()[-3000:])  # noqa: T201
