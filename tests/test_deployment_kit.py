"""The deployment kit (Procfile, systemd units, nginx site, Dockerfile) starts what the docs say:
the web command serves the app in production mode, and every file names the same programs."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def unit_command(unit: str) -> list[str]:
    text = (ROOT / "deploy" / "systemd" / unit).read_text()
    command = shlex.split(re.search(r"^ExecStart=(.+)$", text, re.MULTILINE).group(1))
    return [Path(command[0]).name, *command[1:]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_procfile_names_every_role():
    assert set(procfile()) == {"release", "web", "worker", "beat"}


def test_systemd_units_run_the_procfile_commands():
    roles = procfile()
    web = unit_command("chatsphere-web@.service")
    assert web[:3] == ["python", "-m", "chatsphere.serve"] == shlex.split(roles["web"])[:3]
    assert web[-1] == "chatsphere.asgi:application" == shlex.split(roles["web"])[-1]
    assert "--port" in web and web[web.index("--port") + 1] == "%i"
    worker = unit_command("chatsphere-worker.service")
    assert worker[:4] == shlex.split(roles["worker"])[:4]
    # Gossip, mingle and event heartbeats can crash the worker's consumer when Redis restarts.
    for command in (worker, shlex.split(roles["worker"])):
        assert {"--without-gossip", "--without-mingle", "--without-heartbeat"} <= set(command)
    assert unit_command("chatsphere-beat.service")[:4] == shlex.split(roles["beat"])[:4]
    # One schedule file, kept where the service may write.
    beat = unit_command("chatsphere-beat.service")
    assert beat[beat.index("--schedule") + 1].startswith("/srv/chatsphere/var/")


def test_the_image_runs_the_web_command():
    dockerfile = (ROOT / "Dockerfile").read_text()
    command = re.search(r"^CMD (\[.+\])$", dockerfile, re.MULTILINE).group(1)
    assert json.loads(command) == shlex.split(procfile()["web"].replace("${PORT:-8000}", "8000"))


def test_the_nginx_site_upgrades_sockets_and_forwards_the_client_address():
    site = (ROOT / "deploy" / "nginx" / "chatsphere.conf").read_text()
    sockets = re.search(r"location /ws/ \{(.*?)\n    \}", site, re.DOTALL).group(1)
    # nginx drops the server's proxy_set_header lines in a location that sets its own.
    for header in ("Upgrade", "Connection", "Host", "X-Forwarded-For", "X-Forwarded-Proto"):
        assert f"proxy_set_header {header} " in sockets, header
    body_limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    assert body_limit > settings.CHATSPHERE_MAX_UPLOAD_MB


def test_the_web_command_serves_the_app_in_production_mode(tmp_path):
    port = free_port()
    env = {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "PORT": str(port),
        "CHATSPHERE_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_ALLOWED_HOSTS": "chat.example.com",
        "CHATSPHERE_EMAIL": "disabled",
        "DJANGO_SETTINGS_MODULE": "chatsphere.settings",
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    web = subprocess.Popen(
        ["bash", "-c", f"exec {procfile()['web']}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz/", timeout=2)
                assert ready.status_code == 200, ready.text
                break
            except httpx.TransportError:
                if web.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the web command did not answer:\n{web.communicate(timeout=5)[0]}")
                time.sleep(0.3)
        # Production mode: the site itself answers only to its own name.
        assert httpx.get(f"http://127.0.0.1:{port}/app/login/", timeout=5).status_code == 400
    finally:
        web.terminate()
        web.wait(timeout=10)
