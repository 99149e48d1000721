"""An owner corrects the bot at phone width: a question the bot could not answer in the
playground becomes a curated answer through "Correct this answer", then leaves the unanswered list."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ChatServer
from tests.browser.test_dashboard import create_bot, sign_up

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
QUESTION = "Can I bring my dog on the ferry?"


def fits_the_width(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_correct_an_unanswered_question_from_the_playground_at_phone_width(
    chat_server: ChatServer, new_session: Any
) -> None:
    session = new_session(viewport=PHONE)
    sign_up(session, chat_server, "Ferry Co")
    create_bot(session, "Ferry help")
    page = session.page

    # A bot without documents answers with its fallback; the link to correct it follows the answer.
    page.get_by_role("link", name="Playground").click()
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="Send").click()
    answer = page.locator(".chat-msg.bot").last
    expect(answer).to_contain_text("couldn't find the answer")
    answer.get_by_role("link", name="Correct this answer").click()

    expect(page.get_by_role("heading", name="Correct the bot's answer")).to_be_visible()
    expect(page.get_by_label("Question")).to_have_value(QUESTION)
    assert fits_the_width(page)
    page.get_by_role("button", name="Add the answer").click()
    # An empty answer is refused and the reason announced.
    expect(page.get_by_role("alert")).to_contain_text("Answer")
    expect(page.get_by_label("Answer")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Answer").fill("Yes: dogs travel free on a leash.")
    page.get_by_role("button", name="Add the answer").click()

    expect(page.get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(page.get_by_text("Yes: dogs travel free on a leash.")).to_be_visible()
    assert fits_the_width(page)

    page.get_by_role("link", name="Unanswered questions").click()
    expect(page.get_by_text("No unanswered questions")).to_be_visible()
    assert fits_the_width(page)
    # The refused form answered 400, which Chromium logs; nothing else went wrong.
    assert [error for error in session.console_errors if "status of 400" not in error] == []
