"""The retention schedule (CELERY_BEAT_SCHEDULE `apply-retention`)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from privacy import retention

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def apply_retention() -> int:
    """Apply every organization's retention; returns how many conversations went. Running it
    twice, or alongside another run, deletes nothing more than once."""
    total = 0
    for organization_id in retention.organizations_with_retention():
        result = retention.retention_apply(organization_id=organization_id)
        if result.conversations:
            logger.info("retention: %s conversations deleted in %s", result.conversations, organization_id)
        total += result.conversations
    return total
