"""Many figures at once: one statement per kind of record, whatever the number of metrics,
parameter values and periods asked for.

A metric computed alone (`Metric.__call__`, its registered function) is one query. Asked for
together — every metric, each parameter value, this period and the same period last year, or
the months of the dashboard's chart — that would be one query each, and on a loaded machine
each query costs milliseconds whatever its data. A metric that has a *plan* says instead what
its value is made of: a few `Term`s, each the rows of one source (a model, grouped by the path
of one organisation) that pass a condition, counted or summed. `values` gathers the terms of
every request, and sends, per family (the kind of record: events, organisations, …), ONE
statement: for each source of the family a SELECT with one conditional aggregate per term
(`COUNT(*) FILTER (WHERE …)`), grouped by the group's path as the metric's own query is
(reports.metrics.grouping), the SELECTs of the family's sources side by side (UNION ALL).

The rows a SELECT reads are those of the groups that pass any of its terms' coarse condition
(`Term.where`: the dates of a period, which the indexes serve); each aggregate then applies its
own term's whole condition. The result is exact: the same numbers as each metric's function
(tests/reports/test_batch.py compares the two on both databases). A metric without a plan is
computed by its function, one query, as before.

Each statement is built and compiled once per shape of the request and then re-bound to the
next request's dates and root (kcn_party.statements): the shape's terms are still
planned every time (what is done with the rows needs them), not turned into SQL.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    BooleanField,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models import Count as CountRows
from django.db.models.functions import Cast

from kcn_party import statements
from reports.metrics.grouping import Groups
from reports.metrics.registry import children_in
from reports.periods import Period
from reports.values import Count

FLOW, STATE, YEAR = "flow", "state", "year"  # Term.accrues


def window(lookup: str, since: datetime.date, until: datetime.date) -> Q:
    """Rows whose date at `lookup` lies in (since, until]: what changes between the ends of
    the two days."""
    return Q(**{f"{lookup}__gt": since, f"{lookup}__lte": until})


@dataclass(frozen=True)
class Term:
    """One number a metric's value is made of: the rows of `source` (in the groups by
    `lookup`) that pass `where` and `only`, counted, or their `total` column summed."""

    family: str  # the statement it is sent in
    source: str  # rows read the same way, one SELECT: names `rows` and `lookup`
    rows: QuerySet  # the source's model (the first term of a source gives it)
    lookup: str  # the path of the organisation a row belongs to
    where: Q  # the coarse condition: what the SELECT reads (the period's dates)
    only: Q = field(default_factory=Q)  # the rest of the term's condition
    total: str | None = None  # the column summed; None: the rows counted
    # Expressions the conditions name (an EXISTS, a subquery), by a name unique to them.
    annotations: Mapping[str, object] = field(default_factory=dict)
    # A tally instead of a conditional aggregate, for sources whose many terms test the same
    # few columns or costly expressions (coverage: an EXISTS per enterprise and date): the rows
    # are counted by `columns` (few distinct values each; a None expression is the model's
    # field of that name) in SQL, and `test(row)` says in Python whether a row of those values
    # is the term's. A family is all tallies or all aggregates.
    columns: Mapping[str, object] = field(default_factory=dict)
    test: Callable[[Mapping[str, object]], bool] | None = None
    # How the term's number over a period is made of its months, for the figures kept month by
    # month (reports.summary); None: always computed from the records. FLOW: rows dated in the
    # period (the sum of its months' numbers); STATE: rows in force at the end of the period's
    # last day, with `changed`; YEAR: rows of the year of the period's last day.
    accrues: str | None = None
    # Of a STATE term: changed(s, e), a condition on `rows` that holds for every row whose part
    # in the number may differ between the end of day s and the end of day e (a date of its
    # own, or of a record its conditions read, in (s, e]). Its number at e is its number at s
    # plus, over those rows only, its number at e less its number at s.
    changed: Callable[[datetime.date, datetime.date], Q] | None = None
    # The rows the whole SELECT of the term's source reads, besides its terms' conditions: the
    # changes between two days (`numbers(windows=…)`), given to every term of the source
    # alike, so that an IN list in it is one (hashed) join, not a subquery in each condition.
    restrict: Q | None = None


@dataclass(frozen=True)
class Plan:
    """A metric's value as its terms: `make(*numbers)` (Count, Ratio) from each term's number
    in a group. A group has a value when any term has rows there."""

    terms: tuple[Term, ...]
    make: Callable


def counted(term: Term) -> Plan:
    """The plan of a count: one term."""
    return Plan((term,), Count)


def dates(lookup: str, period: Period) -> Q:
    """Rows whose date at `lookup` lies in `period`."""
    return Q(**{f"{lookup}__gte": period.start, f"{lookup}__lte": period.end})


def in_force(day, since: str, until: str, prefix: str = "") -> Q:
    """Rows in force at the end of `day`: `since` on or before it, `until` none or after it."""
    return Q(**{f"{prefix}{since}__lte": day}) & (
        Q(**{f"{prefix}{until}__isnull": True}) | Q(**{f"{prefix}{until}__gt": day})
    )


def named(name: str, day) -> str:
    """The name of an annotation that depends on `day`."""
    return f"{name}_{day:%Y%m%d}"


# (metric, its parameters checked, the period): what `values` is asked for.
Request = tuple[object, Mapping[str, str], Period]


def values(
    root, requests: Iterable[Request], *, by_child: bool = False, children=None
) -> list[dict[int, object]]:
    """For each request, what `metric(root, period, by_child=…, children=…, **params)` gives:
    {root.pk: value}, or by child {child.pk: value} for each of `children` and any other child
    with rows (`children`: those active in each request's period, one query a period, unless
    given). One statement per family of the planned metrics; one query each for the others."""
    requests = list(requests)
    groups = Groups(root, by_child)
    plans, found = [], [None] * len(requests)
    for index, (metric, params, period) in enumerate(requests):
        plan = metric.plan(groups, period, **params) if metric.plan else None
        if plan is None:
            found[index] = metric.function(groups, period, **params)
        plans.append(plan)
    shape = Shape.of(root, requests, by_child)
    numbers = _numbers(groups, [plan for plan in plans if plan is not None], shape)
    aliases = iter(range(sum(len(plan.terms) for plan in plans if plan is not None)))
    for index, plan in enumerate(plans):
        if plan is None:
            continue
        mine = [next(aliases) for _term in plan.terms]
        keys = set().union(*(numbers[alias][1] for alias in mine))
        found[index] = groups.collect(
            ((key, *(numbers[alias][0].get(key, 0) for alias in mine)) for key in sorted(keys)),
            plan.make,
        )
    results, listed = [], {}
    given = None if children is None else [child.pk for child in children]
    for (metric, _params, period), got in zip(requests, found, strict=True):
        if not by_child:
            results.append({root.pk: got.get(root.pk, metric.zero())})
            continue
        if given is None and period not in listed:
            listed[period] = [child.pk for child in children_in(root, period)]
        zero = metric.zero()  # a value is immutable: one zero for every child without rows
        result = {pk: got.pop(pk, zero) for pk in (listed[period] if given is None else given)}
        result.update(got)
        results.append(result)
    return results


def numbers(
    root, requests: Iterable[Request], *, by_child: bool = False, windows=None
) -> list[tuple[Plan, dict[int, tuple[int, ...]]]]:
    """For each request (its metric planned), its plan and each term's number in each group
    that has rows: (plan, {organisation id: (number of each term, …)}). What the figures kept
    month by month (reports.summary) are made of: `make` is applied once the numbers of
    several periods are put together.

    `windows`, one per request, each None or (since, until): the request's STATE terms read
    only the rows their `changed(since, until)` names (the changes between the ends of two
    days). One statement per family, as `values`; built once per shape unless a window is
    given."""
    requests = list(requests)
    windows = list(windows) if windows is not None else [None] * len(requests)
    groups = Groups(root, by_child)
    plans, changes = [], {}
    for (metric, params, period), between in zip(requests, windows, strict=True):
        plan = metric.plan(groups, period, **params)
        if between is not None:
            terms = []
            for term in plan.terms:
                if term.accrues == STATE:
                    # One condition per kind of change and window, the same object for every
                    # term that reads it: the source's terms then share it (`_restricted`).
                    key = (term.changed, between)
                    if key not in changes:
                        changes[key] = term.changed(*between)
                    term = dataclasses.replace(term, restrict=changes[key])
                terms.append(term)
            plan = dataclasses.replace(plan, terms=tuple(terms))
        plans.append(plan)
    plans = _restricted(plans)
    windowed = any(between is not None for between in windows)
    shape = None if windowed else Shape.of(root, requests, by_child)
    found = _numbers(groups, plans, shape)
    aliases = iter(range(len(found)))
    result = []
    for plan in plans:
        mine = [next(aliases) for _term in plan.terms]
        keys = set().union(*(found[alias][1] for alias in mine))
        result.append(
            (
                plan,
                {
                    groups.organization_id(key): tuple(
                        found[alias][0].get(key, 0) for alias in mine
                    )
                    for key in keys
                },
            )
        )
    return result


def _restricted(plans: list[Plan]) -> list[Plan]:
    """Plans whose terms restrict their source's rows alike keep it so. Where the terms of a
    source restrict differently (or some not at all: a flow beside a state), each
    restriction's terms become a source of their own, a SELECT of their own in the family's
    statement; a tally, one SELECT whatever its terms, takes each restriction into its terms'
    conditions instead."""
    by_source: dict[tuple, dict] = defaultdict(dict)
    for plan in plans:
        for term in plan.terms:
            restricts = by_source[term.family, term.source]
            restricts.setdefault(
                None if term.restrict is None else id(term.restrict), len(restricts)
            )
    mixed = {source: restricts for source, restricts in by_source.items() if len(restricts) > 1}
    if not mixed:
        return plans

    def apart(term: Term) -> Term:
        restricts = mixed.get((term.family, term.source))
        if restricts is None or term.restrict is None:
            return term
        if term.test is not None:
            return dataclasses.replace(term, where=term.where & term.restrict, restrict=None)
        number = restricts[id(term.restrict)]
        return dataclasses.replace(term, source=f"{term.source} (changes {number})")

    return [
        dataclasses.replace(plan, terms=tuple(apart(term) for term in plan.terms)) for plan in plans
    ]


@dataclass
class Shape:
    """The shape of a batch (`key`: what its statements' SQL depends on) and the inputs of
    this request (kcn_party.statements): which metrics and parameter values, each period's
    kind and the order of its dates among the others', which dates share a year, the length
    of the root's path and its kind, by child or not."""

    key: tuple
    inputs: statements.Inputs
    root: object
    requests: list
    by_child: bool
    _sentinel: tuple | None = None

    @classmethod
    def of(cls, root, requests: list[Request], by_child: bool) -> Shape:
        days = [day for _m, _p, period in requests for day in (period.start, period.end)]
        ordered, index, years = statements.dates_key(days)
        key = (
            len(root.path),
            getattr(root, "kind", None),
            by_child,
            years,
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
        return cls(key, statements.Inputs(root.path, ordered), root, requests, by_child)

    def sentinel(self) -> tuple[object, list, statements.Inputs]:
        """The root and requests of the sentinel build, and its inputs (made once)."""
        if self._sentinel is None:
            root = statements.sentinel_root(self.root)
            requests = [
                (
                    metric,
                    params,
                    dataclasses.replace(
                        period,
                        start=statements.shifted(period.start),
                        end=statements.shifted(period.end),
                    ),
                )
                for metric, params, period in self.requests
            ]
            inputs = statements.Inputs(root.path, tuple(map(statements.shifted, self.inputs.dates)))
            self._sentinel = (root, requests, inputs)
        return self._sentinel


def _numbers(
    groups: Groups, plans: list[Plan], shape: Shape | None = None
) -> list[tuple[dict[str, int], set[str]]]:
    """For each term of `plans` in order: ({group key: its number}, the group keys where it
    has rows). One statement per family; built once per `shape` (kcn_party.statements)."""
    terms = [term for plan in plans for term in plan.terms]
    families: dict[str, list[int]] = defaultdict(list)
    for alias, term in enumerate(terms):
        families[term.family].append(alias)
    numbers: list = [None] * len(terms)
    sentinel = _Sentinel(shape, terms) if shape is not None else None
    for family, aliases in families.items():
        kind = _Tally if terms[aliases[0]].test is not None else _Aggregates
        layout = kind.layout(terms, aliases)
        rows = _rows(kind, groups, terms, aliases, layout, family, shape, sentinel)
        found = kind.numbers(rows, terms, aliases, layout)
        for alias in aliases:
            numbers[alias] = found[alias]
    return numbers


class _Sentinel:
    """The groups and terms of `shape`'s sentinel build (Shape.sentinel), planned
    on the first statement that is not yet a template; None where the plans differ."""

    def __init__(self, shape: Shape, terms: list[Term]):
        self.shape, self.terms, self._built = shape, terms, None

    def get(self) -> tuple[Groups, list[Term]] | None:
        if self._built is None:
            root, requests, _inputs = self.shape.sentinel()
            groups = Groups(root, self.shape.by_child)
            terms = []
            for metric, params, period in requests:
                plan = metric.plan(groups, period, **params) if metric.plan else None
                terms += plan.terms if plan is not None else []
            same = len(terms) == len(self.terms) and all(
                (mine.family, mine.source) == (other.family, other.source)
                for mine, other in zip(self.terms, terms, strict=True)
            )
            self._built = (groups, terms) if same else False
        return self._built or None


def _rows(kind, groups, terms, aliases, layout, family, shape, sentinel) -> list[tuple]:
    """The rows of one family's statement: from its template when its shape has one."""
    if shape is None:
        return list(kind.query(groups, terms, aliases, layout))

    def other():
        built = sentinel.get()
        if built is None:
            return None
        other_groups, other_terms = built
        other_layout = kind.layout(other_terms, aliases)
        return (
            kind.query(other_groups, other_terms, aliases, other_layout),
            other_layout.signature,
            shape.sentinel()[2],
        )

    return statements.fetch(
        (shape.key, family, terms[aliases[0]].rows.db),  # the database: its own SQL
        lambda: kind.query(groups, terms, aliases, layout),
        other,
        shape.inputs,
        layout.signature,
    )


# --- the conditional aggregates: a SELECT per source, side by side ------------------------------


@dataclass(frozen=True)
class _Select:
    """How one family's terms are aggregated: by source, each term's condition; a sum of a
    column that is never NULL counts no rows beside it (`summed`); a term with the same
    condition and column as an earlier one of its source copies it (`copies`)."""

    sources: tuple[tuple[int, ...], ...]
    conditions: dict[int, Q]
    summed: frozenset[int]
    copies: dict[int, int]

    @property
    def signature(self) -> tuple:
        """What the statement's SQL depends on of the layout (no dates)."""
        return (self.sources, self.summed, tuple(self.copies.items()))


class _Aggregates:
    @staticmethod
    def layout(terms: list[Term], aliases: list[int]) -> _Select:
        sources: dict[str, list[int]] = defaultdict(list)
        for alias in aliases:
            sources[terms[alias].source].append(alias)
        conditions, copies = {}, {}
        for mine in sources.values():
            computed: dict[tuple, int] = {}
            for alias in mine:
                term = terms[alias]
                condition = term.where & term.only
                same = computed.setdefault((condition, term.total), alias)
                if same != alias:
                    copies[alias] = same
                else:
                    conditions[alias] = condition
        summed = frozenset(alias for alias in aliases if _never_null(terms[alias]))
        return _Select(tuple(map(tuple, sources.values())), conditions, summed, copies)

    @staticmethod
    def query(groups: Groups, terms: list[Term], aliases: list[int], layout: _Select):
        """The rows (group key, number and rows of each term of `aliases`…) of one family: a
        SELECT per source, side by side."""
        # Each term's number and rows; a count's number is its rows (a NULL column, not
        # repeated). A sum of a column that is never NULL has rows where it is not NULL: its
        # rows are not counted (a second evaluation of the whole condition on every row), and
        # its number is NULL in the other sources' SELECTs.
        columns = [name for alias in aliases for name in (f"n{alias}", f"r{alias}")]
        zero = Value(0, output_field=IntegerField())
        # Typed: between three SELECTs or more, PostgreSQL takes two bare NULLs for text.
        none = Cast(Value(None), output_field=BigIntegerField())
        selects = []
        for mine in layout.sources:
            first = terms[mine[0]]
            annotations = {}
            for alias in mine:
                annotations.update(terms[alias].annotations)
            wheres = list(dict.fromkeys(terms[alias].where for alias in mine))
            aggregates = dict.fromkeys(columns, zero)
            aggregates.update({f"n{alias}": none for alias in layout.summed})
            for alias in mine:
                if alias in layout.copies:
                    continue
                term, condition = terms[alias], layout.conditions[alias]
                if alias not in layout.summed:
                    aggregates[f"r{alias}"] = CountRows("pk", filter=condition)
                if term.total is not None:
                    aggregates[f"n{alias}"] = Sum(term.total, filter=condition)
            rows = first.rows if first.restrict is None else first.rows.filter(first.restrict)
            selects.append(
                rows.annotate(**annotations)
                .filter(groups.within(first.lookup), functools.reduce(operator.or_, wheres))
                .order_by()
                .values(group=groups.key(first.lookup))
                .annotate(**aggregates)
                .values_list("group", *columns)
            )
        return selects[0] if len(selects) == 1 else selects[0].union(*selects[1:], all=True)

    @staticmethod
    def numbers(rows, terms: list[Term], aliases: list[int], layout: _Select) -> dict:
        summed, copies = layout.summed, layout.copies
        index = {alias: 1 + 2 * position for position, alias in enumerate(aliases)}
        numbers_of = {alias: defaultdict(int) for alias in aliases}
        rows_of = {alias: set() for alias in aliases}
        for row in rows:
            if summed or copies:
                row = list(row)
                for alias in summed:
                    row[index[alias] + 1] = int(row[index[alias]] is not None)
                for alias, same in copies.items():
                    row[index[alias] : index[alias] + 2] = row[index[same] : index[same] + 2]
            key, *columns = row
            for alias, (number, count) in zip(aliases, _pairs(columns), strict=True):
                if count:
                    numbers_of[alias][key] += count if terms[alias].total is None else number or 0
                    rows_of[alias].add(key)
        return {alias: (numbers_of[alias], rows_of[alias]) for alias in aliases}


# --- the tallies: the rows counted by a few columns, each term's test in Python ----------------


@dataclass(frozen=True)
class _Columns:
    """What one family's tally reads: a flag per coarse condition (`wheres`), then the
    columns (`names`: the flags, the computed columns, the model's fields), and for each term
    its flag and the names of its columns (`reads`)."""

    wheres: tuple[Q, ...]
    annotations: dict
    computed: dict  # name: expression
    fields: tuple[str, ...]
    names: tuple[str, ...]
    reads: dict[int, tuple[str, ...]]

    @property
    def signature(self) -> tuple:
        # The names of the computed columns hold their date; the SQL has them by position.
        position = {name: index for index, name in enumerate(self.names)}
        return (
            len(self.wheres),
            len(self.computed),
            self.fields,
            tuple(
                (alias, tuple(position[name] for name in read))
                for alias, read in self.reads.items()
            ),
        )


class _Tally:
    @staticmethod
    def layout(terms: list[Term], aliases: list[int]) -> _Columns:
        wheres = tuple(dict.fromkeys(terms[alias].where for alias in aliases))
        flag_of = {where: f"w{index}" for index, where in enumerate(wheres)}
        annotations, columns = {}, {}
        for alias in aliases:
            annotations.update(terms[alias].annotations)
            columns.update(terms[alias].columns)
        fields = tuple(name for name, expression in columns.items() if expression is None)
        computed = {
            name: expression for name, expression in columns.items() if expression is not None
        }
        reads = {alias: (flag_of[terms[alias].where], *terms[alias].columns) for alias in aliases}
        names = (*flag_of.values(), *computed, *fields)
        return _Columns(wheres, annotations, computed, fields, names, reads)

    @staticmethod
    def query(groups: Groups, terms: list[Term], aliases: list[int], layout: _Columns):
        """One SELECT grouped by the group, a flag per coarse condition, and the columns."""
        first = terms[aliases[0]]
        flags = {f"w{index}": where for index, where in enumerate(layout.wheres)}
        # The computed columns by position (c0, c1…): their names hold a date.
        computed = {
            f"c{index}": expression for index, expression in enumerate(layout.computed.values())
        }
        names = [*flags, *computed, *layout.fields]
        rows = first.rows if first.restrict is None else first.rows.filter(first.restrict)
        return (
            rows.annotate(**layout.annotations)
            .filter(groups.within(first.lookup), functools.reduce(operator.or_, layout.wheres))
            .annotate(
                **{name: ExpressionWrapper(where, BooleanField()) for name, where in flags.items()},
                **computed,
            )
            .order_by()
            .values(*names, group=groups.key(first.lookup))
            .annotate(rows=CountRows("pk"))
            .values_list("group", *names, "rows")
        )

    @staticmethod
    def numbers(rows, terms: list[Term], aliases: list[int], layout: _Columns) -> dict:
        """Each term takes the rows it tests true, under its own flag."""
        # A term tests only its own columns, under its own flag: the rows are first added up
        # by each such set of columns (a few dozen combinations each), and each term then
        # tests each combination once instead of every row.
        reads = layout.reads
        position = {name: index for index, name in enumerate(layout.names, start=1)}
        combined = {
            columns: (
                operator.itemgetter(0, *(position[name] for name in columns)),
                defaultdict(int),
            )
            for columns in reads.values()
        }
        for row in rows:
            count = row[-1]
            for pick, totals in combined.values():
                totals[pick(row)] += count
        # Each combination of a set of columns is made a row once, for all the terms that read
        # those columns.
        numbers_of = {alias: defaultdict(int) for alias in aliases}
        readers = defaultdict(list)
        for alias in aliases:
            readers[reads[alias]].append((numbers_of[alias], terms[alias].test))
        for (_flag, *columns), tests in readers.items():
            for (key, flagged, *values), count in combined[(_flag, *columns)][1].items():
                if not flagged:
                    continue
                row = dict(zip(columns, values, strict=True))
                for numbers, test in tests:
                    if test(row):
                        numbers[key] += count
        return {alias: (numbers_of[alias], set(numbers_of[alias])) for alias in aliases}


def _never_null(term: Term) -> bool:
    """Whether `term` sums a column of its model that is never NULL (not an annotation)."""
    if term.total is None or term.total in term.annotations:
        return False
    return not term.rows.model._meta.get_field(term.total).null


def _pairs(columns: list) -> Iterable[tuple]:
    """(number, rows) of each term from the flat row of columns."""
    return zip(columns[::2], columns[1::2], strict=True)
