"""A batch's statements built once per shape, then re-bound (reports.metrics.batch).

Django builds each statement of a batch from its terms (querysets, conditions, EXISTS
subqueries) and compiles it to SQL on every request: for all the figures of a committee that
was about half of the process's time. The SQL text depends on the request's *shape* — which
metrics and parameter values, which periods share which dates, the length of the root's path,
by child or not — and not on the dates themselves or on which root: those are parameters. So
the first request of a shape builds and compiles each statement as before, and keeps its SQL
and where each parameter comes from; the next requests of that shape only bind their own
dates and path into it.

Whether a statement may be kept is checked, not assumed: it is built a second time from
*sentinel* inputs (every date moved 400 years on, which keeps its weekday, its month and
29 February, and the root's path with each digit changed), and kept only if both builds give
the same SQL text and the same layout, and every parameter is either the same in both or
follows one of the inputs (a date, its year, the root's path) in both. Otherwise — a plan that
derives a date of its own, or reads anything else of the root — the shape is remembered as
one to build every time, as before. Rows are converted as the queryset would have converted
them (the compiler's own converters: dates, decimals and booleans on SQLite).

What a plan reads of the root beyond its path must be in the shape (`Shape.of`): its kind is.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections

SHIFT_YEARS = 400  # the Gregorian calendar repeats every 400 years, weekdays included
LIMIT = 256  # statements kept per process (a shape has one per family: 7 at most today)

# Where a parameter comes from.
CONSTANT, DATE, ADAPTED_DATE, YEAR, PATH = range(5)


@dataclass(frozen=True)
class Inputs:
    """What a request of a shape binds: the root's path and the distinct dates of its periods
    (their starts and ends, in order)."""

    path: str
    dates: tuple[datetime.date, ...]


def _flipped(path: str) -> str:
    """The path with each digit changed (same length, same "/")."""
    return "".join(str(9 - int(char)) if char.isdigit() else char for char in path)


def _shifted(day: datetime.date) -> datetime.date:
    return day.replace(year=day.year + SHIFT_YEARS)


@dataclass
class Shape:
    """The shape of a batch (`key`) and the inputs of this request."""

    key: tuple
    inputs: Inputs
    root: object
    requests: list
    by_child: bool
    _sentinel: tuple | None = None

    @classmethod
    def of(cls, root, requests: Sequence[tuple], by_child: bool) -> Shape:
        dates = sorted({day for _m, _p, period in requests for day in (period.start, period.end)})
        index = {day: position for position, day in enumerate(dates)}
        first_of_year = {}
        for position, day in enumerate(dates):
            first_of_year.setdefault(day.year, position)
        key = (
            len(root.path),
            getattr(root, "kind", None),
            by_child,
            # Which dates share a year (a rating's year is a parameter, and two equal
            # conditions are one aggregate): the order and equality of the dates is `index`.
            tuple(first_of_year[day.year] for day in dates),
            tuple(
                (
                    metric.key,
                    metric.plan,
                    tuple(params.items()),
                    period.kind,
                    index[period.start],
                    index[period.end],
                )
                for metric, params, period in requests
            ),
        )
        return cls(key, Inputs(root.path, tuple(dates)), root, list(requests), by_child)

    def sentinel(self) -> tuple[object, list, Inputs]:
        """The root and requests of the sentinel build, and its inputs (made once)."""
        if self._sentinel is None:
            root = copy.copy(self.root)
            root.path = _flipped(self.root.path)
            if getattr(root, "pk", None) is not None:
                root.pk = -1 - root.pk  # a plan reading the root's id is then seen
            requests = [
                (
                    metric,
                    params,
                    dataclasses.replace(
                        period, start=_shifted(period.start), end=_shifted(period.end)
                    ),
                )
                for metric, params, period in self.requests
            ]
            inputs = Inputs(root.path, tuple(_shifted(day) for day in self.inputs.dates))
            self._sentinel = (root, requests, inputs)
        return self._sentinel


def _same(one, other) -> bool:
    return type(one) is type(other) and one == other


def _binding(first, second, inputs: Inputs, sentinel: Inputs, ops) -> tuple | None:
    """Where the parameter `first` (of the real build; `second` of the sentinel build) comes
    from, or None when it follows none of the inputs."""
    if _same(first, second):
        return (CONSTANT, first)
    for position, (day, other) in enumerate(zip(inputs.dates, sentinel.dates, strict=True)):
        if _same(first, day) and _same(second, other):
            return (DATE, position)
        adapted = ops.adapt_datefield_value(day)
        if _same(first, adapted) and _same(second, ops.adapt_datefield_value(other)):
            return (ADAPTED_DATE, position)
        # A year as an int, or the backend's own int type (psycopg's Int2 for a small one).
        year = type(first) is type(second) and isinstance(first, int) and type(first) is not bool
        if year and (first, second) == (day.year, other.year):
            return (YEAR, (position, type(first)))
    prefix = inputs.path[:-1]  # the path, and the end of its subtree (its last "/" raised)
    moved = isinstance(first, str) and prefix in first
    if moved and _same(first.replace(prefix, sentinel.path[:-1]), second):
        return (PATH, (first, prefix))
    return None


@dataclass(frozen=True)
class Template:
    """A statement's SQL, where each of its parameters comes from, the layout it was built
    for, and the converters of its columns."""

    sql: str
    bindings: tuple[tuple, ...]
    layout: object
    converters: tuple[tuple[int, tuple[Callable, ...], object], ...]
    using: str

    def params(self, inputs: Inputs) -> tuple:
        ops = connections[self.using].ops
        bound = []
        for kind, value in self.bindings:
            if kind == CONSTANT:
                bound.append(value)
            elif kind == DATE:
                bound.append(inputs.dates[value])
            elif kind == ADAPTED_DATE:
                bound.append(ops.adapt_datefield_value(inputs.dates[value]))
            elif kind == YEAR:
                position, integer = value
                bound.append(integer(inputs.dates[position].year))
            else:
                text, prefix = value
                bound.append(text.replace(prefix, inputs.path[:-1]))
        return tuple(bound)

    def rows(self, inputs: Inputs) -> list[tuple]:
        """The statement's rows for `inputs`, as its queryset (a values_list) gives them."""
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params(inputs))
            rows = cursor.fetchall()
        if not self.converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            row = list(row)
            for position, functions, expression in self.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted


