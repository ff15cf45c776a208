"""Every write to the records marks stale the kept figures (reports.summary) it may change.

A kept row holds, for one organisation of a kept kind and one month, the numbers of every
figure's terms: the FLOWs summed from the first month kept to this month's end, the STATEs at
this month's end, computed from the month before and the rows that change in the month; the
ratings (YEAR terms) are kept by year. A kept month is thus made of its own rows and of every
month before it: reports.summary computes again, from the first stale month of an
organisation, every month after it. So a write is marked enough when, for every kept
organisation whose subtree holds a row it changed, the months in which that row begins, ends
or is dated — before the write and after it — are marked (`summary.mark`): any later month
it changes is computed again after them. A day before the first month kept marks the first
month kept (a state in force since then is part of every month).

Which organisations hold a record, and which of its dates count (before and after a change):

- members' events (the members' services' `events_written`, whatever their number): for each
  member whose events were written, every date of every event of theirs, as they are now and
  as the changed and deleted ones were, in the organisations those events name (the cell,
  where the member was counted before and after, the organisation after a transfer) and the
  member's own. The counted intervals are the events' summary: each begins and ends on the
  date of an event, in an organisation an event names, so this covers them before and after;
  an interval's organisation may change between two unchanged dates (an earlier transfer
  corrected), which is why every date of the member counts, not only those written;
- counted intervals written in bulk: their organisation, from and until;
- organisations: their own path (and their parent's: a new one's path is written after its
  post_save), founded and ended; founded and ended also in the committees of the zones of the
  enterprises they serve (coverage: a served enterprise is served by an active
  organisation). A kind, unit type or founding reason has no date: the organisation's own
  dates (founded figures, organisations active), the dates of its counted intervals (members
  counted by their cell's unit type) and the years of its ratings (grassroots organisations
  rated). A move in the tree: every kept row of the organisations above one place and not
  the other (`summary.mark_moved`: a move between two zone committees of one province leaves
  the province and the nation alone);
- enterprise links: the organisation's path and the committee of the enterprise's zone;
  started and ended;
- enterprises' states (status, ownership), worker counts, mass organisations and their member
  counts: the committee of the enterprise's zone; valid from and to, counted on, founded and
  ended, counted on. A mass organisation's kind or enterprise changes its member counts too:
  their dates are marked with it;
- an enterprise moved to another zone, a zone given to another committee: as a move in the
  tree of the enterprise's rows (every kept row above one committee and not the other);
- awareness classes and their participants: the organisation holding the class; its start;
- ratings of members and of organisations: the organisation rated in; the year
  (`summary.mark_years`).

Not marked, because no figure reads them: an enterprise's own status and ownership columns
(the figures read its dated states, which every change of them writes), a member's personal
record (what the figures need of it is stored on the admission event), theory classes and
study sessions, the import records. `rebuild_counted_intervals` writes again the summary of
the events the intervals already are.

Writes one row at a time are seen through Django's pre_save, post_save and pre_delete (the
row before, read from the database, and after); the members' events through
`members.signals.events_written`; the bulk writes (UPDATE, bulk_create, INSERT … SELECT,
COPY: the enterprise list import, the status actions, the unit types kept in line, the
enterprises' history, the ratings screen and import, the classes' participants) through
`organizations.signals.rows_written`, sent by those paths with the rows they wrote. The demo
loader defers every mark to its end (`deferred`).

The cost of a write: one query for what is kept (`_kept`: none kept, nothing more is done;
asked once per service call, `organizations.signals.batch`), then, only when something is
kept, one or two for the paths and dates of the rows written (before a change, and after),
and one UPDATE per set of months (one, mostly), once at the end of a service call. A member
deleted (a cascade to their events) is marked as a change of all their events.
tests/reports/test_summary_marks.py writes through each path and checks which rows became
stale, on both databases.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import DateField, Min
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone

from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    CountedInterval,
    Member,
    MemberEvent,
    MemberRating,
    OrganizationRating,
)
from members.signals import events_written
from organizations import signals
from organizations.models import (
    Enterprise,
    EnterpriseLink,
    EnterpriseState,
    MassOrganization,
    MembershipCount,
    PartyOrganization,
    WorkforceSnapshot,
    Zone,
)
from organizations.signals import rows_written
from reports import summary
from reports.models import Summary, SummaryKind

COMMITTEE = "enterprise__zone__committee__path"


@dataclass(frozen=True)
class Rule:
    """Where a record's rows count and when: `paths`, lookups of the paths of the
    organisations whose figures a row is part of; `dates`, of the days it begins, ends or is
    dated; `year`, of its year (ratings); `watched`, the other fields (attnames) a change of
    which changes its part in the figures."""

    paths: tuple[str, ...]
    dates: tuple[str, ...] = ()
    year: str | None = None
    watched: tuple[str, ...] = ()


RULES: dict[type, Rule] = {
    # The parent's path too: a new organisation's own is written after its post_save.
    PartyOrganization: Rule(
        ("path", "parent__path"),
        ("founded_on", "ended_on"),
        watched=("kind", "unit_type", "founding_reason", "parent_id"),
    ),
    EnterpriseLink: Rule(
        ("organization__path", COMMITTEE),
        ("started_on", "ended_on"),
        watched=("organization_id", "enterprise_id"),
    ),
    EnterpriseState: Rule(
        (COMMITTEE,), ("valid_from", "valid_to"), watched=("status", "ownership", "enterprise_id")
    ),
    WorkforceSnapshot: Rule((COMMITTEE,), ("counted_on",), watched=("workers", "enterprise_id")),
    MassOrganization: Rule(
        (COMMITTEE,), ("founded_on", "ended_on"), watched=("kind", "enterprise_id")
    ),
    MembershipCount: Rule(
        (f"organization__{COMMITTEE}",),
        ("counted_on",),
        watched=("members", "recruited", "organization_id"),
    ),
    AwarenessClass: Rule(("organization__path",), ("started_on",), watched=("organization_id",)),
    AwarenessParticipant: Rule(
        ("course__organization__path",), ("course__started_on",), watched=("course_id",)
    ),
    MemberRating: Rule(("organization__path",), year="year", watched=("level", "organization_id")),
    OrganizationRating: Rule(
        ("organization__path",), year="year", watched=("level", "organization_id")
    ),
    # Written in bulk only (members.services, the register import): rows_written.
    CountedInterval: Rule(("organization__path",), ("counted_from", "counted_until")),
    MemberEvent: Rule(
        ("organization__path", "counted_before__path", "counted_after__path"), ("occurred_on",)
    ),
}
# The records whose rows are written one at a time too (Django's signals).
SAVED = [model for model in RULES if model not in (CountedInterval, MemberEvent)]
# The fields whose change says that what depends on the row is to be looked at too.
ATTRIBUTES = {
    PartyOrganization: {"kind", "unit_type", "founding_reason"},
    MassOrganization: {"kind", "enterprise_id"},
}
# The organisations a member's event names (its own, where the member was counted before and
# after, where a transfer took them).
EVENT_ORGANIZATIONS = ("organization", "organization_after", "counted_before", "counted_after")
PENDING = "_summary_marks_pending"
# Within `deferred`: a list, to which the writes add that they happened.
_deferred = contextvars.ContextVar("kcn_summary_marks_deferred", default=None)


# --- what is kept, and the marks a write collects --------------------------------------------


def _kept() -> dict[str, dict[str, datetime.date]] | None:
    """{kind: {path: first start kept}} of the organisations with kept rows; None when nothing
    is kept (then no write marks anything). One query."""
    rows = (
        Summary.objects.order_by()
        .values_list("organization__path", "kind")
        .annotate(first=Min("start"))
    )
    kept: dict[str, dict[str, datetime.date]] = {SummaryKind.MONTH: {}, SummaryKind.YEAR: {}}
    for path, kind, first in rows:
        kept.setdefault(kind, {})[path] = first
    return kept if any(kept.values()) else None


@functools.lru_cache(maxsize=4096)
def _prefixes(path: str) -> tuple[str, ...]:
    """The paths of the organisations at or above `path` (its own included)."""
    parts = [part for part in (path or "").split("/") if part]
    return tuple("".join(f"{part}/" for part in parts[:n]) for n in range(1, len(parts) + 1))


class Marks:
    """The kept months and years a write changes, collected per kept organisation, then
    marked in one UPDATE per distinct set of months (`apply`)."""

    def __init__(self, kept, *, at_end: bool = False):
        self.kept = kept
        self.at_end = at_end  # marked by `flush` at the end of a service's batch
        self.months: dict[str, set[datetime.date]] = defaultdict(set)
        self.years: dict[str, set[int]] = defaultdict(set)
        self.moves: set[tuple[str, str]] = set()

    def days(self, paths: Iterable[str | None], days: Iterable[datetime.date | None]) -> None:
        """The months holding `days` of the kept organisations at or above any of `paths`."""
        firsts = self.kept[SummaryKind.MONTH]
        days = [day for day in days if day is not None]
        if not days or not firsts:
            return
        above = {kept for path in paths if path for kept in _prefixes(path) if kept in firsts}
        for kept in above:
            first = firsts[kept]
            self.months[kept].update(max(summary.month_start(day), first) for day in days)

    def year(self, paths: Iterable[str | None], years: Iterable[int | None]) -> None:
        firsts = self.kept[SummaryKind.YEAR]
        years = [year for year in years if year]
        if not years or not firsts:
            return
        for path in paths:
            for kept in _prefixes(path or ""):
                if kept in firsts:
                    self.years[kept].update(years)

    def moved(self, old_path: str, new_path: str) -> None:
        if old_path != new_path:
            self.moves.add((old_path, new_path))

    def apply(self) -> int:
        """Mark what was collected, now or, within a service's batch, at its end."""
        return 0 if self.at_end else self.flush()

    def flush(self) -> int:
        """Mark what was collected: `summary.mark` for each set of months (an organisation
        above another is given the lower one's months too, which are its own as well)."""
        marked = 0
        for old_path, new_path in self.moves:
            marked += summary.mark_moved(old_path, new_path)
        for collected, mark in ((self.months, summary.mark), (self.years, summary.mark_years)):
            by_set = defaultdict(list)
            for path, values in collected.items():
                by_set[frozenset(values)].append(path)
            for values, paths in by_set.items():
                marked += mark(paths, values)
        self.months.clear()
        self.years.clear()
        self.moves.clear()
        return marked


