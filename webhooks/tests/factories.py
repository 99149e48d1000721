from __future__ import annotations

import uuid

import factory
from factory.django import DjangoModelFactory

from accounts.tests.factories import OrganizationFactory
from webhooks import signing
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


class WebhookEndpointFactory(DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    organization = factory.SubFactory(OrganizationFactory)
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/chatsphere")
    description = "Support inbox"
    events = factory.LazyFunction(lambda: ["document.ready", "message.unanswered"])
    secret = factory.LazyFunction(signing.secret_new)


class WebhookDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    organization = factory.SelfAttribute("endpoint.organization")
    event_id = factory.LazyFunction(uuid.uuid4)
    event_type = "document.ready"
    payload = factory.LazyAttribute(
        lambda o: {"id": str(o.event_id), "type": o.event_type, "timestamp": "2026-11-29T10:00:00Z", "data": {}}
    )
    status = DeliveryStatus.SUCCEEDED
    attempt_count = 1
    last_response_status = 200
