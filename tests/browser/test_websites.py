"""Crawling a website from the Knowledge page in Chromium, at desktop and phone widths: the owner
adds the local club site, watches its group progress until the crawl is done, reads why some
pages were left out, and finds the group on the Knowledge page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from documents.tests.club_site import ClubSite
from tests.browser.conftest import ARTIFACTS, ChatServer
from tests.browser.test_dashboard import create_bot, sign_up

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def club() -> Iterator[ClubSite]:
    site = ClubSite()
    site.routes.pop("/minutes")  # the server keeps its 25 MB page limit: the minutes are missing instead
    yield site
    site.stop()


@pytest.mark.parametrize(
    ("viewport", "label"), [({"width": 1280, "height": 800}, "desktop"), ({"width": 390, "height": 844}, "phone")]
)
def test_add_a_site_and_watch_its_crawl_finish(
    chat_server: ChatServer,
    new_session: Any,
    club: ClubSite,
    viewport: dict[str, int],
    label: str,
    ingestion_worker: None,
) -> None:
    session = new_session(viewport=viewport)
    sign_up(session, chat_server, f"Harbour Rowing {label}")
    create_bot(session, "Club helper")
    page = session.page
    page.get_by_label("Site or sitemap address").fill(club.base + "/")
    page.get_by_label("Most pages").fill("40")
    page.get_by_label("Crawl again").select_option("weekly")
    page.get_by_role("button", name="Crawl the site").click()

    expect(page.get_by_role("heading", name=club.base + "/")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"website-crawling-{label}.png"))
    # The page follows the crawl and shows the finished state by itself.
    expect(page.locator("[data-website-status]")).to_have_text("Done", timeout=90_000)
    expect(page.get_by_text(re.compile(r"26 of 31 pages in the bot · 3 failed · 2 skipped"))).to_be_visible(
        timeout=60_000
    )
    pages = page.locator("table.website-pages")
    expect(pages.get_by_role("row").filter(has_text="/private/staff-rota")).to_contain_text(
        "robots.txt asks crawlers not to fetch this page."
    )
    expect(pages.get_by_role("row").filter(has_text="/newsletter-2019")).to_contain_text("answered 404")
    expect(pages.get_by_role("row").filter(has_text="/shop")).to_contain_text("redirects off the site")
    expect(page.get_by_role("button", name="Re-crawl now")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"website-done-{label}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= viewport["width"], f"the page scrolls sideways at {viewport['width']} px"

    page.get_by_role("link", name="← All knowledge").click()
    group = page.locator(".website-group")
    expect(group).to_contain_text("26 of 31 pages in the bot")
    expect(group.get_by_role("progressbar", name=f"Crawl of {club.base}/")).to_have_attribute("aria-valuenow", "31")
    assert not session.console_errors
