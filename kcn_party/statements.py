"""Statements built once per shape, then re-bound (reports.metrics.batch: the figures and
the tables' lines; members.selectors.balance).

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
derives a date of its own, or binds the root's id (the sentinel root has another) — it is kept as
one to build every time, as before. (A parameter computed from a date's month, day or
weekday alone would be the same in both builds, and taken for a constant: no plan or table
has one; one that had would have to put it in its shape.) Rows are converted as the queryset
would have converted them (the compiler's own converters: dates, decimals and booleans on
SQLite).

The batch (reports.metrics.batch.Shape) keeps each family's statement per shape of its
request (the tables' lines are planned too, reports.tables); `rows` keeps the statement of a
function of a root and dates (members.selectors.balance's flows). What a plan or such a
function reads of the root beyond its path must be in the shape: the root's kind is. A batch
that reads the changes between two days (the kept figures, reports.summary) is built every
time.
"""

from __future__ import annotations

import copy
import datetime
import threading
from collections.abc import Callable
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


def shifted(day: datetime.date) -> datetime.date:
    """`day` in the sentinel inputs."""
    return day.replace(year=day.year + SHIFT_YEARS)


def sentinel_root(root):
    """A copy of `root` for the sentinel inputs: its path with each digit changed, and
    another id (a statement that binds the root's id is then seen, and not kept)."""
    other = copy.copy(root)
    other.path = _flipped(root.path)
    if getattr(other, "pk", None) is not None:
        other.pk = -1 - root.pk
    return other


def dates_key(days) -> tuple[tuple[datetime.date, ...], dict, tuple]:
    """The distinct `days` in order, the position of each, and which share a year (a year is
    a parameter, and two equal conditions may be one): what a shape holds of its dates."""
    ordered = sorted(set(days))
    index = {day: position for position, day in enumerate(ordered)}
    first_of_year = {}
    for position, day in enumerate(ordered):
        first_of_year.setdefault(day.year, position)
    return tuple(ordered), index, tuple(first_of_year[day.year] for day in ordered)


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


_KEEPING = threading.Lock()  # a server's threads share the statements


def keep(key: tuple, found: Template | None) -> None:
    with _KEEPING:
        while len(TEMPLATES) >= LIMIT:
            TEMPLATES.pop(next(iter(TEMPLATES)))  # the oldest
        TEMPLATES[key] = found


def fetch(key: tuple, build: Callable, sentinel: Callable, inputs: Inputs, layout=None):
    """The rows of the statement `build()` (a values_list queryset) for `inputs`: from the
    template kept under `key`, or built, and on the first request of `key` checked for
    keeping against `sentinel()`, the same statement built from the sentinel inputs
    (its queryset, its layout and those inputs; None when there is none to compare)."""
    found = kept(key)
    if found is MISSING:
        queryset = build()
        try:
            other = sentinel()
            found = None if other is None else template(queryset, layout, inputs, *other)
        except Exception:  # noqa: BLE001
            # The sentinel build only decides whether to keep the statement: one that cannot
            # take the sentinel inputs (dates 400 years on) is built every time.
            found = None
        keep(key, found)
        if found is None:
            return list(queryset)
    # A layout other than the template's (it cannot be, the key being the same): built.
    if found is None or found.layout != layout:
        return list(build())
    return found.rows(inputs)


def rows(build: Callable, root, *days: datetime.date) -> list[tuple]:
    """The rows of `build(root, *days)` (a values_list queryset), its statement kept per
    `build`, the length of the root's path, its kind, and the order of `days`. `build` is a
    function of its module, whose statement depends on nothing but its arguments."""
    if build.__closure__ is not None:  # its statement would depend on what it closes over
        return list(build(root, *days))
    ordered, index, years = dates_key(days)
    key = (
        build,
        len(root.path),
        getattr(root, "kind", None),
        tuple(index[day] for day in days),
        years,
    )

    def sentinel():
        other = sentinel_root(root)
        return (
            build(other, *map(shifted, days)),
            None,
            Inputs(other.path, tuple(map(shifted, ordered))),
        )

    return fetch(key, lambda: build(root, *days), sentinel, Inputs(root.path, ordered))
