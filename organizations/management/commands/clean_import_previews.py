"""python manage.py clean_import_previews [--hours N]

Removes the files of enterprise list previews that were neither confirmed nor cancelled (the
browser closed, the session expired) once they are older than `--hours` (default
settings.IMPORT_PREVIEW_MAX_AGE_HOURS). Confirming or cancelling a preview removes its files at
once; this is for the others. `make run` runs it before serving; in production, run it from a
timer (see README.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from organizations.imports import previews


class Command(BaseCommand):
    help = "Remove the files of enterprise list previews older than --hours."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=float,
            default=settings.IMPORT_PREVIEW_MAX_AGE_HOURS,
            help="Age in hours beyond which a preview's files are removed "
            f"(default {settings.IMPORT_PREVIEW_MAX_AGE_HOURS}).",
        )

    def handle(self, *args, hours: float, **options):
        if hours < 0:
            raise CommandError("--hours cannot be negative.")
        removed = previews.remove_older_than(hours * 3600)
        self.stdout.write(f"removed={removed} folder={previews.directory()}")
