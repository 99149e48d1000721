"""Ingestion on the embedded default, where Celery runs tasks eagerly (no Redis, no worker).

Run inline, an eager task would make the upload request wait for the whole ingestion. Under the
ASGI server it runs instead after the response, in a thread of the server's own event loop
(`sync_to_async`), so its progress reaches the documents socket through the same loop the socket
listens on (the in-memory channel layer is not thread-safe). Outside an ASGI request (management
commands, the shell, tests) there is no loop to outlive the call, and the task runs inline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

from chatsphere.celery import app as celery_app

logger = logging.getLogger(__name__)

_running: set[asyncio.Task[None]] = set()  # strong references: the loop keeps only weak ones


def runs_after_response() -> bool:
    """Eager tasks, the setting on, and a request served by the ASGI server's event loop."""
    return (
        bool(celery_app.conf.task_always_eager)
        and settings.CHATSPHERE_EAGER_INGEST_AFTER_RESPONSE
        and getattr(SyncToAsync.threadlocal, "main_event_loop", None) is not None
    )


def run_after_response(job: Callable[[], object]) -> None:
    """Start `job` on the server's event loop (in a worker thread) and return at once."""

    def guarded() -> None:
        close_old_connections()
        try:
            job()
        except Exception:
            logger.exception("background ingestion failed")
        finally:
            connections.close_all()  # this worker thread's own connections

    async def start() -> None:
        task = asyncio.get_running_loop().create_task(sync_to_async(guarded, thread_sensitive=False)())
        _running.add(task)
        task.add_done_callback(_running.discard)

    async_to_sync(start)()