def _marks() -> Marks | None:
    """What the marks of a write start from: what is kept (one query, or none within a
    service's batch that asked already); None when nothing is to be marked."""
    written = _deferred.get()
    if written is not None:
        written.append(True)
        return None
    memo = signals.memo()
    if memo is None:
        kept = _kept()
        return Marks(kept) if kept is not None else None
    # Within a service's batch: one Marks for all its writes, marked once at its end.
    if "summary_marks" not in memo:
        kept = _kept()
        memo["summary_marks"] = marks = Marks(kept, at_end=True) if kept is not None else None
        if marks is not None:
            memo.setdefault(signals.AT_END, []).append(marks.flush)
    return memo["summary_marks"]


@contextlib.contextmanager
def deferred():
    """Within the block no write marks anything; at its end, if anything was written, every
    kept row is (the demo loader, which writes tens of thousands of rows everywhere: one
    query each would cost more than computing every kept row again)."""
    written: list[bool] = []
    token = _deferred.set(written)
    try:
        yield
    finally:
        _deferred.reset(token)
    kept = _kept() if written else None
    if kept is not None:
        summary.mark(kept[SummaryKind.MONTH], None)
        firsts = kept[SummaryKind.YEAR]
        if firsts:
            first = min(firsts.values()).year
            summary.mark_years(firsts, range(first, timezone.localdate().year + 1))


