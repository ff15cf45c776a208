"""Recording the corrections to closed periods: who changed a record dated inside a closed
period, and when, so that the adjustment it causes in the next period can be explained.

This is a small, deliberate mechanism until the audit trail of issue 13 exists. It listens to
the writes of the records the figures read:

- members' events, through `members.signals.events_written`, which the members' services send
  after every added, changed and deleted event (they add events with `bulk_create`, which
  sends no post_save), with the account acting (`by`);
- organisations (founding and end dates, and a move in the tree), the dated links between
  organisations and enterprises, enterprises' status and ownership intervals, worker counts,
  mass organisations and their member counts, through Django's post_save and post_delete,
  with the account acting from `kcn_party.actor` (the request's, or a service's).

A write is recorded against each closed period in force whose committee's subtree holds the
record's organisation and whose dates contain one of the record's dates, before or after the
change. A move in the tree has no date: it is recorded against the last closed period of the
committees above the organisation's old and new places. One query per write finds them (per
batch of events, however large), and one writes the corrections when there are any.

Not covered: bulk writes that send no signal (the enterprise list import's `bulk_create` and
COPY paths, the ratings screen's and classes' bulk writes). What they change still shows in
the differences of the adjustments; only the who and when are missing. Issue 13's audit trail
covers those paths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_init, post_save, pre_save

from kcn_party import actor
from members.models import MemberEvent
from members.signals import events_written
from organizations.models import (
    EnterpriseLink,
    EnterpriseState,
    MassOrganization,
    MembershipCount,
    PartyOrganization,
    WorkforceSnapshot,
)
from reports.models import ClosedPeriod, Correction, CorrectionAction

ORIGINAL = "_reports_original"


@dataclass(frozen=True)
class Watch:
    dates: tuple[str, ...]  # the record's date fields
    # The organisations the record belongs to, as a condition on PartyOrganization.
    organizations: Callable[[object], Q]


def _by_enterprise(enterprise_id) -> Q:
    return Q(zones__enterprises=enterprise_id)


WATCHED: dict[type, Watch] = {
    # Its parent too: a new organisation's own path is written after post_save.
    PartyOrganization: Watch(("founded_on", "ended_on"), lambda o: Q(pk=o.pk) | Q(pk=o.parent_id)),
    EnterpriseLink: Watch(("started_on", "ended_on"), lambda o: Q(pk=o.organization_id)),
    EnterpriseState: Watch(("valid_from", "valid_to"), lambda o: _by_enterprise(o.enterprise_id)),
    WorkforceSnapshot: Watch(("counted_on",), lambda o: _by_enterprise(o.enterprise_id)),
    MassOrganization: Watch(("founded_on", "ended_on"), lambda o: _by_enterprise(o.enterprise_id)),
    MembershipCount: Watch(
        ("counted_on",), lambda o: Q(zones__enterprises__mass_organizations=o.organization_id)
    ),
}
EVENT_ORGANIZATIONS = ("organization_id", "counted_before_id", "counted_after_id")


def _containing(days: Iterable) -> list[int]:
    """The closed periods in force that contain one of `days` (None ignored), by id: one plain
    query over the days' span, none when there is no day."""
    days = {day for day in days if day is not None}
    if not days:
        return []
    spanning = (
        ClosedPeriod.objects.in_force()
        .filter(start__lte=max(days), end__gte=min(days))
        .values_list("pk", "start", "end")
    )
    return [pk for pk, start, end in spanning if any(start <= d <= end for d in days)]


def _closings(days: Iterable, organizations: Q):
    """The closed periods in force that contain one of `days`, of a committee whose subtree
    holds one of `organizations`."""
    # First the closings in force that contain one of the days, a plain query: most writes
    # fall in no closed period (every write of the demo's load), and then the organisations
    # are not looked at. Only those go on to the query on the tree.
    containing = _containing(days)
    if not containing:
        return []
    inside = PartyOrganization.objects.filter(organizations).filter(
        path__startswith=OuterRef("committee__path")
    )
    return list(ClosedPeriod.objects.in_force().filter(pk__in=containing).filter(Exists(inside)))


def _record(closings, *, instance, action: str, days, by) -> None:
    days = sorted(day for day in days if day is not None)
    _bulk_record(
        {
            closed: next((d for d in days if closed.start <= d <= closed.end), closed.end)
            for closed in closings
        },
        instance=instance,
        action=action,
        by=by,
    )


def _bulk_record(dated_closings, *, instance, action: str, by) -> None:
    """One correction of `instance` against each closed period, dated as given."""
    Correction.objects.bulk_create(_corrections(dated_closings, instance, action, by))


def _corrections(dated_closings, instance, action: str, by) -> list[Correction]:
    return [
        Correction(
            closed=closed,
            record_type=instance._meta.label_lower,
            record_id=instance.pk,
            record=str(instance)[:255],
            action=action,
            dated=dated,
            recorded_by=actor.account(by),
        )
        for closed, dated in dated_closings.items()
    ]


# --- organisations, enterprises, mass organisations: Django's signals -----------------------


def _remember(sender, instance, **kwargs):
    # Read from __dict__: a deferred field (`.only()`) is not loaded for this, and is then
    # unknown (taken as changed when the record is saved).
    loaded = instance.__dict__
    names = [*WATCHED[sender].dates]
    if sender is PartyOrganization:
        names.append("parent_id")
    setattr(instance, ORIGINAL, {name: loaded[name] for name in names if name in loaded})


