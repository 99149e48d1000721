"""The Webhooks pages of the dashboard: add an endpoint (secret shown once), change it, rotate the
secret, send a test event, delete; admins and owners only."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_owner_adds_an_endpoint_and_sees_the_secret_only_then(tenant_a):
    client = _client(tenant_a.owner)

    page = client.post(
        "/app/webhooks/",
        {"url": "https://hooks.example.com/in", "description": "CRM", "events": ["document.ready", "feedback.created"]},
    )

    assert page.status_code == HTTPStatus.CREATED
    endpoint = WebhookEndpoint.objects.get()
    body = page.content.decode()
    assert "Copy the signing secret now" in body and endpoint.secret in body
    assert endpoint.events == ["document.ready", "feedback.created"]
    for later in (client.get("/app/webhooks/"), client.get(f"/app/webhooks/{endpoint.id}/")):
        assert later.status_code == HTTPStatus.OK
        assert endpoint.secret not in later.content.decode()
        assert "https://hooks.example.com/in" in later.content.decode()


def test_a_wrong_address_is_explained_next_to_the_field(tenant_a, settings):
    settings.CHATSPHERE_ALLOW_PRIVATE_URLS = False
    page = _client(tenant_a.admin).post(
        "/app/webhooks/", {"url": "http://192.168.1.20/hook", "events": ["document.ready"]}
    )

    assert page.status_code == HTTPStatus.BAD_REQUEST
    assert "points to a private network" in page.content.decode()
    page = _client(tenant_a.admin).post("/app/webhooks/", {"url": "https://hooks.example.com/in"})
    assert "Choose at least one event." in page.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_members_neither_see_nor_reach_webhooks(tenant_a):
    endpoint = WebhookEndpointFactory(organization=tenant_a.organization)
    client = _client(tenant_a.member)

    assert 'href="/app/webhooks/"' not in client.get("/app/bots/").content.decode()
    assert client.get("/app/webhooks/").status_code == HTTPStatus.FORBIDDEN
    assert client.get(f"/app/webhooks/{endpoint.id}/").status_code == HTTPStatus.FORBIDDEN
    assert client.post(f"/app/webhooks/{endpoint.id}/delete/").status_code == HTTPStatus.FORBIDDEN
    assert WebhookEndpoint.objects.filter(id=endpoint.id).exists()
    assert 'href="/app/webhooks/"' in _client(tenant_a.admin).get("/app/bots/").content.decode()


def test_another_organizations_endpoint_is_404(tenant_a, tenant_b):
    endpoint = WebhookEndpointFactory(organization=tenant_a.organization)
    client = _client(tenant_b.owner)
    for path in ("", "rotate-secret/", "test/", "delete/"):
        assert client.post(f"/app/webhooks/{endpoint.id}/{path}").status_code == HTTPStatus.NOT_FOUND
    assert WebhookEndpoint.objects.get(id=endpoint.id).secret == endpoint.secret
    assert not WebhookDelivery.objects.exists()


def test_edit_rotate_test_and_delete_from_the_endpoint_page(tenant_a):
    endpoint = WebhookEndpointFactory(organization=tenant_a.organization)
    client = _client(tenant_a.owner)
    page = f"/app/webhooks/{endpoint.id}/"

    saved = client.post(page, {"url": endpoint.url, "events": ["conversation.finished"], "is_active": "on"})
    assert saved.status_code == HTTPStatus.FOUND
    endpoint.refresh_from_db()
    assert endpoint.events == ["conversation.finished"]

    rotated = client.post(page + "rotate-secret/")
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode() and "for the next 24 hours" in rotated.content.decode()

    tested = client.post(page + "test/", follow=True)
    assert "A test event is on its way" in tested.content.decode()
    assert "webhook.test" in tested.content.decode()

    client.post(page + "delete/")
    assert not WebhookEndpoint.objects.exists()
