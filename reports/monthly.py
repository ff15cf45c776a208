"""The monthly points of a figure: its value from the period's start to each month's end (each
quarter's, each year's for a long period), beside the same days a year earlier: the
dashboard's chart.

They are computed from the records, every point of both years at once (reports.metrics.batch:
one statement per kind of record, whatever the number of figures and points). A closing stores
them for every figure the dashboard may follow (`followed`), so that the chart of a closed
period is read with its figures (reports.closing.stored_points) instead of from a year or
more of the records, and does not change with a correction made after the closing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from reports import metrics as registry
from reports import summary
from reports.metrics import Metric
from reports.periods import Period, add_months
from reports.values import Value

# More points than this and the chart goes by quarter, then by year (a term of 5 years).
MAX_POINTS = 24


def followed() -> list[Metric]:
    """The figures a leader may follow month by month: the counts."""
    return [metric for metric in registry.metrics() if metric.unit == registry.COUNT]


def month_ends(period: Period, until: datetime.date) -> list[datetime.date]:
    """The ends of the months (quarters, years for a long period) of `period` up to `until`,
    and `until` itself."""
    for step in (1, 3, 12):
        points, day = [], period.start
        while True:
            nxt = add_months(datetime.date(day.year, day.month, 1), step)
            end = nxt - datetime.timedelta(days=1)
            if end >= until:
                points.append(until)
                break
            points.append(end)
            day = nxt
        if len(points) <= MAX_POINTS:
            return points
    return points


def spans(period: Period, days: Sequence[datetime.date]) -> tuple[list[Period], list[Period]]:
    """The periods the points of `days` are: from `period`'s start to each day, and the same
    periods last year."""
    this = [Period.between(period.start, day) for day in days]
    return this, [span.same_period_last_year() for span in this]


def compute(
    root, period: Period, days: Sequence[datetime.date], metrics: Sequence[Metric]
) -> list[tuple[list[Value], list[Value]]]:
    """For each of `metrics` (with its default parameters): its values at `days` this year and
    the same days last year, from the records, all in ONE `batch.values` call."""
    this, last = spans(period, days)
    requests = [(metric, metric.checked({}), span) for metric in metrics for span in (*this, *last)]
    found = [values[root.pk] for values in summary.values(root, requests)]
    size = len(days)
    result = []
    for index in range(len(metrics)):
        mine = found[2 * size * index : 2 * size * (index + 1)]
        result.append((mine[:size], mine[size:]))
    return result
