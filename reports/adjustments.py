"""Adjustments (reports.closing): what changed in a closed period's figures since it was
closed, computed again from the records, and the corrections recorded against it, shown in the
period that follows. Apart from reports.closing, which the figures and the tables read, since
this recomputes them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from reports import closing
from reports import figures as figures_module
from reports import tables as tables_module
from reports.models import ClosedPeriod, Correction
from reports.periods import Period
from reports.values import Count, Value


@dataclass(frozen=True)
class Difference:
    """A figure of a closed period: as stored, and as the records now give it."""

    key: str
    label: str
    stored: Value
    now: Value

    @property
    def change(self) -> int | None:
        """now − stored, for a count; None for a percentage (compare its two counts)."""
        if isinstance(self.stored, Count):
            return self.now.value - self.stored.value
        return None


@dataclass
class Adjustments:
    """What changed in a closed period's figures since it was closed, and the corrections
    recorded against it."""

    closed: ClosedPeriod

    @cached_property
    def differences(self) -> list[Difference]:
        """Each stored figure and table line whose value the records now give differently."""
        closed, root = self.closed, self.closed.committee
        now = figures_module.compute(root, closed.period, from_records=True)
        differences = []
        stored = closing.stored_values(closed)
        for figure in now.figures:
            before = stored.get(closing.figure_key(figure.metric, figure.params))
            if before is not None and before != figure.value:
                differences.append(Difference(figure.key, figure.label, before, figure.value))
        live_tables = tables_module.build(
            root, now.current, now.last_year, from_records=True, figures=now
        )
        for key, table in live_tables.items():
            kept = closing.Closings([closed]).table(closed.period, key)
            if kept is None:
                continue
            kept_rows = {row.key: row.this for row in kept.rows}
            for row in table.rows:
                before = kept_rows.get(row.key)
                if before is not None and before != row.this:
                    label = f"{table.title}: {row.label}"
                    differences.append(Difference(f"{key}.{row.key}", label, before, row.this))
        return differences

    @cached_property
    def corrections(self) -> list[Correction]:
        return list(self.closed.corrections.select_related("recorded_by").order_by("recorded_at"))


def adjustments(closed: ClosedPeriod) -> Adjustments:
    """The adjustments of `closed`: its figures now against as stored, and the corrections."""
    return Adjustments(closed)


def adjustments_into(root, period: Period) -> Adjustments | None:
    """The adjustments shown in `period`: those of `root`'s closed period just before it, if
    there is one."""
    previous = closing.lookup(root, period).before(period)
    return adjustments(previous) if previous else None