def _moving(sender, instance, raw=False, **kwargs):
    """Before an organisation is saved under another parent: its path until now (one query,
    on a move only)."""
    before = getattr(instance, ORIGINAL, {})
    if (
        not raw
        and instance.pk
        and before.get("parent_id", instance.parent_id) != instance.parent_id
    ):
        old = PartyOrganization.objects.filter(pk=instance.pk).values_list("path", flat=True)
        before["path"] = old.first() or ""


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:  # fixtures
        return
    watch = WATCHED[sender]
    before = getattr(instance, ORIGINAL, {})
    now = {name: getattr(instance, name) for name in watch.dates}
    by = actor.current()
    moved = "parent_id" in before and before["parent_id"] != instance.parent_id
    if sender is PartyOrganization and not created and moved:
        _moved(instance, before.get("path") or "", by)
    if created:
        days, action = now.values(), CorrectionAction.ADDED
    else:
        changed = [n for n in watch.dates if n not in before or before[n] != now[n]]
        if not changed:
            _remember(sender, instance)
            return
        days = [before.get(name) for name in changed] + [now[name] for name in changed]
        action = CorrectionAction.CHANGED
    closings = _closings(days, watch.organizations(instance))
    _record(closings, instance=instance, action=action, days=days, by=by)
    _remember(sender, instance)


def _deleted(sender, instance, **kwargs):
    watch = WATCHED[sender]
    days = [getattr(instance, name) for name in watch.dates]
    closings = _closings(days, watch.organizations(instance))
    _record(
        closings, instance=instance, action=CorrectionAction.DELETED, days=days, by=actor.current()
    )


def _ancestor_paths(path: str) -> list[str]:
    parts = [part for part in path.split("/") if part]
    return ["".join(f"{part}/" for part in parts[:n]) for n in range(1, len(parts))]


def _moved(organization, old_path: str, by) -> None:
    """A move in the tree: recorded against the last closed period of each committee above
    the old place and the new one."""
    paths = set(_ancestor_paths(old_path)) | set(_ancestor_paths(organization.path))
    if not paths:
        return
    in_force = ClosedPeriod.objects.in_force().filter(committee__path__in=paths)
    last = {}
    for closed in in_force.order_by("committee_id", "-end"):
        last.setdefault(closed.committee_id, closed)
    _bulk_record(
        {closed: closed.end for closed in last.values()},
        instance=organization,
        action=CorrectionAction.MOVED,
        by=by,
    )


# --- members' events: the members' services' signal ---------------------------------------


def _events_written(sender, events=(), before=(), deleted=(), by=None, **kwargs):
    """The events a service wrote, in one batch however many (a register's import writes
    tens of thousands): one query for the closed periods in force over the events' dates, and
    only when there are any, one for the paths of the organisations involved and one write."""
    old = {event.pk: event for event in before}
    writes = []  # (event, action, days, events involved)
    for event in events:
        previous = old.get(event.pk)
        if previous is None:
            writes.append((event, CorrectionAction.ADDED, [event.occurred_on], [event]))
        else:
            days = [previous.occurred_on, event.occurred_on]
            writes.append((event, CorrectionAction.CHANGED, days, [previous, event]))
    writes.extend(
        (event, CorrectionAction.DELETED, [event.occurred_on], [event]) for event in deleted
    )
    # A plain query first: most batches fall in no closed period.
    containing = _containing(day for _event, _action, dates, _involved in writes for day in dates)
    if not containing:
        return
    closings = list(
        ClosedPeriod.objects.in_force()
        .filter(pk__in=containing)
        .select_related("committee")
        .only("pk", "start", "end", "committee__path")
    )
    paths = _event_paths([event for *_rest, involved in writes for event in involved])
    corrections = []
    for event, action, dates, involved in writes:
        dates = sorted(day for day in dates if day is not None)
        held = {path for one in involved for path in paths(one)}
        hit = {
            closed: next((d for d in dates if closed.start <= d <= closed.end), closed.end)
            for closed in closings
            if any(closed.start <= d <= closed.end for d in dates)
            and any(path.startswith(closed.committee.path) for path in held)
        }
        corrections += _corrections(hit, event, action, by)
    Correction.objects.bulk_create(corrections)


def _event_paths(events) -> Callable[[object], set[str]]:
    """For each event: the paths of its organisations (the cell, where the member was counted
    before and after) and of the member's organisation today; two queries for all the events."""
    ids = {getattr(event, name) for event in events for name in EVENT_ORGANIZATIONS}
    ids.discard(None)
    member_ids = {event.member_id for event in events}
    by_id = dict(PartyOrganization.objects.filter(pk__in=ids).values_list("pk", "path"))
    by_member = {}
    for member_id, path in PartyOrganization.objects.filter(members__pk__in=member_ids).values_list(
        "members__pk", "path"
    ):
        by_member.setdefault(member_id, set()).add(path)

    def paths(event) -> set[str]:
        own = {by_id[pk] for name in EVENT_ORGANIZATIONS if (pk := getattr(event, name)) in by_id}
        return own | by_member.get(event.member_id, set())

    return paths


def connect() -> None:
    """Listen to the records' writes (from ReportsConfig.ready)."""
    for model in WATCHED:
        post_init.connect(_remember, sender=model, dispatch_uid=f"reports-remember-{model}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"reports-saved-{model}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"reports-deleted-{model}")
    pre_save.connect(_moving, sender=PartyOrganization, dispatch_uid="reports-moving")
    events_written.connect(_events_written, sender=MemberEvent, dispatch_uid="reports-events")
