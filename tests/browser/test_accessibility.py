"""axe-core over every dashboard page, in the light and the dark colour scheme: no serious or
critical violation. Each page's counts are printed; dark screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from documents.tests.club_site import ClubSite
from tests.browser.conftest import ARTIFACTS, ChatServer
from tests.browser.test_dashboard import sign_up

pytestmark = pytest.mark.browser

BOT_PAGES = ["Settings", "Knowledge", "Answers", "Playground", "Conversations", "Analytics", "Widget"]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def club() -> Any:
    site = ClubSite()
    yield site
    site.stop()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_dashboard_page_passes_axe(
    chat_server: ChatServer, new_session: Any, scheme: str, ingestion_worker: None, club: ClubSite
) -> None:
    session = new_session(color_scheme=scheme)
    page = session.page
    axe = Axe()
    blocking: dict[str, list[str]] = {}
    counts: dict[str, dict[str, int]] = {}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def check(name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"axe-{scheme}-{name.lower().replace(' ', '-')}.png"), full_page=True)
        violations = axe.run(page).response["violations"]
        per_impact: dict[str, int] = {}
        for violation in violations:
            impact = violation.get("impact") or "unknown"
            per_impact[impact] = per_impact.get(impact, 0) + len(violation["nodes"])
            if impact in BLOCKING:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:4]]
                blocking.setdefault(name, []).append(f"{impact} {violation['id']}: {targets}")
        counts[name] = per_impact

    page.goto(chat_server.url + "/app/login/")
    check("Log in")
    page.goto(chat_server.url + "/app/signup/")
    check("Sign up")
    sign_up(session, chat_server, "Lighthouse Museum")
    check("Bots (empty)")
    page.get_by_role("link", name="New bot").click()
    check("New bot")
    page.get_by_label("Name", exact=True).fill("Lighthouse help")
    page.get_by_role("button", name="Create the bot").click()
    expect(page.get_by_role("heading", name="Lighthouse help")).to_be_visible()
    bot_page = page.url

    # Knowledge with a document, and that document's page.
    nav = page.get_by_role("navigation", name="Lighthouse help")
    nav.get_by_role("link", name="Knowledge", exact=True).click()
    page.get_by_label("Title", exact=True).fill("Visiting the lighthouse")
    page.get_by_label("Text", exact=True).fill(
        "The lighthouse opens at ten and closes at five. Children under six climb the tower for free."
    )
    page.get_by_role("button", name="Add the text").click()
    row = page.locator("tr", has_text="Visiting the lighthouse")
    expect(row.locator("[data-status]")).to_have_text("Ready", timeout=60_000)
    expect(page.get_by_role("status").filter(has_text="Visiting the lighthouse")).to_be_visible()
    check("Knowledge with a message")
    page.get_by_role("link", name="Visiting the lighthouse").click()
    check("Document")

    # A website crawled into the bot: its group on Knowledge, and its page of pages.
    page.goto(bot_page)
    nav.get_by_role("link", name="Knowledge", exact=True).click()
    page.get_by_label("Site or sitemap address").fill(club.base + "/")
    page.get_by_label("Most pages").fill("6")
    page.get_by_role("button", name="Crawl the site").click()
    expect(page.locator("[data-website-status]")).to_have_text("Done", timeout=90_000)
    check("Website")
    page.get_by_role("link", name="← All knowledge").click()
    check("Knowledge with a website")

    # A conversation in the playground, so Conversations and Analytics show figures and rows.
    page.goto(bot_page)
    nav.get_by_role("link", name="Playground", exact=True).click()
    for question in ("When does the lighthouse open?", "Is there a café?"):
        replies = page.locator(".chat-msg.bot").count()
        page.get_by_label("Your question").fill(question)
        page.get_by_role("button", name="Send").click()
        expect(page.locator(".chat-msg.bot")).to_have_count(replies + 1, timeout=30_000)
    check("Playground with answers")

    for name in BOT_PAGES:
        page.goto(bot_page)
        nav.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")
        check(name)
    page.goto(bot_page)
    nav.get_by_role("link", name="Conversations", exact=True).click()
    page.locator("table a").first.click()
    check("Conversation")
    bot_base = re.search(r"^.*/app/bots/[0-9a-f-]+/", bot_page)[0]  # type: ignore[index]
    page.goto(bot_base + "unanswered/")
    check("Unanswered")
    page.goto(bot_base + "answers/new/")
    check("New answer")
    page.goto(chat_server.url + "/app/bots/")
    check("Bots")
    for name, path in (
        ("Members", "/app/members/"),
        ("API keys", "/app/api-keys/"),
        ("Webhooks", "/app/webhooks/"),
        ("Leads", "/app/leads/"),
        ("Privacy", "/app/privacy/"),
        ("Audit log", "/app/audit-log/"),
        ("New organization", "/app/organizations/new/"),
    ):
        page.goto(chat_server.url + path)
        check(name)

    print(f"axe ({scheme}) violations per page by impact:")  # noqa: T201
    for name, per_impact in counts.items():
        print(f"  {name}: {per_impact or 'none'}")  # noqa: T201
    assert blocking == {}, f"serious or critical axe violations in the {scheme} scheme: {blocking}"
