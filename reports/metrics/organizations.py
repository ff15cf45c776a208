"""Party organisations founded in the period (newly), and those formed by a merger, a split or a
reorganisation, counted apart: never as founded."""

from __future__ import annotations

from django.db.models import Count as CountRows
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import FoundingReason, PartyOrganization
from organizations.models.party import GRASSROOTS_KINDS, UNIT_TYPE_KINDS, OrganizationKind
from reports.metrics.batch import FLOW, Term, counted, dates
from reports.metrics.grouping import Groups
from reports.metrics.ownership import GROUP_PARAM, OWNERSHIP_GROUPS, in_group
from reports.metrics.registry import COUNT, PERIOD, metric, planned
from reports.periods import Period
from reports.values import Count

# {value: kinds}: the `kind` parameter.
KINDS = {
    "all": UNIT_TYPE_KINDS,
    "grassroots": GRASSROOTS_KINDS,
    "partial_committee": (OrganizationKind.PARTIAL_COMMITTEE,),
    "subordinate_cell": (OrganizationKind.SUBORDINATE_CELL,),
}
KIND_PARAM = {
    "all": _("all"),
    "grassroots": _("grassroots organisations"),
    "partial_committee": _("partial committees"),
    "subordinate_cell": _("subordinate cells"),
}
OTHER_REASONS = [reason for reason in FoundingReason.values if reason != FoundingReason.NEW]
REASON_PARAM = {
    "all": _("all"),
    FoundingReason.MERGER.value: _("of which by a merger"),
    FoundingReason.SPLIT.value: _("of which by a split"),
    FoundingReason.REORGANISATION.value: _("of which by a reorganisation"),
}


def _founded_in(groups: Groups, period: Period, reasons, kinds, *where: Q) -> dict[int, Count]:
    rows = (
        PartyOrganization.objects.filter(
            groups.within("path"),
            *where,
            kind__in=kinds,
            founding_reason__in=reasons,
            founded_on__gte=period.start,
            founded_on__lte=period.end,
        )
        .order_by()
        .values(group=groups.key("path"))
        .annotate(number=CountRows("pk"))
        .values_list("group", "number")
    )
    return groups.collect(rows, Count)


@metric(
    key="organizations_founded",
    label=_("Party organisations founded"),
    unit=COUNT,
    kind=PERIOD,
    definition=_(
        "Party organisations of the subtree whose founding date is in the period and whose "
        "founding reason is “new”: grassroots committees, grassroots cells, partial committees "
        "and subordinate cells all count. By kind: grassroots organisations (grassroots "
        "committees and grassroots cells), partial committees, subordinate cells. By ownership "
        "group, as the unit type of the organisation (its Biểu 5 row) says."
    ),
    params={"kind": KIND_PARAM, "group": GROUP_PARAM},
    crossed=False,
)
def organizations_founded(groups: Groups, period: Period, *, kind: str, group: str):
    return _founded_in(
        groups, period, [FoundingReason.NEW], KINDS[kind], in_group("unit_type", group)
    )


@metric(
    key="organizations_reorganised",
    label=_("Party organisations formed by a merger, a split or a reorganisation"),
    unit=COUNT,
    kind=PERIOD,
    definition=_(
        "Party organisations of the subtree whose founding date is in the period and whose "
        "founding reason is a merger, a split or a reorganisation (for example a cell raised "
        "to a grassroots committee). They are never counted as founded."
    ),
    params={"reason": REASON_PARAM},
)
def organizations_reorganised(groups: Groups, period: Period, *, reason: str):
    reasons = OTHER_REASONS if reason == "all" else [reason]
    return _founded_in(groups, period, reasons, UNIT_TYPE_KINDS)


def _founded_term(period: Period, reasons, kinds, types=None) -> Term:
    """The organisations founded in `period` for `reasons`, of `kinds`, of a unit type in
    `types` (None: any), tallied by kind, reason and unit type."""

    def test(row) -> bool:
        return (
            row["kind"] in kinds
            and row["founding_reason"] in reasons
            and (types is None or row["unit_type"] in types)
        )

    return Term(
        "organisations",
        "organisations",
        PartyOrganization.objects.all(),
        "path",
        where=dates("founded_on", period),
        columns=dict.fromkeys(("kind", "founding_reason", "unit_type")),
        test=test,
        accrues=FLOW,
    )


@planned("organizations_founded")
def organizations_founded_plan(groups: Groups, period: Period, *, kind: str, group: str):
    types = OWNERSHIP_GROUPS[group][1]
    return counted(_founded_term(period, [FoundingReason.NEW], KINDS[kind], types))


@planned("organizations_reorganised")
def organizations_reorganised_plan(groups: Groups, period: Period, *, reason: str):
    reasons = OTHER_REASONS if reason == "all" else [reason]
    return counted(_founded_term(period, reasons, UNIT_TYPE_KINDS))
