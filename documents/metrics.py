"""Knowledge-base facts for `/metrics`, read at scrape time from the database and Redis so that any
process answers the same: documents by status, the age of the oldest pending document and the
length of the Celery queue. Totals over every organization: an operator's view, no tenant data."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from documents.models import Document, DocumentStatus

logger = logging.getLogger(__name__)

#: The Celery queue every task goes to (kombu's Redis transport keeps it as a list of this name).
CELERY_QUEUE = "celery"


class KnowledgeCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            yield from self._database_facts()
        except DatabaseError:
            # The processes' own metrics are still worth a scrape when the database is down.
            logger.warning("documents by status could not be read from the database")
        if settings.REDIS_URL:
            depth = _queue_length()
            if depth is not None:
                yield _queue_family(depth)

    def _database_facts(self) -> Iterator[GaugeMetricFamily]:
        by_status = GaugeMetricFamily(
            "chatsphere_documents", "Documents by status, over all organizations.", labels=["status"]
        )
        counts = dict(Document.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status in DocumentStatus.values:
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status

        oldest = Document.objects.filter(status=DocumentStatus.PENDING).aggregate(at=Min("updated_at"))["at"]
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "chatsphere_oldest_pending_document_age_seconds",
            "Seconds the oldest pending document has waited for ingestion (0 when none waits).",
            value=max(0.0, age),
        )


def _queue_family(depth: int) -> GaugeMetricFamily:
    family = GaugeMetricFamily("chatsphere_queue_length", "Tasks waiting in the Celery queue.", labels=["queue"])
    family.add_metric([CELERY_QUEUE], depth)
    return family


def _queue_length() -> int | None:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
        return int(client.llen(f"{prefix}{CELERY_QUEUE}"))
    except redis.RedisError:
        # The scrape still reports the database's facts; the missing series shows the outage.
        logger.warning("the Celery queue's length could not be read from Redis")
        return None
    finally:
        client.close()
