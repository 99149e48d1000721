"""The Analytics page of a bot: figures computed from known conversations, charts, scoping."""

from __future__ import annotations

from datetime import UTC, timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bots.tests.factories import BotFactory
from chat.models import Conversation, Message
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(bot) -> str:
    return reverse("dashboard:bot-analytics", kwargs={"bot_id": bot.id})


def at(days_ago: int, *objects) -> None:
    """Move conversations or messages `days_ago` days back (noon, local time)."""
    moment = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
    for obj in objects:
        type(obj).objects.filter(pk=obj.pk).update(created_at=moment)


def citation(title: str, document_id: str) -> dict:
    return {"number": 1, "title": title, "document_id": document_id, "page": None, "snippet": "", "score": 0.5}


@pytest.fixture
def bot(tenant_a):
    bot = BotFactory(organization=tenant_a.organization)
    today = ConversationFactory(bot=bot)
    at(
        0,
        today,
        MessageFactory(conversation=today),
        AnswerFactory(conversation=today, citations=[citation("Fares", "d1")], feedback=1, time_to_first_token_ms=300),
        MessageFactory(conversation=today),
        AnswerFactory(conversation=today, citations=[citation("Fares", "d1")], time_to_first_token_ms=500),
    )
    two_days_ago = ConversationFactory(bot=bot)
    at(
        2,
        two_days_ago,
        MessageFactory(conversation=two_days_ago),
        AnswerFactory(conversation=two_days_ago, unanswered=True, feedback=-1, time_to_first_token_ms=900),
    )
    long_ago = ConversationFactory(bot=bot)
    at(
        20,
        long_ago,
        MessageFactory(conversation=long_ago),
        AnswerFactory(conversation=long_ago, citations=[citation("Timetable", "d2")], time_to_first_token_ms=100),
    )
    # Another bot's conversation never counts.
    other = ConversationFactory(bot=BotFactory(organization=tenant_a.organization))
    MessageFactory(conversation=other)
    return bot


@pytest.mark.django_db
def test_figures_of_the_last_seven_days(tenant_a, bot):
    response = logged_in(tenant_a.member).get(url(bot), {"days": 7})
    assert response.status_code == HTTPStatus.OK
    figures = response.context["figures"]
    assert len(figures.days) == 7
    assert [day.questions for day in figures.days][-3:] == [1, 0, 2]
    assert [day.conversations for day in figures.days][-3:] == [1, 0, 1]
    assert (figures.questions, figures.conversations, figures.answers) == (3, 2, 3)
    assert (figures.unanswered, figures.helpful, figures.not_helpful) == (1, 1, 1)
    assert figures.median_first_token_ms == 500
    assert figures.top_documents == [(("d1", "Fares"), 2)]
    page = response.content.decode()
    assert "33 %" in page
    assert 'aria-label="Questions per day over the last 7 days"' in page
    assert page.count("<rect") == 14
    assert "Fares" in page
    assert "Timetable" not in page


@pytest.mark.django_db
def test_longer_period_and_bad_period(tenant_a, bot):
    client = logged_in(tenant_a.member)
    figures = client.get(url(bot), {"days": 30}).context["figures"]
    assert (figures.questions, figures.conversations) == (4, 3)
    assert figures.median_first_token_ms == 400  # 100, 300, 500, 900
    assert [title for (_, title), _ in figures.top_documents] == ["Fares", "Timetable"]
    for bad in ("nonsense", "-1", "100000"):
        response = client.get(url(bot), {"days": bad})
        assert response.status_code == HTTPStatus.OK
        assert response.context["days"] == 30


@pytest.mark.django_db
def test_empty_bot_shows_dashes_not_errors(tenant_a):
    empty = BotFactory(organization=tenant_a.organization)
    page = logged_in(tenant_a.member).get(url(empty)).content.decode()
    assert "No answer cited a document in this period yet." in page
    assert Conversation.objects.filter(bot=empty).count() == Message.objects.filter(conversation__bot=empty).count()


@pytest.mark.django_db
def test_another_organization_gets_404(tenant_b, bot):
    assert logged_in(tenant_b.owner).get(url(bot)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["owner", "admin", "member"])
