"""Verified visitor identity in a real Chromium: a page signs its user for the widget; the same
signed user in another browser finds the conversation; a wrong signature finds nothing and still
chats anonymously. Desktop and phone; screenshots under test-artifacts/browser/."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from playwright.sync_api import expect

from bots.identity import identity_sign
from tests.browser.conftest import ARTIFACTS, ChatServer, HostSite, host_page
from tests.browser.test_widget import QUESTION, answers, ask, launcher, message_box, wait_for_answers, widget_bot

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
USER = {"user_id": "customer-4711", "email": "zoe.angstrom@example.com", "name": "Zoë Ångström"}


def signed_attributes(identity: dict[str, str]) -> str:
    """The data attributes a site's server renders for its signed-in user."""
    names = {
        "user_id": "data-user-id",
        "user_hash": "data-user-hash",
        "email": "data-user-email",
        "name": "data-user-name",
    }
    return " ".join(f'{names[key]}="{html.escape(value)}"' for key, value in identity.items()) + " data-open"


def identity_event(session: Any) -> dict[str, Any]:
    """The server's answer to the widget's identify frame (it arrives a moment after the socket opens)."""
    for _ in range(100):
        if session.events("identity"):
            return session.events("identity")[0]
        session.page.wait_for_timeout(100)
    raise AssertionError("the widget never said who the visitor is")


def user_bubbles(page: Any) -> Any:
    return page.locator("chatsphere-widget .msg.user .body")


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_signed_in_user_finds_their_conversation_in_another_browser(
    chat_server: ChatServer, allowed_site: HostSite, new_session: Any, size: str
) -> None:
    bot = widget_bot(chat_server, allowed_site, identity_secret=True)
    secret = bot["identity_secret"]
    identity = USER | {"user_hash": identity_sign(secret=secret, **USER)}

    # First browser: the site renders the signature on the script tag.
    first = new_session(viewport=VIEWPORTS[size])
    first.page.goto(
        allowed_site.page(host_page(chat_server, bot["public_key"], attributes=signed_attributes(identity)))
    )
    ask(first.page, QUESTION)
    wait_for_answers(first.page, 1)
    assert first.sent("identify")[0] == {"type": "identify", **identity}
    assert identity_event(first)["verified"] is True
    (conversation,) = chat_server.conversations(bot["public_key"])
    assert (conversation["verified_user_id"], conversation["verified_name"]) == (USER["user_id"], USER["name"])

    # Second browser, same user: the page sets window.ChatSphere before the script loads.
    second = new_session(viewport=VIEWPORTS[size])
    preset = f"<script>window.ChatSphere = {{identity: {json.dumps(identity)}}};</script>"
    second.page.goto(allowed_site.page(host_page(chat_server, bot["public_key"], attributes="data-open", head=preset)))
    expect(user_bubbles(second.page)).to_have_text([QUESTION])
    expect(answers(second.page)).to_have_count(1)
    expect(answers(second.page).first).to_contain_text("30 days")
    assert identity_event(second)["conversations"][0]["id"] == conversation["id"]
    expect(message_box(second.page)).to_be_enabled()

    # Third browser, the same user id with a signature made with another secret: nothing shown.
    third = new_session(viewport=VIEWPORTS[size])
    forged = identity | {"user_hash": identity_sign(secret="ids_not-the-bots-secret", **USER)}
    third.page.goto(allowed_site.page(host_page(chat_server, bot["public_key"], attributes=signed_attributes(forged))))
    expect(message_box(third.page)).to_be_enabled()
    assert identity_event(third) == {"type": "identity", "verified": False, "conversations": []}
    expect(user_bubbles(third.page)).to_have_count(0)
    # The anonymous visitor still chats, in a conversation of their own.
    ask(third.page, "How are refunds paid?")
    expect(wait_for_answers(third.page, 1)).to_contain_text("original card")
    conversations = {c["id"]: c for c in chat_server.conversations(bot["public_key"])}
    assert len(conversations) == 2
    assert [c["verified_user_id"] for c in conversations.values() if c["id"] != conversation["id"]] == [""]
    assert len(conversations[conversation["id"]]["messages"]) == 2, "the verified conversation is untouched"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    second.page.screenshot(path=str(ARTIFACTS / f"identity-resumed-in-another-browser-{size}.png"))

    # Signing out in the second browser forgets the verified conversation on screen.
    second.page.evaluate("() => window.ChatSphere.identify(null)")
    expect(user_bubbles(second.page)).to_have_count(0)
    expect(launcher(second.page)).to_have_attribute("aria-expanded", "true")
    for session in (first, second, third):  # the host site has no favicon: its 404 is no widget error
        errors = [error for error in session.console_errors if "status of 404" not in error]
        assert errors == [], errors


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_an_owner_makes_the_identity_secret_and_sees_it_once(
    chat_server: ChatServer, new_session: Any, size: str
) -> None:
    from tests.browser.test_dashboard import create_bot, sign_up

    session = new_session(viewport=VIEWPORTS[size])
    sign_up(session, chat_server, "Shop Ltd")
    create_bot(session, "Shop help")
    page = session.page
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_text("Identity verification is off")).to_be_visible()

    page.get_by_role("button", name="Make an identity secret").click()

    alert = page.get_by_role("alert").filter(has_text="Copy the identity secret now")
    expect(alert).to_be_visible()
    secret = alert.locator("pre").inner_text()
    assert secret.startswith("ids_")
    box = alert.locator("pre").bounding_box()
    assert box is not None and box["x"] + box["width"] <= VIEWPORTS[size]["width"], "the secret fits the screen"
    expect(alert.get_by_role("button", name="Copy")).to_be_focused()  # and in view, on a phone too
    expect(page.get_by_text("This field is required")).to_have_count(0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"identity-secret-shown-once-{size}.png"), full_page=True)

    page.goto(page.url)  # the settings page again, as a later visit shows it
    expect(page.get_by_text("Identity verification is on")).to_be_visible()
    assert secret not in page.content()
    # Rotating asks first: the pages signing with the current secret would lose their visitors.
    session.accept_dialogs = True
    page.get_by_role("button", name="Rotate the identity secret").click()
    expect(page.get_by_role("alert").filter(has_text="Copy the identity secret now")).to_be_visible()
    assert page.get_by_role("alert").locator("pre").inner_text() not in {secret, ""}
    assert any("stop verifying" in dialog for dialog in session.dialogs)
