"""Prometheus metrics of the product (docs/deploy.md, "Monitoring").

Counters and histograms are per process; with PROMETHEUS_MULTIPROC_DIR set (one directory per
host, emptied before the processes start) prometheus_client shares them through files there, so
any process's `/metrics` answers for all of the host's. Facts of the database and Redis (documents
by status, the queue) are read at scrape time by collectors the apps register here.

Labels never carry an organization, bot or visitor: their number must stay small.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterable

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR", "x"):
    # Set but empty: prometheus_client would write its files into the working directory.
    del os.environ["PROMETHEUS_MULTIPROC_DIR"]

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import mark_process_dead
from prometheus_client.registry import Collector

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

ANSWER_SECONDS_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60)
TOKENS_PER_SECOND_BUCKETS = (5, 10, 20, 40, 60, 80, 120, 160, 240, 400)
INGESTION_SECONDS_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600)

answers = Counter(
    "chatsphere_answers",
    "Answers finished, by outcome: answered, unanswered (the bot's fallback), failed, interrupted.",
    ["outcome"],
)
answer_first_token_seconds = Histogram(
    "chatsphere_answer_first_token_seconds",
    "Seconds from a question to the first token of its answer.",
    buckets=ANSWER_SECONDS_BUCKETS,
)
answer_seconds = Histogram(
    "chatsphere_answer_seconds", "Seconds from a question to its saved answer.", buckets=ANSWER_SECONDS_BUCKETS
)
answer_output_tokens = Counter("chatsphere_answer_output_tokens", "Tokens written by the model in answers.")
answer_tokens_per_second = Histogram(
    "chatsphere_answer_tokens_per_second",
    "Output tokens per second of an answer's streaming, after its first token.",
    buckets=TOKENS_PER_SECOND_BUCKETS,
)
open_sockets = Gauge(
    "chatsphere_open_sockets",
    "WebSockets open now, by kind: widget, playground, progress.",
    ["kind"],
    multiprocess_mode="livesum",
)
ingestions = Counter(
    "chatsphere_ingestions",
    "Ingestion runs, by outcome: ready, failed, retrying (a transient failure), gone (deleted meanwhile).",
    ["outcome"],
)
ingestion_pages = Counter("chatsphere_ingestion_pages", "Pages of documents ingested (PDF pages; 1 per other file).")
ingestion_seconds = Histogram(
    "chatsphere_ingestion_seconds", "Seconds one ingestion run took.", buckets=INGESTION_SECONDS_BUCKETS
)
provider_errors = Counter(
    "chatsphere_provider_errors",
    "Failed calls to a model or vector provider, by provider, operation, error code and whether transient.",
    ["provider", "operation", "code", "transient"],
)
provider_retries = Counter(
    "chatsphere_provider_retries",
    "Calls to a provider tried again after a transient failure, by provider and operation.",
    ["provider", "operation"],
)
rate_limited = Counter(
    "chatsphere_rate_limited",
    "Requests refused by a rate limit, by scope (chat: visitor, ip, api; auth: auth_ip, auth_email, ...).",
    ["scope"],
)

#: Collectors read at scrape time (facts of the database or Redis), registered by the apps.
scrape_collectors: list[Collector] = []


def register_scrape_collector(collector: Collector) -> None:
    if collector not in scrape_collectors:
        scrape_collectors.append(collector)


def registry() -> CollectorRegistry:
    """What `/metrics` reports: the host's processes (or this one) and the scrape-time facts."""
    from prometheus_client import REGISTRY
    from prometheus_client.multiprocess import MultiProcessCollector

    scraped = CollectorRegistry()
    if MULTIPROCESS:
        MultiProcessCollector(scraped)
    else:
        scraped.register(_Default(REGISTRY))
    for collector in scrape_collectors:
        scraped.register(collector)
    return scraped


class _Default(Collector):
    """This process's own metrics, read from the default registry (without re-registering them)."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterable[Metric]:
        return self.source.collect()


# --- recording: one call at each place where the thing happens ------------------------------------


def answer_finished(*, outcome: str, first_token_ms: int | None, latency_ms: int, output_tokens: int = 0) -> None:
    answers.labels(outcome).inc()
    answer_seconds.observe(latency_ms / 1000)
    if first_token_ms is not None:
        answer_first_token_seconds.observe(first_token_ms / 1000)
    if output_tokens > 0:
        answer_output_tokens.inc(output_tokens)
        streaming_ms = latency_ms - (first_token_ms or 0)
        if streaming_ms > 0:
            answer_tokens_per_second.observe(output_tokens * 1000 / streaming_ms)


def socket_opened(kind: str) -> None:
    open_sockets.labels(kind).inc()


def socket_closed(kind: str) -> None:
    open_sockets.labels(kind).dec()


def ingestion_finished(*, outcome: str, seconds: float, pages: int = 0) -> None:
    ingestions.labels(outcome).inc()
    ingestion_seconds.observe(seconds)
    if pages:
        ingestion_pages.inc(pages)


def provider_failed(*, provider: str, operation: str, code: str, transient: bool, retrying: bool) -> None:
    provider_errors.labels(provider, operation, code, "true" if transient else "false").inc()
    if retrying:
        provider_retried(provider=provider, operation=operation)


def provider_retried(*, provider: str, operation: str) -> None:
    provider_retries.labels(provider, operation).inc()


def rate_limit_refused(scope: str) -> None:
    rate_limited.labels(scope).inc()


if MULTIPROCESS:
    # This process's live gauges (open sockets) leave the sum when it exits.
    atexit.register(lambda: mark_process_dead(os.getpid()))
