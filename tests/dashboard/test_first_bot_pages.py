"""A new owner's way to a first bot: the short creation form, the checklist on the Bots page,
the notices of a bot without ready documents, Advanced settings and the answer engine notice."""

from __future__ import annotations

import html
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import MembershipFactory
from bots.models import Bot
from bots.templates_catalog import TEMPLATES
from bots.tests.factories import BotFactory
from chat.models import Channel
from chat.tests.factories import ConversationFactory
from documents.models import DocumentStatus
from documents.tests.factories import DocumentFactory

BOTS = reverse("dashboard:bot-list")
OFFLINE_NOTICE = "Answers come from the built-in <strong>offline engine</strong>"
NO_KNOWLEDGE = "No ready documents yet."


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    """The page's text without tags, spaces collapsed: what a screen reader would read."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def checklist_steps_from(page: str) -> list[str]:
    """Each step of the checklist as read aloud: its state in words, then its name."""
    items = re.findall(r'<li class="(?:done|todo)" data-step="\w+">(.*?)</li>', page, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip().split(" —")[0] for item in items]


def checklist_steps(response) -> list[str]:
    return checklist_steps_from(response.content.decode())


@pytest.mark.django_db
class TestCreateBot:
    def test_the_form_asks_only_a_name_and_a_template(self, tenant_a):
        response = logged_in(tenant_a.admin).get(reverse("dashboard:bot-create"))
        page = response.content.decode()
        fields = set(re.findall(r'<(?:input|textarea|select)[^>]*name="(\w+)"', page)) - {"csrfmiddlewaretoken"}
        assert fields == {"name", "template"}
        for template in TEMPLATES.values():
            assert template.label in page
            assert template.summary in text(response)

    def test_creating_from_a_template_lands_on_knowledge(self, tenant_a):
        response = logged_in(tenant_a.admin).post(
            reverse("dashboard:bot-create"), {"name": "Harbour help", "template": "support"}
        )
        bot = Bot.objects.get(organization=tenant_a.organization)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == reverse("dashboard:bot-knowledge", args=[bot.id])
        assert (bot.name, bot.welcome_message) == ("Harbour help", TEMPLATES["support"].welcome_message)

    def test_a_missing_name_is_said_next_to_the_field_and_nothing_is_created(self, tenant_a):
        response = logged_in(tenant_a.admin).post(reverse("dashboard:bot-create"), {"name": "", "template": "docs"})
        assert response.status_code == HTTPStatus.OK
        assert response.context["form"].errors == {"name": ["This field is required."]}
        assert 'value="docs" aria-describedby="template-docs-help" checked' in response.content.decode()
        assert not Bot.objects.exists()


@pytest.mark.django_db
class TestChecklist:
    def test_a_new_owner_sees_every_step_to_do_with_its_state_in_words(self, tenant_a):
        response = logged_in(tenant_a.owner).get(BOTS)
        assert checklist_steps(response) == [
            "To do Create a bot",
            "To do Add knowledge",
            "To do Try it in the playground",
            "To do Put it on your site",
        ]
        assert "0 of 4 done." in text(response)

    def test_progress_is_ticked_and_steps_link_to_the_bot(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization, name="Harbour help", allowed_origins=[])
        DocumentFactory(bot=bot)
        response = logged_in(tenant_a.owner).get(BOTS)
        assert checklist_steps(response) == [
            "Done Create a bot",
            "Done Add knowledge",
            "To do Try it in the playground",
            "To do Put it on your site",
        ]
        page = response.content.decode()
        assert f'<a href="{reverse("dashboard:bot-playground", args=[bot.id])}">Try it in the playground</a>' in page
        assert f'<a href="{reverse("dashboard:bot-widget", args=[bot.id])}">Put it on your site</a>' in page

    def test_it_disappears_once_every_step_is_done(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        DocumentFactory(bot=bot)
        ConversationFactory(bot=bot, channel=Channel.PLAYGROUND)
        ConversationFactory(bot=bot, channel=Channel.WIDGET)
        assert checklist_steps(logged_in(tenant_a.owner).get(BOTS)) == []

    def test_it_can_be_hidden(self, tenant_a, tenant_b):
        MembershipFactory(user=tenant_a.owner, organization=tenant_b.organization)
        client = logged_in(tenant_a.owner)
        client.post(reverse("dashboard:organization-switch"), {"organization": str(tenant_a.organization.id)})
        response = client.post(reverse("dashboard:onboarding-dismiss"))
        assert response.status_code == HTTPStatus.FOUND
        assert checklist_steps(client.get(BOTS)) == []
        # Hidden for that organization only: the owner's other one still shows its own.
        client.post(reverse("dashboard:organization-switch"), {"organization": str(tenant_b.organization.id)})
        assert len(checklist_steps(client.get(BOTS))) == 4

    def test_another_organizations_progress_never_shows(self, tenant_a, tenant_b):
        foreign = BotFactory(organization=tenant_b.organization)
        DocumentFactory(bot=foreign)
        ConversationFactory(bot=foreign, channel=Channel.PLAYGROUND)
        page = logged_in(tenant_a.owner).get(BOTS).content.decode()
        assert checklist_steps_from(page) == [
            "To do Create a bot",
            "To do Add knowledge",
            "To do Try it in the playground",
            "To do Put it on your site",
        ]
        assert str(foreign.id) not in page

    def test_members_who_cannot_create_bots_do_not_get_it(self, tenant_a):
        assert checklist_steps(logged_in(tenant_a.member).get(BOTS)) == []


@pytest.mark.django_db
class TestNoKnowledgeNotices:
    @pytest.fixture
    def bot(self, tenant_a):
        return BotFactory(
            organization=tenant_a.organization, name="Harbour help", welcome_message="Ask me about the ferries!"
        )

    @pytest.mark.parametrize("page", ["dashboard:bot-playground", "dashboard:bot-widget"])
    def test_a_bot_without_ready_documents_says_so(self, tenant_a, bot, page):
        DocumentFactory(bot=bot, status=DocumentStatus.PROCESSING)
        response = logged_in(tenant_a.member).get(reverse(page, args=[bot.id]))
        assert NO_KNOWLEDGE in text(response)
        assert reverse("dashboard:bot-knowledge", args=[bot.id]) in response.content.decode()

    @pytest.mark.parametrize("page", ["dashboard:bot-playground", "dashboard:bot-widget"])
    def test_a_bot_with_a_ready_document_does_not(self, tenant_a, bot, page):
        DocumentFactory(bot=bot)
        response = logged_in(tenant_a.member).get(reverse(page, args=[bot.id]))
        assert NO_KNOWLEDGE not in text(response)

    def test_the_playground_welcome_promises_only_what_the_bot_can_answer(self, tenant_a, bot):
        url = reverse("dashboard:bot-playground", args=[bot.id])
        client = logged_in(tenant_a.member)
        assert "Ask me about the ferries!" not in text(client.get(url))
        assert "I can't answer questions yet" in text(client.get(url))
        DocumentFactory(bot=bot)
        assert "Ask me about the ferries!" in text(client.get(url))

    def test_the_bots_list_marks_each_bot_without_ready_documents(self, tenant_a, bot):
        ready = BotFactory(organization=tenant_a.organization, name="Ferry times")
        DocumentFactory(bot=ready)
        rows = re.findall(r"<tr>(.*?)</tr>", logged_in(tenant_a.member).get(BOTS).content.decode(), re.S)
        marked = {name: "no ready documents" in row for row in rows for name in re.findall(r">([^<]+)</a>", row)[:1]}
        assert marked == {"Harbour help": True, "Ferry times": False}


@pytest.mark.django_db
class TestSettingsPage:
    def test_expert_settings_sit_in_a_closed_advanced_section_with_help(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        page = logged_in(tenant_a.admin).get(reverse("dashboard:bot-settings", args=[bot.id])).content.decode()
        advanced = re.search(r'<details class="advanced">(.*?)</details>', page, re.S)
        assert advanced is not None  # closed: no `open` attribute
        for field in ("model", "temperature", "max_output_tokens", "top_k", "strictness", "chunk_tokens"):
            assert f'name="{field}"' in advanced[1]
            assert f'id="id_{field}_helptext"' in advanced[1]
        assert 'name="system_prompt"' not in advanced[1]

    def test_an_error_inside_advanced_opens_it(self, tenant_a, settings):
        settings.GEMINI_MODELS = ["gemini-3.5-flash"]
        bot = BotFactory(organization=tenant_a.organization, model="gemini-3.5-flash")
        response = logged_in(tenant_a.admin).post(
            reverse("dashboard:bot-settings", args=[bot.id]),
            {"name": bot.name, "model": bot.model, "temperature": "0.2", "max_output_tokens": "1024"}
            | {"top_k": "50", "strictness": "0.4", "fallback_message": "Sorry.", "primary_color": "#2563EB"}
            | {"position": "right"}
            | {"handoff_name": "optional", "handoff_name_label": "Your name", "handoff_email": "required"}
            | {"handoff_email_label": "Your e-mail address", "handoff_message": "optional"}
            | {"handoff_message_label": "How can we help?"},
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert '<details class="advanced" open>' in response.content.decode()
        assert "top_k" in response.context["form"].errors


@pytest.mark.django_db
class TestAnswerEngineNotice:
    @pytest.fixture
    def bot(self, tenant_a):
        return BotFactory(organization=tenant_a.organization)

    def test_the_offline_engine_is_named_where_the_model_is_shown(self, tenant_a, bot, settings):
        settings.GEMINI_API_KEY = ""
        client = logged_in(tenant_a.admin)
        for url in (BOTS, reverse("dashboard:bot-settings", args=[bot.id])):
            page = client.get(url).content.decode()
            assert OFFLINE_NOTICE in page
            assert "<code>GEMINI_API_KEY</code>" in page
            assert "docs/configuration.md" in page

    def test_with_gemini_switched_on_there_is_no_notice(self, tenant_a, bot, settings):
        settings.GEMINI_API_KEY = "key-of-this-deployment"
        client = logged_in(tenant_a.admin)
        for url in (BOTS, reverse("dashboard:bot-settings", args=[bot.id])):
            assert OFFLINE_NOTICE not in client.get(url).content.decode()
