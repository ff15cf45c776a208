"""Biểu 5: party organisations (grassroots organisations — TCCSĐ —, partial committees,
subordinate cells) and members by unit type, on the last day of the period.

An organisation's row is its unit type (PartyOrganization.unit_type: as chosen for a joint cell
whose enterprises differ, else the type of what it serves; partial committees and subordinate
cells take their grassroots organisation's). A member's row is the unit type of the cell whose
numbers count them. Each column has a total line and a line per unit type (and one for the
organisations without a unit type on record), which sum to the total: the check `sums`.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from organizations.models import Ownership, PartyOrganization
from organizations.models.party import GRASSROOTS_KINDS, UNIT_TYPE_KINDS, OrganizationKind
from reports.metrics.batch import STATE, Term, counted, in_force, window
from reports.metrics.grouping import Groups
from reports.metrics.ownership import OWNERSHIP_GROUPS
from reports.periods import Period
from reports.tables.base import Line, Lines, Planned, hidden, table
from reports.tables.terms import (
    ALL,
    GROUP,
    MEMBERS_COUNTED,
    SUBTOTALS,
    of_types,
    unit_types,
)
from reports.tables.terms import TYPES as TYPES_PARAM

# The columns of the form, as lines: {key: (label, kinds; None for members)}.
COLUMNS = {
    "grassroots": (_("Grassroots organisations (TCCSĐ)"), GRASSROOTS_KINDS),
    "partial_committees": (_("Partial committees"), (OrganizationKind.PARTIAL_COMMITTEE,)),
    "subordinate_cells": (_("Subordinate cells"), (OrganizationKind.SUBORDINATE_CELL,)),
    "members": (_("Members"), None),
}
# A line per unit type, in the order of the form.
TYPES = list(Ownership)
UNRECORDED = "unrecorded"


def organization_changed(since, until) -> Q:
    """The organisations founded or ended between the ends of two days: the others are
    active on both or on neither."""
    return window("founded_on", since, until) | window("ended_on", since, until)


def organizations_plan(groups: Groups, period: Period, *, column: str, types: str):
    """The organisations of the groups active on the period's last day, of the kinds of
    `column` and of the unit `types` (reports.tables.terms.unit_types), tallied by kind and
    unit type."""
    kinds, chosen = COLUMNS[column][1], unit_types(types)
    return counted(
        Term(
            "organisations",
            "organisations",
            PartyOrganization.objects.all(),
            "path",
            in_force(period.end, "founded_on", "ended_on") & Q(kind__in=UNIT_TYPE_KINDS),
            columns=dict.fromkeys(("kind", "unit_type")),
            test=lambda row: row["kind"] in kinds and of_types(chosen, row["unit_type"]),
            accrues=STATE,
            changed=organization_changed,
        )
    )


ORGANIZATIONS = hidden(
    "bieu5.organizations",
    organizations_plan,
    params={"column": [key for key, (_l, kinds) in COLUMNS.items() if kinds], "types": TYPES_PARAM},
)


def _request(column: str, types: str, period: Period):
    if column == "members":
        return (MEMBERS_COUNTED, {"types": types}, period)
    return (ORGANIZATIONS, {"column": column, "types": types}, period)


def _column_lines(key: str, label) -> list[tuple[str, object, str]]:
    """Each line of a column: (line key, label, the unit types it counts): the total, a line
    per unit type and the unrecorded, and the subtotals by ownership group."""
    lines = [(key, format_lazy("{}: {}", label, _("total")), ALL)]
    for ownership in TYPES:
        lines.append(
            (
                f"{key}.{ownership.value}",
                format_lazy("{} — {}", label, ownership.label),
                ownership.value,
            )
        )
    lines.append(
        (
            f"{key}.{UNRECORDED}",
            format_lazy("{} — {}", label, _("unit type not on record")),
            "",
        )
    )
    for group in SUBTOTALS:
        group_label = OWNERSHIP_GROUPS[group][0]
        lines.append(
            (f"{key}.group_{group}", format_lazy("{}, {}", label, group_label), GROUP + group)
        )
    return lines


@table(key="bieu5", title=_("Form 5: party organisations and members by unit type"))
def bieu5(period: Period) -> Planned:
    """On the period's last day: the active organisations of the subtree by kind and unit type,
    the members counted by their cell's unit type. Each column's total is the sum of all its
    rows, whatever their unit type: a unit type the form has no line for would make the lines
    fall short of it (the check `sums`)."""
    lines = [
        (column, *line)
        for column, (label, _kinds) in COLUMNS.items()
        for line in _column_lines(column, label)
    ]
    requests = [_request(column, types, period) for column, _key, _label, types in lines]

    def make(values) -> Lines:
        made = [
            Line(key, label, value)
            for (_column, key, label, _types), value in zip(lines, values, strict=True)
        ]
        sums = True
        for column in COLUMNS:
            total, *parts = [
                line.value.value
                for (its_column, _key, _label, types), line in zip(lines, made, strict=True)
                if its_column == column and not types.startswith(GROUP)
            ]
            sums = sums and sum(parts) == total
        return Lines(made, checks={"sums": sums})

    return Planned(requests, make)