def test_every_role_reads_analytics_and_every_period(tenant_a, bot, role):
    client = logged_in(tenant_a.user(role))
    for days in (7, 30, 90):
        response = client.get(url(bot), {"days": days})
        assert response.status_code == HTTPStatus.OK
        assert len(response.context["figures"].days) == days
        assert f'aria-label="Questions per day over the last {days} days"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("days", ["1e400", "9" * 400, "", "7.0", "0x7", "-7"])
def test_odd_periods_fall_back_to_thirty_days(tenant_a, bot, days):
    client = logged_in(tenant_a.member)
    client.raise_request_exception = False
    response = client.get(url(bot), {"days": days})
    assert response.status_code == HTTPStatus.OK
    assert response.context["days"] == 30


@pytest.mark.django_db
def test_days_are_the_local_days_of_the_site(tenant_a, settings):
    # Given a site in New Zealand and a conversation at 00:30 local time today (still yesterday in UTC)
    settings.TIME_ZONE = "Pacific/Auckland"
    bot = BotFactory(organization=tenant_a.organization)
    conversation = ConversationFactory(bot=bot)
    question = MessageFactory(conversation=conversation)
    moment = timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0)
    assert moment.astimezone(UTC).date() != moment.date()
    for obj in (conversation, question):
        type(obj).objects.filter(pk=obj.pk).update(created_at=moment)
    # When the owner opens the last 7 days
    figures = logged_in(tenant_a.member).get(url(bot), {"days": 7}).context["figures"]
    # Then it counts on today's bar, not yesterday's
    assert figures.days[-1].day == timezone.localdate()
    assert [(day.questions, day.conversations) for day in figures.days[-2:]] == [(0, 0), (1, 1)]


@pytest.mark.django_db
def test_queries_are_bounded_whatever_the_volume(tenant_a, bot, django_assert_max_num_queries):
    for days_ago in range(0, 90, 3):
        conversation = ConversationFactory(bot=bot)
        at(
            days_ago,
            conversation,
            MessageFactory(conversation=conversation),
            AnswerFactory(conversation=conversation, citations=[citation(f"Doc {days_ago}", f"d{days_ago}")]),
        )
    client = logged_in(tenant_a.member)
    with django_assert_max_num_queries(13):  # one more for the top unanswered questions
        figures = client.get(url(bot), {"days": 90}).context["figures"]
    assert figures.conversations == 33  # 30 here and the fixture's 3
    assert len(figures.top_documents) == 10


@pytest.mark.django_db
def test_top_unanswered_questions_count_alike_wordings_together(tenant_a):
    bot = BotFactory(organization=tenant_a.organization)

    def asked(question: str, *, unanswered: bool) -> None:
        conversation = ConversationFactory(bot=bot)
        MessageFactory(conversation=conversation, content=question)
        AnswerFactory(conversation=conversation, unanswered=unanswered)

    asked("What are your opening hours on Sunday?", unanswered=True)
    asked("opening hours sunday", unanswered=True)
    asked("What are the opening hours on Sunday", unanswered=True)
    asked("Do you sell gift cards?", unanswered=True)
    asked("How much is a ticket?", unanswered=False)  # answered: not a gap
    # When the owner opens Analytics
    response = logged_in(tenant_a.member).get(url(bot), {"days": 7})
    # Then the three wordings of one question are one row, first, in their newest wording
    top = [(question.text, question.count) for question in response.context["figures"].top_unanswered]
    assert top == [("What are the opening hours on Sunday", 3), ("Do you sell gift cards?", 1)]
    page = response.content.decode()
    assert "— 3 times without an answer" in page
    # And the unanswered figure leads to the conversations that had an unanswered question in the period
    first_day = response.context["figures"].days[0].day.isoformat()
    conversations = reverse("dashboard:bot-conversations", kwargs={"bot_id": bot.id})
    link = f"{conversations}?unanswered=on&amp;since={first_day}"
    assert f'href="{link}">4 of 5 answers' in page
    listed = logged_in(tenant_a.member).get(f"{conversations}?unanswered=on&since={first_day}")
    assert listed.context["page"].paginator.count == 4


@pytest.mark.django_db
def test_a_bot_that_answered_everything_has_no_unanswered_link(tenant_a, bot):
    answered = BotFactory(organization=tenant_a.organization)
    conversation = ConversationFactory(bot=answered)
    MessageFactory(conversation=conversation)
    AnswerFactory(conversation=conversation)
    page = logged_in(tenant_a.member).get(url(answered)).content.decode()
    assert "The bot answered every question in this period." in page
    assert "unanswered=on" not in page
