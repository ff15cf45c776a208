"""The one entry point to the figures: every metric of an organisation's subtree for a period,
beside the same period last year. The command, the JSON endpoint, the tables' pages and the
dashboard all read the figures from here, so that a figure is the same everywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kcn_party.dates import short_date
from reports import closing, summary
from reports.metrics import Metric, children_in, get, metrics
from reports.periods import Period, PeriodError
from reports.values import Value, change


@dataclass(frozen=True)
class Figure:
    """One metric (with its parameters) this period and the same period last year."""

    metric: Metric
    params: Mapping[str, str]
    value: Value
    last_year: Value

    @property
    def key(self) -> str:
        return self.metric.key

    @property
    def label(self) -> str:
        return self.metric.label_for(self.params)

    @property
    def change_percent(self) -> Decimal | None:
        """The "%" of kỳ này | cùng kỳ | %."""
        return change(self.value, self.last_year)


@dataclass(frozen=True)
class Figures:
    root: object  # PartyOrganization
    period: Period  # as asked: "Năm 2026"
    as_of: datetime.date  # the date of the figures: flows up to it, states on it
    current: Period  # the period cut at `as_of`: what is computed
    last_year: Period  # the same period last year (cut a year earlier)
    figures: list[Figure] = field(default_factory=list)
    # The closing the figures were read from (reports.closing), None when computed.
    closed: object = None

    def get(self, key: str, **params) -> Figure:
        for figure in self.figures:
            if figure.key == key and figure.params == figure.metric.checked(params):
                return figure
        raise KeyError((key, params))


def as_of_date(period: Period, as_of: datetime.date | None = None) -> datetime.date:
    """The date of the figures: `as_of` if given (not in the future, not after the period),
    else the period's end or today, whichever comes first. A PeriodError if that is before the
    period starts."""
    today = timezone.localdate()
    if as_of is None:
        if period.start > today:
            raise PeriodError(
                _("The period starts on %(start)s, after today: it has no figures yet.")
                % {"start": short_date(period.start)}
            )
        return min(period.end, today)
    if as_of > today:
        raise PeriodError(
            _("The date of the figures (%(day)s) is in the future.") % {"day": short_date(as_of)}
        )
    if as_of > period.end:
        raise PeriodError(
            _("The date of the figures (%(day)s) is after the period ends (%(end)s).")
            % {"day": short_date(as_of), "end": short_date(period.end)}
        )
    period.until(as_of)  # a PeriodError if before the period starts
    return as_of


def compute(
    root,
    period: Period,
    keys=None,
    as_of: datetime.date | None = None,
    *,
    from_records: bool = False,
) -> Figures:
    """Every metric (or those of `keys`), each of its parameter values, of `root`'s subtree for
    `period` up to `as_of` (default: its end, or today in a running period), and the same for
    the same period last year. One query per kind of record (reports.metrics.batch) whatever
    the data and the number of metrics, and one for the closings.

    A period `root` has closed is read from its closing (`figures.closed`), never recomputed;
    a same period last year that is closed gives its stored figures. `from_records` computes
    from the records all the same (the adjustments compare the two). A PeriodError if the date
    of the figures does not fit the period."""
    as_of = as_of_date(period, as_of)
    current = period.until(as_of)
    last_year = current.same_period_last_year()
    closings = (
        closing.Closings()
        if from_records
        else closing.lookup(root, current, last_year, before=False)
    )
    closed = closings.exact(current)
    stored = closing.stored_values(closed) if closed else {}
    stored_last = closing.stored_values(closed, "last_year") if closed else {}
    if not closed:
        stored_last = closings.values(last_year) or {}
    # What no closing stores, computed at once: one statement per kind of record.
    asked = [(metric, params) for metric in metrics(keys) for params in metric.variants()]
    missing = [
        (metric, params, span)
        for metric, params in asked
        for span, known in ((current, stored), (last_year, stored_last))
        # A metric added after the closing has no stored value: computed.
        if closing.figure_key(metric, params) not in known
    ]
    computed = dict(
        zip(
            ((metric.key, tuple(params.items()), span) for metric, params, span in missing),
            summary.values(root, missing),
            strict=True,
        )
    )

    def value(metric, params, span, known):
        key = closing.figure_key(metric, params)
        if key in known:
            return known[key]
        return computed[metric.key, tuple(params.items()), span][root.pk]

    figures = [
        Figure(
            metric=metric,
            params=params,
            value=value(metric, params, current, stored),
            last_year=value(metric, params, last_year, stored_last),
        )
        for metric, params in asked
    ]
    return Figures(root, period, as_of, current, last_year, figures, closed=closed)


@dataclass(frozen=True)
class Breakdown:
    """The figures of each direct child of `root`, for the period cut at `as_of`."""

    root: object
    period: Period
    as_of: datetime.date
    current: Period  # the period cut at `as_of`: what is computed
    children: list  # the children active at some time in the period, by path
    values: dict[tuple[str, tuple], dict[int, Value]]  # (key, params) → {child id: value}

    def get(self, key: str, **params) -> dict[int, Value]:
        return self.values[key, tuple(get(key).checked(params).items())]


def breakdown(
    root,
    period: Period,
    keys=None,
    as_of: datetime.date | None = None,
    *,
    from_records: bool = False,
    children=None,
) -> Breakdown:
    """Every metric (or those of `keys`) for each direct child of `root`: one query per kind of
    record (reports.metrics.batch, grouped by the path prefix), one for the children and one
    for the closings. A period `root` has closed gives the children and values stored with it.

    `children`, when given, are the children to give a value to (each other child with rows
    has one too), instead of those active in the period: the dashboard's last year, read for
    this year's children only, lists them once."""
    as_of = as_of_date(period, as_of)
    current = period.until(as_of)
    closed = None if from_records else closing.lookup(root, current, before=False).exact(current)
    if closed is not None:
        children, stored = closing.stored_breakdown(closed)
    elif children is None:
        children, stored = children_in(root, current), {}
    else:
        children, stored = list(children), {}
    wanted = [(metric, params) for metric in metrics(keys) for params in metric.variants()]
    values = {
        (metric.key, tuple(params.items())): stored.get((metric.key, tuple(params.items())))
        for metric, params in wanted
    }
    asked = [
        (metric, params, current)
        for metric, params in wanted
        if values[metric.key, tuple(params.items())] is None
    ]
    got = summary.values(root, asked, by_child=True, children=children)
    for (metric, params, _span), found in zip(asked, got, strict=True):
        values[metric.key, tuple(params.items())] = found
    return Breakdown(root, period, as_of, current, children, values)
