"""Webhooks in the Django admin: admins and owners of the organization only, through the services."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def _staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_owner_adds_an_endpoint_in_the_admin_and_is_shown_the_secret_once(tenant_a):
    response = _staff(tenant_a.owner).post(
        "/admin/webhooks/webhookendpoint/add/",
        {
            "organization": tenant_a.organization.pk,
            "url": "https://hooks.example.com/admin",
            "description": "",
            "events": ["document.failed"],
        },
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.organization == tenant_a.organization and endpoint.created_by == tenant_a.owner
    assert endpoint.events == ["document.failed"]
    assert any(endpoint.secret in str(message) for message in get_messages(response.wsgi_request))


def test_members_do_not_see_webhooks_in_the_admin(tenant_a):
    endpoint = WebhookEndpointFactory(organization=tenant_a.organization)
    client = _staff(tenant_a.member)

    assert client.get("/admin/webhooks/webhookendpoint/").status_code == HTTPStatus.FORBIDDEN
    assert client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/").status_code == HTTPStatus.NOT_FOUND
    assert "webhookendpoint" not in client.get("/admin/").content.decode()


def test_send_a_test_event_from_the_admin(tenant_a):
    endpoint = WebhookEndpointFactory(organization=tenant_a.organization)

    _staff(tenant_a.admin).post(
        "/admin/webhooks/webhookendpoint/",
        {"action": "send_test_event", "_selected_action": [endpoint.pk]},
    )

    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.endpoint == endpoint and delivery.is_test and delivery.event_type == "webhook.test"
