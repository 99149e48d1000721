"""Deliveries against a real HTTP receiver on 127.0.0.1: signatures, retries with backoff, the
log, redirects and private addresses, and switching off an endpoint that keeps failing."""

from __future__ import annotations

import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.utils import timezone

from chat.services import message_rate
from chat.tests.factories import AnswerFactory
from chatsphere.celery import app as celery_app
from webhooks import services
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from webhooks.tasks import retry_overdue_deliveries
from webhooks.tests.conftest import RETRY_BASE_SECONDS, finished, owner, verify


@pytest.mark.django_db(transaction=True)
def test_a_failing_endpoint_is_retried_with_backoff_until_it_answers(receiver, deliveries_run, tenant_a):
    receiver.script = [HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.SERVICE_UNAVAILABLE]
    endpoint, secret = services.webhook_endpoint_create(
        actor=owner(tenant_a), url=receiver.url + "hooks", events=["document.ready"]
    )

    test_delivery = services.webhook_test_send(actor=owner(tenant_a), endpoint_id=endpoint.id)

    delivery = finished(test_delivery.id)
    requests = receiver.wait_for(3)
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.last_response_status == HTTPStatus.OK
    attempts = list(delivery.attempts.order_by("number"))
    assert [(a.number, a.response_status, a.succeeded) for a in attempts] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    # The log says when each retry was due, and the receiver saw the pauses grow (×4, ±20 %).
    assert attempts[0].retry_at is not None and attempts[1].retry_at is not None and attempts[2].retry_at is None
    first_pause, second_pause = requests[1].at - requests[0].at, requests[2].at - requests[1].at
    assert first_pause >= RETRY_BASE_SECONDS * 0.8
    assert second_pause >= RETRY_BASE_SECONDS * 4 * 0.8
    assert attempts[1].created_at > attempts[0].created_at
    # Every attempt is the same event (one webhook-id, one body), signed with the endpoint's secret.
    assert {r.headers["webhook-id"] for r in requests} == {str(delivery.event_id)}
    assert {r.body for r in requests} == {requests[0].body}
    assert all(verify(secret, r) for r in requests)
    assert requests[0].path == "/hooks"
    assert requests[0].headers["content-type"] == "application/json"
    assert requests[0].event["type"] == "webhook.test"
    assert requests[0].event["data"]["endpoint_id"] == str(endpoint.id)


@pytest.mark.django_db(transaction=True)
def test_a_forged_or_replayed_request_fails_verification(receiver, deliveries_run, tenant_a):
    endpoint, secret = services.webhook_endpoint_create(
        actor=owner(tenant_a), url=receiver.url, events=["document.ready"]
    )
    finished(services.webhook_test_send(actor=owner(tenant_a), endpoint_id=endpoint.id).id)
    (genuine,) = receiver.wait_for(1)

    assert verify(secret, genuine)
    tampered = type(genuine)(genuine.at, genuine.path, genuine.headers, genuine.body.replace(b"test", b"TEST"))
    assert not verify(secret, tampered)
    assert not verify("whsec_" + "A" * 32, genuine)
    replayed_headers = {**genuine.headers, "webhook-timestamp": str(int(time.time()) - 3600)}
    assert not verify(secret, type(genuine)(genuine.at, genuine.path, replayed_headers, genuine.body))


@pytest.mark.django_db(transaction=True)
def test_after_a_rotation_both_secrets_sign_for_a_day(receiver, deliveries_run, tenant_a):
    endpoint, old_secret = services.webhook_endpoint_create(
        actor=owner(tenant_a), url=receiver.url, events=["document.ready"]
    )
    _, new_secret = services.webhook_endpoint_rotate_secret(actor=owner(tenant_a), endpoint_id=endpoint.id)
    finished(services.webhook_test_send(actor=owner(tenant_a), endpoint_id=endpoint.id).id)
    (received,) = receiver.wait_for(1)

    assert new_secret != old_secret
    assert len(received.headers["webhook-signature"].split()) == 2
    assert verify(new_secret, received) and verify(old_secret, received)


# The tests below make each attempt themselves, through the service the task calls, so they can
# change the settings the attempt reads.


def _attempt(delivery) -> DeliveryStatus:
    services.delivery_attempt(delivery_id=str(delivery.id), organization_id=str(delivery.organization_id))
    delivery.refresh_from_db()
    return DeliveryStatus(delivery.status)


