"""What every statistical table is made of, and the registry of tables: a table function
gives one period's lines, under `@table(...)`; `build` puts this period's and last year's side
by side (kỳ này | cùng kỳ | %), so each table is computed the same way as the figures of
reports.figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise

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
class TableSpec:
    key: str
    title: Promise
    function: Callable[..., Lines]
    # The metrics some of its lines are (their values in `known`, when given, are those lines).
    figures: tuple[str, ...] = ()

    def lines(self, root, period: Period, known: Known | None = None) -> Lines:
        if self.figures:
            return self.function(root, period, known=known)
        return self.function(root, period)


TABLES: dict[str, TableSpec] = {}


def table(*, key: str, title: Promise, figures: tuple[str, ...] = ()):
    """Register the decorated function (root, period) → Lines as the table `key`; with
    `figures`, the metrics some of its lines are, it is (root, period, known=…) and takes those
    lines from `known` when it holds them."""

    def register(function):
        if key in TABLES:
            raise ValueError(f"table {key!r} is registered twice")
        TABLES[key] = TableSpec(key, title, function, figures)
        return function

    return register
