"""Settings default to production-safe values; development opts in (`make run`).

Settings are loaded in subprocesses with a controlled environment, as a server would start.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path

import jwt
import pytest
from django.core import mail, signing
from django.test import override_settings
from rest_framework.test import APIClient

from chat.visitors import _SALT as VISITOR_SALT
from chat.visitors import visitor_token_read, visitor_token_sign
from chatsphere.errors import ApplicationError
from documents.services import validate_public_url

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The development key that older versions of settings.py carried for every install.
OLD_COMMITTED_KEY = "dev-only-key-never-used-in-production-mode-3f9a1c7e5b2d4e6f8a0b1c2d3e4f5a6b"  # noqa: S105


def load_settings(var_dir: Path, *names: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Import chatsphere.settings in a fresh process with only `env` set; print the named values."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CHATSPHERE_", "DATABASE_URL"))}
    clean.update(CHATSPHERE_VAR_DIR=str(var_dir), PYTHONDONTWRITEBYTECODE="1", **env)
    code = (
        f"import json, chatsphere.settings as s; print(json.dumps({{n: str(getattr(s, n)) for n in {list(names)!r}}}))"
    )
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def settings_values(var_dir: Path, *names: str, **env: str) -> dict[str, str]:
    result = load_settings(var_dir, *names, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- secret key ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_jwt_signed_with_the_old_committed_key_is_refused(tenant_a):
    now = datetime.now(UTC)
    claims = {
        "token_type": "access",
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "iat": int(now.timestamp()),
        "jti": uuid.uuid4().hex,
        "user_id": str(tenant_a.owner.id),
    }
    forged = jwt.encode(claims, OLD_COMMITTED_KEY, algorithm="HS256")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert client.get("/api/v1/me/").status_code == HTTPStatus.UNAUTHORIZED


def test_visitor_token_signed_with_the_old_committed_key_is_refused():
    bot_id = uuid.uuid4()
    forged = signing.dumps({"v": "a" * 32, "b": str(bot_id)}, key=OLD_COMMITTED_KEY, salt=VISITOR_SALT, compress=False)
    assert visitor_token_read(token=forged, bot_id=bot_id) is None
    genuine = visitor_token_sign(visitor_id="a" * 32, bot_id=bot_id)
    assert visitor_token_read(token=genuine, bot_id=bot_id) == "a" * 32


def test_embedded_default_generates_a_key_that_persists_across_restarts(tmp_path):
    first = settings_values(tmp_path, "SECRET_KEY")["SECRET_KEY"]
    second = settings_values(tmp_path, "SECRET_KEY")["SECRET_KEY"]
    assert first == second
    assert first != OLD_COMMITTED_KEY
    assert len(first) >= 50
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_each_install_generates_its_own_key(tmp_path):
    one = settings_values(tmp_path / "one", "SECRET_KEY")["SECRET_KEY"]
    two = settings_values(tmp_path / "two", "SECRET_KEY")["SECRET_KEY"]
    assert one != two
    assert OLD_COMMITTED_KEY not in (one, two)


def test_a_deployment_with_database_url_needs_a_secret_key(tmp_path):
    result = load_settings(tmp_path, "SECRET_KEY", DATABASE_URL="postgres://chatsphere@db.invalid/chatsphere")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


# --- debug and private URLs ---------------------------------------------------------------


def test_debug_and_private_urls_are_off_by_default(tmp_path):
    values = settings_values(tmp_path, "DEBUG", "CHATSPHERE_ALLOW_PRIVATE_URLS")
    assert values == {"DEBUG": "False", "CHATSPHERE_ALLOW_PRIVATE_URLS": "False"}


def test_private_urls_are_allowed_only_when_asked(tmp_path):
    values = settings_values(tmp_path, "CHATSPHERE_ALLOW_PRIVATE_URLS", CHATSPHERE_ALLOW_PRIVATE_URLS="1")
    assert values == {"CHATSPHERE_ALLOW_PRIVATE_URLS": "True"}


def test_a_missing_page_is_not_the_debug_page(tmp_path):
    """In a server started without configuration (the test runner itself always turns DEBUG off)."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/no-such-page/', SERVER_NAME='localhost', secure=True); "
        "print(r.status_code); print(r.content.decode())"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CHATSPHERE_", "DATABASE_URL"))}
    clean.update(CHATSPHERE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="chatsphere.settings")
    result = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    status, _, body = result.stdout.partition("\n")
    assert status == "404", result.stdout
    assert "URLconf" not in body
    assert "DEBUG = True" not in body


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/", "http://localhost/admin/", "http://10.0.0.5/", "http://[::1]/"]
)
def test_private_url_fetching_is_refused_by_default(url):
    with pytest.raises(ApplicationError) as caught:
        validate_public_url(url)
    assert caught.value.code == "private_url"


# --- e-mail -------------------------------------------------------------------------------


def test_embedded_default_keeps_mail_in_a_private_folder_not_the_logs(tmp_path):
    values = settings_values(tmp_path, "EMAIL_BACKEND", "EMAIL_FILE_PATH")
    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    assert stat.S_IMODE((tmp_path / "mail").stat().st_mode) == 0o700


