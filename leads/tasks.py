"""Celery tasks of leads: each takes ids and calls one function."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from leads.notifications import lead_notify_members


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def notify_lead(*, lead_id: str, organization_id: str) -> int:
    return len(lead_notify_members(lead_id=lead_id, organization_id=organization_id))
