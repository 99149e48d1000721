"""With SENTRY_DSN set, an error in a view reaches Sentry (the real sentry-sdk, against a fake
ingest server) with its ids but without the visitor's question, credentials, cookies or body."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.sentry import FakeSentry

REPO_ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Can Alice Smith at 12 Harbour Road still book the ferry?"
API_KEY = "csk_Zt0pSecr3tValue_abcdefghijklmnop"
SESSION = "sessionid=s3ss10nCookieValue42"

SCRIPT = f"""
import sentry_sdk
from django.test import Client
from django.test.utils import override_settings

with override_settings(ROOT_URLCONF="tests.sentry_urls"):
    response = Client(raise_request_exception=False).post(
        "/explode/?visitor_token=vt-s3cret-token", {{"message": {QUESTION!r}}},
        HTTP_AUTHORIZATION="Api-Key {API_KEY}", HTTP_COOKIE={SESSION!r}, HTTP_X_REQUEST_ID="edge-5c1d2e3f",
    )
print(response.status_code)
sentry_sdk.flush(10)
"""


@pytest.fixture
def sentry() -> Iterator[FakeSentry]:
    with FakeSentry() as server:
        yield server


def run_site(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CHATSPHERE_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        CHATSPHERE_VAR_DIR=tempfile.mkdtemp(prefix="chatsphere-var-"),
        DJANGO_SETTINGS_MODULE="chatsphere.settings",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        NO_PROXY="127.0.0.1,localhost",
        **env_extra,
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell"],
        input=SCRIPT,  # not on the command line: reports carry the process's arguments
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_error_in_a_view_arrives_without_private_data(sentry):
    result = run_site({"SENTRY_DSN": sentry.dsn(), "SENTRY_ENVIRONMENT": "staging"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "500"
    [event] = sentry.events()
    [error] = event["exception"]["values"]
    assert error["type"] == "RuntimeError"
    assert "[visitor text]" in error["value"] and "[redacted]" in error["value"]
    assert event["environment"] == "staging"
    assert event["tags"]["request_id"] == "edge-5c1d2e3f"
    assert event["tags"]["organization_id"] == "0b8e5f3c-1111-4222-8333-944445555666"
    # Of the request, at most its method, path and harmless headers.
    assert set(event.get("request", {})) <= {"method", "url", "headers"}
    kept = {"content-type", "content-length", "host", "x-request-id", "user-agent", "accept"}
    assert {name.lower() for name in event.get("request", {}).get("headers", {})} <= kept
    breadcrumbs = [crumb.get("message", "") for crumb in event.get("breadcrumbs", {}).get("values", [])]
    assert any("provider refused" in message for message in breadcrumbs)
    sent = json.dumps(event)
    for private in (QUESTION, "Alice Smith", API_KEY, "s3ss10nCookieValue42", "vt-s3cret-token"):
        assert private not in sent, private


def test_nothing_is_sent_without_a_dsn(sentry):
    result = run_site({})

    assert result.returncode == 0, result.stderr
    assert sentry.requests() == []
