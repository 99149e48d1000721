"""Logs: every record says which request, organization and bot it belongs to, and never carries a
visitor's question or a secret, whatever a log line or a provider's error message contains."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pythonjsonlogger.json import JsonFormatter
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services.api_keys import api_key_create
from accounts.tenancy import Actor
from bots.models import Bot
from chat.tests.conftest import ALLOWED, TIDES_TEXT, add_document
from conftest import Tenant
from tests.fakes.gemini import FakeGemini, gemini_error

QUESTION = "How much does the Puffin Island ferry cost for my daughter Alice Smith?"
pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """What the console handler writes, formatted as in production (DJANGO_LOG_FORMAT=json)."""
    console = next(handler for handler in logging.getLogger().handlers if handler.get_name() == "console")
    options = {key: value for key, value in settings.LOGGING["formatters"]["json"].items() if key != "()"}
    stream, formatter = io.StringIO(), console.formatter
    previous = console.setStream(stream)
    console.setFormatter(JsonFormatter(**options))
    yield stream
    console.setStream(previous)
    console.setFormatter(formatter)


def records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.fixture
def ferry_bot(transactional_db: None, tenant_a: Tenant) -> Bot:
    bot = Bot.objects.create(organization=tenant_a.organization, name="Ferries", allowed_origins=[ALLOWED])
    add_document(bot, "Ferries", TIDES_TEXT)
    return bot


def test_a_chat_turn_logs_its_ids_but_neither_the_question_nor_the_key(
    ferry_bot, tenant_a, gemini: FakeGemini, json_logs, caplog
):
    actor = Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner)
    _key, secret = api_key_create(actor=actor, name="Website backend")
    # A provider refusing the request and quoting it back, as Gemini's 400s do.
    gemini.fail(400, gemini_error(400, f"Invalid value at contents[1]: {QUESTION!r}"), times=3)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}", HTTP_X_REQUEST_ID="edge-7f3a9c21")

    response = client.post(reverse("bot-chat", kwargs={"bot_id": ferry_bot.id}), {"message": QUESTION}, format="json")

    assert response.status_code == HTTPStatus.BAD_GATEWAY, response.content
    assert response["X-Request-ID"] == "edge-7f3a9c21"
    logged = json_logs.getvalue()
    failure = next(record for record in records(json_logs) if record["message"].startswith("answer failed"))
    assert "[visitor text]" in failure["message"]
    assert failure["request_id"] == "edge-7f3a9c21"
    assert failure["organization_id"] == str(tenant_a.organization.id)
    assert failure["bot_id"] == str(ferry_bot.id)
    assert failure["level"] == "WARNING" and failure["logger"] == "chat.rag"
    for private in (QUESTION, "Alice Smith", secret):
        assert private not in logged
        assert private not in caplog.text


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("calling upstream with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "eyJhbGci"),
        ("login failed: password=Tr0ub4dor&3 for user", "Tr0ub4dor"),
        ('payload {"email": "a@example.com", "password": "hunter2hunter2"}', "hunter2"),
        ("Api-Key csk_Zt0pSecr3tValue_abcdefghijklmnop rejected", "csk_Zt0pSecr3t"),
        ("Gemini said: API key AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW not valid", "AIzaSyA1b2"),
        ("refresh_token=def456def456def456 expired", "def456"),
    ],
)
def test_secrets_in_any_log_line_are_masked(json_logs, line, secret):
    logging.getLogger("somelibrary.http").warning(line)

    [record] = records(json_logs)
    assert secret not in json_logs.getvalue()
    assert "[redacted]" in record["message"]


def test_secret_fields_passed_as_extra_are_masked(json_logs):
    logging.getLogger("chatsphere").warning("sign-in attempt", extra={"password": "hunter2hunter2", "attempt": 3})

    [record] = records(json_logs)
    assert record["password"] == "[redacted]" and record["attempt"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", [None, "short", "has spaces in it", "x" * 200, "evil\u2028id12345"])
def test_each_response_carries_a_request_id(incoming):
    extra = {"HTTP_X_REQUEST_ID": incoming} if incoming is not None else {}
    first = Client().get("/healthz/", **extra)["X-Request-ID"]
    second = Client().get("/healthz/", **extra)["X-Request-ID"]

    assert len(first) == 32 and int(first, 16) >= 0  # a new one: the incoming one was not well-formed
    assert first != second


def test_logs_are_json_in_production_and_the_format_can_be_chosen():
    from tests.test_settings_and_health import manage, production_env

    code = "import logging; logging.getLogger('chatsphere.check').warning('ready')"
    result = manage("shell", "-c", code, env=production_env())
    [line] = [line for line in result.stderr.splitlines() if "chatsphere.check" in line]
    record = json.loads(line)
    assert record["message"] == "ready" and record["level"] == "WARNING"
    assert {"time", "request_id", "organization_id", "bot_id"} <= set(record)

    plain = manage("shell", "-c", code, env=production_env(DJANGO_LOG_FORMAT="plain"))
    assert " WARNING chatsphere.check ready" in plain.stderr

    wrong = manage("check", env=production_env(DJANGO_LOG_FORMAT="xml"))
    assert wrong.returncode != 0 and "DJANGO_LOG_FORMAT" in wrong.stderr
