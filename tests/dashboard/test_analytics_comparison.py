"""The Analytics page compares a period with the one just before it, and ranks the questions
visitors asked most."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bots.tests.factories import BotFactory
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(bot) -> str:
    return reverse("dashboard:bot-analytics", kwargs={"bot_id": bot.id})


def conversation(bot, days_ago: int, *exchanges: tuple[str, bool]) -> None:
    """A conversation `days_ago` days back (noon) with (question, unanswered) exchanges."""
    moment = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
    talk = ConversationFactory(bot=bot)
    rows = [talk]
    for question, unanswered in exchanges:
        rows.append(MessageFactory(conversation=talk, content=question))
        rows.append(AnswerFactory(conversation=talk, unanswered=unanswered))
    for row in rows:
        type(row).objects.filter(pk=row.pk).update(created_at=moment)


@pytest.fixture
def bot(tenant_a):
    bot = BotFactory(organization=tenant_a.organization)
    # This week: three questions in two conversations, one unanswered.
    conversation(bot, 0, ("When does the ferry leave?", False), ("Is parking free?", True))
    conversation(bot, 2, ("when does the  ferry leave", False))
    # The week before: two questions in two conversations, all answered.
    conversation(bot, 9, ("Where is pier seven?", False))
    conversation(bot, 10, ("When does the ferry leave?", False))
    # Long ago, and another bot: never counted.
    conversation(bot, 30, ("Where is pier seven?", False))
    conversation(BotFactory(organization=tenant_a.organization), 0, ("Where is pier seven?", False))
    return bot


@pytest.mark.django_db
def test_this_week_against_the_week_before(tenant_a, bot):
    response = logged_in(tenant_a.member).get(url(bot), {"days": 7})
    assert response.status_code == HTTPStatus.OK
    figures = response.context["figures"]
    assert figures.questions_change.text == "+50 % on the previous period (2)"
    assert figures.conversations_change.text == "same as the previous period (2)"
    assert figures.unanswered_change.text == "+33 points on the previous period"
    page = response.content.decode()
    assert "Changes compare the last 7 days with the 7 days before them." in page
    assert "+50 % on the previous period (2)" in page


@pytest.mark.django_db
def test_a_first_period_has_nothing_to_compare_with(tenant_a, tenant_b):
    bot = BotFactory(organization=tenant_a.organization)
    conversation(bot, 1, ("Is parking free?", False))
    figures = logged_in(tenant_a.member).get(url(bot), {"days": 7}).context["figures"]
    assert figures.questions_change.text == "none in the previous period"
    assert figures.unanswered_change is None  # no answers before: no share to compare


@pytest.mark.django_db
def test_top_questions_count_the_same_words_together(tenant_a, bot):
    response = logged_in(tenant_a.member).get(url(bot), {"days": 7})
    top = [(question.text, question.count) for question in response.context["figures"].top_questions]
    assert top == [("When does the ferry leave?", 2), ("Is parking free?", 1)]
    page = response.content.decode()
    conversations = reverse("dashboard:bot-conversations", kwargs={"bot_id": bot.id})
    assert f'href="{conversations}?q={quote("When does the ferry leave?")}"' in page
    assert "asked 2 times" in page
    # Over 30 days the week before counts too; questions asked as often keep the newest first.
    month = logged_in(tenant_a.member).get(url(bot), {"days": 30}).context["figures"].top_questions
    assert [(question.text, question.count) for question in month] == [
        ("When does the ferry leave?", 3),
        ("Is parking free?", 1),
        ("Where is pier seven?", 1),
    ]


@pytest.mark.django_db
def test_another_organization_gets_404(tenant_b, bot):
    assert logged_in(tenant_b.owner).get(url(bot)).status_code == HTTPStatus.NOT_FOUND
