"""Human handoff end to end in Chromium, at desktop and phone width: an owner switches the contact
form on; a visitor asks what the bot cannot answer, is offered the form, sends a mistyped address
(sees the error), fixes it and sees the confirmation; the owner finds the lead, opens its
conversation, marks it contacted and exports the CSV."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ChatServer, HostSite, host_page
from tests.browser.test_dashboard import create_bot, sign_up
from tests.browser.test_webhooks import VIEWPORTS

pytestmark = pytest.mark.browser

QUESTION = "Can I bring my kayak on the night ferry to Puffin Island?"
ANSWER_TIMEOUT = 20_000


def widget(page: Any, selector: str) -> Any:
    return page.locator(f"chatsphere-widget {selector}")


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_visitor_leaves_details_and_the_owner_follows_up(
    chat_server: ChatServer, new_session: Any, allowed_site: HostSite, size: str, ingestion_worker: None
) -> None:
    owner = new_session(viewport=VIEWPORTS[size])
    page = owner.page
    sign_up(owner, chat_server, "Puffin Ferries")
    create_bot(owner, "Ferry desk")
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Allowed origins").fill(allowed_site.origin)
    page.get_by_text("Human handoff: a contact form in the chat").click()
    page.get_by_label("Offer visitors a contact form").check()
    page.get_by_label("Consent text").fill("I agree to be contacted by e-mail about my request.")
    page.get_by_role("group", name="E-mail each new lead to").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    public_key = re.search(r"pk_[\w-]+", page.locator("code", has_text="pk_").first.inner_text())[0]

    visitor = new_session(viewport=VIEWPORTS[size])
    site = visitor.page
    site.goto(allowed_site.page(host_page(chat_server, public_key)))
    widget(site, ".launcher").click()
    box = widget(site, ".form textarea")
    box.fill(QUESTION)
    box.press("Enter")

    form = widget(site, "form.handoff")
    expect(form).to_be_visible(timeout=ANSWER_TIMEOUT)
    email = form.get_by_label("Your e-mail address")
    expect(form.get_by_label(re.compile("^Your name"))).to_be_focused()
    form.get_by_label(re.compile("^Your name")).fill("Ada Lovelace")
    email.fill("ada@example")
    form.get_by_label(re.compile("^How can we help")).fill(
        "We are six paddlers in late September.\nDoes the night ferry take sea kayaks on the car deck?"
    )
    form.get_by_role("button", name="Send to the team").click()

    expect(form.get_by_text("Enter a valid e-mail address, like name@example.com.")).to_be_visible()
    expect(form.get_by_text("Tick the box to agree before sending.")).to_be_visible()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    email.fill("ada@example.com")
    form.get_by_label("I agree to be contacted by e-mail about my request.").check()
    form.get_by_role("button", name="Send to the team").press("Enter")

    done = widget(site, ".hdone")
    expect(done).to_have_text("Thank you! Your details were sent; the team will contact you soon.")
    expect(form).to_have_count(0)
    [offer] = visitor.events("handoff")
    assert offer["reason"] == "fallback"

    if size == "phone":
        page.goto(chat_server.url + "/app/leads/")
    else:
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Leads").click()
    expect(page.get_by_role("heading", name="Leads")).to_be_visible()
    row = page.locator("tr", has_text="Ada Lovelace")
    expect(row).to_contain_text("New")
    row.get_by_role("link", name="Conversation of Ada Lovelace").click()
    expect(page.locator(".chat-msg.user .text")).to_have_text(QUESTION)
    page.go_back()
    page.get_by_role("link", name="Ada Lovelace", exact=True).click()
    expect(page.get_by_text("Does the night ferry take sea kayaks on the car deck?")).to_be_visible()
    page.get_by_label("Status").select_option("contacted")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("Ada Lovelace is now marked contacted.")).to_be_visible()

    page.get_by_role("link", name="← All leads").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    csv_text = open(download_info.value.path(), encoding="utf-8-sig").read()  # noqa: PTH123, SIM115
    assert "Ada Lovelace" in csv_text and "ada@example.com" in csv_text and ",contacted," in csv_text
