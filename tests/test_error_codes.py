"""One error vocabulary: the codes the API sends are the codes docs/api.md lists, whichever part
of the stack (our services, DRF, simplejwt, throttles) refuses the request."""

from __future__ import annotations

import re
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import override_settings
from rest_framework import exceptions as drf_exceptions
from rest_framework.test import APIClient
from rest_framework_simplejwt import exceptions as jwt_exceptions
from rest_framework_simplejwt.tokens import AccessToken

from chatsphere.api.exceptions import exception_handler
from chatsphere.errors import ERROR_CODES
from conftest import jwt_client

ROOT = Path(__file__).resolve().parent.parent
#: Apps whose code can answer an API request. `chatsphere/ai` is left out: its codes classify
#: provider failures for retries and never reach a client.
SOURCES = ["accounts", "bots", "documents", "chat", "chatsphere"]
CODE_LITERALS = [
    re.compile(r"""\bcode\s*=\s*["']([a-z_]+)["']"""),
    re.compile(r"""["']code["']\s*:\s*["']([a-z_]+)["']"""),
    re.compile(r"""\berror_event\(\s*["']([a-z_]+)["']"""),
]


def documented_codes() -> dict[str, tuple[int, ...]]:
    text = (ROOT / "docs" / "api.md").read_text()
    table = text.split("### Error codes", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    codes = {}
    for row in table.splitlines()[2:]:
        code, statuses, _meaning = (cell.strip() for cell in row.strip("|").split("|"))
        codes[code.strip("`")] = tuple(int(status) for status in statuses.split(","))
    return codes


def emitted_codes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for app in SOURCES:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if {"tests", "migrations"} & set(relative.parts) or relative.parts[:2] == ("chatsphere", "ai"):
                continue
            for pattern in CODE_LITERALS:
                for code in pattern.findall(path.read_text()):
                    found.setdefault(code, []).append(str(relative))
    return found


def test_the_documented_table_is_the_vocabulary():
    assert documented_codes() == {code: statuses for code, (statuses, _meaning) in ERROR_CODES.items()}


def test_every_code_the_code_base_raises_is_in_the_vocabulary():
    emitted = emitted_codes()
    # The scan sees the codes it should: services', handlers' and the chat's.
    assert {"last_owner", "duplicate_question", "not_found", "retrieval_failed", "rate_limited"} <= set(emitted)
    assert {code: where for code, where in emitted.items() if code not in ERROR_CODES} == {}


LIBRARY_EXCEPTIONS = [
    drf_exceptions.APIException(),
    drf_exceptions.ValidationError({"name": ["This field is required."]}),
    drf_exceptions.ParseError(),
    drf_exceptions.AuthenticationFailed(),
    drf_exceptions.NotAuthenticated(),
    drf_exceptions.PermissionDenied(),
    drf_exceptions.NotFound(),
    drf_exceptions.MethodNotAllowed("PUT"),
    drf_exceptions.NotAcceptable(),
    drf_exceptions.UnsupportedMediaType("text/csv"),
    drf_exceptions.Throttled(wait=30),
    jwt_exceptions.InvalidToken(),
    jwt_exceptions.AuthenticationFailed("User not found", code="user_not_found"),
    jwt_exceptions.AuthenticationFailed("User is inactive", code="user_inactive"),
    jwt_exceptions.AuthenticationFailed("Header", code="bad_authorization_header"),
    jwt_exceptions.AuthenticationFailed("Changed", code="password_changed"),
]


@pytest.mark.parametrize("exc", LIBRARY_EXCEPTIONS, ids=lambda exc: f"{type(exc).__module__}.{type(exc).__name__}")
def test_library_errors_answer_a_code_of_the_vocabulary(exc):
    response = exception_handler(exc, {})
    code = response.data["code"]
    assert code in ERROR_CODES
    assert response.status_code in ERROR_CODES[code][0]


# --- what clients see -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no-credentials"),
        pytest.param("Bearer not-a-token", id="garbage-token"),
        pytest.param("Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl", id="forged-token"),
    ],
)
def test_a_request_without_valid_credentials_answers_not_authenticated(authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)

    response = client.get("/api/v1/bots/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_an_expired_access_token_answers_not_authenticated(tenant_a):
    token = AccessToken.for_user(tenant_a.owner)
    token.set_exp(lifetime=-AccessToken.lifetime)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = client.get("/api/v1/bots/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"detail": "Token is invalid or expired", "code": "not_authenticated"}


@pytest.mark.django_db
def test_a_bad_refresh_token_answers_not_authenticated():
    response = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": "not-a-token"}, format="json")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
@override_settings(CHATSPHERE_RATE_LIMITS={"auth_ip": "2/min", "auth_email": None})
def test_a_throttled_login_answers_rate_limited_with_retry_after(tenant_a):
    client = APIClient()
    login = {"email": tenant_a.owner.email, "password": "wrong password"}
    sent_at = []  # when each allowed request started and ended: the throttle counted it in between
    for _ in range(2):
        started = time.monotonic()
        assert client.post("/api/v1/auth/token/", login, format="json").status_code == HTTPStatus.UNAUTHORIZED
        sent_at.append((started, time.monotonic()))
    time.sleep(3)  # part of the minute passes: the wait told must shrink with it, not be a constant

    started = time.monotonic()
    response = client.post("/api/v1/auth/token/", login, format="json")
    ended = time.monotonic()
    (first_started, first_ended), _ = sent_at
    shortest, longest = 60 - (ended - first_started), 60 - (started - first_ended)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["code"] == "rate_limited"
    assert shortest <= int(response.headers["Retry-After"]) <= longest + 1, (shortest, longest)  # rounded up


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor",
    [pytest.param("not a cursor!", id="not-base64"), pytest.param("cD15ZXN0ZXJkYXk=", id="position-not-a-time")],
)
def test_a_cursor_the_list_did_not_hand_out_answers_400_naming_cursor(tenant_a, cursor):
    response = jwt_client(tenant_a.owner).get("/api/v1/bots/", {"cursor": cursor})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {"cursor": ["Not a cursor from this list: follow `next`."]}


@pytest.mark.django_db
def test_an_unreachable_cache_answers_503_service_unavailable_with_retry_after(tenant_a, settings):
    # Login counts attempts in the cache; nothing listens on this port.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }

    response = APIClient().post(
        "/api/v1/auth/token/", {"email": tenant_a.owner.email, "password": "wrong password"}, format="json"
    )

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {
        "detail": "The service is unavailable for a moment; try again shortly.",
        "code": "service_unavailable",
    }
    assert response.headers["Retry-After"] == "5"
