"""Markup that assistive technology relies on, on every dashboard page: ids are unique, and every
`for`, `aria-describedby`, `aria-labelledby` and `aria-controls` points at an element of the page
(a screen reader reads a field's help and errors through them)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from bots.tests.factories import BotFactory
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory

REFERENCES = ("for", "aria-describedby", "aria-labelledby", "aria-controls")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.references: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            if name in REFERENCES and value:
                self.references.extend((tag, name, target) for target in value.split())


def assert_references_resolve(html: str, where: str) -> None:
    parser = _Ids()
    parser.feed(html)
    duplicates = sorted(name for name, count in Counter(parser.ids).items() if count > 1)
    assert not duplicates, f"{where}: ids used more than once: {duplicates}"
    missing = [reference for reference in parser.references if reference[2] not in parser.ids]
    assert not missing, f"{where}: references to ids that are not on the page: {missing}"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bot(tenant_a):
    bot = BotFactory(organization=tenant_a.organization, name="Harbour help")
    conversation = ConversationFactory(bot=bot, title="Ferry prices")
    MessageFactory(conversation=conversation, content="How much is the ferry?")
    AnswerFactory(conversation=conversation, content="Twelve euros.")
    return bot


def owner_pages(bot) -> list[str]:
    with_bot = [
        "bot-settings",
        "bot-knowledge",
        "bot-widget",
        "bot-playground",
        "bot-conversations",
        "bot-analytics",
        "bot-answers",
        "bot-answer-create",
        "bot-unanswered",
        "bot-delete",
    ]
    plain = ["bot-list", "bot-create", "member-list", "api-key-list", "organization-create"]
    return [reverse(f"dashboard:{name}", kwargs={"bot_id": bot.id}) for name in with_bot] + [
        reverse(f"dashboard:{name}") for name in plain
    ]


@pytest.mark.django_db
def test_every_owner_page_has_unique_ids_and_resolving_references(tenant_a, bot):
    client = logged_in(tenant_a.owner)
    for url in owner_pages(bot):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert_references_resolve(response.content.decode(), url)


@pytest.mark.django_db
def test_signed_out_pages_have_unique_ids_and_resolving_references():
    client = Client()
    for name in ("login", "signup", "password_reset"):
        url = reverse(f"dashboard:{name}")
        assert_references_resolve(client.get(url).content.decode(), url)


@pytest.mark.django_db
def test_fields_with_errors_point_at_their_help_and_errors(tenant_a, bot):
    client = logged_in(tenant_a.owner)
    knowledge = reverse("dashboard:bot-knowledge-url", kwargs={"bot_id": bot.id})
    page = client.post(knowledge, {"url": "not a web address", "title": "x" * 300}).content.decode()
    assert_references_resolve(page, knowledge)
    assert 'aria-describedby="id_url_url_error"' in page
    assert 'id="id_url_url_error"' in page

    settings_url = reverse("dashboard:bot-settings", kwargs={"bot_id": bot.id})
    page = client.post(settings_url, {"name": "", "temperature": "7"}).content.decode()
    assert_references_resolve(page, settings_url)
    assert 'aria-invalid="true"' in page
