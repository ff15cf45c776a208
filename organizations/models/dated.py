"""What dated records share: organisations founded on a date and active until the day before
they end, and the counts (workers, members) taken on a date, the newest of which is current."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone


class FoundedQuerySetMixin:
    """Organisations founded on `founded_on` and active until the day before `ended_on` (None:
    still active): party and mass organisations alike."""

    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(founded_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def latest_count(counts, *, owner: str, value: str) -> dict:
    """The annotations `latest_<value>` and `latest_<value>_on`: each row's newest count, from
    `counts` (dated by `counted_on`, pointing at the row by `owner`), one subquery each."""
    newest = counts.filter(**{owner: OuterRef("pk")}).order_by("-counted_on")
    return {
        f"latest_{value}": Subquery(newest.values(value)[:1]),
        f"latest_{value}_on": Subquery(newest.values("counted_on")[:1]),
    }