def _compiled(queryset):
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    return (compiler, sql, tuple(params)) if sql else None


def template(queryset, layout, inputs: Inputs, sentinel_queryset, sentinel_layout, sentinel):
    """The template of `queryset` (built from `inputs`), checked against the same statement
    built from the sentinel inputs; None when it cannot be re-bound."""
    if layout != sentinel_layout or queryset.db != sentinel_queryset.db:
        return None
    real, other = _compiled(queryset), _compiled(sentinel_queryset)
    if real is None or other is None:
        return None
    (compiler, sql, params), (_other, other_sql, other_params) = real, other
    if sql != other_sql or len(params) != len(other_params) or compiler.has_extra_select:
        return None
    ops = connections[queryset.db].ops
    bindings = []
    for first, second in zip(params, other_params, strict=True):
        binding = _binding(first, second, inputs, sentinel, ops)
        if binding is None:
            return None
        bindings.append(binding)
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(fields):
        return None
    converters = tuple(
        (position, tuple(functions), expression)
        for position, (functions, expression) in compiler.get_converters(fields).items()
    )
    found = Template(sql, tuple(bindings), layout, converters, queryset.db)
    # Bound to this request's own inputs, the template is exactly the statement just built.
    bound = found.params(inputs)
    if len(bound) != len(params) or not all(map(_same, bound, params)):
        return None
    return found


# {(shape, family): its Template, or None: built every time}
TEMPLATES: dict[tuple, Template | None] = {}
MISSING = object()


def kept(key: tuple):
    """The template of `key`, None for a statement built every time, MISSING if not tried."""
    return TEMPLATES.get(key, MISSING)


def keep(key: tuple, found: Template | None) -> None:
    while len(TEMPLATES) >= LIMIT:
        TEMPLATES.pop(next(iter(TEMPLATES)))  # the oldest
    TEMPLATES[key] = found
