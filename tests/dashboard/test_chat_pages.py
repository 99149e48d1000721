"""Dashboard pages of conversations: the playground, the filtered list and the transcript."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bots.tests.factories import BotFactory
from chat.models import Channel, Conversation
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization, name="Harbour help", welcome_message="Ahoy!")


def conversations_url(bot) -> str:
    return reverse("dashboard:bot-conversations", kwargs={"bot_id": bot.id})


def listed(response) -> list[str]:
    return [conversation.title for conversation in response.context["page"].object_list]


@pytest.mark.django_db
class TestPlayground:
    def test_member_gets_the_playground_of_the_bot(self, tenant_a, bot):
        response = logged_in(tenant_a.member).get(reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id}))
        assert response.status_code == HTTPStatus.OK
        page = response.content.decode()
        assert f'data-socket="/ws/playground/{bot.id}/"' in page
        assert "Ahoy!" in page
        assert "Retrieved passages" in page


@pytest.mark.django_db
class TestConversationList:
    @pytest.fixture
    def conversations(self, bot):
        now = timezone.now()
        widget = ConversationFactory(bot=bot, channel=Channel.WIDGET, title="Widget, helpful")
        AnswerFactory(conversation=widget, feedback=1)
        api = ConversationFactory(bot=bot, channel=Channel.API, title="API, unhelpful and unanswered")
        AnswerFactory(conversation=api, feedback=-1, unanswered=True)
        old = ConversationFactory(bot=bot, channel=Channel.PLAYGROUND, title="Playground, last month")
        MessageFactory(conversation=old)
        Conversation.objects.filter(id=old.id).update(created_at=now - timedelta(days=30))
        return widget, api, old

    def test_filters(self, tenant_a, bot, conversations):
        client = logged_in(tenant_a.member)
        url = conversations_url(bot)
        assert len(listed(client.get(url))) == 3
        assert listed(client.get(url, {"channel": "api"})) == ["API, unhelpful and unanswered"]
        assert listed(client.get(url, {"unanswered": "on"})) == ["API, unhelpful and unanswered"]
        assert listed(client.get(url, {"feedback": "up"})) == ["Widget, helpful"]
        assert listed(client.get(url, {"feedback": "down"})) == ["API, unhelpful and unanswered"]
        assert listed(client.get(url, {"feedback": "none"})) == ["Playground, last month"]
        week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
        assert sorted(listed(client.get(url, {"since": week_ago}))) == [
            "API, unhelpful and unanswered",
            "Widget, helpful",
        ]
        assert listed(client.get(url, {"until": week_ago})) == ["Playground, last month"]

    def test_bad_filters_are_explained_not_a_500(self, tenant_a, bot, conversations):
        client = logged_in(tenant_a.member)
        today = timezone.localdate()
        reversed_range = client.get(
            conversations_url(bot), {"since": today.isoformat(), "until": (today - timedelta(days=3)).isoformat()}
        )
        assert reversed_range.status_code == HTTPStatus.OK
        assert "The end date is before the start date." in reversed_range.content.decode()
        garbage = client.get(conversations_url(bot), {"since": "yesterday-ish", "channel": "fax", "page": "x"})
        assert garbage.status_code == HTTPStatus.OK
        assert "Enter a valid date." in garbage.content.decode()

    def test_pages(self, tenant_a, bot):
        ConversationFactory.create_batch(55, bot=bot)
        client = logged_in(tenant_a.member)
        first = client.get(conversations_url(bot), {"channel": "widget"})
        assert len(listed(first)) == 50
        assert "page=2" in first.content.decode()
        assert "channel=widget" in first.content.decode()
        assert len(listed(client.get(conversations_url(bot), {"channel": "widget", "page": 2}))) == 5

    def test_empty_state_points_to_the_playground(self, tenant_a, bot):
        page = logged_in(tenant_a.member).get(conversations_url(bot)).content.decode()
        assert "No conversations" in page
        assert reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id}) in page


@pytest.mark.django_db
class TestTranscript:
    def test_shows_messages_citations_feedback_and_timing(self, tenant_a, bot):
        conversation = ConversationFactory(bot=bot, title="Ferry prices", origin_page="https://shop.example/help")
        MessageFactory(conversation=conversation, content="How much is the ferry?")
        AnswerFactory(
            conversation=conversation,
            content="Twelve euros for adults [1].",
            citations=[{"number": 1, "title": "Fares.pdf", "page": 2, "document_id": "x", "snippet": "", "score": 0.5}],
            feedback=-1,
            time_to_first_token_ms=420,
            latency_ms=900,
        )
        response = logged_in(tenant_a.member).get(
            reverse("dashboard:conversation-detail", kwargs={"conversation_id": conversation.id})
        )
        page = response.content.decode()
        assert response.status_code == HTTPStatus.OK
        assert "How much is the ferry?" in page
        assert "Twelve euros for adults [1]." in page
        assert "[1] Fares.pdf, page 2" in page
        assert "not helpful" in page
        assert "first token 420 ms" in page
        assert "https://shop.example/help" in page

    def test_answer_text_is_escaped(self, tenant_a, bot):
        conversation = ConversationFactory(bot=bot)
        AnswerFactory(conversation=conversation, content="<script>alert(1)</script>")
        page = (
            logged_in(tenant_a.member)
            .get(reverse("dashboard:conversation-detail", kwargs={"conversation_id": conversation.id}))
            .content.decode()
        )
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;" in page


@pytest.mark.django_db
def test_another_organization_gets_404_for_every_chat_page(tenant_a, tenant_b, bot):
    conversation = ConversationFactory(bot=bot)
    outsider = logged_in(tenant_b.owner)
    for url in (
        reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id}),
        reverse("dashboard:bot-conversations", kwargs={"bot_id": bot.id}),
        reverse("dashboard:conversation-detail", kwargs={"conversation_id": conversation.id}),
    ):
        assert outsider.get(url).status_code == HTTPStatus.NOT_FOUND, url
    assert Client().get(reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id})).status_code == HTTPStatus.FOUND


@pytest.mark.django_db
class TestWidgetPage:
    def url(self, bot) -> str:
        return reverse("dashboard:bot-widget", kwargs={"bot_id": bot.id})

    def test_snippet_hosted_page_and_live_preview(self, tenant_a, bot, settings):
        settings.SITE_URL = "https://chat.example.net"
        page = logged_in(tenant_a.member).get(self.url(bot)).content.decode()
        assert (
            f"&lt;script src=&quot;https://chat.example.net/static/chatsphere/widget.js&quot; "
            f"data-bot=&quot;{bot.public_key}&quot; async&gt;&lt;/script&gt;"
        ) in page
        assert f"https://chat.example.net/chat/{bot.public_key}/" in page
        assert f'data-bot="{bot.public_key}"' in page  # the preview on this page
        assert "Only admins and owners can change these settings." in page

    def test_admin_saves_settings_and_errors_stay_next_to_fields(self, tenant_a, bot):
        client = logged_in(tenant_a.admin)
        form = {
            "widget_title": "Ask the harbour",
            "welcome_message": "Ahoy!",
            "suggested_questions": "When does the ferry leave?\nHow much is it?",
            "primary_color": "#112233",
            "position": "left",
            "allowed_origins": "https://Shop.Example.com\nhttps://www.example.org",
            "is_active": "on",
        }
        assert client.post(self.url(bot), form).status_code == HTTPStatus.FOUND
        bot.refresh_from_db()
        assert bot.widget_title == "Ask the harbour"
        assert bot.position == "left"
        assert bot.allowed_origins == ["https://shop.example.com", "https://www.example.org"]
        assert bot.suggested_questions == ["When does the ferry leave?", "How much is it?"]

        for field, value in (("allowed_origins", "shop.example.com/path"), ("primary_color", "red")):
            bad = client.post(self.url(bot), {**form, field: value})
            assert bad.status_code == HTTPStatus.BAD_REQUEST
            assert f'id="id_{field}_errors"' in bad.content.decode()
        bot.refresh_from_db()
        assert bot.primary_color == "#112233"

    def test_member_cannot_change_the_widget(self, tenant_a, bot):
        response = logged_in(tenant_a.member).post(self.url(bot), {"widget_title": "Hijacked", "position": "left"})
        assert response.status_code == HTTPStatus.FORBIDDEN
        bot.refresh_from_db()
        assert bot.widget_title != "Hijacked"

    def test_another_organization_gets_404(self, tenant_b, bot):
        client = logged_in(tenant_b.owner)
        assert client.get(self.url(bot)).status_code == HTTPStatus.NOT_FOUND
        assert client.post(self.url(bot), {"widget_title": "x"}).status_code == HTTPStatus.NOT_FOUND
