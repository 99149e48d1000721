"""The webhooks API: admins and owners add endpoints (the secret once), change, rotate, test and
delete them and read the delivery log; members and API keys are refused and change nothing."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services.api_keys import api_key_create
from accounts.tenancy import Actor
from conftest import Tenant, jwt_client
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db

NEW = {"url": "https://hooks.example.com/chatsphere", "events": ["document.ready", "message.unanswered"]}


def _base(tenant: Tenant) -> str:
    return f"/api/v1/organizations/{tenant.organization.id}/webhooks/"


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["detail"]
    return body


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(tenant_a, role):
    client = jwt_client(tenant_a.user(role))

    created = client.post(_base(tenant_a), {**NEW, "description": "Support inbox"}, format="json")

    assert created.status_code == HTTPStatus.CREATED
    body = created.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 30
    assert body["url"] == NEW["url"] and body["events"] == ["message.unanswered", "document.ready"]
    assert body["is_active"] is True and body["description"] == "Support inbox"
    listed = client.get(_base(tenant_a)).json()
    assert [item["id"] for item in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"{_base(tenant_a)}{body['id']}/").json()
    assert WebhookEndpoint.objects.get(id=body["id"]).created_by == tenant_a.user(role)


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({**NEW, "url": "ftp://files.example.com/in"}, "url", "invalid"),
        ({**NEW, "url": "https://user:pass@hooks.example.com/"}, "url", "invalid"),
        ({**NEW, "url": "http://10.0.0.5/hooks"}, "url", "private_url"),
        ({**NEW, "url": "http://localhost:8080/hooks"}, "url", "private_url"),
        ({**NEW, "events": []}, "events", "invalid"),
        ({**NEW, "events": ["order.created"]}, "events", "invalid"),
        ({"events": NEW["events"]}, "url", "invalid"),
    ],
)
def test_bad_endpoints_are_refused_naming_the_field(tenant_a, payload, field, code):
    body = _error(
        jwt_client(tenant_a.owner).post(_base(tenant_a), payload, format="json"), HTTPStatus.BAD_REQUEST, code
    )
    assert field in body["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_members_and_api_keys_get_403_and_nothing_changes(tenant_a):
    endpoint = WebhookEndpointFactory(organization=tenant_a.organization)
    before = list(WebhookEndpoint.objects.values())
    _, key = api_key_create(
        actor=Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner), name="CI"
    )
    with_key = APIClient()
    with_key.credentials(HTTP_X_API_KEY=key)

    for client in (jwt_client(tenant_a.member), with_key):
        _error(client.get(_base(tenant_a)), HTTPStatus.FORBIDDEN, "permission_denied")
        _error(client.post(_base(tenant_a), NEW, format="json"), HTTPStatus.FORBIDDEN, "permission_denied")
        detail = f"{_base(tenant_a)}{endpoint.id}/"
        _error(client.get(detail + "deliveries/"), HTTPStatus.FORBIDDEN, "permission_denied")
        _error(client.post(detail + "rotate-secret/"), HTTPStatus.FORBIDDEN, "permission_denied")
        _error(client.post(detail + "test/"), HTTPStatus.FORBIDDEN, "permission_denied")
        _error(client.patch(detail, {"is_active": False}, format="json"), HTTPStatus.FORBIDDEN, "permission_denied")
        _error(client.delete(detail), HTTPStatus.FORBIDDEN, "permission_denied")

    assert list(WebhookEndpoint.objects.values()) == before
    assert not WebhookDelivery.objects.exists()


def test_change_rotate_test_and_delete(tenant_a):
    client = jwt_client(tenant_a.admin)
    created = client.post(_base(tenant_a), NEW, format="json").json()
    detail = f"{_base(tenant_a)}{created['id']}/"

    changed = client.patch(detail, {"events": ["feedback.created"], "is_active": False}, format="json")
    assert changed.status_code == HTTPStatus.OK
    assert changed.json()["events"] == ["feedback.created"] and changed.json()["is_active"] is False
    assert changed.json()["disabled_reason"] == "Switched off by a person."

    rotated = client.post(detail + "rotate-secret/")
    assert rotated.status_code == HTTPStatus.OK
    assert rotated.json()["secret"].startswith("whsec_") and rotated.json()["secret"] != created["secret"]

    tested = client.post(detail + "test/")
    assert tested.status_code == HTTPStatus.ACCEPTED
    assert tested.json()["event_type"] == "webhook.test" and tested.json()["status"] == "pending"
    log = client.get(detail + "deliveries/").json()
    assert [item["id"] for item in log["results"]] == [tested.json()["id"]]
    assert log["results"][0]["payload"]["data"]["endpoint_id"] == created["id"]

    assert client.delete(detail).status_code == HTTPStatus.NO_CONTENT
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()


def test_the_delivery_log_reads_in_a_fixed_number_of_queries(tenant_a, django_assert_max_num_queries):
    endpoint = WebhookEndpointFactory(organization=tenant_a.organization)
    for _ in range(5):
        WebhookDeliveryFactory(endpoint=endpoint)
    client = jwt_client(tenant_a.owner)

    with django_assert_max_num_queries(10):
        response = client.get(f"{_base(tenant_a)}{endpoint.id}/deliveries/")

    assert len(response.json()["results"]) == 5
