"""Admin actions a staff member's role does not allow answer with a message and change nothing."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey
from accounts.tests.factories import ApiKeyFactory
from bots.models import Bot
from bots.tests.factories import BotFactory
from conftest import Tenant
from documents.models import Document
from documents.tests.factories import DocumentFactory

ACTIONS = {
    "rotate widget keys": ("bots", "bot", "rotate_public_keys", lambda t: BotFactory(organization=t.organization)),
    "re-ingest documents": (
        "documents",
        "document",
        "reingest",
        lambda t: DocumentFactory(bot=BotFactory(organization=t.organization), status="ready"),
    ),
    "revoke API keys": ("accounts", "apikey", "revoke_selected", lambda t: ApiKeyFactory(organization=t.organization)),
}


def _rows(model: type[Model]) -> list[dict[str, Any]]:
    return list(model.objects.order_by("pk").values())


def _staff_client(user) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", list(ACTIONS))
def test_member_running_an_admin_action_gets_a_message_and_nothing_changes(tenant_a: Tenant, name):
    app, model_name, action, make = ACTIONS[name]
    obj = make(tenant_a)
    model = type(obj)
    before = {label: _rows(m) for label, m in {"bots": Bot, "documents": Document, "keys": ApiKey}.items()}

    client = _staff_client(tenant_a.member)
    response = client.post(
        reverse(f"admin:{app}_{model_name}_changelist"),
        {"action": action, "_selected_action": [obj.pk]},
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("role or higher" in message for message in shown), shown
    assert not any("rotated" in message or "queued" in message for message in shown), shown
    assert {label: _rows(m) for label, m in {"bots": Bot, "documents": Document, "keys": ApiKey}.items()} == before
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("name", list(ACTIONS))
def test_admin_running_the_same_action_still_works(tenant_a: Tenant, name):
    app, model_name, action, make = ACTIONS[name]
    obj = make(tenant_a)
    before = _rows(type(obj))

    client = _staff_client(tenant_a.admin)
    response = client.post(
        reverse(f"admin:{app}_{model_name}_changelist"),
        {"action": action, "_selected_action": [obj.pk]},
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    assert _rows(type(obj)) != before
