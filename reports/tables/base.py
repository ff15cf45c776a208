"""What every statistical table is made of, and the registry of tables: a table function
gives one period's lines, under `@table(...)`; `build` puts this period's and last year's side
by side (kỳ này | cùng kỳ | %), so each table is computed the same way as the figures of
reports.figures.

A table function does not read the records itself: it says which numbers its lines are
(`Planned.requests`: metrics with a plan, reports.metrics.batch) and how its lines are made of
them (`Planned.make`). Every line of every table of both periods is then computed by one call
of reports.summary.values, one statement per kind of record, and, being made of planned terms
that say how they accrue, can be kept month by month like the figures (reports.summary). The
numbers of a line are not figures of the registry: their metrics are `hidden`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise

from reports import summary
from reports.metrics import batch
from reports.metrics.registry import COUNT, DATE, Metric
from reports.periods import Period
from reports.values import Value, change


@dataclass(frozen=True)
class Line:
    """One line of a table for one period."""

    key: str  # stable, part of the JSON contract
    label: Promise
    value: Value


@dataclass(frozen=True)
class Lines:
    """A table for one period: its lines, and the checks it must pass (Biểu 1 balances)."""

    lines: list[Line]
    checks: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    this: Value
    last_year: Value

    @property
    def change_percent(self) -> Decimal | None:
        return change(self.this, self.last_year)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    rows: list[Row]
    # Each check holds in both periods (e.g. "balances": Biểu 1 adds up).
    checks: dict[str, bool]

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)


# The figures of a period already computed (reports.figures), by (metric key, parameters as
# the metric orders them): a table whose lines are figures takes them from there.
Known = Mapping[tuple[str, tuple], Value]


@dataclass(frozen=True)
class Planned:
    """A table's lines for one period: the numbers they are made of, as requests of
    reports.metrics.batch (metric, parameters, period), and `make(values)` the lines from
    their values (in the order of the requests)."""

    requests: list[batch.Request]
    make: Callable[[Sequence[Value]], Lines]


# The tables' hidden metrics, as they are made (at import): what may be kept month by month
# beside the registry's figures (reports.summary), each with every parameter value it takes.
HIDDEN: list[Metric] = []


def hidden(
    key: str,
    plan: Callable,
    *,
    params: Mapping[str, Sequence[str]] | None = None,
    unit: str = COUNT,
    kind: str = DATE,
) -> Metric:
    """A metric that is only its `plan`, for the numbers of a table's lines: not registered
    (a line is no figure of the registry: no label, no definition, not in the figures' list),
    with a function that computes it alone through its plan. Its `params` ({name: values}) are
    every value the tables ask for, so that its variants are every number the tables read.
    Made once, at import: a batch's statements are kept by the metrics' keys and plans
    (kcn_party.statements)."""

    def alone(groups, period: Period, **params) -> dict:
        return batch.values(groups.root, [(made, params, period)], by_child=groups.by_child)[0]

    values_of = {
        name: dict(zip(values, values, strict=True)) for name, values in (params or {}).items()
    }
    made = Metric(
        key=key,
        label=key,
        unit=unit,
        definition=plan.__doc__ or key,
        kind=kind,
        function=alone,
        params=values_of,
        plan=plan,
    )
    HIDDEN.append(made)
    summary.keep(made)  # kept month by month with the registry's figures
    return made


def computed(root, asked: Sequence[Planned]) -> list[Lines]:
    """The lines of each of `asked` for `root`'s subtree: every number of all of them from
    one call of reports.summary.values (one statement per kind of record)."""
    requests = [request for planned in asked for request in planned.requests]
    got = summary.values(root, requests) if requests else []
    values = iter(result[root.pk] for result in got)
    return [planned.make([next(values) for _request in planned.requests]) for planned in asked]


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: Promise
    # (period, known=None) -> Planned: the table's lines for one period, as numbers to compute.
    function: Callable[..., Planned]
    # The metrics some of its lines are (their values in `known`, when given, are those lines).
    figures: tuple[str, ...] = ()

    def planned(self, period: Period, known: Known | None = None) -> Planned:
        if self.figures:
            return self.function(period, known=known)
        return self.function(period)

    def lines(self, root, period: Period, known: Known | None = None) -> Lines:
        """The lines of `root`'s subtree for `period` alone (reports.tables.build computes
        every table of both periods at once)."""
        return computed(root, [self.planned(period, known)])[0]


TABLES: dict[str, TableSpec] = {}


def table(*, key: str, title: Promise, figures: tuple[str, ...] = ()):
    """Register the decorated function (period) → Planned as the table `key`; with `figures`,
    the metrics some of its lines are, it is (period, known=…) and takes those lines from
    `known` when it holds them."""

    def register(function):
        if key in TABLES:
            raise ValueError(f"table {key!r} is registered twice")
        TABLES[key] = TableSpec(key, title, function, figures)
        return function

    return register