def test_redirects_are_not_followed(receiver, delivery_settings, tenant_a):
    delivery_settings.CHATSPHERE_WEBHOOK_MAX_ATTEMPTS = 1
    receiver.script = [HTTPStatus.FOUND]
    endpoint, _ = services.webhook_endpoint_create(actor=owner(tenant_a), url=receiver.url, events=["document.ready"])
    delivery = services.webhook_test_send(actor=owner(tenant_a), endpoint_id=endpoint.id)

    assert _attempt(delivery) == DeliveryStatus.FAILED

    (attempt,) = delivery.attempts.all()
    assert attempt.response_status == HTTPStatus.FOUND
    assert attempt.error == "Redirects are not followed: give the final address."
    assert [r.path for r in receiver.requests] == ["/"]  # nothing went to /elsewhere


def test_a_private_address_is_refused_when_it_is_sent_to(receiver, delivery_settings, tenant_a):
    endpoint, _ = services.webhook_endpoint_create(actor=owner(tenant_a), url=receiver.url, events=["document.ready"])
    delivery = services.webhook_test_send(actor=owner(tenant_a), endpoint_id=endpoint.id)
    # Saved while private addresses were allowed; production refuses them when it connects.
    delivery_settings.CHATSPHERE_ALLOW_PRIVATE_URLS = False

    assert _attempt(delivery) == DeliveryStatus.RETRYING

    (attempt,) = delivery.attempts.all()
    assert attempt.response_status is None
    assert attempt.error == "127.0.0.1 points to a private network; webhooks go to public addresses only."
    assert receiver.requests == []


def test_an_endpoint_failing_every_delivery_is_switched_off_and_owners_are_told(
    receiver, delivery_settings, tenant_a, django_capture_on_commit_callbacks
):
    delivery_settings.CHATSPHERE_WEBHOOK_MAX_ATTEMPTS = 2
    delivery_settings.CHATSPHERE_WEBHOOK_DISABLE_AFTER_FAILURES = 2
    delivery_settings.CHATSPHERE_WEBHOOK_RETRY_BASE_SECONDS = 0  # each retry is due at once
    receiver.script = [HTTPStatus.INTERNAL_SERVER_ERROR] * 10
    endpoint, _ = services.webhook_endpoint_create(actor=owner(tenant_a), url=receiver.url, events=["feedback.created"])
    answer = AnswerFactory(conversation__bot__organization=tenant_a.organization)
    for rating in (1, -1):
        with django_capture_on_commit_callbacks() as announced:
            message_rate(actor=owner(tenant_a), message=answer, rating=rating)
        for callback in announced:
            callback()
    first, second = endpoint.deliveries.order_by("created_at")

    assert [_attempt(first), _attempt(first)] == [DeliveryStatus.RETRYING, DeliveryStatus.FAILED]
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 1
    assert _attempt(second) == DeliveryStatus.RETRYING
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves once the change commits
        assert _attempt(second) == DeliveryStatus.FAILED

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "2 deliveries in a row failed."
    (message,) = mail.outbox
    assert message.to == [tenant_a.owner.email]
    assert receiver.url in message.body and str(endpoint.id) in message.body
    # Switched off, it gets no more events; switched back on, it starts afresh.
    with django_capture_on_commit_callbacks() as announced:
        message_rate(actor=owner(tenant_a), message=answer, rating=1)
    for callback in announced:
        callback()
    assert endpoint.deliveries.count() == 2
    services.webhook_endpoint_update(actor=owner(tenant_a), endpoint_id=endpoint.id, is_active=True)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0 and endpoint.disabled_at is None
    assert WebhookEndpoint.objects.filter(organization=tenant_a.organization).count() == 1


def test_a_delivery_whose_attempt_was_lost_is_sent_by_the_sweeper(receiver, delivery_settings, tenant_a):
    endpoint, _ = services.webhook_endpoint_create(actor=owner(tenant_a), url=receiver.url, events=["document.ready"])
    lost = services.webhook_test_send(actor=owner(tenant_a), endpoint_id=endpoint.id)  # its task never ran
    recent = services.webhook_test_send(actor=owner(tenant_a), endpoint_id=endpoint.id)
    WebhookDelivery.objects.filter(id=lost.id).update(created_at=timezone.now() - timedelta(minutes=10))
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # the swept attempt runs here, in the test's transaction
    try:
        assert retry_overdue_deliveries() == 1
    finally:
        celery_app.conf.task_always_eager = previous

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.status == DeliveryStatus.SUCCEEDED and recent.status == DeliveryStatus.PENDING
    (received,) = receiver.requests
    assert received.headers["webhook-id"] == str(lost.event_id)