# --- rows: their paths and dates, read from the database --------------------------------------


def collect(
    marks: Marks,
    model,
    rows,
    *,
    days: Iterable[datetime.date | None] = (),
    fields: Iterable[str] | None = None,
    attributes: bool = False,
) -> None:
    """Collect in `marks` what the rows `rows` (a QuerySet of `model`) are part of: for each
    row, its paths with the months of its dates `fields` (None: all its rule's dates) and
    `days`, or with its year. `attributes`: an attribute with no date changed, so what depends
    on the rows too. One query (two or three for organisations)."""
    rule = RULES[model]
    fields = tuple(rule.dates if fields is None else fields)
    days = [day for day in days if day is not None]
    if rule.year:
        for *paths, year in rows.order_by().values_list(*rule.paths, rule.year).distinct():
            marks.year(paths, [year])
        return
    names = [f"summary_month_{n}" for n in range(len(fields))]
    months = {
        name: TruncMonth(lookup, output_field=DateField())
        for name, lookup in zip(names, fields, strict=True)
    }
    found = list(rows.order_by().annotate(**months).values_list(*rule.paths, *names).distinct())
    width = len(rule.paths)
    for row in found:
        marks.days(row[:width], [*row[width:], *days])
    if not found:  # no row: nothing depends on it either
        return
    if model is PartyOrganization:
        _organization_dependents(marks, rows, fields, days, attributes)
    elif model is MassOrganization and attributes:
        counts = MembershipCount.objects.filter(organization__in=rows.values("pk"))
        collect(marks, MembershipCount, counts)


