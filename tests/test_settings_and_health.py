"""Production settings pass Django's deploy checks; probes, schema and docs answer as documented."""

from __future__ import annotations

import os
import re
import secrets
import string
import subprocess
import sys
import tempfile
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import Client

REPO_ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides: str | None) -> dict[str, str]:
    """The current environment without any DJANGO_* or CHATSPHERE_* setting, plus the values a
    production deployment (one with DATABASE_URL) sets. Check commands never connect to it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CHATSPHERE_"))}
    alphabet = string.ascii_letters + string.digits + "!@#$%^&*(-_=+)"
    env.update(
        DATABASE_URL=os.environ.get("DATABASE_URL") or "postgres://chatsphere@db.invalid:5432/chatsphere",
        CHATSPHERE_VAR_DIR=tempfile.mkdtemp(prefix="chatsphere-var-"),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        DJANGO_ALLOWED_HOSTS="example.com",
        DJANGO_EMAIL_HOST="smtp.example.com",
        DJANGO_SETTINGS_MODULE="chatsphere.settings",
        PYTHONDONTWRITEBYTECODE="1",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- settings -----------------------------------------------------------------------------


def test_deploy_check_passes_in_production_mode():
    result = manage("check", "--deploy", env=production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output.upper(), output


def test_deploy_check_flags_a_weak_secret_key():
    """The check above is meaningful: it does complain about a bad production setting."""
    result = manage("check", "--deploy", env=production_env(DJANGO_SECRET_KEY="short"))
    output = result.stdout + result.stderr
    assert "security.W009" in output, output


def test_production_mode_without_secret_key_fails_clearly():
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_mode_without_allowed_hosts_fails_clearly():
    result = manage("check", env=production_env(DJANGO_ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_mode_without_email_fails_clearly():
    result = manage("check", env=production_env(DJANGO_EMAIL_HOST=None))
    assert result.returncode != 0
    assert "DJANGO_EMAIL_HOST" in result.stderr
    assert "CHATSPHERE_EMAIL=disabled" in result.stderr


def test_embedded_default_needs_no_configuration():
    env = production_env(DATABASE_URL=None, DJANGO_DEBUG=None, DJANGO_SECRET_KEY=None, DJANGO_ALLOWED_HOSTS=None)
    env.pop("DJANGO_EMAIL_HOST")
    result = manage("check", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


# --- probes -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz/", "/readyz/"])
def test_probes_answer_ok_json(path):
    response = Client().get(path)
    assert response.status_code == HTTPStatus.OK, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == "ok"
    assert "no-cache" in response.headers.get("Cache-Control", "") or "max-age=0" in response.headers.get(
        "Cache-Control", ""
    )


@pytest.mark.django_db
def test_readyz_reports_each_dependency(settings):
    body = Client().get("/readyz/").json()
    assert body["checks"]["database"]["status"] == "ok"
    if settings.REDIS_URL:
        assert body["checks"]["redis"]["status"] == "ok"
    else:
        assert "redis" not in body["checks"]


@pytest.mark.django_db
def test_readyz_says_unavailable_when_redis_is_down(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/readyz/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz/", "/readyz/"])
def test_probes_answer_on_the_internal_address_over_plain_http(path, settings):
    """A container's HEALTHCHECK or a load balancer probes 10.0.0.5:8000 over HTTP, not the site's
    name over HTTPS; the site itself still refuses that host."""
    settings.ALLOWED_HOSTS = ["chat.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client(HTTP_HOST="10.0.0.5:8000")
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["status"] == "ok"
    assert client.get("/app/login/").status_code == HTTPStatus.BAD_REQUEST


def test_probes_refuse_other_methods():
    assert Client().post("/healthz/").status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- API schema and docs ------------------------------------------------------------------


@pytest.mark.django_db
def test_schema_is_openapi_3_with_bots_and_auth_paths():
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == HTTPStatus.OK
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "ChatSphere API"
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/register/",
        "/api/v1/auth/token/",
        "/api/v1/auth/token/refresh/",
        "/api/v1/auth/logout/",
        "/api/v1/auth/logout-all/",
        "/api/v1/me/",
        "/api/v1/bots/",
        "/api/v1/bots/{bot_id}/",
        "/api/v1/bots/{bot_id}/rotate-key/",
    ):
        assert path in paths, sorted(paths)
    assert {"get", "post"} <= set(paths["/api/v1/bots/"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/bots/{bot_id}/"])
    assert "post" in paths["/api/v1/auth/token/"]
    schemes = schema["components"]["securitySchemes"]
    assert {"jwtAuth", "apiKeyAuth"} <= set(schemes)


@pytest.mark.django_db
def test_schema_default_format_is_yaml_openapi_3():
    response = Client().get("/api/schema/")
    assert response.status_code == HTTPStatus.OK
    assert response.content.startswith(b"openapi: 3.")


@pytest.mark.django_db
def test_docs_page_loads_its_assets_from_our_static_files():
    client = Client()
    response = client.get("/api/docs/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html), "assets from another host"

    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert any(asset.endswith(".js") for asset in assets), assets
    assert any(asset.endswith(".css") for asset in assets), assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        fetched = client.get(asset)
        assert fetched.status_code == HTTPStatus.OK, asset
        if hasattr(fetched, "close"):
            fetched.close()
    assert 'url: "/api/schema/"' in html


# --- unknown API paths --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/bots/not-an-id/extra/", "/api/v1/", "/api/v2/bots/"])
def test_unknown_api_paths_are_json_404(method, path):
    response = getattr(Client(), method)(path)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
