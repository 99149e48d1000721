"""The bot's identity secret: made and rotated by admins and owners through the API and the
dashboard, shown once, and never again — not in the bot's API output, the admin, the audit log or
the logs. Another organization gets 404 and nothing changes."""

from __future__ import annotations

import logging
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from bots.identity import identity_rejection, identity_sign
from bots.models import Bot
from bots.tests.factories import BotFactory
from conftest import jwt_client

pytestmark = pytest.mark.django_db


def rotate_url(bot: Bot) -> str:
    return f"/api/v1/bots/{bot.id}/rotate-identity-secret/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def verifies(secret: str, user_id: str = "customer-4711") -> bool:
    user_hash = identity_sign(secret=secret, user_id=user_id)
    return identity_rejection(secret=secret, user_id=user_id, user_hash=user_hash)[0] is not None


class TestApi:
    def test_an_admin_makes_the_secret_and_sees_it_once(self, tenant_a, caplog):
        bot = BotFactory(organization=tenant_a.organization)
        client = jwt_client(tenant_a.admin)
        assert client.get(f"/api/v1/bots/{bot.id}/").json()["identity_verification"] is False

        with caplog.at_level(logging.DEBUG):
            response = client.post(rotate_url(bot))

        assert response.status_code == HTTPStatus.OK, response.content
        body = response.json()
        secret = body["identity_secret"]
        assert secret.startswith("ids_") and len(secret) > 40
        assert body["identity_verification"] is True and body["identity_secret_rotated_at"]
        bot.refresh_from_db()
        assert bot.identity_secret == secret
        # Never shown again.
        for url in ("/api/v1/bots/", f"/api/v1/bots/{bot.id}/"):
            later = client.get(url)
            assert secret not in later.content.decode()
            assert "identity_secret" not in (later.json()["results"][0] if url == "/api/v1/bots/" else later.json())
        assert client.get(f"/api/v1/bots/{bot.id}/").json()["identity_verification"] is True
        entry = AuditEntry.objects.get(action=AuditAction.BOT_ROTATE_IDENTITY_SECRET)
        assert (entry.target_id, entry.changes) == (str(bot.id), {"replaced": False})
        assert secret not in str(entry.changes)
        assert all(secret not in record.getMessage() for record in caplog.records)

    def test_rotation_replaces_the_secret_and_old_signatures_stop_verifying(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        client = jwt_client(tenant_a.owner)
        first = client.post(rotate_url(bot)).json()["identity_secret"]
        second = client.post(rotate_url(bot)).json()["identity_secret"]

        assert first != second
        bot.refresh_from_db()
        old_hash = identity_sign(secret=first, user_id="customer-4711")
        rejected, reason = identity_rejection(secret=bot.identity_secret, user_id="customer-4711", user_hash=old_hash)
        assert (rejected, reason) == (None, "the signature does not match")
        assert verifies(bot.identity_secret)
        assert AuditEntry.objects.filter(action=AuditAction.BOT_ROTATE_IDENTITY_SECRET).count() == 2

    def test_a_member_is_refused_and_nothing_changes(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        response = jwt_client(tenant_a.member).post(rotate_url(bot))
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert response.json()["code"] == "permission_denied"
        bot.refresh_from_db()
        assert bot.identity_secret == "" and bot.identity_secret_rotated_at is None

    def test_another_organizations_bot_is_404_and_its_secret_is_kept(self, tenant_a, tenant_b):
        bot = BotFactory(organization=tenant_a.organization)
        secret = jwt_client(tenant_a.admin).post(rotate_url(bot)).json()["identity_secret"]

        response = jwt_client(tenant_b.owner).post(rotate_url(bot))

        assert response.status_code == HTTPStatus.NOT_FOUND
        assert response.json()["code"] == "not_found"
        bot.refresh_from_db()
        assert bot.identity_secret == secret


class TestDashboard:
    def test_the_settings_page_makes_the_secret_and_shows_it_this_once(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        client = logged_in(tenant_a.admin)
        settings_url = reverse("dashboard:bot-settings", args=[bot.id])
        before = client.get(settings_url).content.decode()
        assert "Identity verification is off" in before and "Make an identity secret" in before

        response = client.post(reverse("dashboard:bot-rotate-identity-secret", args=[bot.id]))

        assert response.status_code == HTTPStatus.OK
        bot.refresh_from_db()
        page = response.content.decode()
        assert "Copy the identity secret now" in page and bot.identity_secret in page
        assert not response.context["form"].is_bound, "the settings form shows the saved settings"
        assert "This field is required" not in page
        again = client.get(settings_url).content.decode()
        assert bot.identity_secret not in again
        assert "Identity verification is on" in again and "Rotate the identity secret" in again

    def test_a_member_sees_no_button_and_cannot_post(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        client = logged_in(tenant_a.member)
        assert (
            "Make an identity secret"
            not in client.get(reverse("dashboard:bot-settings", args=[bot.id])).content.decode()
        )
        response = client.post(reverse("dashboard:bot-rotate-identity-secret", args=[bot.id]))
        assert response.status_code == HTTPStatus.FORBIDDEN
        bot.refresh_from_db()
        assert bot.identity_secret == ""

    def test_another_organizations_bot_is_404(self, tenant_a, tenant_b):
        bot = BotFactory(organization=tenant_a.organization)
        response = logged_in(tenant_b.owner).post(reverse("dashboard:bot-rotate-identity-secret", args=[bot.id]))
        assert response.status_code == HTTPStatus.NOT_FOUND
        bot.refresh_from_db()
        assert bot.identity_secret == ""


def test_the_admin_shows_whether_there_is_a_secret_never_the_secret(tenant_a):
    tenant_a.owner.is_staff = True
    tenant_a.owner.save(update_fields=["is_staff"])
    bot = BotFactory(organization=tenant_a.organization)
    secret = jwt_client(tenant_a.owner).post(rotate_url(bot)).json()["identity_secret"]
    client = logged_in(tenant_a.owner)

    change = client.get(reverse("admin:bots_bot_change", args=[bot.pk]))
    listing = client.get(reverse("admin:bots_bot_changelist"))

    assert change.status_code == HTTPStatus.OK
    assert "Identity verification" in change.content.decode()
    assert "identity_secret" not in change.context["adminform"].form.fields
    for response in (change, listing):
        assert secret not in response.content.decode()
