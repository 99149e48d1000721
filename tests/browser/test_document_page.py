"""A document's page in Chromium, at desktop and phone widths: an owner uploads a guide, opens
it, reads page 3 of what the bot read (by the jump form, then by keyboard alone), pages on,
searches the passages and sees how ingestion went; nothing overflows the screen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from documents.tests.conftest import HARBOUR_GUIDE, harbour_guide_pdf
from tests.browser.conftest import ARTIFACTS, ChatServer
from tests.browser.test_dashboard import create_bot, sign_up

pytestmark = pytest.mark.browser


def no_horizontal_overflow(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize(
    ("viewport", "name"), [({"width": 1280, "height": 800}, "desktop"), ({"width": 390, "height": 844}, "phone")]
)
def test_the_document_page_shows_the_text_by_page_the_passages_and_the_history(
    chat_server: ChatServer, new_session: Any, viewport: dict[str, int], name: str, ingestion_worker: None
) -> None:
    session = new_session(viewport=viewport)
    page = session.page
    sign_up(session, chat_server, f"Harbour Office {name}")
    create_bot(session, "Harbour help")
    page.get_by_role("link", name="Knowledge").click()
    page.get_by_label("Files").set_input_files(
        [{"name": "harbour-guide.pdf", "mimeType": "application/pdf", "buffer": harbour_guide_pdf()}]
    )
    page.get_by_role("button", name="Upload").click()
    row = page.locator("tr", has_text="harbour-guide.pdf")
    expect(row.locator("[data-status]")).to_have_text("Ready", timeout=60_000)
    row.get_by_role("link", name="harbour-guide.pdf").click()

    text = page.locator("#text")
    expect(text.get_by_role("heading", level=3)).to_contain_text("Page 1 of 5")
    page.get_by_label("Go to page").fill("3")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(text.get_by_role("heading", level=3)).to_contain_text("Page 3 of 5")
    expect(text.get_by_role("region")).to_contain_text(HARBOUR_GUIDE[2][1][0])
    no_horizontal_overflow(page)
    text.screenshot(path=str(ARTIFACTS / f"document-page-text-{name}.png"))

    text.get_by_role("link", name="Next page").click()
    expect(text.get_by_role("heading", level=3)).to_contain_text("Page 4 of 5")

    passages = page.locator("#passages")
    passages.get_by_role("searchbox", name="Search the passages").fill("season passes")
    passages.get_by_role("button", name="Search").click()
    expect(passages).to_contain_text("1 passage contains “season passes”.")
    expect(passages.locator("li")).to_have_count(1)
    expect(passages.locator("li")).to_contain_text("page 2")
    expect(text.get_by_role("heading", level=3)).to_contain_text("Page 4 of 5"), "the text page is kept"
    passages.screenshot(path=str(ARTIFACTS / f"document-page-passages-{name}.png"))

    history = page.locator("#history")
    expect(history.locator(".timeline-run")).to_have_count(1)
    expect(history.locator(".badge")).to_have_text("Ready")
    expect(history).to_contain_text("Attempt 1")
    expect(history).to_contain_text("Produced")
    history.scroll_into_view_if_needed()
    no_horizontal_overflow(page)
    history.screenshot(path=str(ARTIFACTS / f"document-page-history-{name}.png"))

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the original file").click()
    assert download.value.suggested_filename == "harbour-guide.pdf"
    assert not session.console_errors


def test_the_text_can_be_paged_by_keyboard_alone(chat_server: ChatServer, new_session: Any) -> None:
    session = new_session()
    page = session.page
    sign_up(session, chat_server, "Keyboard Harbour")
    create_bot(session, "Harbour help")
    page.get_by_role("link", name="Knowledge").click()
    page.get_by_label("Files").set_input_files(
        [{"name": "harbour-guide.pdf", "mimeType": "application/pdf", "buffer": harbour_guide_pdf()}]
    )
    page.get_by_role("button", name="Upload").click()
    row = page.locator("tr", has_text="harbour-guide.pdf")
    expect(row.locator("[data-status]")).to_have_text("Ready", timeout=60_000)
    row.get_by_role("link", name="harbour-guide.pdf").click()

    page.get_by_label("Go to page").focus()
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    heading = page.locator("#text").get_by_role("heading", level=3)
    expect(heading).to_contain_text("Page 3 of 5")

    # From the page to jump to, Tab reaches the button, the text (scrollable, so focusable) and the pager.
    page.get_by_label("Go to page").focus()
    reached = []
    for _ in range(4):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "[document.activeElement.textContent.trim().slice(0, 40),"
                " getComputedStyle(document.activeElement).boxShadow]"
            )
        )
    assert [label for label, _ in reached][0] == "Go"
    assert reached[1][0].startswith("Winter timetable"), reached
    assert reached[2][0].startswith("Previous"), reached
    assert reached[3][0].startswith("Next"), reached
    assert all(ring != "none" for _, ring in reached), f"each focused element shows the focus ring: {reached}"
    page.keyboard.press("Enter")
    expect(heading).to_contain_text("Page 4 of 5")
