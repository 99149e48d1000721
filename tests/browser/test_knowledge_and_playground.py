"""The Knowledge page's uploads and the playground's passage panel in Chromium: an upload shows
its progress and the page answers while the document is still being ingested; files the server
would refuse are refused in the page before anything is sent; the playground lists the passages
the bot was given, numbered once, and says why it fell back; its citations open the cited passage."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from documents.tests.conftest import make_pdf
from tests.browser.conftest import ChatServer, Session
from tests.browser.test_dashboard import create_bot, sign_up

pytestmark = pytest.mark.browser

GUIDE_PAGES = [
    "Opening hours\nThe aquarium opens at nine in the morning every day.",
    "Tickets\nChildren under six enter the aquarium for free with an adult.",
    "Feeding\nThe penguins are fed at noon and at four in the afternoon.",
    "Parking\nThe car park beside the aquarium has three hundred spaces.",
]
FERRY_TEXT = (
    "Harbour ferry timetable.\n\n"
    "The harbour ferry to Puffin Island leaves from pier seven every forty minutes. "
    "Tickets for the Puffin Island ferry cost twelve euros for adults and five euros for children."
)
FAQ_TEXT = "Ferry questions.\n\nDogs on a lead may travel on the Puffin Island ferry for free."

# Records, from before the click, every state the upload form goes through.
# Kept in sessionStorage: the page navigates as soon as the upload is answered, which can be
# before the test reads them.
RECORD_UPLOAD_STATES = """() => {
  const states = [];
  const form = document.querySelector("[data-dropzone]");
  const note = () => {
    states.push({
      busy: form.getAttribute("aria-busy"),
      button: form.querySelector("[data-upload-button]").textContent,
      disabled: form.querySelector("[data-upload-button]").disabled,
      progressShown: !form.querySelector("[data-upload-progress]").hidden,
      progress: form.querySelector("progress").value,
      status: form.querySelector("[data-upload-status]").textContent,
    });
    sessionStorage.setItem("uploadStates", JSON.stringify(states));
  };
  new MutationObserver(note).observe(form, {subtree: true, attributes: true, childList: true, characterData: true});
  form.querySelector("progress").addEventListener("change", note);
}"""


def open_knowledge(session: Session, server: ChatServer, organization: str) -> Any:
    sign_up(session, server, organization)
    create_bot(session, "Guide")
    page = session.page
    page.get_by_role("link", name="Knowledge").click()
    return page


def uploads_sent(page: Any) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    return sent


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_upload_shows_its_progress_and_the_row_turns_ready_live(
    chat_server: ChatServer, new_session: Any, viewport: dict[str, int], ingestion_worker: None
) -> None:
    session = new_session(viewport=viewport)
    page = open_knowledge(session, chat_server, "Aquarium Ltd")
    page.get_by_label("Files").set_input_files(
        [{"name": "aquarium.pdf", "mimeType": "application/pdf", "buffer": make_pdf(GUIDE_PAGES * 6)}]
    )
    page.evaluate(RECORD_UPLOAD_STATES)

    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Upload").click()
    states = page.evaluate("JSON.parse(sessionStorage.getItem('uploadStates') || '[]')")
    # The status the page was rendered with, before any socket event could change it.
    rendered = navigation.value.text() if navigation.value is not None else ""

    busy = [state for state in states if state["busy"] == "true"]
    assert busy, states
    assert all(state["disabled"] and state["button"] == "Uploading…" and state["progressShown"] for state in busy)
    assert any(state["status"].startswith("Uploading") for state in busy), states
    row = page.locator("tr", has_text="aquarium.pdf")
    expect(row).to_be_visible()
    message = page.get_by_text("“aquarium.pdf” added; it is")
    expect(message).to_be_visible()
    expect(row.locator("[data-status]")).to_have_text("Ready", timeout=60_000)
    if re.search(r"data-status>(?!Ready<)", rendered):
        # The page was shown before ingestion finished: Ready came over the socket, not a reload.
        assert any(event["document"]["status"] == "ready" for event in session.events("document"))
    expect(row).to_contain_text("24 pages")
    assert not session.console_errors


def test_oversize_and_unknown_files_are_refused_in_the_page_without_sending(
    chat_server: ChatServer, session: Session, tmp_path: Path
) -> None:
    page = open_knowledge(session, chat_server, "Careful Co")
    limit = int(page.locator("[data-dropzone]").get_attribute("data-max-bytes"))
    sent = uploads_sent(page)

    manual, photo = tmp_path / "manual.txt", tmp_path / "photo.png"
    with manual.open("wb") as big:
        big.truncate(limit + 1)  # one byte over the limit
    photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    page.get_by_label("Files").set_input_files([manual, photo])
    page.get_by_role("button", name="Upload").click()

    errors = page.locator("[data-upload-errors]")
    expect(errors).to_contain_text("manual.txt: this file is 25.0 MB; files up to 25 MB are accepted.")
    expect(errors).to_contain_text("photo.png: this type of file is not accepted.")
    expect(page.locator("[data-upload-status]")).to_have_text("Nothing was sent.")
    expect(page.get_by_role("button", name="Upload")).to_be_enabled()
    page.wait_for_timeout(500)
    assert sent == []
    expect(page.get_by_text("No knowledge yet")).to_be_visible()


def add_text(page: Any, title: str, text: str) -> None:
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Text", exact=True).fill(text)
    page.get_by_role("button", name="Add the text").click()
    expect(page.locator("tr", has_text=title).locator("[data-status]")).to_have_text("Ready", timeout=60_000)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_playground_lists_the_passages_given_and_says_why_it_fell_back(
    chat_server: ChatServer, new_session: Any, viewport: dict[str, int], ingestion_worker: None
) -> None:
    session = new_session(viewport=viewport)
    page = open_knowledge(session, chat_server, "Ferry Co")
    add_text(page, "Ferries", FERRY_TEXT)
    add_text(page, "Ferry FAQ", FAQ_TEXT)
    page.get_by_role("link", name="Playground").click()
    panel = page.locator("[data-passages]")

    page.get_by_label("Your question").fill("How much does the Puffin Island ferry cost?")
    page.get_by_role("button", name="Send").click()
    answer = page.locator(".chat-msg.bot").last
    expect(answer).to_contain_text("twelve euros")
    # Every passage given, numbered once by its source number, with its score; the cited one marked.
    expect(panel.locator("li")).to_have_count(2)
    expect(panel.locator("li").first).to_contain_text(re.compile(r"^\[1\] Ferries — score \d\.\d\d · cited"))
    expect(panel.locator("li").nth(1)).to_contain_text(re.compile(r"^\[2\] Ferry FAQ — score \d\.\d\d"))
    assert panel.evaluate("node => getComputedStyle(node).listStyleType") == "none"
    # The answer is rendered as the widget renders it: paragraphs and citation marks, no raw Markdown.
    expect(answer.locator(".text p").first).to_be_visible()
    expect(answer.locator(".text sup.cite").first).to_have_text("[1]")
    # [1] opens the cited passage as in the widget, its quoted sentence highlighted; Escape closes it.
    marker = answer.locator(".text").get_by_role("button", name="source 1: Ferries")
    marker.click()
    dialog = page.get_by_role("dialog", name="Ferries")
    expect(dialog.locator("mark")).to_have_text(
        ["Cited: Tickets for the Puffin Island ferry cost twelve euros for adults and five euros for children."]
    )
    expect(dialog.get_by_role("button", name="Close the source")).to_be_focused()
    page.screenshot(path=f"test-artifacts/browser/playground-source-{viewport['width']}.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(marker).to_be_focused()

    page.get_by_label("Your question").fill("Which hotel near the castle serves breakfast?")
    page.get_by_role("button", name="Send").click()
    reason = page.locator("[data-debug-reason]")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text(re.compile(r"The bot gave its fallback"))
    expect(reason).to_contain_text(re.compile(r"0\.40"))
    expect(page.locator("[data-debug-empty]")).to_be_hidden()
    assert not session.console_errors


def cut_after_first_token(page: Any, pattern: str) -> list[Any]:
    """Routes the page's sockets matching `pattern` through the test; the first one is cut right
    after the first piece of an answer reached the page. The routes, one per connection."""
    routes: list[Any] = []

    def through_proxy(route: Any) -> None:
        server = route.connect_to_server()
        first = not routes
        routes.append(route)
        cut = {"done": False}

        def from_server(message: str | bytes) -> None:
            if cut["done"]:
                return
            route.send(message)
            if first and json.loads(message).get("type") == "token":
                cut["done"] = True
                server.close(code=1001, reason="gone")
                route.close(code=1011, reason="network lost")

        server.on_message(from_server)

    page.route_web_socket(re.compile(pattern), through_proxy)
    return routes


def test_playground_answer_cut_off_mid_stream_is_resumed_once(
    chat_server: ChatServer, session: Session, ingestion_worker: None
) -> None:
    page = open_knowledge(session, chat_server, "Harbour Co")
    add_text(page, "Ferries", FERRY_TEXT)
    routes = cut_after_first_token(page, r"/ws/playground/")
    page.get_by_role("link", name="Playground").click()

    page.get_by_label("Your question").fill("How much does the Puffin Island ferry cost?")
    page.get_by_role("button", name="Send").click()
    answer = page.locator(".chat-msg.bot").last
    expect(answer.locator("a.correct")).to_be_visible(timeout=20_000)  # shown once the answer is done

    assert len(routes) == 2, "reconnected once"
    expect(page.locator("[data-status]")).to_be_hidden()
    text = answer.locator(".text").inner_text()
    assert text.count("Tickets for the Puffin Island ferry cost twelve euros") == 1, text
    expect(answer.locator(".sources li")).to_have_count(1)
    expect(page.locator(".chat-msg.error")).to_have_count(0)
    expect(page.get_by_role("button", name="Send")).to_be_enabled()
    assert not session.console_errors