def _organization_dependents(marks: Marks, rows, fields, days, attributes: bool) -> None:
    """What an organisation's dates and attributes reach beyond its subtree's rows: the
    coverage of the enterprises it serves (grouped by their zone's committee) on its founding
    and end; its counted intervals and ratings, on a change of kind or unit type."""
    if fields or days:
        names = [f"summary_month_{n}" for n in range(len(fields))]
        months = {
            name: TruncMonth(f"organization__{lookup}", output_field=DateField())
            for name, lookup in zip(names, fields, strict=True)
        }
        served = (
            EnterpriseLink.objects.filter(organization__in=rows.values("pk"))
            .order_by()
            .annotate(**months)
            .values_list(COMMITTEE, *names)
            .distinct()
        )
        for path, *dated in served:
            marks.days([path], [*dated, *days])
    if attributes:
        ids = rows.values("pk")
        collect(marks, CountedInterval, CountedInterval.objects.filter(organization__in=ids))
        collect(marks, OrganizationRating, OrganizationRating.objects.filter(organization__in=ids))


# --- one row at a time: Django's signals ------------------------------------------------------


def _stored(sender, instance, names) -> dict | None:
    """The row's `names` as stored (before this save), one query; None for a row not stored.
    Read from the database rather than remembered when the object was loaded: an object
    refreshed in part (`refresh_from_db(fields=…)`) or loaded with `.only()` would be
    compared with what it no longer holds."""
    return sender._default_manager.filter(pk=instance.pk).values(*names).first()


def _changed(sender, instance, stored: dict) -> set[str]:
    return {name for name, value in stored.items() if value != getattr(instance, name)}


def _compared(sender) -> list[str]:
    rule = RULES[sender]
    names = [*rule.watched, *(d for d in rule.dates if "__" not in d)]
    if rule.year:
        names.append(rule.year)
    return names


def _scope(sender, changed: set[str]) -> tuple[tuple[str, ...] | None, bool]:
    """The dates to read of a changed row (None: all) and whether attributes changed: when
    only dates changed, those dates alone."""
    dates = set(RULES[sender].dates)
    attributes = bool(changed & ATTRIBUTES.get(sender, set()))
    if changed <= dates:
        return tuple(sorted(changed)), attributes
    return None, attributes


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """A changed row as it was (read from the database before it is written)."""
    instance.__dict__.pop(PENDING, None)
    if raw or instance._state.adding or instance.pk is None:
        return
    names = _compared(sender)
    if update_fields is not None:  # what is not saved has not changed
        names = [n for n in names if n in update_fields or n.removesuffix("_id") in update_fields]
        if not names:
            return
    marks = _marks()
    if marks is None:
        return
    stored = _stored(sender, instance, [*names, "path"] if sender is PartyOrganization else names)
    if stored is None:
        return
    old_path = stored.pop("path", None)
    changed = _changed(sender, instance, stored)
    if not changed:
        return
    # A move alone is marked as a move: the rows above both places keep the same subtree.
    fields, attributes = (
        _scope(sender, changed - {"parent_id"}) if changed != {"parent_id"} else ((), False)
    )
    rows = sender._default_manager.filter(pk=instance.pk)
    collect(marks, sender, rows, fields=fields, attributes=attributes)
    moved_from = (old_path or "") if "parent_id" in changed else None  # to the path after
    setattr(instance, PENDING, (marks, fields, attributes, moved_from))


def _saved(sender, instance, created, raw=False, **kwargs):
    """The row as it is now: what it was part of before (pending) and now, marked."""
    pending = instance.__dict__.pop(PENDING, None)
    if raw:
        return
    if created:
        marks, fields, attributes, moved_from = _marks(), None, False, None
    elif pending is not None:
        marks, fields, attributes, moved_from = pending
    else:
        return
    if marks is None:
        return
    rows = sender._default_manager.filter(pk=instance.pk)
    collect(marks, sender, rows, fields=fields, attributes=attributes)
    if moved_from is not None:  # an organisation moved: from its path before to its path now
        marks.moved(moved_from, instance.path)
    marks.apply()


