"""Writes of webhooks: endpoints (admin and owner only, signed-in people), the deliveries events
create, and each delivery attempt with its retries, backoff and the endpoint's automatic disabling.

Deliveries run in tasks (`webhooks.tasks`); `delivery_attempt` makes one attempt and returns when
the next one is due, and the task schedules it.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, Role
from accounts.tenancy import Actor, require_person, require_role
from chatsphere.errors import ApplicationError, NotFound
from chatsphere.events import DataBuilder, EventType
from chatsphere.outbound import is_private_host
from webhooks import delivery, signing
from webhooks.models import URL_MAX, DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.scheduling import schedule_attempt

logger = logging.getLogger(__name__)

#: The event a "send test event" delivers; not in the catalogue, so nothing subscribes to it.
TEST_EVENT_TYPE = "webhook.test"
#: How long a rotated-out secret still signs (a second signature), so receivers can switch over.
ROTATION_OVERLAP = timedelta(hours=24)


def _field_error(field: str, message: str, *, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, errors={field: [message]})


def _clean_url(url: object) -> str:
    url = url.strip() if isinstance(url, str) else ""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname or len(url) > URL_MAX:
        raise _field_error("url", "Enter an address starting with https:// (or http://).")
    if parts.username or parts.password:
        raise _field_error("url", "Leave user names and passwords out of the address; check the signature instead.")
    if not settings.CHATSPHERE_ALLOW_PRIVATE_URLS and is_private_host(parts.hostname):
        raise _field_error(
            "url", "This address points to a private network; webhooks go to public addresses only.", code="private_url"
        )
    return url


def _clean_events(events: object) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise _field_error("events", "Choose at least one event.")
    unknown = [str(event) for event in events if event not in EventType.values]
    if unknown:
        raise _field_error("events", f"Unknown events: {', '.join(unknown)[:200]}.")
    return [value for value in EventType.values if value in events]


def _clean_description(description: object) -> str:
    description = description.strip() if isinstance(description, str) else ""
    if len(description) > 200:
        raise _field_error("description", "Keep the description to 200 characters.")
    return description


def _require_manager(actor: Actor, *, action: str) -> None:
    # Endpoints receive visitors' questions: a leaked API key must not be able to redirect them.
    require_person(actor, action=action)
    require_role(actor, Role.ADMIN, action=action)


def webhooks_access_check(*, actor: Actor) -> None:
    """Reading endpoints and their log (which holds visitors' questions) needs the same as managing them."""
    _require_manager(actor, action="see webhooks")


def _endpoint_for_update(*, actor: Actor, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = (
        WebhookEndpoint.objects.select_for_update().filter(organization=actor.organization, id=endpoint_id).first()
    )
    if endpoint is None:
        raise NotFound("Webhook endpoint not found.")
    return endpoint


# --- endpoints ----------------------------------------------------------------------------------


@transaction.atomic
def webhook_endpoint_create(
    *, actor: Actor, url: object, events: object, description: object = ""
) -> tuple[WebhookEndpoint, str]:
    """Create an endpoint; the returned secret is shown once (it is kept to sign requests)."""
    _require_manager(actor, action="manage webhooks")
    secret = signing.secret_new()
    endpoint = WebhookEndpoint.objects.create(
        organization=actor.organization,
        url=_clean_url(url),
        events=_clean_events(events),
        description=_clean_description(description),
        secret=secret,
        created_by=actor.user,
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *,
    actor: Actor,
    endpoint_id: uuid.UUID,
    url: object = None,
    events: object = None,
    description: object = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given; switching an endpoint back on forgets its earlier failures."""
    _require_manager(actor, action="manage webhooks")
    endpoint = _endpoint_for_update(actor=actor, endpoint_id=endpoint_id)
    if url is not None:
        endpoint.url = _clean_url(url)
    if events is not None:
        endpoint.events = _clean_events(events)
    if description is not None:
        endpoint.description = _clean_description(description)
    if is_active is not None and is_active != endpoint.is_active:
        endpoint.is_active = is_active
        endpoint.consecutive_failures = 0
        if is_active:
            endpoint.disabled_at, endpoint.disabled_reason = None, ""
        else:
            endpoint.disabled_at, endpoint.disabled_reason = timezone.now(), "Switched off by a person."
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, actor: Actor, endpoint_id: uuid.UUID) -> None:
    _require_manager(actor, action="manage webhooks")
    _endpoint_for_update(actor=actor, endpoint_id=endpoint_id).delete()


@transaction.atomic
def webhook_endpoint_rotate_secret(*, actor: Actor, endpoint_id: uuid.UUID) -> tuple[WebhookEndpoint, str]:
    """A new secret, shown once; the old one keeps signing as well for `ROTATION_OVERLAP`."""
    _require_manager(actor, action="manage webhooks")
    endpoint = _endpoint_for_update(actor=actor, endpoint_id=endpoint_id)
    secret = signing.secret_new()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return endpoint, secret


# --- deliveries ---------------------------------------------------------------------------------


def _payload(*, event_id: uuid.UUID, event_type: str, organization_id: uuid.UUID, data: dict[str, Any]) -> dict:
    return {
        "id": str(event_id),
        "type": event_type,
        "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
        "organization_id": str(organization_id),
        "data": data,
    }


def _deliver_on_commit(deliveries: list[WebhookDelivery]) -> None:
    refs = [(str(item.id), str(item.organization_id)) for item in deliveries]

    def deliver() -> None:
        for delivery_id, organization_id in refs:
            schedule_attempt(delivery_id=delivery_id, organization_id=organization_id, delay=0)

    transaction.on_commit(deliver)


def deliveries_create_for_event(
    *, event_id: uuid.UUID, organization_id: uuid.UUID, event_type: EventType, build_data: DataBuilder
) -> list[WebhookDelivery]:
    """The `chatsphere.events` listener: one delivery per active endpoint subscribed to the event."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(organization_id=organization_id, is_active=True)
        if event_type.value in endpoint.events
    ]
    if not endpoints:
        return []
    payload = _payload(
        event_id=event_id, event_type=event_type.value, organization_id=organization_id, data=build_data()
    )
    # Stored as it will be sent: every attempt sends the same bytes.
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    with transaction.atomic():
        deliveries = [
            WebhookDelivery.objects.create(
                organization_id=organization_id,
                endpoint=endpoint,
                event_id=event_id,
                event_type=event_type.value,
                payload=payload,
            )
            for endpoint in endpoints
        ]
        _deliver_on_commit(deliveries)
    return deliveries


@transaction.atomic
def webhook_test_send(*, actor: Actor, endpoint_id: uuid.UUID) -> WebhookDelivery:
    """Queue a `webhook.test` event to the endpoint (also when it is switched off: that is how an
    owner checks a fixed receiver before switching it back on)."""
    _require_manager(actor, action="send test events")
    endpoint = _endpoint_for_update(actor=actor, endpoint_id=endpoint_id)
    event_id = uuid.uuid4()
    data = {
        "endpoint_id": str(endpoint.id),
        "message": "A test event from ChatSphere: your endpoint receives and verifies our webhooks.",
        "sent_by": actor.user.email if actor.user else "",
    }
    payload = _payload(
        event_id=event_id, event_type=TEST_EVENT_TYPE, organization_id=endpoint.organization_id, data=data
    )
    test_delivery = WebhookDelivery.objects.create(
        organization=actor.organization,
        endpoint=endpoint,
        event_id=event_id,
        event_type=TEST_EVENT_TYPE,
        payload=payload,
        is_test=True,
    )
    _deliver_on_commit([test_delivery])
    return test_delivery


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    """What happened, and in how many seconds the task should try again (None: nothing more)."""

    status: str
    retry_in: float | None = None


def retry_delay(attempt_number: int) -> float:
    """Seconds before the attempt after `attempt_number`: base × 4^(n−1), capped, ±20 % jitter."""
    base = settings.CHATSPHERE_WEBHOOK_RETRY_BASE_SECONDS
    delay = min(base * 4 ** (attempt_number - 1), settings.CHATSPHERE_WEBHOOK_RETRY_MAX_SECONDS)
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


def _secrets_in_use(endpoint: WebhookEndpoint) -> list[str]:
    in_use = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > timezone.now():
        in_use.append(endpoint.previous_secret)
    return in_use


def _claim(*, delivery_id: str, organization_id: str) -> tuple[WebhookDelivery, int] | AttemptOutcome:
    now = timezone.now()
    with transaction.atomic():
        item = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(id=delivery_id, organization_id=organization_id)
            .first()
        )
        if item is None or item.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED):
            return AttemptOutcome("skipped")
        if not item.endpoint.is_active and not item.is_test:
            item.status, item.finished_at = DeliveryStatus.FAILED, now
            item.save(update_fields=["status", "finished_at", "updated_at"])
            return AttemptOutcome("endpoint_off")
        if item.next_attempt_at is not None and item.next_attempt_at > now + timedelta(seconds=1):
            # A duplicate or early message of the queue: the attempt is not due yet.
            return AttemptOutcome("not_due", retry_in=(item.next_attempt_at - now).total_seconds())
        item.attempt_count += 1
        # A lease: a second copy of this task arriving meanwhile finds the attempt not due.
        item.next_attempt_at = now + timedelta(seconds=settings.CHATSPHERE_WEBHOOK_TIMEOUT * 3 + 30)
        item.save(update_fields=["attempt_count", "next_attempt_at", "updated_at"])
        return item, item.attempt_count


