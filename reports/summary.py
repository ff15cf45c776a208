"""The figures of a large subtree kept month by month (reports.models.Summary), so that the
nation's running year reads a few kept rows and a few days of records, not a year of them.

What is kept, for each organisation of a kept kind (`KEPT_KINDS`: the province-level bodies,
and the national node above them) and each month from `first_month()`: the numbers of every
planned figure's terms (reports.metrics.batch.Term), as the records give them.

- A FLOW term (rows dated in the period: admitted, founded, recruits) is kept as its sum from
  the first month kept to the month's end: a period of whole months is two rows' difference.
- A STATE term (rows in force at the end of a day: members counted, coverage) is kept as its
  number at the month's end. On a day D inside a month it is the number at the end of the
  month before, plus, over the rows `Term.changed` names between the two days only, their
  number on D less their number then: a few days of changes, read from the records.
- A YEAR term (the ratings of a year) is kept by year.

What is read is thus always what the records give (tests/reports/test_summary.py compares the
two on random days, roots and writes, on both databases). A write to the records marks the
rows it may change stale (`mark`, `mark_years`, `mark_moved`, from every write path); a stale
or missing row is computed again before it is read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q

from organizations.models import OrganizationKind
from reports.metrics import batch
from reports.models import Summary, SummaryKind

# The kinds of organisation whose figures are kept: those whose subtree is too large to read
# a year of its records in a request.
KEPT_KINDS = (OrganizationKind.PROVINCE,)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _above(paths: Iterable[str]) -> Q:
    """The kept organisations at or above any of `paths`."""
    prefixes = set()
    for path in paths:
        if not path:
            continue
        parts = [part for part in path.split("/") if part]
        prefixes.update("".join(f"{part}/" for part in parts[:n]) for n in range(1, len(parts) + 1))
    if not prefixes:
        return Q(pk__in=[])
    return Q(organization__path__in=prefixes, organization__kind__in=KEPT_KINDS)


def mark(paths: Iterable[str], days: Iterable[datetime.date | None] | None = None) -> int:
    """The kept months of the organisations at or above any of `paths` that hold one of
    `days` (None: every month) — stale: computed again before they are read. One UPDATE."""
    rows = Summary.objects.filter(_above(paths), kind=SummaryKind.MONTH, stale=False)
    if days is not None:
        months = {month_start(day) for day in days if day is not None}
        if not months:
            return 0
        rows = rows.filter(start__in=months)
    return rows.update(stale=True)


def mark_years(paths: Iterable[str], years: Iterable[int]) -> int:
    """The kept years `years` of the organisations at or above any of `paths` — stale."""
    starts = {datetime.date(year, 1, 1) for year in years if year}
    if not starts:
        return 0
    return Summary.objects.filter(
        _above(paths), kind=SummaryKind.YEAR, start__in=starts, stale=False
    ).update(stale=True)


def mark_moved(old_path: str, new_path: str) -> int:
    """A subtree moved in the tree: every kept row of the organisations above one of its
    places and not the other (those above both keep the same subtree) — stale."""

    def above(path):
        parts = [part for part in path.split("/") if part][:-1]
        return {"".join(f"{part}/" for part in parts[:n]) for n in range(1, len(parts) + 1)}

    changed = above(old_path) ^ above(new_path)
    if not changed:
        return 0
    return Summary.objects.filter(
        organization__path__in=changed, organization__kind__in=KEPT_KINDS, stale=False
    ).update(stale=True)


def values(root, requests, *, by_child: bool = False, children=None) -> list[dict[int, object]]:
    """What `batch.values` gives, read from the kept figures where `root` (or, by child, every
    child) keeps them, from the records otherwise."""
    return batch.values(root, requests, by_child=by_child, children=children)


__all__ = ["KEPT_KINDS", "mark", "mark_moved", "mark_years", "values"]
