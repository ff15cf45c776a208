"""Biểu 5: party organisations (grassroots organisations — TCCSĐ —, partial committees,
subordinate cells) and members by unit type, on the last day of the period.

An organisation's row is its unit type (PartyOrganization.unit_type: as chosen for a joint cell
whose enterprises differ, else the type of what it serves; partial committees and subordinate
cells take their grassroots organisation's). A member's row is the unit type of the cell whose
numbers count them. Each column has a total line and a line per unit type (and one for the
organisations without a unit type on record), which sum to the total: the check `sums`.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count as CountRows
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kcn_party import statements
from organizations.models import Ownership, PartyOrganization
from organizations.models.party import GRASSROOTS_KINDS, UNIT_TYPE_KINDS, OrganizationKind
from reports.metrics.grouping import Groups
from reports.metrics.members import counted_rows
from reports.metrics.ownership import OWNERSHIP_GROUPS
from reports.periods import Period
from reports.tables.base import Line, Lines, table
from reports.values import Count

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
# Subtotals of several unit types, beside the rows (not added to the total).
SUBTOTALS = ("non_state", "domestic_non_state", "fdi", "state")


def _column(kind: str) -> str | None:
    for key, (_label, kinds) in COLUMNS.items():
        if kinds and kind in kinds:
            return key
    return None


def lines_of(key: str, label, total: int, by_type: Counter) -> list[Line]:
    """The total line of a column, a line per unit type and the unrecorded, and the
    subtotals by ownership group."""
    lines = [Line(key, format_lazy("{}: {}", label, _("total")), Count(total))]
    for ownership in TYPES:
        lines.append(
            Line(
                f"{key}.{ownership.value}",
                format_lazy("{} — {}", label, ownership.label),
                Count(by_type[ownership.value]),
            )
        )
    lines.append(
        Line(
            f"{key}.{UNRECORDED}",
            format_lazy("{} — {}", label, _("unit type not on record")),
            Count(by_type[""]),
        )
    )
    for group in SUBTOTALS:
        group_label, types = OWNERSHIP_GROUPS[group]
        lines.append(
            Line(
                f"{key}.group_{group}",
                format_lazy("{}, {}", label, group_label),
                Count(sum(by_type[value] for value in types)),
            )
        )
    return lines


# Each statement built once (kcn_party.statements).
def _organizations_by_type(root, day):
    return (
        PartyOrganization.objects.filter(Groups(root).within("path"), kind__in=UNIT_TYPE_KINDS)
        .active(day)
        .order_by()
        .values("kind", "unit_type")
        .annotate(number=CountRows("pk"))
        .values_list("kind", "unit_type", "number")
    )


def _members_by_type(root, day):
    return (
        counted_rows(Groups(root), day)
        .order_by()
        .values("organization__unit_type")
        .annotate(number=CountRows("pk"))
        .values_list("organization__unit_type", "number")
    )


@table(key="bieu5", title=_("Form 5: party organisations and members by unit type"))
def bieu5(root, period: Period) -> Lines:
    """On the period's last day: the active organisations of the subtree by kind and unit type
    (one query), the members counted by their cell's unit type (one). Each column's total is
    the sum of all its rows, whatever their unit type: a unit type the form has no line for
    would make the lines fall short of it (the check `sums`)."""
    day = period.end
    by_type = {key: Counter() for key in COLUMNS}
    totals = dict.fromkeys(COLUMNS, 0)
    for kind, unit_type, number in statements.rows(_organizations_by_type, root, day):
        column = _column(kind)
        if column is not None:
            by_type[column][unit_type] += number
            totals[column] += number
    for unit_type, number in statements.rows(_members_by_type, root, day):
        by_type["members"][unit_type] += number
        totals["members"] += number

    lines, sums = [], True
    for key, (label, _kinds) in COLUMNS.items():
        lines += lines_of(key, label, totals[key], by_type[key])
        shown = sum(by_type[key][value] for value in [*TYPES, ""])
        sums = sums and shown == totals[key]
    return Lines(lines, checks={"sums": sums})
