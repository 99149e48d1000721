"""Owner journeys through the dashboard in Chromium: sign up, create a bot, upload a PDF and watch
it become ready, invite a teammate who accepts, create and revoke an API key."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from documents.tests.conftest import make_pdf
from tests.browser.conftest import ChatServer, Session

pytestmark = pytest.mark.browser

PASSWORD = "tall green ladder 42"
GUIDE_PAGES = [
    "Opening hours\nThe aquarium opens at nine in the morning every day.",
    "Tickets\nChildren under six enter the aquarium for free with an adult.",
]


def sign_up(session: Session, server: ChatServer, organization: str) -> str:
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    page = session.page
    page.goto(server.url + "/app/signup/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Organization", exact=True).fill(organization)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    # The verification e-mail goes to the console backend: the server's log holds the link.
    deadline = time.monotonic() + 10
    while not (match := re.search(r"verify-email/\?token=([\w.-]+)", _mail_to(server, email))):
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.2)
    page.goto(f"{server.url}/app/verify-email/?token={match[1]}")
    page.get_by_role("button", name="Verify my address").click()
    expect(page.get_by_text("Your e-mail address is verified")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("No bots yet")).to_be_visible()
    return email


def create_bot(session: Session, name: str) -> None:
    """From the Bots page: a name is all a new bot needs; it opens on its Knowledge page."""
    page = session.page
    page.get_by_role("link", name="New bot").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Create the bot").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_sign_up_create_a_bot_upload_a_pdf_and_watch_it_become_ready(
    chat_server: ChatServer, new_session: Any, ingestion_worker: None
) -> None:
    session = new_session()
    sign_up(session, chat_server, "Aquarium Ltd")
    create_bot(session, "Aquarium guide")
    page = session.page
    page.get_by_role("link", name="Knowledge").click()
    expect(page.get_by_text("No knowledge yet")).to_be_visible()

    page.get_by_label("Files").set_input_files(
        [{"name": "aquarium.pdf", "mimeType": "application/pdf", "buffer": make_pdf(GUIDE_PAGES)}]
    )
    page.get_by_role("button", name="Upload").click()

    row = page.locator("tr", has_text="aquarium.pdf")
    expect(row).to_be_visible()
    expect(row.locator("[data-status]")).to_have_text("Ready", timeout=60_000)
    expect(row).to_contain_text("2 pages")

    # A second tab re-ingests the document: the first one follows it live, without reloading.
    other = new_session()
    other.context.add_cookies(session.context.cookies())
    other.accept_dialogs = True
    other.page.goto(page.url)
    other.page.locator("tr", has_text="aquarium.pdf").get_by_role("button", name="Re-ingest").click()
    expect(other.page.get_by_text("will be processed again")).to_be_visible()
    deadline = time.monotonic() + 60
    while not any(event["document"]["status"] == "ready" for event in session.events("document")):
        assert time.monotonic() < deadline, session.frames_in
        page.wait_for_timeout(200)
    expect(row.locator("[data-status]")).to_have_text("Ready")

    # The playground answers from the PDF, citing it with its page, and shows the passages used.
    page.get_by_role("link", name="Playground").click()
    page.get_by_label("Your question").fill("Do children pay to enter the aquarium?")
    page.get_by_role("button", name="Send").click()
    answer = page.locator(".chat-msg.bot").last
    expect(answer).to_contain_text("Children under six enter the aquarium for free")
    expect(answer.locator(".sources li").first).to_have_text("[1] aquarium.pdf, page 2")
    expect(page.locator("[data-passages] li").first).to_contain_text("score")
    page.get_by_role("link", name="Conversations").click()
    expect(page.get_by_role("link", name="Do children pay to enter the aquarium?")).to_be_visible()

    # The transcript shows each message once (not again as notices), with no blank lines in the bubbles.
    page.get_by_role("link", name="Do children pay to enter the aquarium?").click()
    expect(page.locator(".chat-msg")).to_have_count(2)
    expect(page.locator(".chat-msg.bot .text")).to_contain_text("Children under six enter the aquarium for free")
    expect(page.locator("ul.messages")).to_have_count(0)
    for bubble in page.locator(".chat-msg").all():
        box, who, text = (part.bounding_box() for part in (bubble, bubble.locator(".who"), bubble.locator(".text")))
        assert who["y"] - box["y"] < 16, box
        assert text["y"] - (who["y"] + who["height"]) < 12, (who, text)

    # The widget page previews the widget itself, which answers on the dashboard's own origin.
    page.get_by_role("link", name="Widget").click()
    expect(page.locator("#snippet")).to_contain_text("data-bot=")
    expect(page.locator("chatsphere-widget .panel")).to_be_visible()  # the preview starts open (data-open)
    page.locator("chatsphere-widget textarea").fill("What time does the aquarium open?")
    page.locator("chatsphere-widget textarea").press("Enter")
    expect(page.locator("chatsphere-widget .msg.bot").last).to_contain_text("nine in the morning", timeout=20_000)
    assert not session.console_errors


def test_refused_upload_is_explained_on_the_page(chat_server: ChatServer, session: Session) -> None:
    sign_up(session, chat_server, "Careful Co")
    create_bot(session, "Helper")
    page = session.page
    page.get_by_role("link", name="Knowledge").click()
    page.get_by_label("Files").set_input_files(
        [{"name": "report.pdf", "mimeType": "application/pdf", "buffer": bytes(range(256)) * 8}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("report.pdf: This file named “report.pdf” is not a readable document.")).to_be_visible()
    expect(page.get_by_text("No knowledge yet")).to_be_visible()


def test_invite_a_teammate_who_accepts(chat_server: ChatServer, new_session: Any) -> None:
    owner = new_session()
    sign_up(owner, chat_server, "Team Co")
    teammate_email = f"mate-{uuid.uuid4().hex[:8]}@example.com"
    page = owner.page
    page.get_by_role("link", name="Members").click()
    page.get_by_label("E-mail").fill(teammate_email)
    page.get_by_label("Role").select_option("admin")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("cell", name=teammate_email)).to_be_visible()

    # The e-mail goes to the console backend: the server's log holds the link.
    deadline = time.monotonic() + 10
    while not (match := re.search(r"token=([\w-]+)", _mail_to(chat_server, teammate_email))):
        assert time.monotonic() < deadline, chat_server.log_tail()
        time.sleep(0.2)
    invitee = new_session()
    invitee.page.goto(f"{chat_server.url}/app/invitations/accept/?token={match[1]}")
    expect(invitee.page.get_by_role("heading", name="Join Team Co")).to_be_visible()
    invitee.page.get_by_role("link", name="Create my account").click()
    expect(invitee.page.get_by_label("E-mail")).to_have_value(teammate_email)
    invitee.page.get_by_label("Password", exact=True).fill(PASSWORD)
    invitee.page.get_by_role("button", name="Join").click()
    expect(invitee.page.get_by_text("Team Co").first).to_be_visible()

    page.reload()
    row = page.locator("tr", has_text=teammate_email)
    expect(row).to_contain_text("Admin")
    # The link worked once.
    again = new_session()
    again.page.goto(f"{chat_server.url}/app/invitations/accept/?token={match[1]}")
    expect(again.page.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()


def _mail_to(server: ChatServer, email: str) -> str:
    log = server.log_path.read_text(errors="replace")
    start = log.rfind(f"To: {email}")
    return log[start:] if start >= 0 else ""


def _api(server: ChatServer, key: str) -> int:
    request = urllib.request.Request(server.url + "/api/v1/bots/", headers={"X-API-Key": key})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server
            json.load(response)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_create_use_and_revoke_an_api_key(chat_server: ChatServer, session: Session) -> None:
    sign_up(session, chat_server, "Keys Co")
    session.accept_dialogs = True
    page = session.page
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill("Nightly import")
    page.get_by_role("button", name="Create the key").click()
    secret = page.locator("#new-key").inner_text().strip()
    assert secret.startswith("csk_")
    assert _api(chat_server, secret) == 200

    page.goto(page.url)  # the list, opened again
    expect(page.get_by_text(secret)).to_have_count(0)  # shown once only
    page.locator("tr", has_text="Nightly import").get_by_role("button", name="Revoke").click()
    expect(page.locator("tr", has_text="Nightly import")).to_contain_text("revoked")
    assert _api(chat_server, secret) == 401


def test_widget_preview_follows_the_settings_as_they_are_typed_and_saved(
    chat_server: ChatServer, session: Session
) -> None:
    sign_up(session, chat_server, "Harbour Ltd")
    create_bot(session, "Harbour help")
    page = session.page
    page.get_by_role("link", name="Widget").click()
    preview = page.locator("chatsphere-widget")
    expect(preview.locator("h2")).to_have_text("Harbour help")

    # Typed, not saved: the preview shows it at once.
    page.get_by_label("Widget title").fill("Ask the harbour master")
    page.get_by_label("Welcome message").fill("Ahoy! Ask about ferries.")
    page.get_by_role("textbox", name="Suggested questions").fill("When does the ferry leave?\nHow much is a ticket?")
    expect(preview.locator("h2")).to_have_text("Ask the harbour master")
    expect(preview.locator(".welcome")).to_contain_text("Ahoy! Ask about ferries.")
    expect(preview.get_by_role("button", name="How much is a ticket?")).to_be_visible()

    # Saved and reloaded: the preview shows the saved settings, not a copy cached for a minute.
    page.get_by_role("button", name="Save the widget settings").click()
    expect(page.get_by_text("Widget settings saved")).to_be_visible()
    page.get_by_label("Widget title").fill("Harbour desk")
    # The save redirects back to this page; reloading before that lands would race it.
    with page.expect_navigation():
        page.get_by_role("button", name="Save the widget settings").click()
    page.reload()
    expect(preview.locator("h2")).to_have_text("Harbour desk")
    assert not session.console_errors
