"""Reads that span members and their events: the state on a past date, the member balance of
a period (Biểu 1), the due and overdue lists of the admission pipeline, and what the ratings
read (who is normally rated, the grassroots organisation of a cell, the HTXS quota)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kcn_party import statements
from members import calendar
from members.models import (
    CandidateStage,
    CountedInterval,
    EventKind,
    Member,
    MemberEvent,
    MemberRating,
    MemberStatus,
    RatingLevel,
)
from members.models.ratings import GOOD_OR_BETTER
from organizations.access import subtree_q
from organizations.models import OrganizationKind, PartyOrganization


def _last_events_on(day: datetime.date):
    """Each member's last event on or before `day`: its stored state is the member's state
    at the end of that day. (Sequence follows the dates, so "last" is the highest.)"""
    later = MemberEvent.objects.filter(
        member=OuterRef("member"), occurred_on__lte=day, sequence__gt=OuterRef("sequence")
    )
    return MemberEvent.objects.filter(occurred_on__lte=day).exclude(Exists(later))


def counted_on(organization, day: datetime.date):
    """Members counted in the numbers (đảng số) of `organization`'s subtree at the end of
    `day`, as the events recorded then say (read from their summary, the counted intervals,
    which members.services keeps equal to the events: `counted_on_from_events`)."""
    inside = CountedInterval.objects.on(day).filter(
        subtree_q("organization__path", organization.path)
    )
    return Member.objects.filter(pk__in=inside.values("member_id"))


def counted_on_from_events(organization, day: datetime.date):
    """`counted_on` computed from the events themselves: each member's last event on or
    before `day`. Slow at national scale; the tests hold the summary to it."""
    last = _last_events_on(day).filter(subtree_q("counted_after__path", organization.path))
    return Member.objects.filter(pk__in=last.values("member_id"))


def counted_at(organization, *days: datetime.date) -> list[int]:
    """How many members are counted in `organization`'s subtree at the end of each of `days`,
    in one query (a count of the intervals holding each day: one per member)."""
    inside = CountedInterval.objects.filter(subtree_q("organization__path", organization.path))
    counts = inside.aggregate(
        **{
            f"day_{number}": Count(
                "pk",
                filter=Q(counted_from__lte=day)
                & (Q(counted_until__isnull=True) | Q(counted_until__gt=day)),
            )
            for number, day in enumerate(days)
        }
    )
    return [counts[f"day_{number}"] for number in range(len(days))]


def attending_on(organization, day: datetime.date):
    """Members attending `organization` itself at the end of `day` (counted there or visiting)."""
    last = _last_events_on(day).filter(organization_after=organization)
    return Member.objects.filter(pk__in=last.values("member_id"))


@dataclass
class Balance:
    """Biểu 1: start + admitted + transferred in + restored − left − transferred out = end."""

    start: int
    admitted: int
    transferred_in: int
    restored: int
    died: int
    expelled: int
    removed: int
    resigned: int
    transferred_out: int
    end: int
    # Changes of count the lines above do not explain; always 0 unless something is wrong.
    unexplained: int = 0

    @property
    def left(self) -> int:
        return self.died + self.expelled + self.removed + self.resigned

    @property
    def computed_end(self) -> int:
        return (
            self.start
            + self.admitted
            + self.transferred_in
            + self.restored
            - self.left
            - self.transferred_out
        )

    @property
    def balances(self) -> bool:
        return self.computed_end == self.end and not self.unexplained


# The lines of Biểu 1 each kind of event into the subtree, and out of it, counts on: out to
# another organisation, or to a cell of ours outside the subtree, is a transfer out. An event
# of another kind that changes the count is unexplained.
FLOWS_IN = {
    EventKind.ADMISSION: "admitted",
    EventKind.TRANSFER_IN: "transferred_in",
    EventKind.RESTORATION: "restored",
}
FLOWS_OUT = {
    EventKind.DEATH: "died",
    EventKind.EXPULSION: "expelled",
    EventKind.REMOVAL: "removed",
    EventKind.RESIGNATION: "resigned",
    EventKind.TRANSFER_OUT: "transferred_out",
    EventKind.TRANSFER_IN: "transferred_out",
}


def _flows(organization, start: datetime.date, end: datetime.date, *, into: bool):
    """The events of the period into `organization`'s subtree (or out of it) by kind, each
    read by the (cell, date) index of its side, not as every event of the period joined twice
    to the tree."""
    inside_after = subtree_q("counted_after__path", organization.path)
    inside_before = subtree_q("counted_before__path", organization.path)
    moved = inside_after & ~inside_before if into else inside_before & ~inside_after
    return (
        MemberEvent.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
        .filter(moved)
        .order_by()
        .values("kind")
        .annotate(number=Count("pk"))
        .values_list("kind", "number")
    )


# Each statement built once (kcn_party.statements).
def _flows_into(organization, start: datetime.date, end: datetime.date):
    return _flows(organization, start, end, into=True)


def _flows_out_of(organization, start: datetime.date, end: datetime.date):
    return _flows(organization, start, end, into=False)


def balance(organization, start: datetime.date, end: datetime.date) -> Balance:
    """The member balance of `organization`'s subtree from `start` to `end`, both included:
    the count at the end of the day before `start`, the flows of the events in the period
    (a move between two cells of the subtree is no flow), the count at the end of `end`. Three
    queries: the flows in, the flows out, and both counts from the counted intervals."""
    flows = dict.fromkeys([*FLOWS_IN.values(), *FLOWS_OUT.values()], 0)
    unexplained = 0
    for lines, moved in ((FLOWS_IN, _flows_into), (FLOWS_OUT, _flows_out_of)):
        for kind, number in statements.rows(moved, organization, start, end):
            if kind in lines:
                flows[lines[kind]] += number
            else:
                unexplained += number
    counted_start, counted_end = counted_at(organization, start - datetime.timedelta(days=1), end)
    return Balance(
        start=counted_start,
        end=counted_end,
        unexplained=unexplained,
        **flows,
    )


# --- due and overdue ------------------------------------------------------------------------


@dataclass
class DueItem:
    what: str  # "decision", "ceremony" or "recognition"
    subject: object  # a Candidate or a Member
    organization: object
    since: datetime.date
    due_on: datetime.date
    overdue: bool
    # Days past the last day allowed (the due date; for a recognition, the end of the 30
    # working days to propose it after the probation), 0 while not overdue.
    days_late: int = 0


def due_items(
    members, candidates, *, today: datetime.date | None = None, horizon_days: int = 60
) -> list[DueItem]:
    """What the statutory deadlines make due, from querysets already narrowed to what the
    account may see: candidates awaiting the upper committee's decision (60 working days from
    the cell's resolution), admitted members awaiting their ceremony (30 working days from the
    decision), probationary members awaiting recognition (12 months after the ceremony, to be
    proposed within 30 working days after that) — those due within `horizon_days`, and every
    overdue one, the most pressing first (`pressing`)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=horizon_days)
    rules = settings.MEMBER_RULES
    items = []
    awaiting_decision = candidates.filter(stage=CandidateStage.CELL_RESOLUTION).select_related(
        "organization"
    )
    for candidate in awaiting_decision:
        due = candidate.decision_due_on
        items.append(
            DueItem(
                "decision",
                candidate,
                candidate.organization,
                candidate.resolution_on,
                due,
                due < today,
                _late(due, today),
            )
        )
    current = members.filter(status=MemberStatus.PROBATIONARY).select_related("organization")
    for member in current.filter(ceremony_on__isnull=True, admitted_on__isnull=False):
        due = calendar.add_working_days(member.admitted_on, rules["CEREMONY_WORKING_DAYS"])
        items.append(
            DueItem(
                "ceremony",
                member,
                member.organization,
                member.admitted_on,
                due,
                due < today,
                _late(due, today),
            )
        )
    probation_ends_before = calendar.add_months(horizon, -rules["PROBATION_MONTHS"])
    for member in current.filter(ceremony_on__isnull=False, ceremony_on__lte=probation_ends_before):
        due = calendar.add_months(member.ceremony_on, rules["PROBATION_MONTHS"])
        late = calendar.add_working_days(due, rules["RECOGNITION_PROPOSAL_WORKING_DAYS"])
        items.append(
            DueItem(
                "recognition",
                member,
                member.organization,
                member.ceremony_on,
                due,
                late < today,
                _late(late, today),
            )
        )
    return sorted(items, key=pressing)


