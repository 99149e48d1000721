"""A first owner follows only the checklist on the Bots page, from sign-up to an answer in the
widget preview, at desktop and phone width. Screenshots of each step go to test-artifacts/browser/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ChatServer, Session
from tests.browser.test_dashboard import sign_up

pytestmark = pytest.mark.browser

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
STEPS = ["Create a bot", "Add knowledge", "Try it in the playground", "Put it on your site"]


def checklist_states(session: Session) -> list[str]:
    """Each step as text: its state in words, then its name."""
    items = session.page.get_by_role("region", name="Your first bot in four steps").get_by_role("listitem")
    return [" ".join(text.split()).split(" —")[0] for text in items.all_inner_texts()]


def back_to_the_checklist(session: Session) -> None:
    session.page.get_by_role("navigation", name="Main").get_by_role("link", name="Bots").click()
    expect(session.page.get_by_role("heading", name="Bots", exact=True)).to_be_visible()


@pytest.mark.parametrize("size", list(WIDTHS))
def test_a_first_owner_follows_the_checklist_to_a_widget_answer(
    chat_server: ChatServer, new_session: Any, size: str, ingestion_worker: None
) -> None:
    session = new_session(viewport=WIDTHS[size])
    page = session.page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"first-bot-{size}-{name}.png"), full_page=True)
        overflowing = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not overflowing, f"{name} scrolls sideways at {size} width"

    sign_up(session, chat_server, "Lighthouse Museum")
    assert checklist_states(session) == [f"To do {step}" for step in STEPS]
    shot("1-checklist")

    # Step 1, by keyboard: the checklist's links are reachable with Tab.
    create = page.get_by_role("region", name="Your first bot in four steps").get_by_role("link", name="Create a bot")
    for _ in range(30):
        page.keyboard.press("Tab")
        if create.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the checklist's first link is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New bot")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Museum guide")
    page.get_by_role("radio", name="Product documentation").check()
    shot("2-new-bot")
    page.get_by_role("button", name="Create the bot").click()

    # It lands on Knowledge, which the bot needs before it can answer.
    expect(page.get_by_role("link", name="Knowledge", exact=True)).to_have_attribute("aria-current", "page")
    page.get_by_label("Title", exact=True).fill("Visiting the lighthouse")
    page.get_by_label("Text", exact=True).fill(
        "The lighthouse museum opens at ten in the morning, Tuesday to Sunday. "
        "The climb to the lamp room has 217 steps and takes about ten minutes."
    )
    page.get_by_role("button", name="Add the text").click()
    expect(page.locator("tr", has_text="Visiting the lighthouse").locator("[data-status]")).to_have_text(
        "Ready", timeout=60_000
    )
    shot("3-knowledge")

    back_to_the_checklist(session)
    assert checklist_states(session) == ["Done Create a bot", "Done Add knowledge"] + [
        f"To do {step}" for step in STEPS[2:]
    ]
    expect(page.get_by_text("2 of 4 done.")).to_be_visible()
    page.get_by_role("link", name="Try it in the playground").click()
    expect(page.get_by_text("No ready documents yet.")).to_have_count(0)
    expect(page.locator(".chat-msg.bot").first).to_contain_text("I answer from its documentation")  # the template's
    page.get_by_label("Your question").fill("How many steps to the lamp room?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".chat-msg.bot").last).to_contain_text("217 steps", timeout=20_000)
    shot("4-playground")

    back_to_the_checklist(session)
    assert checklist_states(session)[2] == "Done Try it in the playground"
    page.get_by_role("link", name="Put it on your site").click()
    expect(page.locator("#snippet")).to_contain_text("data-bot=")
    widget = page.locator("chatsphere-widget")
    if size == "phone":  # the preview waits behind its round button on small screens
        widget.get_by_role("button", name="Open chat").click()
    expect(widget.locator(".panel")).to_be_visible()
    widget.locator("textarea").fill("What time does the lighthouse museum open in the morning?")
    widget.locator("textarea").press("Enter")
    expect(widget.locator(".msg.bot").last).to_contain_text("ten in the morning", timeout=20_000)
    shot("5-widget-preview")
    page.keyboard.press("Escape")  # on a phone the open preview covers the page
    expect(widget.locator(".panel")).to_be_hidden()

    # All four done: the checklist has served its purpose and is gone.
    back_to_the_checklist(session)
    expect(page.get_by_role("region", name="Your first bot in four steps")).to_have_count(0)
    expect(page.get_by_role("link", name="Museum guide")).to_be_visible()
    shot("6-done")
    assert not session.console_errors
