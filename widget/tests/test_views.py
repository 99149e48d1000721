from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders

from bots.tests.factories import BotFactory

pytestmark = pytest.mark.django_db


def test_hosted_page_embeds_the_widget_full_page(client):
    bot = BotFactory(widget_title="Help centre")

    response = client.get(f"/chat/{bot.public_key}/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'data-bot="{bot.public_key}"' in html
    assert 'src="/static/chatsphere/widget.js"' in html
    assert 'data-mode="page"' in html
    assert "<title>Help centre</title>" in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self' ws://testserver wss://testserver" in policy
    assert "frame-ancestors 'none'" in policy


def test_hosted_page_escapes_the_title(client):
    bot = BotFactory(widget_title="<script>alert(1)</script>")

    html = client.get(f"/chat/{bot.public_key}/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("public_key", ["pk_unknown", "pk_" + "x" * 32])
def test_unknown_key_is_a_404_page(client, public_key):
    BotFactory()

    response = client.get(f"/chat/{public_key}/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Content-Security-Policy" not in response


def test_inactive_bot_is_a_404_page(client):
    bot = BotFactory(is_active=False)

    response = client.get(f"/chat/{bot.public_key}/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_only_safe_methods(client):
    bot = BotFactory()

    response = client.post(f"/chat/{bot.public_key}/")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_widget_script_is_small_and_static():
    import gzip
    from pathlib import Path

    path = finders.find("chatsphere/widget.js")
    assert path is not None
    data = Path(path).read_bytes()
    assert len(gzip.compress(data, compresslevel=9)) < 30 * 1024
    # Answer and document text only ever becomes text nodes.
    source = data.decode()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, sink
