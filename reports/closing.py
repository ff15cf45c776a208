"""Reading closed periods: what `figures.compute`, `figures.breakdown` and `tables.build`
answer from a closing instead of the records, and the adjustments a closed period has gathered
since.

- A closed period's figures, breakdown, tables and what the dashboard shows beside them (the
  breakdown's same period last year, the monthly points) are the stored ones, exactly as they
  were closed: never recomputed, so a record changed afterwards (a cell moved to another
  grassroots committee, an event corrected) leaves them as they were. What a closing does not
  store (closed before it was stored, a metric added since) is computed from the records.
- The same period last year (cùng kỳ) is the stored one when that period is closed, so this
  year's tables agree with last year's printed ones.
- A table that carries a balance (Biểu 1, `CARRIED`) starts a period with the stored end of
  the closed period just before it; what the records now give for that day differs only by
  the corrections made since, and shows on an "adjustment" line, so the table still balances.
- An adjustment of a closed period is what the records now give for it minus what was
  stored, with the corrections recorded against it (who, when).

One query finds every closing a computation needs (`lookup`), whatever the data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import pgettext_lazy

from organizations.models import PartyOrganization
from reports.metrics import REGISTRY, Metric
from reports.models import ClosedPeriod
from reports.periods import Period
from reports.tables.base import Line, Lines, Row, Table
from reports.values import Count, Ratio, Value

DAY = datetime.timedelta(days=1)

# Tables whose first line is the last line of the period before: {table: (first, last)}.
CARRIED = {"bieu1": ("start", "end")}
ADJUSTMENT = "adjustment"
ADJUSTMENT_LABEL = pgettext_lazy(
    "Form 1", "Adjustment: corrections to the closed period before, made after its closing"
)


# --- values as stored (reports.serialize.value_data) -------------------------------------------


def value_of(data: dict) -> Value:
    """The Count or Ratio that reports.serialize.value_data stored."""
    if data.get("numerator") is None:
        return Count(data["value"])
    return Ratio(data["numerator"], data["denominator"])


# --- finding the closings a computation needs ---------------------------------------------------


@dataclass
class Closings:
    """The closings in force of one organisation that match the periods asked for, or end
    the day before one starts."""

    found: list[ClosedPeriod] = field(default_factory=list)

    def exact(self, period: Period) -> ClosedPeriod | None:
        return next(
            (c for c in self.found if c.start == period.start and c.end == period.end), None
        )

    def before(self, period: Period) -> ClosedPeriod | None:
        return next((c for c in self.found if c.end == period.start - DAY), None)

    # -- tables --
    def table(self, period: Period, key: str) -> Table | None:
        """The stored table `key` of `period` when it is closed (None for a table added after
        the closing: it is computed from the records)."""
        closed = self.exact(period)
        if closed is None:
            return None
        data = closed.figures.get("tables", {}).get(key)
        if data is None:
            return None
        rows = [
            Row(row["key"], row["label"], value_of(row["this"]), value_of(row["last_year"]))
            for row in data["rows"]
        ]
        return Table(key, data["title"], rows, dict(data["checks"]))

    def lines(self, period: Period, key: str) -> Lines | None:
        """The stored lines of table `key` for `period` when it is closed: its "this period"
        column, for the year after to compare with."""
        table = self.table(period, key)
        if table is None:
            return None
        return Lines(
            [Line(row.key, row.label, row.this) for row in table.rows],
            checks=dict(table.checks),
        )

    def carried(self, key: str, period: Period, lines: Lines) -> Lines:
        """`lines` of a table that carries a balance, starting from the stored end of the
        closed period just before `period`, with the adjustment line."""
        if key not in CARRIED:
            return lines
        previous = self.before(period)
        stored = self.table_of(previous, key) if previous else None
        if stored is None:
            return lines
        first, last = CARRIED[key]
        carried = stored.row(last).this
        result = []
        for line in lines.lines:
            if line.key == first:
                result.append(Line(first, line.label, carried))
                difference = line.value.value - carried.value
                result.append(Line(ADJUSTMENT, ADJUSTMENT_LABEL, Count(difference)))
            else:
                result.append(line)
        return Lines(result, checks=dict(lines.checks))

    def table_of(self, closed: ClosedPeriod, key: str) -> Table | None:
        return Closings([closed]).table(closed.period, key) if closed else None

    # -- figures --
    def values(self, period: Period, column: str = "this") -> dict[tuple, Value] | None:
        """{(key, params items): value} stored for `period` when it is closed."""
        closed = self.exact(period)
        if closed is None:
            return None
        return stored_values(closed, column)


def stored_values(closed: ClosedPeriod, column: str = "this") -> dict[tuple, Value]:
    result = {}
    for item in closed.figures.get("metrics", []):
        data = item if column == "this" else item["last_year"]
        result[item["key"], tuple(sorted(item["params"].items()))] = value_of(data)
    return result


def stored_breakdown(closed: ClosedPeriod) -> tuple[list, dict[tuple, dict[int, Value]]]:
    """The children stored with `closed` (as they are now, in the stored order: their names
    as they stood are in the tree snapshot) and {(key, params items): {child id: value}}."""
    data = closed.figures.get("breakdown") or {"children": [], "values": []}
    ids = data["children"]
    found = PartyOrganization.objects.in_bulk(ids)
    children = [found[pk] for pk in ids if pk in found]
    values = {}
    for item in data["values"]:
        metric = REGISTRY.get(item["key"])
        if metric is None:  # a metric since removed from the registry
            continue
        key = metric.key, tuple(metric.checked(item["params"]).items())
        values[key] = {int(pk): value_of(value) for pk, value in item["values"].items()}
    return children, values


def stored_last_year_breakdown(closed: ClosedPeriod, metric: Metric) -> dict[int, Value] | None:
    """{child id: value} of `metric` (its default parameters) the same period last year, as
    stored with `closed` for the dashboard's breakdown; None when the closing has none for it
    (closed before it was stored, a metric added since): it is then computed."""
    item = _stored_item(closed.figures.get("breakdown_last_year"), metric)
    if item is None:
        return None
    return {int(pk): value_of(value) for pk, value in item["values"].items()}


def stored_points(
    closed: ClosedPeriod, metric: Metric, days: list[datetime.date]
) -> tuple[list[Value], list[Value]] | None:
    """The monthly points of `metric` (its default parameters) stored with `closed`, this
    period and the same days last year, when they are those of `days`; None when the closing
    has none for it (closed before they were stored, a metric added since, other days):
    they are then computed from the records."""
    data = closed.figures.get("monthly")
    if not data or data["days"] != [day.isoformat() for day in days]:
        return None
    item = _stored_item(data, metric)
    if item is None:
        return None
    return [value_of(v) for v in item["this"]], [value_of(v) for v in item["last_year"]]


def _stored_item(data: dict | None, metric: Metric) -> dict | None:
    """The entry of `metric` (its default parameters) among the "values" of `data`, a part of
    what a closing stored; None when there is none."""
    wanted = figure_key(metric, {})
    for item in (data or {}).get("values", ()):
        if (item["key"], tuple(sorted(item["params"].items()))) == wanted:
            return item
    return None


def lookup(root, *periods: Period, before: bool = True) -> Closings:
    """The closings in force of `root` that are one of `periods` or (unless not `before`) end
    the day before one starts: one query. The figures need only the periods themselves; a
    closing before them (a balance's start) holds figures that would be read for nothing."""
    wanted = Q(pk__in=[])
    for period in periods:
        wanted |= Q(start=period.start, end=period.end)
        if before:
            wanted |= Q(end=period.start - DAY)
    # The figures only: the tree as it stood (megabytes for a province) is for the admin's page.
    closings = ClosedPeriod.objects.in_force().filter(wanted, committee=root).defer("tree")
    return Closings(list(closings))


def figure_key(metric: Metric, params) -> tuple:
    return metric.key, tuple(sorted(metric.checked(params).items()))
