"""An owner adds a webhook endpoint in Chromium, copies its secret, sends a test event to a
receiver on 127.0.0.1 that fails once, and watches the retry succeed in the delivery log; at
desktop and phone width."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ChatServer
from tests.browser.test_dashboard import sign_up
from webhooks.tests.conftest import Receiver, serve, verify

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def receiver() -> Any:
    found = Receiver(script=[500])
    server = serve(found)
    yield found
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_add_an_endpoint_send_a_test_event_and_see_the_retry_in_the_log(
    chat_server: ChatServer, new_session: Any, receiver: Receiver, size: str, ingestion_worker: None
) -> None:
    session = new_session(viewport=VIEWPORTS[size])
    page = session.page
    sign_up(session, chat_server, "Harbour Ferries")

    if size == "phone":
        page.goto(chat_server.url + "/app/webhooks/")
    else:
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    page.get_by_label("Endpoint URL").fill(receiver.url + "chatsphere")
    page.get_by_label("Description").fill("Support inbox")
    page.get_by_role("group", name="Events to send").get_by_label("document.ready").check()
    page.get_by_role("group", name="Events to send").get_by_label("message.unanswered").check()
    page.get_by_role("button", name="Add the endpoint").click()

    expect(page.get_by_text("Copy the signing secret now")).to_be_visible()
    secret = page.locator("#new-secret").inner_text().strip()
    assert secret.startswith("whsec_")

    page.get_by_role("button", name="Send a test event").click()
    expect(page.get_by_text("A test event is on its way")).to_be_visible()
    expect(page.get_by_text("Copy the signing secret now")).to_have_count(0)  # shown once

    deadline = time.monotonic() + 60
    log = page.get_by_role("region", name="Delivery log")
    while not log.get_by_text("succeeded").count():
        assert time.monotonic() < deadline, chat_server.log_tail()
        time.sleep(0.5)
        log.get_by_role("link", name="Refresh").click()
    log.get_by_text("webhook.test", exact=True).click()
    expect(log.get_by_text("answered 500")).to_be_visible()
    expect(log.get_by_text("answered 200")).to_be_visible()
    expect(log.get_by_text("next try at")).to_be_visible()
    expect(log.get_by_text("HTTP 200")).to_be_visible()
    fits = page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert fits, "the page scrolls sideways"

    first, second = receiver.wait_for(2)
    assert first.path == "/chatsphere" and first.event["type"] == "webhook.test"
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert second.at - first.at >= 0.8  # the retry waited
    assert verify(secret, first) and verify(secret, second)
