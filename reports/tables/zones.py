"""The zone table, on the last day of the period: coverage of the enterprises active then in the
committee's zones by party organisations and by grassroots trade unions (all, by size band, by
ownership group), the members as a percentage of the workers, and the trade unions, Youth
Union branches and veterans' associations active then with their members.

The coverage lines are the figures `coverage_party` and `coverage_union` (reports.metrics.coverage)
with each parameter value, computed here from the same rows in one query grouped by ownership,
band and coverage rather than one query each; a test checks that they agree.
"""

from __future__ import annotations

from django.db.models import Count as CountRows
from django.db.models import Exists, OuterRef, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kcn_party import statements
from organizations.models import MassKind, MassOrganization, MembershipCount
from reports.metrics import get
from reports.metrics.coverage import (
    COMMITTEE,
    active_on,
    band_in_force,
    enterprises_on,
    party_served_on,
    union_on,
)
from reports.metrics.grouping import Groups
from reports.metrics.ownership import OWNERSHIP_GROUPS, SIZE_BANDS
from reports.periods import Period
from reports.tables.base import Line, Lines, table
from reports.values import Count, Ratio

MASS_KINDS = (MassKind.TRADE_UNION, MassKind.YOUTH_UNION, MassKind.VETERANS)
COVERED_BY = {"coverage_party": party_served_on, "coverage_union": union_on}


def _coverage_lines(groups: Groups, day) -> list[Line]:
    """Each coverage figure with each value of `band` and of `group`, from one query: the
    enterprises active on `day` counted by ownership, size band and whether a party
    organisation and a union serve them (at most 13 × 4 × 2 × 2 rows), added up here by the
    definitions of the groups and bands."""
    rows = (
        enterprises_on(groups, day)
        .annotate(
            band=band_in_force(day),
            **{key: covered(day) for key, covered in COVERED_BY.items()},
        )
        .order_by()
        .values("ownership", "band", *COVERED_BY)
        .annotate(number=CountRows("pk"))
        .values_list("ownership", "band", *COVERED_BY, "number")
    )
    counted = [
        (ownership, band, dict(zip(COVERED_BY, covered, strict=True)), number)
        for ownership, band, *covered, number in rows
    ]

    def ratio(key: str, param: str, value: str) -> Ratio:
        if param == "band":
            chosen = [row for row in counted if value == "all" or row[1] == value]
        else:
            types = OWNERSHIP_GROUPS[value][1]
            chosen = [row for row in counted if types is None or row[0] in types]
        return Ratio(
            sum(number for _o, _b, covered, number in chosen if covered[key]),
            sum(number for *_rest, number in chosen),
        )

    return [
        Line(line_key, label, ratio(key, param, value))
        for key, param, value, line_key, label in _variants()
    ]


def _variants():
    """Each coverage line: (metric key, parameter, its value, line key, label), in order."""
    for key in COVERED_BY:
        label = get(key).label
        for param, values in (("band", SIZE_BANDS), ("group", OWNERSHIP_GROUPS)):
            for value, (value_label, *_rest) in values.items():
                if param == "group" and value == "all":
                    continue  # the line of every band's "all"
                line_key = key if value == "all" else f"{key}.{param}_{value}"
                line_label = label if value == "all" else format_lazy("{}: {}", label, value_label)
                yield key, param, value, line_key, line_label


def _mass_active(root, day):
    """The mass organisations active on `day` in the zones of `root`'s subtree, of MASS_KINDS."""
    return MassOrganization.objects.filter(
        Groups(root).within(COMMITTEE), active_on(day), kind__in=MASS_KINDS
    ).order_by()


def _mass_organizations(root, day):
    return (
        _mass_active(root, day)
        .values("kind")
        .annotate(number=CountRows("pk"))
        .values_list("kind", "number")
    )


def _mass_members(root, day):
    later = MembershipCount.objects.filter(
        organization=OuterRef("organization"),
        counted_on__lte=day,
        counted_on__gt=OuterRef("counted_on"),
    )
    return (
        MembershipCount.objects.filter(
            organization__in=_mass_active(root, day).values("pk"), counted_on__lte=day
        )
        .exclude(Exists(later))
        .order_by()
        .values("organization__kind")
        .annotate(number=Sum("members"))
        .values_list("organization__kind", "number")
    )


def _mass_lines(groups: Groups, day) -> list[Line]:
    """The trade unions, Youth Union branches and veterans' associations active on `day`
    (one query) and their members by the latest count on or before it (one query); each
    statement built once (kcn_party.statements)."""
    organizations = dict(statements.rows(_mass_organizations, groups.root, day))
    members = dict(statements.rows(_mass_members, groups.root, day))
    lines = []
    for kind in MASS_KINDS:
        label = MassKind(kind).label
        lines.append(
            Line(kind, format_lazy("{}: {}", label, _("active")), Count(organizations.get(kind, 0)))
        )
        lines.append(
            Line(
                f"{kind}.members",
                format_lazy("{}: {}", label, _("their members")),
                Count(members.get(kind) or 0),
            )
        )
    return lines


def _figure_lines(known) -> list[Line] | None:
    """The coverage lines and members per workers as the figures of the period gave them, or
    None if `known` lacks any of them."""
    lines = []
    for key, param, value, line_key, label in _variants():
        params = get(key).checked({"group": "all", "band": "all", param: value})
        if (key, tuple(params.items())) not in known:
            return None
        lines.append(Line(line_key, label, known[key, tuple(params.items())]))
    per_workers = known.get(("members_per_workers", ()))
    if per_workers is None:
        return None
    return [*lines, Line("members_per_workers", get("members_per_workers").label, per_workers)]


@table(
    key="zones",
    title=_("Zone table: coverage, members and workers, mass organisations"),
    figures=(*COVERED_BY, "members_per_workers"),
)
def zones(root, period: Period, known=None) -> Lines:
    """On the period's last day, for the zones in the care of the zone committees of the
    subtree: 4 queries (coverage, members as a % of workers, mass organisations and their
    members), 2 when the figures of the period are `known` (reports.tables.build)."""
    groups, day = Groups(root), period.end
    figured = _figure_lines(known) if known is not None else None
    if figured is None:
        per_workers = get("members_per_workers")(root, period)[root.pk]
        figured = [
            *_coverage_lines(groups, day),
            Line("members_per_workers", get("members_per_workers").label, per_workers),
        ]
    return Lines([*figured, *_mass_lines(groups, day)])