def _deleting(sender, instance, **kwargs):
    marks = _marks()
    if marks is not None:
        collect(marks, sender, sender._default_manager.filter(pk=instance.pk))
        marks.apply()


# An enterprise's rows (states, counts, links, mass organisations) are grouped by its zone's
# committee, and a zone's by its committee: a change of either moves them in the tree, as if
# they were a child of the committee. Every kept row above one committee and not the other.
ZONE_CHILD = "zone/"
PLACES = {Enterprise: "zone_id", Zone: "committee_id"}


def _place_moving(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    marks = _marks()
    if marks is None:
        return
    name = PLACES[sender]
    stored = _stored(sender, instance, [name])
    old, new = (stored or {}).get(name), getattr(instance, name)
    if stored is None or old == new:
        return
    if sender is Enterprise:
        found = dict(Zone.objects.filter(pk__in=[old, new]).values_list("pk", "committee__path"))
    else:
        found = dict(PartyOrganization.objects.filter(pk__in=[old, new]).values_list("pk", "path"))
    paths = (found.get(pk) or "" for pk in (old, new))
    marks.moved(*(f"{path}{ZONE_CHILD}" if path else "" for path in paths))
    marks.apply()


# --- members' events: the members' services' signal ---------------------------------------


def _events_written(sender, events=(), before=(), deleted=(), **kwargs):
    """Every date of every event of the members whose events were written, as they are and as
    the changed and deleted ones were, in every organisation those events name and the
    member's own: one query for the members' events (per 2,000 members), one for the paths of
    the events as they were."""
    marks = _marks()
    if marks is None:
        return
    old = [*before, *deleted]
    _members(marks, {event.member_id for event in (*events, *old)}, old)
    marks.apply()


def _member_deleting(sender, instance, **kwargs):
    """A member deleted takes their events and intervals with them (a cascade, which sends
    no events_written): every date of theirs, as for a change of their events."""
    marks = _marks()
    if marks is not None:
        _members(marks, {instance.pk}, ())
        marks.apply()


def _members(marks: Marks, members: Iterable[int], old) -> None:
    """Collect every date of every event of `members` (as stored, and `old`: as the changed
    and deleted ones were) in every organisation those events name and the member's own."""
    members = sorted(members)
    ids = {getattr(event, f"{name}_id") for event in old for name in EVENT_ORGANIZATIONS}
    ids.discard(None)
    by_id = dict(PartyOrganization.objects.filter(pk__in=ids).values_list("pk", "path"))
    paths: dict[int, set[str]] = defaultdict(set)
    days: dict[int, set[datetime.date]] = defaultdict(set)
    for event in old:
        days[event.member_id].add(event.occurred_on)
        paths[event.member_id].update(
            by_id.get(getattr(event, f"{name}_id")) for name in EVENT_ORGANIZATIONS
        )
    lookups = [f"{name}__path" for name in EVENT_ORGANIZATIONS]
    for start in range(0, len(members), 2000):
        chunk = members[start : start + 2000]
        found = (
            MemberEvent.objects.filter(member_id__in=chunk)
            .order_by()
            .values_list("member_id", "occurred_on", "member__organization__path", *lookups)
            .distinct()
        )
        for member_id, day, *held in found:
            days[member_id].add(day)
            paths[member_id].update(held)
    for member_id in members:
        marks.days(paths[member_id], days[member_id])


# --- bulk writes: organizations.signals.rows_written ------------------------------------------


def _rows_written(sender, rows=None, days=(), fields=None, attributes=False, **kwargs):
    if sender not in RULES or rows is None:
        return
    marks = _marks()
    if marks is None:
        return
    collect(marks, sender, rows, days=days, fields=fields, attributes=attributes)
    marks.apply()


def connect() -> None:
    """Listen to the records' writes (from ReportsConfig.ready)."""
    for model in SAVED:
        uid = f"summary-marks-{model._meta.label_lower}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-before")
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-saved")
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"{uid}-deleting")
    for model in PLACES:
        uid = f"summary-marks-{model._meta.label_lower}"
        pre_save.connect(_place_moving, sender=model, dispatch_uid=f"{uid}-moving")
    events_written.connect(_events_written, sender=MemberEvent, dispatch_uid="summary-marks-events")
    pre_delete.connect(_member_deleting, sender=Member, dispatch_uid="summary-marks-member")
    rows_written.connect(_rows_written, dispatch_uid="summary-marks-rows")
