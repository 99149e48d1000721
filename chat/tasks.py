"""Celery tasks of the chat app."""

from __future__ import annotations

from celery import shared_task

from chat import services


@shared_task
def announce_finished_conversations() -> int:
    """Periodic (celery beat): announce conversations that went quiet."""
    return services.conversations_finish_idle()
