"""The bots API: create, read, change, delete, rotate the widget key, and list in pages."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bots.models import DEFAULT_FALLBACK_MESSAGE, DEFAULT_SYSTEM_PROMPT, Bot
from bots.templates_catalog import TEMPLATES
from bots.tests.factories import BotFactory
from conftest import jwt_client

BOTS = "/api/v1/bots/"


def bot_url(bot_id) -> str:
    return f"{BOTS}{bot_id}/"


@pytest.mark.django_db
class TestCrud:
    def test_create_with_defaults(self, tenant_a):
        response = jwt_client(tenant_a.admin).post(BOTS, {"name": "  Support  "}, format="json")
        assert response.status_code == HTTPStatus.CREATED, response.content
        body = response.json()
        assert body["name"] == "Support"
        assert body["model"] == settings.GEMINI_MODEL
        assert body["system_prompt"] == DEFAULT_SYSTEM_PROMPT
        assert body["fallback_message"] == DEFAULT_FALLBACK_MESSAGE
        assert body["temperature"] == 0.2
        assert body["top_k"] == 5
        assert body["allowed_origins"] == []
        assert body["suggested_questions"] == []
        assert body["primary_color"] == "#2563EB"
        assert body["position"] == "right"
        assert body["theme"] == "auto"
        assert body["is_active"] is True
        assert body["public_key"].startswith("pk_")
        bot = Bot.objects.get(id=body["id"])
        assert bot.organization == tenant_a.organization

    @override_settings(GEMINI_MODEL="gemini-test-default", GEMINI_MODELS=["gemini-test-default", "gemini-other"])
    def test_default_model_comes_from_settings(self, tenant_a):
        response = jwt_client(tenant_a.admin).post(BOTS, {"name": "Configured"}, format="json")
        assert response.status_code == HTTPStatus.CREATED
        assert response.json()["model"] == "gemini-test-default"
        chosen = jwt_client(tenant_a.admin).post(BOTS, {"name": "Chosen", "model": "gemini-other"}, format="json")
        assert chosen.json()["model"] == "gemini-other"

    def test_create_from_a_template(self, tenant_a):
        payload = {"name": "Docs helper", "template": "docs", "welcome_message": "Ask about the manual."}
        response = jwt_client(tenant_a.admin).post(BOTS, payload, format="json")
        assert response.status_code == HTTPStatus.CREATED, response.content
        body = response.json()
        template = TEMPLATES["docs"]
        assert (body["system_prompt"], body["suggested_questions"], body["top_k"]) == (
            template.system_prompt,
            template.suggested_questions,
            template.top_k,
        )
        assert body["welcome_message"] == "Ask about the manual."  # what is given wins over the template

    def test_an_unknown_template_is_refused(self, tenant_a):
        response = jwt_client(tenant_a.admin).post(BOTS, {"name": "Odd", "template": "legal"}, format="json")
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "template" in response.json()["errors"]
        assert not Bot.objects.exists()

    def test_create_with_settings(self, tenant_a):
        payload = {
            "name": "Shop helper",
            "description": "Answers shop questions",
            "system_prompt": "Be brief.",
            "temperature": 0.7,
            "max_output_tokens": 512,
            "welcome_message": "Hello!",
            "suggested_questions": [" Where is my order? ", "Returns?"],
            "top_k": 8,
            "strictness": 0.35,
            "allowed_origins": ["HTTPS://Shop.Example.com:443", "http://localhost:3000", "https://shop.example.com"],
            "widget_title": "Shop",
            "primary_color": "#aabbcc",
            "position": "left",
            "theme": "dark",
            "is_active": False,
        }
        response = jwt_client(tenant_a.owner).post(BOTS, payload, format="json")
        assert response.status_code == HTTPStatus.CREATED, response.content
        body = response.json()
        assert body["allowed_origins"] == ["https://shop.example.com", "http://localhost:3000"]
        assert body["suggested_questions"] == ["Where is my order?", "Returns?"]
        assert body["primary_color"] == "#AABBCC"
        assert body["temperature"] == 0.7
        assert body["top_k"] == 8
        assert body["position"] == "left"
        assert body["theme"] == "dark"
        assert body["is_active"] is False

    def test_read(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization, name="Read me")
        response = jwt_client(tenant_a.member).get(bot_url(bot.id))
        assert response.status_code == HTTPStatus.OK
        assert response.json()["id"] == str(bot.id)
        assert response.json()["name"] == "Read me"

    def test_patch_changes_only_what_is_sent(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization, name="Old", temperature=0.2, top_k=5)
        client = jwt_client(tenant_a.admin)
        response = client.patch(bot_url(bot.id), {"temperature": 1.1, "welcome_message": "Hey"}, format="json")
        assert response.status_code == HTTPStatus.OK, response.content
        body = response.json()
        assert body["temperature"] == 1.1
        assert body["welcome_message"] == "Hey"
        assert body["name"] == "Old"
        assert body["top_k"] == 5
        bot.refresh_from_db()
        assert (bot.temperature, bot.welcome_message, bot.name) == (1.1, "Hey", "Old")
        assert client.get(bot_url(bot.id)).json()["temperature"] == 1.1

    def test_invalid_patch_changes_nothing(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization, name="Keep")
        response = jwt_client(tenant_a.admin).patch(bot_url(bot.id), {"name": "New", "top_k": 99}, format="json")
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "top_k" in response.json()["errors"]
        bot.refresh_from_db()
        assert bot.name == "Keep"

    def test_delete_then_404(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        client = jwt_client(tenant_a.admin)
        response = client.delete(bot_url(bot.id))
        assert response.status_code == HTTPStatus.NO_CONTENT
        assert not Bot.objects.filter(id=bot.id).exists()
        for method in (client.get, client.delete, client.patch):
            gone = method(bot_url(bot.id))
            assert gone.status_code == HTTPStatus.NOT_FOUND
            assert gone.json()["code"] == "not_found"

    def test_rotate_key_changes_the_public_key(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        old_key = bot.public_key
        client = jwt_client(tenant_a.admin)
        response = client.post(f"{bot_url(bot.id)}rotate-key/")
        assert response.status_code == HTTPStatus.OK
        new_key = response.json()["public_key"]
        assert new_key != old_key
        assert new_key.startswith("pk_")
        bot.refresh_from_db()
        assert bot.public_key == new_key
        assert client.get(bot_url(bot.id)).json()["public_key"] == new_key
        # rotating again gives yet another key
        assert client.post(f"{bot_url(bot.id)}rotate-key/").json()["public_key"] not in {old_key, new_key}


@pytest.mark.django_db
class TestList:
    def test_list_shows_only_the_organization_bots_newest_first(self, tenant_a, tenant_b):
        first = BotFactory(organization=tenant_a.organization)
        second = BotFactory(organization=tenant_a.organization)
        BotFactory(organization=tenant_b.organization)
        response = jwt_client(tenant_a.member).get(BOTS)
        assert response.status_code == HTTPStatus.OK
        body = response.json()
        assert [b["id"] for b in body["results"]] == [str(second.id), str(first.id)]
        assert body["next"] is None

    def test_cursor_pagination_walks_every_bot_once(self, tenant_a):
        created = {str(BotFactory(organization=tenant_a.organization).id) for _ in range(30)}
        client = jwt_client(tenant_a.member)
        url = f"{BOTS}?page_size=7"
        seen: list[str] = []
        pages = 0
        while url:
            response = client.get(url)
            assert response.status_code == HTTPStatus.OK
            body = response.json()
            assert len(body["results"]) <= 7
            seen.extend(b["id"] for b in body["results"])
            url = body["next"]
            pages += 1
            assert pages <= 10, "pagination does not end"
        assert pages == 5
        assert len(seen) == len(set(seen)) == 30
        assert set(seen) == created

    def test_default_page_is_bounded(self, tenant_a):
        for _ in range(3):
            BotFactory(organization=tenant_a.organization)
        body = jwt_client(tenant_a.member).get(f"{BOTS}?page_size=2").json()
        assert len(body["results"]) == 2
        assert body["next"]
        assert body["previous"] is None

    def test_list_query_count_does_not_grow_with_bots(self, tenant_a):
        client = jwt_client(tenant_a.member)

        def queries_for_listing() -> tuple[int, int]:
            with CaptureQueriesContext(connection) as context:
                response = client.get(BOTS)
            assert response.status_code == HTTPStatus.OK
            return len(context.captured_queries), len(response.json()["results"])

        for _ in range(3):
            BotFactory(organization=tenant_a.organization)
        few, listed_few = queries_for_listing()
        for _ in range(27):
            BotFactory(organization=tenant_a.organization)
        many, listed_many = queries_for_listing()
        assert (listed_few, listed_many) == (3, 30)
        assert many == few, f"{few} queries for 3 bots, {many} for 30"
