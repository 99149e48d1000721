"""A form sent after the session expired: the owner is told why nothing happened, logs in, and is
back on the page the form was on (never a bare 405) with what they typed."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from bots.tests.factories import BotFactory
from documents.models import Document

PASTED = "Opening hours\n\nThe harbour office opens at eight and closes at six, except on Sundays."


def expired_client(user) -> Client:
    """A browser whose session ended (expired, or logged out elsewhere)."""
    client = Client()
    client.force_login(user)
    client.session.flush()
    client.cookies.clear()
    return client


@pytest.mark.django_db
class TestExpiredSession:
    @pytest.fixture
    def bot(self, tenant_a):
        return BotFactory(organization=tenant_a.organization, name="Harbour help")

    def test_pasted_text_survives_logging_in_again(self, tenant_a, bot):
        knowledge = reverse("dashboard:bot-knowledge", kwargs={"bot_id": bot.id})
        client = expired_client(tenant_a.owner)

        sent = client.post(
            reverse("dashboard:bot-knowledge-text", kwargs={"bot_id": bot.id}),
            {"title": "Harbour office", "text": PASTED},
            HTTP_REFERER=f"http://testserver{knowledge}",
        )
        assert sent.status_code == HTTPStatus.FOUND
        assert not Document.objects.exists()
        login_page = client.get(sent.url)
        assert "Your session expired, so that was not saved" in login_page.content.decode()

        logged_in = client.post(sent.url, {"username": tenant_a.owner.email, "password": PASSWORD})
        assert logged_in.status_code == HTTPStatus.FOUND
        assert logged_in.url == knowledge

        page = client.get(logged_in.url)
        assert page.status_code == HTTPStatus.OK
        html = page.content.decode()
        assert "back in the form" in html
        assert "The harbour office opens at eight" in html
        assert page.context["text_form"].initial["title"] == "Harbour office"
        assert page.context["url_form"].initial == {}  # only the form that was sent is filled

        # Once restored, the draft is gone: the next visit shows empty forms.
        assert "The harbour office opens at eight" not in client.get(knowledge).content.decode()

    def test_a_post_only_address_without_referer_returns_to_the_dashboard_not_a_405(self, tenant_a, bot):
        client = expired_client(tenant_a.owner)
        sent = client.post(reverse("dashboard:bot-rotate-key", kwargs={"bot_id": bot.id}))
        logged_in = client.post(sent.url, {"username": tenant_a.owner.email, "password": PASSWORD})
        landing = client.get(logged_in.url, follow=True)
        assert landing.status_code == HTTPStatus.OK
        assert landing.redirect_chain[-1][0] == reverse("dashboard:bot-list")

    def test_secrets_and_foreign_referers_are_not_kept(self, tenant_a, bot):
        client = expired_client(tenant_a.owner)
        sent = client.post(
            reverse("dashboard:organization-rename"),
            {"name": "New name", "password": "typed secret", "csrfmiddlewaretoken": "x"},
            HTTP_REFERER="https://evil.example/app/bots/",
        )
        assert sent.url == f"{reverse('dashboard:login')}?next={reverse('dashboard:home')}"
        kept = client.session["dashboard.draft"]["fields"]
        assert kept == {"name": "New name"}
