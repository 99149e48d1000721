"""An owner sets how long conversations are kept, then reads who changed what in the audit log
and downloads it, at phone width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ChatServer
from tests.browser.test_dashboard import create_bot, sign_up

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_owner_sets_retention_and_reads_the_audit_log(chat_server: ChatServer, new_session: Any) -> None:
    session = new_session(viewport=PHONE)
    email = sign_up(session, chat_server, "Lighthouse Tours")
    create_bot(session, "Lighthouse help")
    page = session.page
    page.get_by_role("navigation", name="Lighthouse help").get_by_role("link", name="Settings", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Lighthouse desk")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Privacy").click()
    expect(page.get_by_text("Conversations are kept until you delete them.")).to_be_visible()
    page.get_by_label("Delete conversations after (days)").fill("0")
    page.get_by_role("button", name="Save retention").click()
    expect(page.get_by_text("Ensure this value is greater than or equal to 1.")).to_be_visible()
    page.get_by_label("Delete conversations after (days)").fill("90")
    page.get_by_role("button", name="Save retention").click()
    expect(page.get_by_text("Conversations are now deleted 90 days after their last message;")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Retention changed")
    expect(rows.nth(0)).to_contain_text("— → 90")
    expect(rows.nth(1)).to_contain_text("Bot settings changed: Lighthouse desk")
    expect(rows.nth(1)).to_contain_text("Lighthouse help → Lighthouse desk")
    expect(rows.nth(1)).to_contain_text(email)

    page.get_by_label("Action").select_option("bot.update")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export as CSV").click()
    path = download.value.path()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("time,actor,action")
    assert len(lines) == 2
    assert ",bot.update,bot," in lines[1]


def test_owner_erases_a_visitor_by_email_address_at_phone_width(chat_server: ChatServer, new_session: Any) -> None:
    session = new_session(viewport=PHONE)
    session.accept_dialogs = True
    sign_up(session, chat_server, "Harbour Ferries")
    page = session.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Privacy").click()

    page.get_by_label("Visitor id").fill("4f1c2a9be07d4c55a1f0c3d2e6b7a8c9")
    page.get_by_label("Or e-mail address").fill("maria.lopez@ferries-example.org")
    page.get_by_role("button", name="Delete the visitor's data").click()
    expect(page.get_by_text("Enter a visitor id or an e-mail address, not both.")).to_be_visible()
    expect(page.get_by_label("Visitor id")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(ARTIFACTS / "privacy_email_lookup_error_phone.png"), full_page=True)

    page.get_by_label("Visitor id").fill("")
    page.get_by_role("button", name="Delete the visitor's data").click()
    expect(
        page.get_by_text("Deleted 0 conversations, 0 messages and 0 leads found by this e-mail address.")
    ).to_be_visible()
    assert (
        session.dialogs
        == ["Delete every conversation and lead of this visitor (or of this e-mail address)? This cannot be undone."]
        * 2
    )
