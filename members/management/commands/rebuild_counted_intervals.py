"""python manage.py rebuild_counted_intervals

Rebuild the summary of where each member was counted when (members.models.intervals) from the
members' events, in one statement. members.services keeps it on every change; run this after
writing events by other means (a restored backup, a bulk load), or to check nothing drifted:
it prints how many intervals it wrote and how many differ from those it replaced."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from members.models import CountedInterval
from members.models.intervals import rebuild


def _snapshot() -> set[tuple]:
    return set(
        CountedInterval.objects.values_list(
            "member_id", "organization_id", "counted_from", "counted_until"
        ).iterator(chunk_size=20_000)
    )


class Command(BaseCommand):
    help = "Rebuild the members' counted intervals (the figures' summary) from their events."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Also count the intervals that differ from those replaced (reads them all).",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            before = _snapshot() if options["check"] else None
            written = rebuild()
            if before is not None:
                after = _snapshot()
                self.stdout.write(f"{len(before ^ after)} intervals differed from the events.")
        self.stdout.write(f"{written} counted intervals written.")
