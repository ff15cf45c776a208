"""Mass organisations in the committee's zones: trade unions, Youth Union branches and
veterans' associations founded, and union members recruited.

They belong to enterprises, and enterprises to zones in the care of a zone committee: these
figures are grouped by the zone's committee (0 for an organisation below a zone committee)."""

from __future__ import annotations

from django.db.models import Count as CountRows
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from organizations.models import MassKind, MassOrganization, MembershipCount
from reports.metrics.batch import FLOW, Term, counted, dates
from reports.metrics.grouping import Groups
from reports.metrics.registry import COUNT, PERIOD, ZONES, metric, planned
from reports.periods import Period
from reports.values import Count

COMMITTEE = "enterprise__zone__committee__path"


def _founded(groups: Groups, period: Period, kind: str) -> dict[int, Count]:
    rows = (
        MassOrganization.objects.filter(
            groups.within(COMMITTEE),
            kind=kind,
            founded_on__gte=period.start,
            founded_on__lte=period.end,
        )
        .order_by()
        .values(group=groups.key(COMMITTEE))
        .annotate(number=CountRows("pk"))
        .values_list("group", "number")
    )
    return groups.collect(rows, Count)


def _founded_metric(key: str, kind: str, label, definition) -> None:
    """Register the metric `key`: the mass organisations of `kind` founded in the period, and
    its plan."""
    metric(key=key, label=label, unit=COUNT, kind=PERIOD, scope=ZONES, definition=definition)(
        lambda groups, period: _founded(groups, period, kind)
    )
    planned(key)(lambda groups, period: _founded_plan(period, kind))


_founded_metric(
    "unions_founded",
    MassKind.TRADE_UNION,
    _("Grassroots trade unions founded"),
    _(
        "Grassroots trade unions whose founding date is in the period, in enterprises and "
        "agencies of the zones in the care of the zone committees of the subtree (0 for an "
        "organisation below a zone committee)."
    ),
)
_founded_metric(
    "youth_union_founded",
    MassKind.YOUTH_UNION,
    _("Youth Union branches founded"),
    _(
        "Youth Union branches whose founding date is in the period, in enterprises and "
        "agencies of the zones in the care of the zone committees of the subtree (0 for an "
        "organisation below a zone committee)."
    ),
)
_founded_metric(
    "veterans_founded",
    MassKind.VETERANS,
    _("Veterans' associations founded"),
    _(
        "Veterans' associations whose founding date is in the period, in enterprises and "
        "agencies of the zones in the care of the zone committees of the subtree (0 for an "
        "organisation below a zone committee)."
    ),
)


@metric(
    key="union_members_recruited",
    label=_("Trade union members recruited"),
    unit=COUNT,
    kind=PERIOD,
    scope=ZONES,
    definition=_(
        "The sum of the new members recruited (phát triển đoàn viên) that the member counts of "
        "grassroots trade unions dated in the period report, for the unions of the zones in "
        "the care of the zone committees of the subtree (0 for an organisation below a zone "
        "committee)."
    ),
)
def union_members_recruited(groups: Groups, period: Period) -> dict[int, Count]:
    path = f"organization__{COMMITTEE}"
    rows = (
        MembershipCount.objects.filter(
            groups.within(path),
            organization__kind=MassKind.TRADE_UNION,
            counted_on__gte=period.start,
            counted_on__lte=period.end,
        )
        .order_by()
        .values(group=groups.key(path))
        .annotate(number=Sum("recruited"))
        .values_list("group", "number")
    )
    return groups.collect(rows, Count)


# --- the plans (reports.metrics.batch): one statement for the mass organisations' figures ----


def _mass_plan(rows, lookup: str, day: str, period: Period, only: Q, total=None):
    return counted(
        Term("mass", lookup, rows, lookup, dates(day, period), only, total=total, accrues=FLOW)
    )


def _founded_plan(period: Period, kind: str):
    rows = MassOrganization.objects.all()
    return _mass_plan(rows, COMMITTEE, "founded_on", period, Q(kind=kind))


@planned("union_members_recruited")
def union_members_recruited_plan(groups: Groups, period: Period):
    rows, trade_union = MembershipCount.objects.all(), Q(organization__kind=MassKind.TRADE_UNION)
    path = f"organization__{COMMITTEE}"
    return _mass_plan(rows, path, "counted_on", period, trade_union, "recruited")
