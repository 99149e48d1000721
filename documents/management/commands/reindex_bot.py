"""Rebuild the vectors of one bot, or of every bot, with the deployment's current embedder."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bots.models import Bot
from documents.tasks import reindex_bot


class Command(BaseCommand):
    help = "Re-index a bot's documents with the current embedding model (after the model changed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bot_ids", nargs="*", help="ids of the bots to re-index")
        parser.add_argument("--all", action="store_true", help="re-index every bot whose embedder differs")

    def handle(self, *args: object, bot_ids: list[str], all: bool, **options: object) -> None:  # noqa: A002
        if not bot_ids and not all:
            raise CommandError("Name at least one bot id, or pass --all.")
        bots = Bot.objects.all() if all else Bot.objects.filter(id__in=bot_ids)
        found = list(bots.values_list("id", "organization_id"))
        if bot_ids and len(found) != len(set(bot_ids)):
            raise CommandError("Some of the given bot ids do not exist.")
        for bot_id, organization_id in found:
            reindex_bot.delay(bot_id=str(bot_id), organization_id=str(organization_id))
        self.stdout.write(self.style.SUCCESS(f"Queued re-indexing of {len(found)} bot(s)."))