def _endpoint_failed(endpoint_id: uuid.UUID) -> None:
    """Count a failed delivery; switch the endpoint off (and tell the owners) after too many in a row."""
    endpoint = WebhookEndpoint.objects.select_for_update().filter(id=endpoint_id).first()
    if endpoint is None:
        return
    endpoint.consecutive_failures += 1
    limit = settings.CHATSPHERE_WEBHOOK_DISABLE_AFTER_FAILURES
    fields = ["consecutive_failures", "updated_at"]
    if endpoint.is_active and limit > 0 and endpoint.consecutive_failures >= limit:
        endpoint.is_active = False
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = f"{endpoint.consecutive_failures} deliveries in a row failed."
        fields += ["is_active", "disabled_at", "disabled_reason"]
        _disabled_email_send(endpoint)
    endpoint.save(update_fields=fields)


def _disabled_email_send(endpoint: WebhookEndpoint) -> None:
    organization = Organization.objects.get(id=endpoint.organization_id)
    owners = list(
        Membership.objects.filter(organization=organization, role=Role.OWNER, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    if not owners:
        return
    subject = f"ChatSphere switched off a webhook endpoint of {organization.name}"
    message = (
        f"The webhook endpoint {endpoint.url} of {organization.name} failed "
        f"{endpoint.consecutive_failures} deliveries in a row, every retry included, so ChatSphere stopped "
        "sending it events.\n\n"
        f"See what it answered, fix it, then switch it back on: {settings.SITE_URL}/app/webhooks/{endpoint.id}/\n"
        "Events that happen while it is off are not sent later."
    )
    transaction.on_commit(lambda: send_mail(subject=subject, message=message, from_email=None, recipient_list=owners))


def delivery_attempt(*, delivery_id: str, organization_id: str) -> AttemptOutcome:
    """POST the delivery once, log the attempt, and decide what follows: done, a retry after a
    backoff, or a failure that counts against the endpoint."""
    claimed = _claim(delivery_id=delivery_id, organization_id=organization_id)
    if isinstance(claimed, AttemptOutcome):
        return claimed
    item, number = claimed
    endpoint = item.endpoint
    body = json.dumps(item.payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = signing.signed_headers(
        secrets_in_use=_secrets_in_use(endpoint),
        message_id=str(item.event_id),
        timestamp=int(timezone.now().timestamp()),
        body=body,
    )
    result = delivery.post(
        url=endpoint.url,
        body=body,
        headers=headers,
        allow_private=settings.CHATSPHERE_ALLOW_PRIVATE_URLS,
        timeout=settings.CHATSPHERE_WEBHOOK_TIMEOUT,
    )
    now = timezone.now()
    retry_in = None
    if not result.succeeded and number < settings.CHATSPHERE_WEBHOOK_MAX_ATTEMPTS:
        retry_in = retry_delay(number)
    with transaction.atomic():
        WebhookAttempt.objects.create(
            organization_id=item.organization_id,
            delivery=item,
            number=number,
            response_status=result.status,
            response_body=result.body,
            error=result.error,
            duration_ms=result.duration_ms,
            succeeded=result.succeeded,
            retry_at=now + timedelta(seconds=retry_in) if retry_in is not None else None,
        )
        item.last_response_status = result.status
        if result.succeeded:
            item.status, item.finished_at, item.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
            WebhookEndpoint.objects.filter(id=endpoint.id).exclude(consecutive_failures=0).update(
                consecutive_failures=0
            )
        elif retry_in is not None:
            item.status, item.next_attempt_at = DeliveryStatus.RETRYING, now + timedelta(seconds=retry_in)
        else:
            item.status, item.finished_at, item.next_attempt_at = DeliveryStatus.FAILED, now, None
            if not item.is_test:
                _endpoint_failed(endpoint.id)
        item.save(update_fields=["status", "finished_at", "next_attempt_at", "last_response_status", "updated_at"])
    return AttemptOutcome(item.status, retry_in=retry_in)


def deliveries_due(*, limit: int = 500) -> list[tuple[str, str]]:
    """Deliveries whose next attempt is overdue (a lost queue message, a restarted process):
    (delivery id, organization id) pairs for the sweeper to schedule again."""
    overdue = timezone.now() - timedelta(seconds=settings.CHATSPHERE_WEBHOOK_TIMEOUT * 3 + 60)
    rows = (
        WebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING], created_at__lt=overdue
        )
        .exclude(next_attempt_at__gt=overdue)
        .values_list("id", "organization_id")[:limit]
    )
    return [(str(delivery_id), str(org_id)) for delivery_id, org_id in rows]
