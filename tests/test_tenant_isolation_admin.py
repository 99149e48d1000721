"""The Django admin shows each bot owner only their own organizations' rows.

Generated from the admin registry: for every tenant model, organization B's staff owner gets
404 on the change, delete and history pages of organization A's object, does not see it in the
change list or search, cannot pick A's rows in foreign-key choices, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from accounts.admin_base import TenantAdmin
from accounts.models import Membership, Organization
from accounts.tests.factories import ApiKeyFactory, InvitationFactory
from audit.models import AuditAction, AuditEntry
from bots.models import Bot
from bots.tests.factories import BotFactory
from chat.tests.factories import AnswerFactory, CuratedAnswerFactory
from conftest import Tenant
from documents.tests.factories import DocumentFactory
from leads.tests.factories import LeadFactory
from privacy.models import RetentionPolicy
from webhooks.tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory

FACTORIES: dict[str, Callable[[Tenant], Model]] = {
    "accounts.Organization": lambda tenant: tenant.organization,
    "accounts.Membership": lambda tenant: Membership.objects.get(organization=tenant.organization, user=tenant.member),
    "accounts.Invitation": lambda tenant: InvitationFactory(organization=tenant.organization),
    "accounts.ApiKey": lambda tenant: ApiKeyFactory(organization=tenant.organization),
    "bots.Bot": lambda tenant: BotFactory(organization=tenant.organization, name="Alpha secret bot"),
    "documents.Document": lambda tenant: DocumentFactory(bot=BotFactory(organization=tenant.organization)),
    "chat.CuratedAnswer": lambda tenant: CuratedAnswerFactory(bot=BotFactory(organization=tenant.organization)),
    "audit.AuditEntry": lambda tenant: AuditEntry.objects.create(
        organization=tenant.organization,
        actor_label=tenant.owner.email,
        action=AuditAction.BOT_DELETE,
        target_type="bot",
    ),
    "privacy.RetentionPolicy": lambda tenant: RetentionPolicy.objects.create(
        organization=tenant.organization, conversation_days=30
    ),
    "chat.Conversation": lambda tenant: (
        AnswerFactory(conversation__bot=BotFactory(organization=tenant.organization)).conversation
    ),
    "webhooks.WebhookEndpoint": lambda tenant: WebhookEndpointFactory(organization=tenant.organization),
    "webhooks.WebhookDelivery": lambda tenant: WebhookDeliveryFactory(endpoint__organization=tenant.organization),
    "leads.Lead": lambda tenant: LeadFactory(bot=BotFactory(organization=tenant.organization), name="Alpha secret"),
}


def tenant_admins() -> list[tuple[type[Model], TenantAdmin]]:
    registry = admin.site._registry.items()
    pairs = [(model, model_admin) for model, model_admin in registry if isinstance(model_admin, TenantAdmin)]
    return sorted(pairs, key=lambda pair: pair[0]._meta.label)


def _rows(model: type[Model]) -> list[dict[str, Any]]:
    return list(model.objects.order_by("pk").values())


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_tenant_model_has_a_factory():
    for model, _model_admin in tenant_admins():
        assert model._meta.label in FACTORIES, f"add a factory for {model._meta.label} to this test"


def test_every_tenant_model_uses_the_tenant_admin():
    scoped = {model for model, _ in tenant_admins()}
    for model in admin.site._registry:
        if any(field.name == "organization" for field in model._meta.get_fields()):
            assert model in scoped, f"{model._meta.label} is a tenant model but its admin is not a TenantAdmin"


@pytest.mark.parametrize(("model", "model_admin"), tenant_admins(), ids=lambda value: getattr(value, "__name__", ""))
def test_object_pages_of_another_organization_answer_404(model, model_admin, tenant_a, tenant_b):
    obj = FACTORIES[model._meta.label](tenant_a)
    info = model._meta.app_label, model._meta.model_name
    before = _rows(model)
    client = _login(tenant_b.owner)

    for page in ("change", "delete", "history"):
        url = reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[obj.pk])
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
        assert client.post(url, {"post": "yes", "name": "taken over"}).status_code == HTTPStatus.NOT_FOUND, url

    changelist = reverse(f"admin:{info[0]}_{info[1]}_changelist")
    response = client.get(changelist)
    assert response.status_code == HTTPStatus.OK
    assert str(obj.pk) not in response.content.decode()
    # Bulk delete through the change-list action cannot reach A's row either.
    client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert _rows(model) == before


@pytest.mark.parametrize(("model", "model_admin"), tenant_admins(), ids=lambda value: getattr(value, "__name__", ""))
def test_owner_reaches_own_objects(model, model_admin, tenant_a):
    obj = FACTORIES[model._meta.label](tenant_a)
    info = model._meta.app_label, model._meta.model_name
    response = _login(tenant_a.owner).get(reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk]))
    assert response.status_code == HTTPStatus.OK


def test_search_and_filters_are_scoped(tenant_a, tenant_b):
    BotFactory(organization=tenant_a.organization, name="Alpha secret bot")
    BotFactory(organization=tenant_b.organization, name="Beta visible bot")
    client = _login(tenant_b.owner)
    response = client.get(reverse("admin:bots_bot_changelist"), {"q": "bot"})
    body = response.content.decode()
    assert "Beta visible bot" in body
    assert "Alpha secret bot" not in body
    # The organization filter offers only B's organization.
    assert tenant_b.organization.name in body
    assert tenant_a.organization.name not in body


def test_foreign_key_choices_are_scoped(tenant_a, tenant_b):
    response = _login(tenant_b.owner).get(reverse("admin:bots_bot_add"))
    choices = response.context["adminform"].form.fields["organization"].queryset
    assert list(choices) == [tenant_b.organization]


def test_new_bot_gets_the_chosen_own_organization_and_foreign_one_is_refused(tenant_a, tenant_b):
    client = _login(tenant_b.owner)
    form = {
        "name": "Made in admin",
        "system_prompt": "Be kind.",
        "model": Bot._meta.get_field("model").get_default(),
        "temperature": "0.3",
        "max_output_tokens": "512",
        "welcome_message": "Hello",
        "suggested_questions": "[]",
        "fallback_message": "Sorry",
        "top_k": "5",
        "strictness": "0.5",
        "allowed_origins": '["https://Shop.example.com"]',
        "widget_title": "",
        "primary_color": "#112233",
        "position": "right",
        "theme": "auto",
        "is_active": "on",
    }
    foreign = client.post(reverse("admin:bots_bot_add"), {**form, "organization": tenant_a.organization.pk})
    assert foreign.status_code == HTTPStatus.OK  # the form is shown again with an error
    assert not Bot.objects.filter(name="Made in admin").exists()

    own = client.post(reverse("admin:bots_bot_add"), {**form, "organization": tenant_b.organization.pk})
    assert own.status_code == HTTPStatus.FOUND
    bot = Bot.objects.get(name="Made in admin")
    assert bot.organization == tenant_b.organization
    assert bot.allowed_origins == ["https://shop.example.com"]


def test_member_can_view_but_not_change(tenant_a):
    bot = BotFactory(organization=tenant_a.organization)
    client = _login(tenant_a.member)
    url = reverse("admin:bots_bot_change", args=[bot.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    client.post(url, {"name": "renamed by member"})
    bot.refresh_from_db()
    assert bot.name != "renamed by member"


def test_superuser_sees_every_organization(tenant_a, tenant_b, django_user_model):
    BotFactory(organization=tenant_a.organization, name="Alpha bot")
    BotFactory(organization=tenant_b.organization, name="Beta bot")
    root = django_user_model.objects.create_superuser(email="root@example.com", password="root-pass-phrase-1")
    body = _login(root).get(reverse("admin:bots_bot_changelist")).content.decode()
    assert "Alpha bot" in body
    assert "Beta bot" in body
    assert Organization.objects.count() == 2
