"""The bot owner sees a verified visitor's user id, name and e-mail on their conversations: in the
API's list and detail, and on the dashboard's list and transcript. Another organization sees none."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from bots.tests.factories import BotFactory
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory
from conftest import jwt_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversations(tenant_a):
    bot = BotFactory(organization=tenant_a.organization, name="Ferries")
    verified = ConversationFactory(
        bot=bot,
        title="Can I bring my bike on the ferry?",
        verified_user_id="customer-4711",
        verified_email="ada.lovelace@example.com",
        verified_name="Ada Lovelace",
    )
    MessageFactory(conversation=verified, content="Can I bring my bike on the ferry?")
    AnswerFactory(conversation=verified, content="Bikes travel free on the morning crossing.")
    anonymous = ConversationFactory(bot=bot, title="Opening hours?")
    return bot, verified, anonymous


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_names_the_verified_visitor(tenant_a, conversations):
    bot, verified, anonymous = conversations
    client = jwt_client(tenant_a.member)

    listing = client.get(reverse("conversation-list", kwargs={"bot_id": bot.id})).json()["results"]
    detail = client.get(reverse("conversation-detail", kwargs={"conversation_id": verified.id})).json()

    rows = {row["id"]: row for row in listing}
    assert (rows[str(verified.id)]["verified_user_id"], rows[str(verified.id)]["verified_name"]) == (
        "customer-4711",
        "Ada Lovelace",
    )
    assert rows[str(verified.id)]["verified_email"] == "ada.lovelace@example.com"
    assert (rows[str(anonymous.id)]["verified_user_id"], rows[str(anonymous.id)]["verified_email"]) == ("", "")
    assert (detail["verified_user_id"], detail["verified_email"], detail["verified_name"]) == (
        "customer-4711",
        "ada.lovelace@example.com",
        "Ada Lovelace",
    )


def test_the_dashboard_list_and_transcript_name_the_verified_visitor(tenant_a, conversations):
    bot, verified, anonymous = conversations
    client = logged_in(tenant_a.member)

    listing = client.get(reverse("dashboard:bot-conversations", args=[bot.id])).content.decode()
    transcript = client.get(reverse("dashboard:conversation-detail", args=[verified.id])).content.decode()
    other = client.get(reverse("dashboard:conversation-detail", args=[anonymous.id])).content.decode()

    for page in (listing, transcript):
        assert "<code>customer-4711</code>" in page
        assert "Ada Lovelace" in page
        assert 'href="mailto:ada.lovelace@example.com"' in page
        assert ">verified</span>" in page
    assert listing.count(">verified</span>") == 1, "the anonymous conversation has no badge"
    assert "customer-4711" not in other


def test_another_organization_sees_no_verified_visitor(tenant_b, conversations):
    bot, verified, _anonymous = conversations
    api = jwt_client(tenant_b.owner)
    page = logged_in(tenant_b.owner)
    for response in (
        api.get(reverse("conversation-list", kwargs={"bot_id": bot.id})),
        api.get(reverse("conversation-detail", kwargs={"conversation_id": verified.id})),
        page.get(reverse("dashboard:bot-conversations", args=[bot.id])),
        page.get(reverse("dashboard:conversation-detail", args=[verified.id])),
    ):
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "customer-4711" not in response.content.decode()
