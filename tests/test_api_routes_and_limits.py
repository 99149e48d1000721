"""Unknown API routes and oversized bodies answer the API's JSON error shape, never HTML."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from conftest import jwt_client
from documents.models import Document

METHODS = ["get", "post", "put", "patch", "delete"]
UNKNOWN_PATHS = [
    "/api/v1/no-such-thing/",
    "/api/v1/no-such-thing",
    "/api/v1/bots",
    "/api/v1/me",
    "/api/v2/bots/",
    "/api/",
]


def _assert_not_found(response) -> None:
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", UNKNOWN_PATHS)
def test_unknown_api_route_answers_json_404_to_anyone(tenant_a, settings, method, path, debug):
    settings.DEBUG = debug
    anonymous = Client(enforce_csrf_checks=True)
    session = Client(enforce_csrf_checks=True)
    session.force_login(tenant_a.owner)
    for client in (anonymous, session, jwt_client(tenant_a.owner)):
        response = client.generic(method.upper(), path, data=json.dumps({"name": "x"}), content_type="application/json")
        _assert_not_found(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/bots/", "/api/v1/auth/token/", "/api/v1/no-such-thing/"])
def test_json_body_over_the_limit_answers_413_json_naming_the_limit(tenant_a, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "x" * 2000, "email": "a@example.com", "password": "p"})
    response = jwt_client(tenant_a.admin).post(path, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    payload = response.json()
    assert payload["code"] == "body_too_large"
    assert payload["limit"] == 1000
    assert "1,000 bytes" in payload["detail"]


@pytest.mark.django_db
def test_json_body_within_the_limit_still_works(tenant_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = jwt_client(tenant_a.admin).post("/api/v1/bots/", {"name": "Help desk"}, format="json")
    assert response.status_code == 201


def _paste(client, bot_id, text: str):
    # ensure_ascii: every non-ASCII character travels as a \\uXXXX escape (a surrogate pair above the BMP).
    body = json.dumps({"title": "Pasted", "text": text}, ensure_ascii=True)
    return client.post(f"/api/v1/bots/{bot_id}/documents/", data=body, content_type="application/json"), len(body)


@pytest.mark.django_db
def test_pasted_text_of_the_documented_length_is_accepted_whatever_its_characters(tenant_a, settings):
    from bots.tests.factories import BotFactory

    settings.CHATSPHERE_MAX_TEXT_CHARS = 2_000_000
    bot = BotFactory(organization=tenant_a.organization)
    # The body limit follows the character limit (settings derive one from the other).
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 12 * 2_000_000
    # Escaped in JSON: é as \u00e9, the emoji as a surrogate pair, the quote and backslash with a backslash.
    text = 'é"😀\\' * 500_000
    assert len(text) == 2_000_000
    response, size = _paste(jwt_client(tenant_a.admin), bot.id, text)
    assert size > 10_000_000
    assert response.status_code == 202, response.content[:300]
    document = Document.objects.get(id=response.json()["id"])
    assert document.title == "Pasted"


@pytest.mark.django_db
def test_pasted_text_over_the_character_limit_says_which_limit(tenant_a):
    from bots.tests.factories import BotFactory

    bot = BotFactory(organization=tenant_a.organization)
    limit = settings.CHATSPHERE_MAX_TEXT_CHARS
    response, _ = _paste(jwt_client(tenant_a.admin), bot.id, "é" * (limit + 1))
    assert response.status_code == 413
    payload = response.json()
    assert payload["code"] == "text_too_long"
    assert f"{limit:,} characters" in payload["errors"]["text"][0]
    assert not Document.objects.exists()