def pressing(item: DueItem) -> tuple:
    """The order of the due list: the overdue first, the latest of them first; then by date."""
    return (not item.overdue, -item.days_late, item.due_on)


def _late(last_day: datetime.date, today: datetime.date) -> int:
    return max((today - last_day).days, 0)


# --- ratings --------------------------------------------------------------------------------


def rateable(member: Member, year: int) -> bool:
    """Whether the member is normally rated for `year`: admitted at least RATING_MIN_MONTHS
    before the year's end and not exempt."""
    if member.exempt or not member.admitted_on:
        return False
    months = settings.MEMBER_RULES["RATING_MIN_MONTHS"]
    return calendar.add_months(member.admitted_on, months) <= datetime.date(year, 12, 31)


def grassroots_of(organization: PartyOrganization) -> PartyOrganization:
    """The grassroots organisation (TCCSĐ) a cell belongs to: itself for a grassroots cell,
    the grassroots committee above a subordinate cell."""
    if organization.kind in (
        OrganizationKind.GRASSROOTS_CELL,
        OrganizationKind.GRASSROOTS_COMMITTEE,
    ):
        return organization
    return (
        organization.ancestors().filter(kind=OrganizationKind.GRASSROOTS_COMMITTEE).last()
        or organization
    )


def excellent_quota_warning(organization: PartyOrganization, year: int) -> list[str]:
    """HTXS is capped at a share of those rated HTT or better within a grassroots
    organisation (configurable; a warning, not a block)."""
    grassroots = grassroots_of(organization)
    counts = (
        MemberRating.objects.within(grassroots)
        .filter(year=year)
        .aggregate(
            excellent=Count("pk", filter=Q(level=RatingLevel.EXCELLENT)),
            good_or_better=Count("pk", filter=Q(level__in=GOOD_OR_BETTER)),
        )
    )
    quota = settings.MEMBER_RULES["EXCELLENT_QUOTA_PERCENT"]
    if counts["excellent"] * 100 > quota * counts["good_or_better"]:
        share = counts["excellent"] * 100 / counts["good_or_better"]
        return [
            _(
                "%(name)s, %(year)d: %(excellent)d of the %(good)d members rated HTT or better are "
                "rated HTXS (%(share)s%%), above the %(quota)d%% quota."
            )
            % {
                "name": grassroots.name,
                "year": year,
                "excellent": counts["excellent"],
                "good": counts["good_or_better"],
                "share": f"{share:.1f}".replace(".", ","),
                "quota": quota,
            }
        ]
    return []
