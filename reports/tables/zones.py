"""The zone table, on the last day of the period: coverage of the enterprises active then in the
committee's zones by party organisations and by grassroots trade unions (all, by size band, by
ownership group), the members as a percentage of the workers, and the trade unions, Youth
Union branches and veterans' associations active then with their members.

The coverage lines are the figures `coverage_party` and `coverage_union` (reports.metrics.coverage)
with each parameter value, computed here from the same rows in one query rather than one query
each; a test checks that they agree.
"""

from __future__ import annotations

from django.db.models import Count as CountRows
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from organizations.models import MassKind, MassOrganization, MembershipCount
from reports.metrics import get
from reports.metrics.coverage import (
    COMMITTEE,
    active_on,
    enterprises_on,
    party_served_on,
    union_on,
    workers_in_force,
)
from reports.metrics.grouping import Groups
from reports.metrics.ownership import OWNERSHIP_GROUPS, SIZE_BANDS, in_band, in_group
from reports.periods import Period
from reports.tables.base import Line, Lines, table
from reports.values import Count, Ratio

MASS_KINDS = (MassKind.TRADE_UNION, MassKind.YOUTH_UNION, MassKind.VETERANS)
COVERED_BY = {"coverage_party": party_served_on, "coverage_union": union_on}


def _coverage_lines(groups: Groups, day) -> list[Line]:
    """Each coverage figure with each value of `band` and of `group`: one query of
    conditional counts over the enterprises active on `day`."""
    rows = enterprises_on(groups, day).annotate(
        workers=workers_in_force(day),
        **{key: covered(day) for key, covered in COVERED_BY.items()},
    )
    parts = {
        **{f"band:{band}": in_band("workers", band) for band in SIZE_BANDS},
        **{f"group:{group}": in_group("ownership", group) for group in OWNERSHIP_GROUPS},
    }
    aggregates = {}
    for name, where in parts.items():
        aggregates[f"{name}:total"] = CountRows("pk", filter=where)
        for key in COVERED_BY:
            aggregates[f"{name}:{key}"] = CountRows("pk", filter=where & _true(key))
    counted = rows.aggregate(**aggregates)
    lines = []
    for key in COVERED_BY:
        label = get(key).label
        for param, values in (("band", SIZE_BANDS), ("group", OWNERSHIP_GROUPS)):
            for value, (value_label, *_rest) in values.items():
                if param == "group" and value == "all":
                    continue  # the line of every band's "all"
                name = f"{param}:{value}"
                line_key = key if value == "all" else f"{key}.{param}_{value}"
                line_label = label if value == "all" else format_lazy("{}: {}", label, value_label)
                ratio = Ratio(counted[f"{name}:{key}"], counted[f"{name}:total"])
                lines.append(Line(line_key, line_label, ratio))
    return lines


def _true(annotation: str) -> Q:
    return Q(**{annotation: True})


def _mass_lines(groups: Groups, day) -> list[Line]:
    """The trade unions, Youth Union branches and veterans' associations active on `day`
    (one query) and their members by the latest count on or before it (one query)."""
    active = MassOrganization.objects.filter(
        groups.within(COMMITTEE), active_on(day), kind__in=MASS_KINDS
    ).order_by()
    organizations = dict(
        active.values("kind").annotate(number=CountRows("pk")).values_list("kind", "number")
    )
    later = MembershipCount.objects.filter(
        organization=OuterRef("organization"),
        counted_on__lte=day,
        counted_on__gt=OuterRef("counted_on"),
    )
    members = dict(
        MembershipCount.objects.filter(organization__in=active.values("pk"), counted_on__lte=day)
        .exclude(Exists(later))
        .order_by()
        .values("organization__kind")
        .annotate(number=Sum("members"))
        .values_list("organization__kind", "number")
    )
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


@table(key="zones", title=_("Zone table: coverage, members and workers, mass organisations"))
def zones(root, period: Period) -> Lines:
    """On the period's last day, for the zones in the care of the zone committees of the
    subtree: 4 queries (coverage, members as a % of workers, mass organisations and their
    members)."""
    groups, day = Groups(root), period.end
    per_workers = get("members_per_workers")(root, period)[root.pk]
    return Lines(
        [
            *_coverage_lines(groups, day),
            Line("members_per_workers", get("members_per_workers").label, per_workers),
            *_mass_lines(groups, day),
        ]
    )
