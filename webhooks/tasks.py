"""Celery tasks of webhooks: each takes ids and calls one service; the next attempt is queued here."""

from __future__ import annotations

import logging

from celery import shared_task

from webhooks import services
from webhooks.scheduling import schedule_attempt

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def deliver_webhook(*, delivery_id: str, organization_id: str) -> str:
    outcome = services.delivery_attempt(delivery_id=delivery_id, organization_id=organization_id)
    if outcome.retry_in is not None:
        schedule_attempt(delivery_id=delivery_id, organization_id=organization_id, delay=outcome.retry_in)
    return outcome.status


@shared_task
def retry_overdue_deliveries() -> int:
    """Queue again deliveries whose attempt is long overdue (its queue message or timer was lost)."""
    overdue = services.deliveries_due()
    for delivery_id, organization_id in overdue:
        schedule_attempt(delivery_id=delivery_id, organization_id=organization_id, delay=0)
    if overdue:
        logger.info("re-queued %d overdue webhook deliveries", len(overdue))
    return len(overdue)
