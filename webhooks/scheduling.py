"""When a delivery attempt runs.

With a broker (REDIS_URL) an attempt is a Celery task, queued with the backoff as its countdown.
On the embedded default Celery runs tasks eagerly, where a countdown is ignored and the caller
(a request) would wait for the endpoint: there a retry, and any attempt asked for while the ASGI
server serves a request, runs in a background thread of the process after its delay, so the
backoff is real and the request answers at once. Outside the server (management commands, the
shell, tests) a first attempt runs inline, as eager ingestion does. A process that
stops loses those timers; the sweeper (`webhooks.tasks.retry_overdue_deliveries`) picks overdue
deliveries up again where a scheduler runs.
"""

from __future__ import annotations

import logging
import threading
import time

from asgiref.sync import SyncToAsync
from django.db import close_old_connections, connections

from chatsphere.celery import app as celery_app

logger = logging.getLogger(__name__)

ATTEMPT_THREAD = "webhook-attempt"

#: This process's timers of the embedded default, so they can be stopped (`timers_stop`).
_timers: set[threading.Timer] = set()
_timers_lock = threading.Lock()


def _serving_a_request() -> bool:
    # asgiref leaves the loop on a thread that once served it: only a running one counts.
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop is not None and loop.is_running()


def _attempt(delivery_id: str, organization_id: str) -> None:
    from webhooks.tasks import deliver_webhook

    try:
        deliver_webhook.apply(kwargs={"delivery_id": delivery_id, "organization_id": organization_id})
    except Exception:
        logger.exception("webhook delivery %s failed", delivery_id)


def _attempt_in_thread(delivery_id: str, organization_id: str) -> None:
    with _timers_lock:
        _timers.discard(threading.current_thread())
    close_old_connections()
    try:
        _attempt(delivery_id, organization_id)
    finally:
        connections.close_all()  # this thread's own connections


def schedule_attempt(*, delivery_id: str, organization_id: str, delay: float) -> None:
    from webhooks.tasks import deliver_webhook

    delay = max(0.0, delay)
    if celery_app.conf.task_always_eager and delay == 0 and not _serving_a_request():
        _attempt(delivery_id, organization_id)
        return
    if celery_app.conf.task_always_eager:
        timer = threading.Timer(delay, _attempt_in_thread, args=(delivery_id, organization_id))
        timer.name = f"{ATTEMPT_THREAD}-{delivery_id}"
        timer.daemon = True
        with _timers_lock:
            _timers.add(timer)
        timer.start()
        return
    deliver_webhook.apply_async(
        kwargs={"delivery_id": delivery_id, "organization_id": organization_id}, countdown=delay
    )


def timers_stop(*, wait: float = 30) -> None:
    """Cancel the attempts still waiting for their time and wait for those running (the embedded
    default's process stopping; tests ending). A cancelled attempt stays due in the database."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        with _timers_lock:
            waiting = list(_timers)
            _timers.clear()
        for timer in waiting:
            timer.cancel()
        threads = [
            thread
            for thread in threading.enumerate()
            if thread.name.startswith(ATTEMPT_THREAD) and thread is not threading.current_thread()
        ]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if not waiting and not threads:
            return
