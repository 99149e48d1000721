"""Every dashboard page at phone width (390×844) and desktop width (1280×800): nothing scrolls
sideways, the top bar stays compact. Screenshots of each page go to test-artifacts/browser/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ChatServer
from tests.browser.test_dashboard import create_bot, sign_up

pytestmark = pytest.mark.browser

PAGES = ["Settings", "Knowledge", "Answers", "Playground", "Conversations", "Analytics", "Widget"]
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def overflow(page: Any) -> list[str]:
    """Elements that reach past the right edge of the window if the page scrolls sideways, and
    tables that hide columns behind their own scrollbar."""
    return page.evaluate(
        """() => {
          const cut = [...document.querySelectorAll('.table-wrap')]
            .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
            .map((wrap) => 'table cut: ' + wrap.querySelector('th')?.textContent);
          if (cut.length) return cut;
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width + 1) return [];
          return [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length)
            .slice(0, 8)
            .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''));
        }"""
    )


@pytest.mark.parametrize("size", list(WIDTHS))
def test_every_page_fits_the_screen(chat_server: ChatServer, new_session: Any, size: str) -> None:
    session = new_session(viewport=WIDTHS[size])
    sign_up(session, chat_server, "Harbour Ltd")
    create_bot(session, "Harbour help")
    page = session.page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    header_heights: dict[str, float] = {}

    def check(name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"{size}-{name.lower().replace(' ', '-')}.png"), full_page=True)
        if found := overflow(page):
            problems[name] = found
        header_heights[name] = page.locator("header.topbar").bounding_box()["height"]

    bot_page = page.url
    page.goto(chat_server.url + "/app/bots/")
    check("Bots")
    page.goto(bot_page)
    # Knowledge with a row, so its table is measured too.
    page.get_by_role("navigation", name="Harbour help").get_by_role("link", name="Knowledge", exact=True).click()
    page.get_by_label("Title", exact=True).fill(
        "Harbour office opening hours and ferry timetable for the summer season"
    )
    page.get_by_label("Text", exact=True).fill("The harbour office opens at eight and closes at six. " * 20)
    page.get_by_role("button", name="Add the text").click()
    expect(page.locator("tr", has_text="Harbour office")).to_be_visible()  # its status does not matter here
    # A document's page, and the confirmation a bulk action asks for.
    page.get_by_role("link", name="Harbour office opening hours").click()
    check("Document")
    page.go_back()
    page.get_by_label("Select Harbour office opening hours").check()
    page.get_by_role("button", name="Re-ingest selected").click()
    check("Bulk confirmation")
    page.get_by_role("link", name="Cancel").click()
    for name in PAGES:
        page.goto(bot_page)
        page.get_by_role("navigation", name="Harbour help").get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")
        check(name)
        if name == "Widget":  # the preview opens by itself only where it leaves the page visible
            panel = page.locator("chatsphere-widget .panel")
            if size == "phone":
                expect(panel).to_be_hidden()
            else:
                expect(panel).to_be_visible()
    pages = (("Members", "/app/members/"), ("API keys", "/app/api-keys/"), ("Privacy", "/app/privacy/"))
    for name, path in (*pages, ("Audit log", "/app/audit-log/")):
        page.goto(chat_server.url + path)
        check(name)

    assert problems == {}, f"pages that scroll sideways at {size} width: {problems}"
    tallest = max(header_heights.values())
    assert tallest <= (120 if size == "phone" else 80), header_heights
