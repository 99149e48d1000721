"""A dependency that is down (Redis here; nothing listens on port 9) gives every surface a "try
again shortly" answer — a 503 page with Retry-After, a socket closed with 4503 that the widget
reconnects after — never a 500. The whole deployment's version, with Redis stopped and started
again under two web processes, is tests/test_cluster.py."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from bots.models import Bot
from chatsphere.asgi import application
from chatsphere.unavailable import SOCKET_TRY_AGAIN_LATER

DEAD_REDIS = "redis://127.0.0.1:9/0"
ORIGIN = "https://shop.example.com"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}}


@pytest.mark.django_db
def test_a_dashboard_login_while_the_cache_is_down_says_back_in_a_moment(tenant_a, cache_down):
    client = Client(raise_request_exception=False)
    response = client.post("/app/login/", {"username": tenant_a.owner.email, "password": "a wrong password"})

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.headers["Retry-After"] == "5"
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "it was not saved, so you can send it again" in page


@pytest.mark.django_db
def test_the_widget_still_loads_its_configuration_while_the_cache_is_down(tenant_a, cache_down):
    """Pages that need no cache keep working: the launcher appears and connects once Redis is back."""
    bot = Bot.objects.create(organization=tenant_a.organization, name="Ferries", allowed_origins=[ORIGIN])
    response = Client(raise_request_exception=False).get(f"/api/v1/widget/{bot.public_key}/config/", HTTP_ORIGIN=ORIGIN)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["title"]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_widget_socket_whose_channel_layer_is_down_closes_with_try_again_later(tenant_a, settings):
    bot = await Bot.objects.acreate(organization=tenant_a.organization, name="Ferries", allowed_origins=[ORIGIN])
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [DEAD_REDIS]}}
    }
    communicator = WebsocketCommunicator(
        application, f"/ws/widget/{bot.public_key}/", headers=[(b"host", b"testserver"), (b"origin", ORIGIN.encode())]
    )
    connected, _ = await communicator.connect(timeout=15)
    assert connected  # accepted, then told to come back: a refused handshake would read as "not allowed"
    closed = await communicator.receive_output(timeout=15)
    assert closed == {"type": "websocket.close", "code": SOCKET_TRY_AGAIN_LATER}
    await communicator.wait(timeout=5)
