"""The signing snippets of docs/identity.md, run as they are printed (Python, Node and PHP): their
signatures make the widget socket verify the visitor, names and e-mail addresses outside ASCII
included."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async

from accounts.models import Role
from accounts.tenancy import Actor
from bots import services as bot_services
from bots.identity import identity_sign
from bots.models import Bot
from chat.tests.test_websocket import open_socket, widget

DOCS = Path(__file__).resolve().parent.parent / "docs" / "identity.md"
ALLOWED = "https://shop.example"
#: (user id, e-mail, name): plain, signed id alone, and text outside ASCII.
IDENTITIES = [
    ("customer-4711", "ada.lovelace@example.com", "Ada Lovelace"),
    ("4711", "", ""),
    ("ü-42", "zoë@example.com", "Zoë Ångström 李"),
]


def snippet(language: str) -> str:
    """The first code block of this language in the docs."""
    match = re.search(rf"```{language}\n(.*?)```", DOCS.read_text(), re.S)
    assert match, f"docs/identity.md has no {language} block"
    return match.group(1)


def python_hashes(secret: str) -> list[str]:
    calls = [f"chatsphere_user_hash({secret!r}, {u!r}, {e!r}, {n!r})" for u, e, n in IDENTITIES]
    program = snippet("python") + f"\nimport json\nprint(json.dumps([{', '.join(calls)}]))\n"
    return json.loads(
        subprocess.run([sys.executable, "-c", program], capture_output=True, check=True, text=True).stdout
    )


def node_hashes(secret: str) -> list[str]:
    _require("node", "nodejs")
    calls = [f"chatsphereUserHash({json.dumps(secret)}, {json.dumps(u)}, {json.dumps(e)}, {json.dumps(n)})"
             for u, e, n in IDENTITIES]  # fmt: skip
    program = snippet("javascript") + f"\nconsole.log(JSON.stringify([{', '.join(calls)}]));\n"
    result = subprocess.run(["node", "-e", program], capture_output=True, check=True, text=True)
    return json.loads(result.stdout)


def _php_string(text: str) -> str:
    # Single quotes: PHP reads the bytes as they are (double quotes would read "$" and "\u" escapes).
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def php_hashes(secret: str) -> list[str]:
    _require("php", "php-cli")
    calls = [f"chatsphere_user_hash({_php_string(secret)}, {_php_string(u)}, {_php_string(e)}, {_php_string(n)})"
             for u, e, n in IDENTITIES]  # fmt: skip
    program = snippet("php") + f"\necho json_encode([{', '.join(calls)}]);\n"
    return json.loads(subprocess.run(["php", "-r", program], capture_output=True, check=True, text=True).stdout)


def _require(program: str, package: str) -> None:
    if not shutil.which(program):
        pytest.fail(f"{program} is missing: install the Debian package `{package}` (.ci/run does).")


SIGNERS = [
    pytest.param(python_hashes, id="python"),
    pytest.param(node_hashes, id="node"),
    pytest.param(php_hashes, id="php"),
]


@pytest.mark.parametrize("sign", SIGNERS)
def test_the_snippet_signs_what_the_server_checks(sign):
    secret = "ids_" + "k" * 43
    expected = [identity_sign(secret=secret, user_id=u, email=e, name=n) for u, e, n in IDENTITIES]
    assert sign(secret) == expected


@database_sync_to_async
def bot_with_secret(organization: Any) -> tuple[Bot, str]:
    bot = Bot.objects.create(organization=organization, name="Shop", allowed_origins=[ALLOWED])
    _bot, secret = bot_services.bot_rotate_identity_secret(
        actor=Actor(organization=organization, role=Role.ADMIN), bot=bot
    )
    return bot, secret


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
@pytest.mark.parametrize("sign", SIGNERS)
async def test_a_visitor_signed_by_the_snippet_is_verified_by_the_widget_socket(sign, tenant_a):
    bot, secret = await bot_with_secret(tenant_a.organization)
    hashes = await database_sync_to_async(sign)(secret)
    for (user_id, email, name), user_hash in zip(IDENTITIES, hashes, strict=True):
        socket = await open_socket(widget(bot), ALLOWED)
        try:
            await socket.send(
                {"type": "identify", "user_id": user_id, "user_hash": user_hash, "email": email, "name": name}
            )
            identity = await socket.receive()
        finally:
            await socket.close()
        assert identity == {
            "type": "identity",
            "verified": True,
            "user_id": user_id,
            "email": email,
            "name": name,
            "conversations": [],
        }
