"""Members: admitted, recognised, transferred in and out (flows over the period, as Biểu 1
counts them), and counted at its end."""

from __future__ import annotations

from django.db.models import Count as CountRows
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from members.models import CountedInterval, EventKind, MemberEvent
from reports.metrics.batch import FLOW, STATE, Term, counted, dates, in_force, window
from reports.metrics.grouping import Groups
from reports.metrics.registry import COUNT, DATE, PERIOD, metric, planned
from reports.periods import Period
from reports.values import Count

# The facts stored on the admission event: who the member was then, not today.
AT_ADMISSION = {
    "owners": "owner_at_admission",
    "direct_workers": "direct_worker_at_admission",
    "youth_union": "youth_union_at_admission",
    "women": "woman_at_admission",
}


def _events_in(period: Period):
    return MemberEvent.objects.filter(occurred_on__gte=period.start, occurred_on__lte=period.end)


def _counts(groups: Groups, rows, path_lookup: str) -> dict[int, Count]:
    rows = (
        rows.order_by()
        .values(group=groups.key(path_lookup))
        .annotate(number=CountRows("pk"))
        .values_list("group", "number")
    )
    return groups.collect(rows, Count)


@metric(
    key="members_admitted",
    label=_("Members admitted"),
    unit=COUNT,
    kind=PERIOD,
    definition=_(
        "Admission events dated in the period (the date of the admission decision) whose "
        "admitting cell lies in the organisation's subtree. An admission recorded only as "
        "history from elsewhere (a member admitted by another party organisation who came to "
        "us later) is not ours. Of which re-admitted: the admission of someone admitted once "
        "before, who had left the party and is admitted again. Of which enterprise owners, "
        "direct production workers, Youth Union members, women: as the member was at "
        "admission, from the facts stored on the admission event (the member's record says "
        "only what they are today)."
    ),
    params={
        "of_which": {
            "all": _("all"),
            "readmitted": _("of which re-admitted"),
            "owners": _("of which enterprise owners"),
            "direct_workers": _("of which direct production workers"),
            "youth_union": _("of which Youth Union members"),
            "women": _("of which women"),
        }
    },
)
def members_admitted(groups: Groups, period: Period, *, of_which: str) -> dict[int, Count]:
    rows = _events_in(period).filter(groups.within("organization__path"), kind=EventKind.ADMISSION)
    if of_which in AT_ADMISSION:
        rows = rows.filter(**{AT_ADMISSION[of_which]: True})
    elif of_which == "readmitted":
        earlier = MemberEvent.objects.filter(
            member=OuterRef("member"), kind=EventKind.ADMISSION, sequence__lt=OuterRef("sequence")
        )
        rows = rows.filter(Exists(earlier))
    return _counts(groups, rows, "organization__path")


@metric(
    key="members_recognized",
    label=_("Members recognised as official members"),
    unit=COUNT,
    kind=PERIOD,
    definition=_(
        "Recognitions as official members dated in the period, of members counted then in the "
        "numbers of a cell of the subtree."
    ),
)
def members_recognized(groups: Groups, period: Period) -> dict[int, Count]:
    rows = _events_in(period).filter(
        groups.within("counted_after__path"), kind=EventKind.RECOGNITION
    )
    return _counts(groups, rows, "counted_after__path")


@metric(
    key="members_transferred_in",
    label=_("Members transferred in"),
    unit=COUNT,
    kind=PERIOD,
    definition=_(
        "Permanent transfers in dated in the period that bring a member into the numbers of "
        "the subtree from outside it: from another party organisation, or from a cell outside "
        "the subtree. A move between two cells of the subtree is no transfer for the subtree "
        "(it is one out of the first cell and one into the second). The line “transferred in” "
        "of Biểu 1."
    ),
)
def members_transferred_in(groups: Groups, period: Period) -> dict[int, Count]:
    return _transfers(groups, period, "counted_after__path", "counted_before__path")


@metric(
    key="members_transferred_out",
    label=_("Members transferred out"),
    unit=COUNT,
    kind=PERIOD,
    definition=_(
        "Members who left the numbers of the subtree in the period by a permanent transfer: "
        "out to another party organisation, or into a cell outside the subtree. A move "
        "between two cells of the subtree is no transfer for the subtree. The line "
        "“transferred out” of Biểu 1."
    ),
)
def members_transferred_out(groups: Groups, period: Period) -> dict[int, Count]:
    return _transfers(groups, period, "counted_before__path", "counted_after__path")


