"""How many of one organization's documents may be ingested at the same time.

Without a bound, one tenant's thousand-file upload (or one huge file per worker) holds every
worker while other organizations' small documents wait behind it. Each organization has
`CHATSPHERE_INGEST_SLOTS_PER_ORG` slots: a run takes one before it claims its document, and a
run that finds them all taken does not start — its task is queued again a few seconds later
(`CHATSPHERE_INGEST_SLOT_RETRY_SECONDS`), leaving the worker to the next message, which may be
another organization's.

A slot is a cache key (Redis in production) written only if absent, with a short lifetime renewed
while the run lives, like the document's lease (`documents.leases`): a run whose worker dies
frees its slot within `CHATSPHERE_INGEST_LEASE_SECONDS`, or at once when its process is known to
be gone on the same host. When the cache cannot be reached, runs
are not held back (ingestion matters more than fairness).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from types import TracebackType

from django.conf import settings
from django.core.cache import cache

from documents import leases

logger = logging.getLogger(__name__)


def _key(organization_id: object, number: int) -> str:
    return f"ingest-slot:{organization_id}:{number}"


def _lifetime() -> int:
    return max(1, settings.CHATSPHERE_INGEST_LEASE_SECONDS)


def slots_per_organization() -> int:
    return max(0, settings.CHATSPHERE_INGEST_SLOTS_PER_ORG)


@dataclass
class Slot:
    """A slot held by one run (`key` empty: no limit applies); renewed until the run ends."""

    key: str
    owner: str
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Slot:
        if self.key:
            interval = max(0.2, _lifetime() / 3)
            self._thread = threading.Thread(target=self._renew, args=(interval,), name="ingest-slot", daemon=True)
            self._thread.start()
        return self

    def _renew(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                cache.set(self.key, self.owner, timeout=_lifetime())
            except Exception:
                logger.warning("cannot renew ingestion slot %s", self.key, exc_info=True)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if not self.key:
            return
        try:
            if cache.get(self.key) == self.owner:
                cache.delete(self.key)
        except Exception:
            logger.warning("cannot release ingestion slot %s", self.key, exc_info=True)


def take(organization_id: object, owner: str) -> Slot | None:
    """One of the organization's slots for `owner`, or None when all are taken."""
    limit = slots_per_organization()
    if not limit:
        return Slot("", owner)
    try:
        for number in range(limit):
            key = _key(organization_id, number)
            if cache.add(key, owner, timeout=_lifetime()):
                return Slot(key, owner)
            # A run that died on this host gives its slot up at once, as its document's lease does.
            holder = cache.get(key)
            if holder and leases.process_is_gone(str(holder)):
                cache.delete(key)
                if cache.add(key, owner, timeout=_lifetime()):
                    return Slot(key, owner)
    except Exception:
        logger.warning("cannot read ingestion slots of organization %s; not limiting", organization_id, exc_info=True)
        return Slot("", owner)
    return None


def holders(organization_id: object) -> list[str]:
    """The runs holding the organization's slots now (for the admin and tests)."""
    found = cache.get_many([_key(organization_id, number) for number in range(slots_per_organization())])
    return [str(owner) for owner in found.values()]
