"""Owner tools in Chromium: search the Knowledge list and delete the rows found in one go, and
export the filtered conversations of a bot."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ChatServer
from tests.browser.test_dashboard import create_bot, sign_up

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
TEXTS = {
    "Ferry timetable": "The ferry to Puffin Island leaves from pier seven every forty minutes.",
    "Ferry fares": "A ferry ticket costs twelve euros for adults and five euros for children.",
    "Car park": "The car park beside the harbour has three hundred spaces.",
}


def add_text(page: Any, title: str, text: str) -> None:
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Text", exact=True).fill(text)
    page.get_by_role("button", name="Add the text").click()
    expect(page.get_by_text(f"“{title}” added")).to_be_visible()
    expect(page.locator("tr", has_text=title).locator("[data-status]")).to_have_text("Ready", timeout=60_000)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_search_the_knowledge_list_and_delete_what_was_found(
    chat_server: ChatServer, new_session: Any, size: str, ingestion_worker: None
) -> None:
    session = new_session(viewport=VIEWPORTS[size])
    sign_up(session, chat_server, "Ferry Co")
    create_bot(session, "Ferry help")
    page = session.page
    for title, text in TEXTS.items():
        add_text(page, title, text)

    page.get_by_role("searchbox", name="Search").fill("ferry")
    page.get_by_role("button", name="Search", exact=True).click()
    rows = page.locator("tr[data-document]")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("2 of 3 documents match.")).to_be_visible()

    page.get_by_label("Select all on this page").check()
    expect(page.get_by_text("2 selected")).to_be_visible()
    page.get_by_role("button", name="Delete selected").click()

    expect(page.get_by_role("heading", name="Delete 2 documents?")).to_be_visible()
    expect(page.locator(".confirm-list li")).to_have_count(2)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"owner-tools-bulk-confirm-{size}.png"), full_page=True)
    page.get_by_role("button", name="Delete 2 documents").click()

    expect(page.get_by_text("2 documents were deleted.")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("ferry")  # back to the same search
    expect(page.get_by_text("No documents match")).to_be_visible()
    page.get_by_role("link", name="Show all 1 documents").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Car park")

    # The remaining document's page: its facts and first passage, within the screen's width.
    page.get_by_role("link", name="Car park").click()
    expect(page.get_by_role("heading", name="Car park")).to_be_visible()
    expect(page.get_by_text("three hundred spaces").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    assert not session.console_errors


def ask(page: Any, question: str, expected: str) -> None:
    page.get_by_label("Your question").fill(question)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".chat-msg.bot").last).to_contain_text(expected, timeout=20_000)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_search_conversations_and_export_what_was_found(
    chat_server: ChatServer, new_session: Any, size: str, ingestion_worker: None
) -> None:
    session = new_session(viewport=VIEWPORTS[size], accept_downloads=True)
    sign_up(session, chat_server, "Ferry Co")
    create_bot(session, "Ferry help")
    page = session.page
    add_text(page, "Ferry fares", TEXTS["Ferry fares"])
    page.get_by_role("link", name="Playground").click()
    ask(page, "How much is a ferry ticket for children?", "five euros")
    page.get_by_role("button", name="New conversation").click()
    ask(page, "Where can I park my car?", "")

    page.get_by_role("link", name="Conversations").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    page.get_by_role("searchbox", name="Search messages").fill("EUROS")  # the bot's words, in another case
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_text("1 conversation matches")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Export CSV").click()
    assert csv_download.value.suggested_filename.startswith("ferry-help-conversations-")
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(row["role"], row["content"][:40]) for row in rows][0] == (
        "user",
        "How much is a ferry ticket for children?",
    )
    assert len(rows) == 2 and "five euros" in rows[1]["content"]

    with page.expect_download() as json_download:
        page.get_by_role("link", name="Export JSON").click()
    data = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert data["filters"] == {"q": "EUROS"}
    assert [conversation["title"] for conversation in data["conversations"]] == [
        "How much is a ferry ticket for children?"
    ]
    assert not session.console_errors
