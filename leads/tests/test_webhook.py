"""A new lead is announced to the organization's subscribed endpoints as a signed `lead.created`."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from leads.models import Lead
from leads.tests.conftest import send_form, visitor_of
from webhooks import services
from webhooks.tests.conftest import deliveries_run, delivery_settings, owner, receiver, verify  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_lead_is_delivered_signed_with_the_visitors_details(receiver, deliveries_run, bot, tenant_a, tenant_b):  # noqa: F811
    endpoint, secret = services.webhook_endpoint_create(
        actor=owner(tenant_a), url=receiver.url, events=["lead.created"]
    )
    services.webhook_endpoint_create(actor=owner(tenant_b), url=receiver.url + "b", events=["lead.created"])
    visitor = visitor_of(bot)

    assert send_form(visitor).status_code == HTTPStatus.CREATED

    [received] = receiver.wait_for(1)
    assert received.path == "/"
    assert verify(secret, received)
    event = received.event
    lead = Lead.objects.get()
    assert event["type"] == "lead.created"
    assert event["organization_id"] == str(tenant_a.organization.id)
    assert event["data"]["lead"]["id"] == str(lead.id)
    assert event["data"]["lead"]["email"] == "ada@example.com"
    assert event["data"]["lead"]["name"] == "Ada Lovelace"
    assert event["data"]["lead"]["consent_given"] is True
    assert event["data"]["conversation"] == {"id": str(visitor.conversation.id)}
    assert event["data"]["bot"] == {"id": str(bot.id), "name": "Puffin Ferries"}
    assert endpoint.deliveries.get().event_type == "lead.created"
