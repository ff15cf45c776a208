"""The zone table, on the last day of the period: coverage of the enterprises active then in the
committee's zones by party organisations and by grassroots trade unions (all, by size band, by
ownership group), the members as a percentage of the workers, and the trade unions, Youth
Union branches and veterans' associations active then with their members.

The coverage lines and the members per workers are the figures `coverage_party`,
`coverage_union` (with each parameter value) and `members_per_workers`
(reports.metrics.coverage): taken from the figures of the period when they are given
(reports.tables.build), else asked with the table's other lines.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from organizations.models import MassKind, MassOrganization, MembershipCount
from reports.metrics import get
from reports.metrics.batch import STATE, Term, counted, in_force, window
from reports.metrics.coverage import COMMITTEE
from reports.metrics.grouping import Groups
from reports.metrics.ownership import OWNERSHIP_GROUPS, SIZE_BANDS
from reports.periods import Period
from reports.tables.base import Line, Lines, Planned, hidden, table

MASS_KINDS = (MassKind.TRADE_UNION, MassKind.YOUTH_UNION, MassKind.VETERANS)
COVERED_BY = ("coverage_party", "coverage_union")


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


def mass_changed(since, until) -> Q:
    """The mass organisations founded or ended between the ends of two days."""
    return window("founded_on", since, until) | window("ended_on", since, until)


def mass_plan(groups: Groups, period: Period, *, kind: str):
    """The mass organisations of `kind` active on the period's last day in the zones of the
    groups."""
    return counted(
        Term(
            "mass",
            COMMITTEE,
            MassOrganization.objects.all(),
            COMMITTEE,
            in_force(period.end, "founded_on", "ended_on"),
            Q(kind=kind),
            accrues=STATE,
            changed=mass_changed,
        )
    )


def counts_changed(since, until) -> Q:
    """The member counts whose part may differ between the ends of two days: those of an
    organisation counted in between (a count dated then, or replaced by one), or founded or
    ended in between."""
    counted_then = MembershipCount.objects.filter(window("counted_on", since, until))
    return (
        Q(organization__in=counted_then.values("organization"))
        | window("organization__founded_on", since, until)
        | window("organization__ended_on", since, until)
    )


def mass_members_plan(groups: Groups, period: Period, *, kind: str):
    """The members of the mass organisations of `kind` active on the period's last day in the
    zones of the groups, by the latest count of each on or before that day."""
    day = period.end
    later = MembershipCount.objects.filter(
        organization=OuterRef("organization"),
        counted_on__lte=day,
        counted_on__gt=OuterRef("counted_on"),
    )
    lookup = f"organization__{COMMITTEE}"
    return counted(
        Term(
            "mass",
            lookup,
            MembershipCount.objects.all(),
            lookup,
            Q(counted_on__lte=day) & in_force(day, "founded_on", "ended_on", "organization__"),
            Q(organization__kind=kind) & ~Q(Exists(later)),
            total="members",
            accrues=STATE,
            changed=counts_changed,
        )
    )


KIND_PARAM = {"kind": [kind.value for kind in MASS_KINDS]}
MASS = hidden("zones.mass", mass_plan, params=KIND_PARAM)
MASS_MEMBERS = hidden("zones.mass_members", mass_members_plan, params=KIND_PARAM)


def _mass_lines() -> list[tuple]:
    """The lines of the mass organisations: (key, label, metric, kind) for each kind, active
    and their members."""
    lines = []
    for kind in MASS_KINDS:
        label = MassKind(kind).label
        lines.append((kind, format_lazy("{}: {}", label, _("active")), MASS, kind))
        members = format_lazy("{}: {}", label, _("their members"))
        lines.append((f"{kind}.members", members, MASS_MEMBERS, kind))
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


def _figures_asked() -> list[tuple]:
    """The lines that are figures, when the figures of the period are not given: (key, label,
    metric, its parameters)."""
    asked = [
        (line_key, label, get(key), get(key).checked({param: value}))
        for key, param, value, line_key, label in _variants()
    ]
    per_workers = get("members_per_workers")
    return [*asked, ("members_per_workers", per_workers.label, per_workers, {})]


@table(
    key="zones",
    title=_("Zone table: coverage, members and workers, mass organisations"),
    figures=(*COVERED_BY, "members_per_workers"),
)
def zones(period: Period, known=None) -> Planned:
    """On the period's last day, for the zones in the care of the zone committees of the
    subtree: coverage and members as a % of workers (the figures of the period when they are
    `known`, reports.tables.build), the mass organisations and their members."""
    figured = _figure_lines(known) if known is not None else None
    asked = [] if figured is not None else _figures_asked()
    mass = _mass_lines()
    requests = [
        *((metric, params, period) for _key, _label, metric, params in asked),
        *((metric, {"kind": kind}, period) for _key, _label, metric, kind in mass),
    ]

    def make(values) -> Lines:
        lines = list(figured or [])
        lines += [
            Line(key, label, value)
            for (key, label, *_asked), value in zip([*asked, *mass], values, strict=True)
        ]
        return Lines(lines)

    return Planned(requests, make)