def test_debug_mode_prints_mail_to_the_console(tmp_path):
    values = settings_values(tmp_path, "EMAIL_BACKEND", DJANGO_DEBUG="1")
    assert values == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_console_mail_is_refused_outside_debug_mode(tmp_path):
    console = "django.core.mail.backends.console.EmailBackend"
    result = load_settings(tmp_path, "EMAIL_BACKEND", DJANGO_EMAIL_BACKEND=console)
    assert result.returncode != 0
    assert "DJANGO_EMAIL_BACKEND" in result.stderr


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"DJANGO_EMAIL_HOST": "smtp.example.com"}, "django.core.mail.backends.smtp.EmailBackend"),
        ({"CHATSPHERE_EMAIL": "disabled"}, "django.core.mail.backends.dummy.EmailBackend"),
    ],
)
def test_a_deployment_sends_mail_by_smtp_or_says_it_is_disabled(tmp_path, env, backend):
    values = settings_values(
        tmp_path,
        "EMAIL_BACKEND",
        DATABASE_URL="postgres://chatsphere@db.invalid/chatsphere",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="chat.example.com",
        **env,
    )
    assert values == {"EMAIL_BACKEND": backend}


def test_a_deployment_without_mail_configuration_refuses_to_start(tmp_path):
    result = load_settings(
        tmp_path,
        "EMAIL_BACKEND",
        DATABASE_URL="postgres://chatsphere@db.invalid/chatsphere",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="chat.example.com",
    )
    assert result.returncode != 0
    assert "DJANGO_EMAIL_HOST" in result.stderr
    assert "CHATSPHERE_EMAIL=disabled" in result.stderr


@pytest.mark.parametrize("backend", ["filebased", "dummy"])
def test_mail_secrets_never_reach_the_logs(tmp_path, capsys, caplog, backend):
    secret = "reset-secret-" + uuid.uuid4().hex
    with override_settings(EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend", EMAIL_FILE_PATH=tmp_path):
        mail.send_mail("Reset", f"Open {secret}", None, ["someone@example.com"])
    captured = capsys.readouterr()
    assert secret not in captured.out + captured.err + caplog.text
    stored = "".join(path.read_text() for path in tmp_path.iterdir())
    assert (secret in stored) is (backend == "filebased")


# --- rate limits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "setting", "scope"),
    [
        ("CHATSPHERE_RATE_AUTH_IP", "CHATSPHERE_RATE_LIMITS", "auth_ip"),
        ("CHATSPHERE_RATE_AUTH_EMAIL", "CHATSPHERE_RATE_LIMITS", "auth_email"),
        ("CHATSPHERE_RATE_CHAT_VISITOR", "CHATSPHERE_CHAT_RATE_LIMITS", "visitor"),
        ("CHATSPHERE_RATE_CHAT_IP", "CHATSPHERE_CHAT_RATE_LIMITS", "ip"),
        ("CHATSPHERE_RATE_CHAT_API", "CHATSPHERE_CHAT_RATE_LIMITS", "api"),
    ],
)
def test_an_empty_rate_turns_that_limit_off(tmp_path, variable, setting, scope):
    values = settings_values(tmp_path, setting, **{variable: ""})
    assert f"'{scope}': None" in values[setting]


@pytest.mark.parametrize("variable", ["CHATSPHERE_RATE_AUTH_IP", "CHATSPHERE_RATE_CHAT_VISITOR"])
@pytest.mark.parametrize("value", ["abc", "5/fortnight", "0/m", "/m", "5"])
def test_a_bad_rate_stops_the_start_naming_the_variable(tmp_path, variable, value):
    result = load_settings(tmp_path, "CHATSPHERE_RATE_LIMITS", **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr
    assert repr(value) in result.stderr


@pytest.mark.django_db
def test_login_and_sign_up_answer_without_an_auth_limit(tmp_path):
    scopes = ("auth_ip", "auth_email", "signup_ip", "password_reset_ip", "password_reset_email", "verification_email")
    limits = settings_values(
        tmp_path, "CHATSPHERE_RATE_LIMITS", **{f"CHATSPHERE_RATE_{scope.upper()}": "" for scope in scopes}
    )
    off = dict.fromkeys(scopes)
    assert limits == {"CHATSPHERE_RATE_LIMITS": repr(off)}
    client = APIClient()
    with override_settings(CHATSPHERE_RATE_LIMITS=off):
        for attempt in range(40):
            login = client.post(
                "/api/v1/auth/token/", {"email": f"nobody{attempt}@example.com", "password": "wrong"}, format="json"
            )
            assert login.status_code == HTTPStatus.UNAUTHORIZED, (attempt, login.content)
        signup = client.post(
            "/api/v1/auth/register/",
            {"email": "new@example.com", "password": "a long pass phrase 42", "organization_name": "Acme"},
            format="json",
        )
        assert signup.status_code == HTTPStatus.ACCEPTED, signup.content
