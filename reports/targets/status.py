"""Where a target stands: the one rule (docs/figures.md, "Targets: status and pace").

**Status**, of the figure at the date of the figures against the target:

- a count below the minimum is *chưa đạt* (not met);
- a count within a range (minimum ≤ actual ≤ maximum), or equal to a single minimum, is *đạt*
  (met);
- a count above the maximum, or above a single minimum, is *vượt* (exceeded);
- a count target "more than N" asks at least N + 1: N itself is chưa đạt;
- a percentage target is *đạt* when its comparison holds (≥ the minimum for "at least", > it for
  "more than"), *chưa đạt* when it does not, and *vượt* only above a maximum when it has one;
- a percentage of nothing (nobody rated yet) has *no figure*, and no status.

**% achieved** ("đạt X%") = actual ÷ minimum × 100, "vượt Y%" = X − 100 when X > 100, both
rounded as every figure is (`reports.values`: 2 decimals, half up). A minimum of 0 has no %.

**Pace**, for the running period only (today within it): the expected share is the days gone
by today, included, over the period's days. A count target is *đúng tiến độ* (on pace) when
actual ≥ minimum × expected share, *chậm tiến độ* (behind) otherwise. A percentage is not
accumulated over the period: it is on pace when its comparison holds today. Outside the running
period there is no pace (a past period is judged by its status).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.periods import Period
from reports.values import Count, Ratio, Value, achieved, exceeded, rounded


class Status(models.TextChoices):
    NOT_MET = "not_met", _("not met")
    MET = "met", _("met")
    EXCEEDED = "exceeded", _("exceeded")
    NO_FIGURE = "no_figure", _("no figure")


class Pace(models.TextChoices):
    ON_PACE = "on_pace", _("on pace")
    BEHIND = "behind", _("behind pace")


COUNT, PERCENT = "count", "percent"
AT_LEAST, MORE_THAN = "at_least", "more_than"


@dataclass(frozen=True)
class Assessment:
    status: Status
    achieved: Decimal | None  # đạt X%: actual ÷ minimum × 100, rounded
    exceeded: Decimal | None  # vượt Y% = X − 100 when X > 100
    pace: Pace | None  # for the running period only
    expected_share: Decimal | None  # the share of the period gone, as a percentage
    expected: Decimal | None  # for a count: the minimum × that share, rounded

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def pace_label(self) -> str | None:
        return None if self.pace is None else str(self.pace.label)


def _exact(actual: Value | int | Fraction | Decimal) -> Fraction | None:
    if isinstance(actual, Count | Ratio):
        return actual.exact
    return None if actual is None else Fraction(actual)


def status_of(
    actual: Value | int | Fraction | Decimal | None,
    *,
    unit: str,
    minimum,
    maximum=None,
    comparison: str = AT_LEAST,
) -> Status:
    """The status of `actual` (a count, or a percentage as its exact value) against a target."""
    value = _exact(actual)
    if value is None:
        return Status.NO_FIGURE
    low = Fraction(minimum)
    high = None if maximum is None else Fraction(maximum)
    if unit == COUNT:
        if comparison == MORE_THAN:
            low += 1
        if value < low:
            return Status.NOT_MET
        if high is not None:
            return Status.MET if value <= high else Status.EXCEEDED
        return Status.MET if value == low else Status.EXCEEDED
    holds = value >= low if comparison == AT_LEAST else value > low
    if not holds:
        return Status.NOT_MET
    if high is not None and value > high:
        return Status.EXCEEDED
    return Status.MET


def assess(
    actual: Value | int | Fraction | Decimal | None,
    *,
    unit: str,
    minimum,
    maximum=None,
    comparison: str = AT_LEAST,
    period: Period | None = None,
    today: datetime.date | None = None,
) -> Assessment:
    """Status, % achieved and — when `today` lies within `period` — the pace of a target."""
    status = status_of(actual, unit=unit, minimum=minimum, maximum=maximum, comparison=comparison)
    value = _exact(actual)
    share = achieved(value, minimum) if value is not None and minimum else None
    over = exceeded(value, minimum) if value is not None and minimum else None
    pace = expected_share = expected = None
    if period is not None and today is not None and period.running(today):
        elapsed = period.elapsed_share(today)
        expected_share = elapsed.percent
        if unit == COUNT:
            due = Fraction(minimum) * elapsed.numerator / elapsed.denominator
            expected = rounded(due)
            if value is not None:
                pace = Pace.ON_PACE if value >= due else Pace.BEHIND
        elif status != Status.NO_FIGURE:
            pace = Pace.BEHIND if status == Status.NOT_MET else Pace.ON_PACE
    return Assessment(status, share, over, pace, expected_share, expected)


def assess_target(target, actual, *, period: Period | None = None, today=None) -> Assessment:
    """`assess` with the bounds of `target` (reports.targets.models.Target)."""
    return assess(
        actual,
        unit=target.unit,
        minimum=target.minimum,
        maximum=target.maximum,
        comparison=target.comparison,
        period=period,
        today=today,
    )
