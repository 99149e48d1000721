"""Rebuild static/chatsphere/widget.js and static/dashboard/markdown.js from the widget's modules."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from widget.bundle import BundleError, stale_bundles, write_bundles


class Command(BaseCommand):
    help = (
        "Join the ES modules in static/chatsphere/src/ into the scripts pages load "
        "(--check: only fail when a committed script is out of date)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="write nothing; fail if a script is out of date")

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["check"]:
                stale = stale_bundles()
                if stale:
                    raise CommandError(
                        f"Out of date: {', '.join(stale)}. Run `python manage.py build_widget` and commit the result."
                    )
                self.stdout.write("The widget scripts are up to date.")
                return
            written = write_bundles()
        except BundleError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(f"Wrote {name}" for name in written) or "The widget scripts are up to date.")
