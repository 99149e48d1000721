"""Withdrawn access reaches open sockets: the services that take access away tell the playground,
document-status and widget sockets, which close (or refuse the next frame) and send nothing more."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from http import HTTPStatus
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts.models import Membership
from bots.models import Bot
from chat.consumers import CLOSE_BOT_UNAVAILABLE
from chatsphere.asgi import application
from chatsphere.celery import app as celery_app
from chatsphere.sockets import CLOSE_ACCESS_REVOKED
from conftest import jwt_client

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]

HOST = "testserver"
DASHBOARD = f"http://{HOST}"
SHOP = "https://shop.example"
BLOG = "https://blog.example"
WAIT = 10


@pytest.fixture(autouse=True)
def _eager_tasks() -> Iterator[None]:
    """Ingestion runs in the test's process, also when REDIS_URL would send it to a worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _channel_layer_per_test() -> Iterator[None]:
    """Every test runs in its own event loop, and the Redis channel layer keeps per-loop state
    (its receive lock): each test gets a layer of its own, as each server process does."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def bot(tenant_a: Any) -> Bot:
    return Bot.objects.create(organization=tenant_a.organization, name="Ferries", allowed_origins=[SHOP, BLOG])


@database_sync_to_async
def session_cookie(user: Any) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


@database_sync_to_async
def api(user: Any, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
    return getattr(jwt_client(user), method)(f"/api/v1/{path}", data, format="json")


@pytest_asyncio.fixture
async def sockets() -> AsyncIterator[list[WebsocketCommunicator]]:
    opened: list[WebsocketCommunicator] = []
    yield opened
    for communicator in opened:
        await communicator.disconnect()


async def connect(sockets: list, path: str, origin: str, cookie: tuple[bytes, bytes] | None = None) -> Any:
    headers = [(b"host", HOST.encode()), (b"origin", origin.encode()), *([cookie] if cookie else [])]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected
    sockets.append(communicator)
    return communicator


async def chat_socket(sockets: list, path: str, origin: str, cookie: tuple[bytes, bytes] | None = None) -> Any:
    communicator = await connect(sockets, path, origin, cookie)
    assert (await communicator.receive_json_from(timeout=WAIT))["type"] == "session"
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=WAIT) == {"type": "pong"}
    return communicator


async def playground(sockets: list, bot: Bot, user: Any) -> Any:
    return await chat_socket(sockets, f"/ws/playground/{bot.id}/", DASHBOARD, await session_cookie(user))


async def widget(sockets: list, bot: Bot, origin: str = SHOP) -> Any:
    return await chat_socket(sockets, f"/ws/widget/{bot.public_key}/", origin)


async def documents(sockets: list, bot: Bot, user: Any) -> Any:
    return await connect(sockets, f"/ws/bots/{bot.id}/documents/", DASHBOARD, await session_cookie(user))


async def assert_chat_closed(communicator: Any, code: int, error: str) -> None:
    event = await communicator.receive_json_from(timeout=WAIT)
    assert event["type"] == "error" and event["code"] == error
    assert await communicator.receive_output(timeout=WAIT) == {"type": "websocket.close", "code": code}


async def assert_closed(communicator: Any, code: int) -> None:
    assert await communicator.receive_output(timeout=WAIT) == {"type": "websocket.close", "code": code}


async def add_document(bot: Bot, owner: Any, title: str) -> None:
    response = await api(owner, "post", f"bots/{bot.id}/documents/", {"title": title, "text": f"{title}. " * 20})
    assert response.status_code == HTTPStatus.ACCEPTED, response.content


async def titles_until_ready(communicator: Any, title: str) -> set[str]:
    seen = set()
    while True:
        document = (await communicator.receive_json_from(timeout=WAIT))["document"]
        seen.add(document["title"])
        if document["title"] == title and document["status"] == "ready":
            return seen


@database_sync_to_async
def membership_id(user: Any, organization: Any) -> str:
    return str(Membership.objects.get(user=user, organization=organization).id)


# --- members ----------------------------------------------------------------------------------


async def test_removing_a_member_closes_their_playground_and_document_sockets(bot, tenant_a, sockets):
    chat = await playground(sockets, bot, tenant_a.member)
    status = await documents(sockets, bot, tenant_a.member)
    colleague = await playground(sockets, bot, tenant_a.admin)

    member_id = await membership_id(tenant_a.member, tenant_a.organization)
    response = await api(tenant_a.admin, "delete", f"organizations/{tenant_a.organization.id}/members/{member_id}/")
    assert response.status_code == HTTPStatus.OK

    await assert_chat_closed(chat, CLOSE_ACCESS_REVOKED, "access_revoked")
    await assert_closed(status, CLOSE_ACCESS_REVOKED)
    # New knowledge reaches the colleagues who stay, and no title reaches the removed member.
    await add_document(bot, tenant_a.owner, "Winter timetable")
    await colleague.send_json_to({"type": "ping"})
    assert await colleague.receive_json_from(timeout=WAIT) == {"type": "pong"}
    assert await status.receive_nothing(timeout=0.5)


async def test_a_member_who_leaves_is_closed_too(bot, tenant_a, sockets):
    status = await documents(sockets, bot, tenant_a.admin)
    admin_id = await membership_id(tenant_a.admin, tenant_a.organization)
    response = await api(tenant_a.admin, "delete", f"organizations/{tenant_a.organization.id}/members/{admin_id}/")
    assert response.status_code == HTTPStatus.OK
    await assert_closed(status, CLOSE_ACCESS_REVOKED)


async def test_document_titles_stop_even_when_the_notice_is_lost(bot, tenant_a, sockets, settings):
    """A member deleted outright (no notice is sent) gets no further title: the socket re-checks
    access before forwarding once its last check is older than the configured interval."""
    settings.CHATSPHERE_SOCKET_ACCESS_RECHECK_SECONDS = 0
    status = await documents(sockets, bot, tenant_a.member)
    await add_document(bot, tenant_a.owner, "Summer timetable")
    assert "Summer timetable" in await titles_until_ready(status, "Summer timetable")

    await database_sync_to_async(tenant_a.member.delete)()
    await add_document(bot, tenant_a.owner, "Staff salaries")

    await assert_closed(status, CLOSE_ACCESS_REVOKED)
    assert await status.receive_nothing(timeout=0.5)


async def test_the_next_frame_is_refused_when_the_notice_is_lost(bot, tenant_a, sockets, settings):
    settings.CHATSPHERE_SOCKET_ACCESS_RECHECK_SECONDS = 0
    chat = await playground(sockets, bot, tenant_a.member)
    await database_sync_to_async(tenant_a.member.delete)()

    await chat.send_json_to({"type": "ping"})
    await assert_chat_closed(chat, CLOSE_ACCESS_REVOKED, "access_revoked")


async def test_logging_out_everywhere_closes_the_dashboard_sockets(bot, tenant_a, sockets):
    chat = await playground(sockets, bot, tenant_a.member)
    status = await documents(sockets, bot, tenant_a.member)

    assert (await api(tenant_a.member, "post", "auth/logout-all/")).status_code == HTTPStatus.NO_CONTENT

    await assert_chat_closed(chat, CLOSE_ACCESS_REVOKED, "access_revoked")
    await assert_closed(status, CLOSE_ACCESS_REVOKED)


async def test_a_new_password_closes_the_dashboard_sockets(bot, tenant_a, sockets):
    status = await documents(sockets, bot, tenant_a.member)

    def change_password() -> None:
        tenant_a.member.set_password("a brand new pass phrase 9")
        tenant_a.member.save()

    await database_sync_to_async(change_password)()
    await assert_closed(status, CLOSE_ACCESS_REVOKED)


async def test_deleting_the_organization_closes_every_socket_of_it(bot, tenant_a, sockets):
    chat = await playground(sockets, bot, tenant_a.member)
    status = await documents(sockets, bot, tenant_a.admin)
    visitor = await widget(sockets, bot)

    response = await api(tenant_a.owner, "delete", f"organizations/{tenant_a.organization.id}/")
    assert response.status_code == HTTPStatus.NO_CONTENT

    await assert_chat_closed(chat, CLOSE_ACCESS_REVOKED, "access_revoked")
    await assert_closed(status, CLOSE_ACCESS_REVOKED)
    await assert_chat_closed(visitor, CLOSE_BOT_UNAVAILABLE, "bot_unavailable")


# --- bots -------------------------------------------------------------------------------------


async def test_switching_the_bot_off_closes_its_widgets(bot, tenant_a, sockets):
    visitor = await widget(sockets, bot)
    response = await api(tenant_a.admin, "patch", f"bots/{bot.id}/", {"is_active": False})
    assert response.status_code == HTTPStatus.OK
    await assert_chat_closed(visitor, CLOSE_BOT_UNAVAILABLE, "bot_unavailable")


async def test_removing_an_allowed_origin_closes_the_widgets_of_that_site_only(bot, tenant_a, sockets):
    on_shop = await widget(sockets, bot, SHOP)
    on_blog = await widget(sockets, bot, BLOG)

    response = await api(tenant_a.admin, "patch", f"bots/{bot.id}/", {"allowed_origins": [BLOG]})
    assert response.status_code == HTTPStatus.OK

    await assert_chat_closed(on_shop, CLOSE_BOT_UNAVAILABLE, "bot_unavailable")
    await on_blog.send_json_to({"type": "ping"})
    assert await on_blog.receive_json_from(timeout=WAIT) == {"type": "pong"}


async def test_rotating_the_key_closes_widgets_using_the_old_one(bot, tenant_a, sockets):
    visitor = await widget(sockets, bot)
    response = await api(tenant_a.admin, "post", f"bots/{bot.id}/rotate-key/")
    assert response.status_code == HTTPStatus.OK
    await assert_chat_closed(visitor, CLOSE_BOT_UNAVAILABLE, "bot_unavailable")


async def test_deleting_the_bot_closes_its_playground_and_widgets(bot, tenant_a, sockets):
    chat = await playground(sockets, bot, tenant_a.member)
    visitor = await widget(sockets, bot)
    response = await api(tenant_a.admin, "delete", f"bots/{bot.id}/")
    assert response.status_code == HTTPStatus.NO_CONTENT
    await assert_chat_closed(chat, CLOSE_BOT_UNAVAILABLE, "bot_unavailable")
    await assert_chat_closed(visitor, CLOSE_BOT_UNAVAILABLE, "bot_unavailable")