# The events of each side of a transfer: into the groups, a transfer in; out of them, a
# transfer out, or in to another of our cells (leaving for it is recorded as its transfer in).
TRANSFER_KINDS = {
    "counted_after__path": [EventKind.TRANSFER_IN],
    "counted_before__path": [EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN],
}


def _transfer_rows(groups: Groups, side: str, other: str) -> Q:
    """Transfers that bring a member into the groups (`side`: where they are counted after),
    or take one out of them (`side`: before), from or to outside the group."""
    return groups.apart(side, other) & Q(kind__in=TRANSFER_KINDS[side])


def _transfers(groups: Groups, period: Period, side: str, other: str) -> dict[int, Count]:
    rows = _events_in(period).filter(groups.within(side), _transfer_rows(groups, side, other))
    return _counts(groups, rows, side)


@metric(
    key="members_counted",
    label=_("Members counted (đảng số)"),
    unit=COUNT,
    kind=DATE,
    definition=_(
        "Members counted in the numbers (đảng số) of the cells of the subtree at the end of "
        "the period's last day (or of the date of the figures): probationary and official "
        "members, including those away at another organisation for a while, and not those "
        "attending here for a while who are counted elsewhere. The end line of Biểu 1."
    ),
)
def members_counted(groups: Groups, period: Period) -> dict[int, Count]:
    return _counts(groups, counted_rows(groups, period.end), "organization__path")


def counted_rows(groups: Groups, day):
    """One row for each member counted in the groups at the end of `day`, in the organisation
    that counted them (grouped by "organization__path").

    Each member's last event on or before the day holds their state then (the rule of
    members.selectors.counted_on); read from its summary, the counted intervals, which hold one
    row per member counted on the day."""
    return CountedInterval.objects.on(day).filter(groups.within("organization__path"))


# --- the plans (reports.metrics.batch): the events in one statement, the intervals in another --


def _event_term(lookup: str, period: Period, only: Q) -> Term:
    return Term(
        "events",
        lookup,
        MemberEvent.objects.all(),
        lookup,
        dates("occurred_on", period),
        only,
        accrues=FLOW,
    )


@planned("members_admitted")
def members_admitted_plan(groups: Groups, period: Period, *, of_which: str):
    only = Q(kind=EventKind.ADMISSION)
    if of_which in AT_ADMISSION:
        only &= Q(**{AT_ADMISSION[of_which]: True})
    elif of_which == "readmitted":
        earlier = MemberEvent.objects.filter(
            member=OuterRef("member"), kind=EventKind.ADMISSION, sequence__lt=OuterRef("sequence")
        )
        only &= Q(Exists(earlier))
    return counted(_event_term("organization__path", period, only))


@planned("members_recognized")
def members_recognized_plan(groups: Groups, period: Period):
    return counted(_event_term("counted_after__path", period, Q(kind=EventKind.RECOGNITION)))


@planned("members_transferred_in")
def members_transferred_in_plan(groups: Groups, period: Period):
    only = _transfer_rows(groups, "counted_after__path", "counted_before__path")
    return counted(_event_term("counted_after__path", period, only))


@planned("members_transferred_out")
def members_transferred_out_plan(groups: Groups, period: Period):
    only = _transfer_rows(groups, "counted_before__path", "counted_after__path")
    return counted(_event_term("counted_before__path", period, only))


def counted_term(family: str, day) -> Term:
    """The members counted at the end of `day`, by the organisation that counts them."""
    return Term(
        family,
        "intervals",
        CountedInterval.objects.all(),
        "organization__path",
        in_force(day, "counted_from", "counted_until"),
        accrues=STATE,
        changed=interval_changed,
    )


def interval_changed(since, until) -> Q:
    """The counted intervals that begin or end between the ends of two days."""
    return window("counted_from", since, until) | window("counted_until", since, until)


@planned("members_counted")
def members_counted_plan(groups: Groups, period: Period):
    return counted(counted_term("intervals", period.end))
