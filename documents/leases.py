"""Who is ingesting a document right now, in a form another worker can check.

A run claims a document by writing its owner (`host:pid:token`) on the row and holding a short
lease in the cache (Redis in production) that a background thread renews while the run lives. A
run that dies stops renewing, so its lease lapses within `CHATSPHERE_INGEST_LEASE_SECONDS`; on
the same host a dead process is recognised at once by its pid. The row's heartbeat still says how
far the run got; the lease says whether anyone is still working on it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from types import TracebackType

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

_HOST = socket.gethostname()


def _key(document_id: object) -> str:
    return f"ingest-lease:{document_id}"


def new_owner() -> str:
    """A run's identity: the host and process it runs in, and a token of its own."""
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def process_is_gone(owner: str) -> bool:
    """Whether `owner` ran on this host in a process that no longer exists."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by another user
        return False
    return False


def owner_is_alive(document_id: object, owner: str) -> bool | None:
    """Whether the run `owner` still holds the document; None when the cache cannot tell."""
    if not owner or process_is_gone(owner):
        return False
    try:
        return cache.get(_key(document_id)) == owner
    except Exception:  # the cache is down: the caller falls back to the row's heartbeat
        logger.warning("cannot read the ingestion lease of document %s", document_id, exc_info=True)
        return None


def grant(document_id: object, owner: str) -> None:
    """Record `owner` as the holder (before its claim commits, so no one sees a claim without a lease)."""
    try:
        cache.set(_key(document_id), owner, timeout=settings.CHATSPHERE_INGEST_LEASE_SECONDS)
    except Exception:
        logger.warning("cannot write the ingestion lease of document %s", document_id, exc_info=True)


@dataclass
class Renewal:
    """Keeps a granted lease alive while the run works; releases it when the run ends."""

    document_id: object
    owner: str
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Renewal:
        interval = max(0.2, settings.CHATSPHERE_INGEST_LEASE_SECONDS / 3)
        self._thread = threading.Thread(
            target=self._renew, args=(interval,), name=f"lease-{self.document_id}", daemon=True
        )
        self._thread.start()
        return self

    def _renew(self, interval: float) -> None:
        while not self._stop.wait(interval):
            grant(self.document_id, self.owner)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            if cache.get(_key(self.document_id)) == self.owner:
                cache.delete(_key(self.document_id))
        except Exception:
            logger.warning("cannot release the ingestion lease of document %s", self.document_id, exc_info=True)
