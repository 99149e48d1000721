"""A visitor opens what an answer cites, in a real Chromium at desktop and phone widths: the [1]
marker opens the cited passage in a dialog inside the widget with the quoted sentence highlighted,
Escape closes it and gives focus back; a web page opens in a new tab."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ChatServer, HostSite, Session, host_page

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
ANSWER_TIMEOUT = 20_000
FERRY_GUIDE = (
    "Harbour ferry guide.\n\n"
    "The harbour ferry to Puffin Island leaves from pier seven every forty minutes between April and October. "
    "In winter it sails four times a day, and not at all when the wind is above force seven.\n\n"
    "Tickets for the Puffin Island ferry cost twelve euros for adults and five euros for children. "
    "Tickets for the lighthouse boat cost fifteen euros for adults and seven euros for children. "
    "Bicycles travel free on the ferry outside the summer season."
)
PARKING_PAGE = (
    "Parking at the harbour.\n\n"
    "The harbour car park beside pier two has three hundred spaces and opens at six in the morning. "
    "Overnight parking at the harbour car park is allowed for ferry passengers only."
)
CITED = "Tickets for the Puffin Island ferry cost twelve euros for adults and five euros for children."


def widget(page: Any, selector: str) -> Any:
    return page.locator(f"chatsphere-widget {selector}")


def ask(page: Any, text: str) -> Any:
    box = widget(page, "textarea")
    box.fill(text)
    box.press("Enter")
    answer = widget(page, ".msg.bot:not(.welcome):not(.typing)").last
    expect(answer.locator(".tools")).to_be_visible(timeout=ANSWER_TIMEOUT)  # shown once the answer is done
    return answer


def focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => {
          let el = document.activeElement;
          while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
          return {tag: el.tagName.toLowerCase(), cls: el.className || '', label: el.getAttribute('aria-label') || ''};
        }"""
    )


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_visitor_opens_the_cited_passage_and_closes_it_with_escape(
    chat_server: ChatServer, allowed_site: HostSite, new_session: Any, size: str
) -> None:
    parking_url = allowed_site.page("<!doctype html><title>Harbour parking</title><h1>Parking at the harbour</h1>")
    bot = chat_server.bot(
        allowed_origins=[allowed_site.origin],
        documents=[
            {"title": "Ferry guide", "text": FERRY_GUIDE},
            {"title": "Harbour parking", "text": PARKING_PAGE, "url": parking_url},
        ],
    )
    session: Session = new_session(viewport=VIEWPORTS[size])
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"], attributes='data-open=""')))

    answer = ask(page, "How much does the Puffin Island ferry cost?")

    marker = answer.locator(".body").get_by_role("button", name="source 1: Ferry guide")
    expect(marker).to_have_text("[1]")
    marker.focus()
    page.keyboard.press("Enter")  # keyboard reachable, as a button
    dialog = page.get_by_role("dialog", name="Ferry guide")
    expect(dialog).to_be_visible()
    expect(dialog.locator("mark")).to_have_text([f"Cited: {CITED}"])
    expect(dialog.locator(".preview-text p")).to_have_count(3)
    expect(dialog).to_contain_text("Tickets for the lighthouse boat cost fifteen euros")  # shown, not highlighted
    assert focused(page)["label"] == "Close the source", "focus moves into the dialog"
    box = dialog.bounding_box()
    assert box is not None and box["width"] <= VIEWPORTS[size]["width"], "the dialog fits the screen"
    page.screenshot(path=f"test-artifacts/browser/source-preview-{size}.png")

    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    expect(widget(page, ".panel")).to_be_visible()  # Escape closed the source, not the chat
    assert focused(page) == {"tag": "button", "cls": "cite-link", "label": "source 1: Ferry guide"}

    # The list of sources opens the same passage.
    answer.locator(".sources").get_by_role("button", name="source 1: Ferry guide").click()
    expect(dialog.locator("mark")).to_have_text([f"Cited: {CITED}"])
    dialog.get_by_role("button", name="Close the source").click()
    expect(dialog).to_be_hidden()

    # A web page is a link to its address, opened in a new tab.
    parking = ask(page, "Where is the harbour car park?")
    link = parking.locator(".body").get_by_role("link", name="source 1: Harbour parking")
    expect(parking.locator(".sources").get_by_role("link", name="source 1: Harbour parking")).to_have_text(
        "Harbour parking"
    )
    expect(link).to_have_attribute("href", parking_url)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    with session.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == parking_url
    expect(tab.get_by_role("heading", name="Parking at the harbour")).to_be_visible()
    tab.close()
    # (The host test site has no favicon: its 404 is the only thing the console may report.)
    assert [error for error in session.console_errors if "404" not in error] == []


def test_with_previews_switched_off_a_document_is_its_title_only(
    chat_server: ChatServer, allowed_site: HostSite, session: Session
) -> None:
    bot = chat_server.bot(
        allowed_origins=[allowed_site.origin],
        documents=[{"title": "Ferry guide", "text": FERRY_GUIDE}],
        source_previews=False,
    )
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"], attributes='data-open=""')))

    answer = ask(page, "How much does the Puffin Island ferry cost?")

    expect(answer.locator(".sources li")).to_have_text(["Ferry guide"])
    expect(answer.get_by_role("button", name="source 1: Ferry guide")).to_have_count(0)
    expect(answer.locator(".cite")).to_have_text(["[1]"])
    expect(answer.locator(".sources li")).not_to_have_attribute("title", CITED)
