"""Biểu 1, the member balance: start + admitted + transferred in + restored − died − expelled −
removed − resigned − transferred out = end, for the subtree. It must balance.

Its lines are the numbers of members.selectors.balance (which other callers still use), as
planned terms: the flows are the events of the period that bring a member into the subtree's
numbers from outside it, or take one out of them (a move between two of its cells is no
flow), by kind; the start and the end, the members counted at the end of the day before the
period and of its last day. A closed period just before gives the start instead
(reports.closing.Closings.carried, applied by reports.tables.build)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import MemberEvent
from members.selectors import FLOWS_IN, FLOWS_OUT, Balance
from reports.metrics.batch import FLOW, Term, counted, dates
from reports.metrics.grouping import Groups
from reports.metrics.registry import PERIOD
from reports.periods import Period
from reports.tables.base import Line, Lines, Planned, hidden, table
from reports.tables.terms import ALL, MEMBERS_COUNTED
from reports.values import Count

# The lines of the form (domain guide §8), in its words: "Form 1" tells them apart from the
# members' statuses of the same English name.
BIEU1_LINES = [
    ("start", pgettext_lazy("Form 1", "Members at the start of the period")),
    ("admitted", pgettext_lazy("Form 1", "Admitted")),
    ("transferred_in", pgettext_lazy("Form 1", "Transferred in")),
    ("restored", pgettext_lazy("Form 1", "Membership restored")),
    ("died", pgettext_lazy("Form 1", "Died")),
    ("expelled", pgettext_lazy("Form 1", "Expelled")),
    ("removed", pgettext_lazy("Form 1", "Removed from the rolls")),
    ("resigned", pgettext_lazy("Form 1", "Left the party at their request")),
    ("transferred_out", pgettext_lazy("Form 1", "Transferred out")),
    ("end", pgettext_lazy("Form 1", "Members at the end of the period")),
]
UNEXPLAINED = "unexplained"  # events of another kind that move a member in or out: no line
# Each side of a move: the cell the event's member is counted in on that side, and the other.
SIDES = {
    "in": ("counted_after__path", "counted_before__path", FLOWS_IN),
    "out": ("counted_before__path", "counted_after__path", FLOWS_OUT),
}


def _kinds(lines: dict, line: str) -> Q:
    """The events whose kind counts on `line` of a side (`lines`: FLOWS_IN or FLOWS_OUT);
    for UNEXPLAINED, those of every other kind."""
    if line == UNEXPLAINED:
        return ~Q(kind__in=list(lines))
    return Q(kind__in=[kind for kind, its_line in lines.items() if its_line == line])


# The flows: {flow: (side, line)}, the lines in the order of the form, then what the lines
# leave out on each side.
FLOWS = {
    **{line: ("in", line) for line in dict.fromkeys(FLOWS_IN.values())},
    **{line: ("out", line) for line in dict.fromkeys(FLOWS_OUT.values())},
    f"{UNEXPLAINED}_in": ("in", UNEXPLAINED),
    f"{UNEXPLAINED}_out": ("out", UNEXPLAINED),
}


def moved_plan(groups: Groups, period: Period, *, flow: str):
    """The events dated in the period that move a member into the groups' numbers from
    outside them, or out of them (the side of `flow`), of the kinds of its line."""
    side, line = FLOWS[flow]
    lookup, other, lines = SIDES[side]
    return counted(
        Term(
            "events",
            lookup,
            MemberEvent.objects.all(),
            lookup,
            dates("occurred_on", period),
            groups.apart(lookup, other) & _kinds(lines, line),
            accrues=FLOW,
        )
    )


MOVED = hidden("bieu1.moved", moved_plan, params={"flow": list(FLOWS)}, kind=PERIOD)


def day_before(period: Period) -> Period:
    """The day before `period` starts, as a period: the start of a balance is the members
    counted at its end, a date of the request (kcn_party.statements keeps a statement whose
    dates are its periods' only)."""
    day = period.start - datetime.timedelta(days=1)
    return Period(day, day)


@table(key="bieu1", title=_("Form 1: members gained and lost"))
def bieu1(period: Period) -> Planned:
    """start + admitted + transferred in + restored − died − expelled − removed − resigned −
    transferred out = end, for the subtree, and whether it balances: every event that moves
    a member in or out is on a line of its kind."""
    requests = [
        (MEMBERS_COUNTED, {"types": ALL}, day_before(period)),
        (MEMBERS_COUNTED, {"types": ALL}, period),
        *((MOVED, {"flow": flow}, period) for flow in FLOWS),
    ]

    def make(values) -> Lines:
        start, end, *flows = (value.value for value in values)
        numbers = dict.fromkeys([*FLOWS_IN.values(), *FLOWS_OUT.values()], 0)
        unexplained = 0
        for (_side, line), number in zip(FLOWS.values(), flows, strict=True):
            if line == UNEXPLAINED:
                unexplained += number
            else:
                numbers[line] += number
        result = Balance(start=start, end=end, unexplained=unexplained, **numbers)
        return Lines(
            [Line(key, label, Count(getattr(result, key))) for key, label in BIEU1_LINES],
            checks={"balances": result.balances},
        )

    return Planned(requests, make)
