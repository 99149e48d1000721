"""The Conversations page's message search and its exports on a busy bot.

Seeds one bot with N conversations of M messages (1 % of them mention "lighthouse"), then:

1. Search: the first page of a search (the count and 50 rows), for a rare word and for a word no
   message holds (the whole bot is read), p50 over repeats.
2. Export: the CSV and JSON of every conversation, streamed a batch at a time: time to the first
   chunk, total time, size, and the peak Python memory while streaming, as a ratio to the same
   export held whole in memory (what a server that buffers the response would need).

Run: .venv/bin/python -m benchmarks.bench_conversation_export [--conversations 20000] [--messages 6]
     [--database-url postgres://…/throwaway]   (default: a throw-away SQLite file)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from benchmarks._django import setup_django

if TYPE_CHECKING:
    from accounts.models import Organization
    from bots.models import Bot

SEARCH_REPEATS = 5


def seed(conversations: int, messages: int) -> tuple[Organization, Bot]:
    from django.utils import timezone

    from accounts.models import Organization
    from bots.models import Bot
    from chat.models import Channel, Conversation, Message, MessageRole

    suffix = uuid.uuid4().hex[:8]
    organization = Organization.objects.create(name=f"Bench {suffix}", slug=f"bench-{suffix}")
    bot = Bot.objects.create(organization=organization, name="Harbour help")
    now = timezone.now()
    for start in range(0, conversations, 2000):
        batch = [
            Conversation(
                organization=organization,
                bot=bot,
                channel=Channel.WIDGET,
                title=f"Question {number}",
                created_at=now - timedelta(minutes=number),
            )
            for number in range(start, min(start + 2000, conversations))
        ]
        Conversation.objects.bulk_create(batch)
        rows = []
        for conversation in batch:
            number = int(conversation.title.split()[1])
            for index in range(messages):
                user = index % 2 == 0
                topic = "the lighthouse tour" if number % 100 == 0 else "the ferry to Puffin Island"
                rows.append(
                    Message(
                        organization=organization,
                        conversation=conversation,
                        role=MessageRole.USER if user else MessageRole.ASSISTANT,
                        content=(f"When does {topic} leave on day {index}?" if user else
                                 f"It leaves every forty minutes from pier seven, said answer {index}. " * 3),
                        created_at=conversation.created_at + timedelta(seconds=index),
                    )
                )  # fmt: skip
        Message.objects.bulk_create(rows, batch_size=5000)
    return organization, bot


def search(organization: Organization, bot: Bot, text: str) -> tuple[float, int]:
    from django.core.paginator import Paginator

    from chat.selectors import conversation_search

    timings, count = [], 0
    for _ in range(SEARCH_REPEATS):
        started = time.perf_counter()
        page = Paginator(conversation_search(organization=organization, bot=bot, text=text), 50).get_page(1)
        list(page.object_list)
        count = page.paginator.count
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), count


def export(make: Callable[[], Iterable[str]]) -> tuple[float, float, int, int]:
    """Streamed: (seconds to the first batch, total seconds, bytes) timed without tracing memory,
    then the peak bytes while streaming again with tracing on."""
    started = time.perf_counter()
    first = None
    size = 0
    for index, chunk in enumerate(make()):
        if index == 1:  # the first chunk is the header; the first batch is what a person waits for
            first = time.perf_counter() - started
        size += len(chunk.encode())
    total = time.perf_counter() - started
    tracemalloc.start()
    for _chunk in make():
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return first or total, total, size, peak


def held_whole(make: Callable[[], Iterable[str]]) -> int:
    tracemalloc.start()
    whole = "".join(make())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del whole
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=6)
    parser.add_argument("--database-url", default=None, help="a throw-away PostgreSQL database")
    parser.add_argument("--search-only", action="store_true", help="measure the search, not the exports")
    args = parser.parse_args()
    workdir = setup_django(database_url=args.database_url)
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    organization = None
    try:
        started = time.perf_counter()
        organization, bot = seed(args.conversations, args.messages)
        total_messages = args.conversations * args.messages
        print(
            f"{connection.vendor}: seeded {args.conversations:,} conversations, {total_messages:,} messages "
            f"in {time.perf_counter() - started:.0f} s"
        )
        for label, text in (("none (the list)", ""), ("rare word", "lighthouse"), ("no match", "submarine")):
            seconds, count = search(organization, bot, text)
            print(f"search, {label}: {count:,} conversations, first page in {seconds * 1000:.0f} ms (p50)")
        if args.search_only:
            return

        from chat.export import export_csv, export_json
        from chat.models import Conversation

        conversations = Conversation.objects.filter(organization=organization, bot=bot)
        makers = {
            "CSV": lambda: export_csv(conversations),
            "JSON": lambda: export_json(conversations, bot=bot, filters={}),
        }
        for name, make in makers.items():
            first, total, size, peak = export(make)
            whole = held_whole(make)
            print(
                f"export {name}: {size / 1e6:.1f} MB, first batch after {first * 1000:.0f} ms, all in {total:.1f} s "
                f"({total_messages / total:,.0f} messages/s); peak memory streamed {peak / 1e6:.1f} MB, "
                f"held whole {whole / 1e6:.1f} MB ({peak / whole:.2f}x)"
            )
    finally:
        if organization is not None:
            organization.delete()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
