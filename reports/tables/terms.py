"""The numbers the tables share, as hidden metrics with a plan (reports.tables.base.hidden):
the members counted at the end of a day, all of them (Biểu 1's start and end) or those of the
cells of some unit types (Biểu 5).

They are tallied in one statement of their own (the counted intervals in force on each day,
counted by the unit type of the cell that counts them), not with the figures' conditional
aggregates of the same rows (`reports.metrics.members.counted_term`): a line per unit type
would be an aggregate each, evaluated on every row, where the tally groups the rows once.
"""

from __future__ import annotations

from members.models import CountedInterval
from organizations.models import Ownership
from reports.metrics.batch import STATE, Term, counted, in_force
from reports.metrics.grouping import Groups
from reports.metrics.members import interval_changed
from reports.metrics.ownership import OWNERSHIP_GROUPS
from reports.periods import Period
from reports.tables.base import hidden

UNIT_TYPE = "organization__unit_type"
ALL = "all"
GROUP = "group_"
# Subtotals of several unit types, beside Biểu 5's rows (not added to the total).
SUBTOTALS = ("non_state", "domestic_non_state", "fdi", "state")
# The values of a `types` parameter: every unit type, none on record, each subtotal's group.
TYPES = (ALL, *(ownership.value for ownership in Ownership), "", *(GROUP + g for g in SUBTOTALS))


def unit_types(types: str) -> frozenset | None:
    """The unit types a `types` parameter names: "all" (None: any, on record or not), an
    ownership group ("group_fdi"), or one unit type ("" for none on record)."""
    if types == ALL:
        return None
    if types.startswith(GROUP):
        return frozenset(OWNERSHIP_GROUPS[types.removeprefix(GROUP)][1])
    return frozenset({types})


def of_types(chosen: frozenset | None, unit_type) -> bool:
    return chosen is None or unit_type in chosen


def counted_plan(groups: Groups, period: Period, *, types: str = ALL):
    """The members counted at the end of the period's last day by a cell of the unit
    `types` (unit_types)."""
    chosen = unit_types(types)
    return counted(
        Term(
            "counted intervals",
            "intervals",
            CountedInterval.objects.all(),
            "organization__path",
            in_force(period.end, "counted_from", "counted_until"),
            columns={UNIT_TYPE: None},
            test=lambda row: of_types(chosen, row[UNIT_TYPE]),
            accrues=STATE,
            changed=interval_changed,
        )
    )


MEMBERS_COUNTED = hidden("tables.members_counted", counted_plan, params={"types": TYPES})
