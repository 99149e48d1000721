"""`manage.py apply_retention`: what the scheduler does every hour, for installs without one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from privacy.tasks import apply_retention


class Command(BaseCommand):
    help = "Delete conversations older than each organization's retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = apply_retention()
        self.stdout.write(f"{deleted} conversation{'s' if deleted != 1 else ''} deleted.")
