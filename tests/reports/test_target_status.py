"""The status rule and the pace of targets (docs/figures.md, "Targets"), on hand-built values."""

import datetime
from decimal import Decimal

import pytest

from reports.periods import Period
from reports.targets.status import Pace, Status, assess, status_of
from reports.values import Count, Ratio

D = datetime.date


def count(actual, minimum, maximum=None, comparison="at_least"):
    return assess(Count(actual), unit="count", minimum=minimum, maximum=maximum,
                  comparison=comparison)  # fmt: skip


def test_the_issues_example():
    # 3 cells founded (≥ 2), 8 unions (≥ 10), 36 admitted (30–50), 88% rated HTT+ (> 85%).
    cells = count(3, 2)
    unions = count(8, 10)
    admitted = count(36, 30, 50)
    rated = assess(Ratio(88, 100), unit="percent", minimum=85, comparison="more_than")
    assert (cells.status, cells.achieved, cells.exceeded) == (
        Status.EXCEEDED, Decimal("150.00"), Decimal("50.00"))  # fmt: skip
    assert (unions.status, unions.achieved, unions.exceeded) == (
        Status.NOT_MET, Decimal("80.00"), None)  # fmt: skip
    assert (admitted.status, admitted.achieved, admitted.exceeded) == (
        Status.MET, Decimal("120.00"), Decimal("20.00"))  # fmt: skip
    assert rated.status == Status.MET
    assert rated.achieved == Decimal("103.53")  # 88 ÷ 85 × 100, half up


@pytest.mark.parametrize(
    ("actual", "minimum", "maximum", "expected"),
    [
        (1, 2, None, Status.NOT_MET),
        (2, 2, None, Status.MET),  # equal to a single minimum
        (3, 2, None, Status.EXCEEDED),  # above a single minimum
        (29, 30, 50, Status.NOT_MET),
        (30, 30, 50, Status.MET),  # the ends of a range are in it
        (50, 30, 50, Status.MET),
        (51, 30, 50, Status.EXCEEDED),  # above the maximum
        (0, 0, None, Status.MET),
    ],
)
def test_a_count_against_a_minimum_or_a_range(actual, minimum, maximum, expected):
    assert count(actual, minimum, maximum).status == expected


def test_more_than_a_count_asks_one_more():
    assert count(10, 10, comparison="more_than").status == Status.NOT_MET
    assert count(11, 10, comparison="more_than").status == Status.MET
    assert count(12, 10, comparison="more_than").status == Status.EXCEEDED


@pytest.mark.parametrize(
    ("numerator", "denominator", "comparison", "maximum", "expected"),
    [
        (85, 100, "more_than", None, Status.NOT_MET),  # > 85%: exactly 85% does not hold
        (85, 100, "at_least", None, Status.MET),
        (851, 1000, "more_than", None, Status.MET),
        (99, 100, "at_least", None, Status.MET),  # no vượt without a maximum
        (84, 100, "at_least", None, Status.NOT_MET),
        (96, 100, "at_least", 95, Status.EXCEEDED),
        (0, 0, "at_least", None, Status.NO_FIGURE),  # nobody rated: no figure, no status
    ],
)
def test_a_percentage_is_met_when_its_comparison_holds(
    numerator, denominator, comparison, maximum, expected
):
    ratio = Ratio(numerator, denominator)
    assert status_of(ratio, unit="percent", minimum=85, maximum=maximum,
                     comparison=comparison) == expected  # fmt: skip


def test_the_percentage_compares_exactly_not_rounded():
    # 85.004% rounds to 85.00% but is more than 85%.
    assert status_of(Ratio(85004, 100000), unit="percent", minimum=85,
                     comparison="more_than") == Status.MET  # fmt: skip


def test_achieved_rounds_half_up_and_has_no_share_of_a_zero_minimum():
    assert count(1, 3).achieved == Decimal("33.33")
    assert count(2, 3).achieved == Decimal("66.67")
    assert count(1, 8).achieved == Decimal("12.50")
    assert count(5, 0).achieved is None and count(5, 0).status == Status.EXCEEDED


def test_pace_in_the_running_year():
    year = Period.year(2026)  # 365 days
    # 1 July 2026 is day 182: 49.86% of the year is gone; 10 × 182/365 = 4.99 due.
    on = D(2026, 7, 1)
    behind = assess(Count(4), unit="count", minimum=10, period=year, today=on)
    assert behind.expected_share == Decimal("49.86")
    assert behind.expected == Decimal("4.99")
    assert (behind.status, behind.pace) == (Status.NOT_MET, Pace.BEHIND)
    on_pace = assess(Count(5), unit="count", minimum=10, period=year, today=on)
    assert (on_pace.status, on_pace.pace) == (Status.NOT_MET, Pace.ON_PACE)
    # On the first day, 1/365 of the target is due: none yet is behind.
    first = assess(Count(0), unit="count", minimum=365, period=year, today=D(2026, 1, 1))
    assert first.pace == Pace.BEHIND and first.expected == Decimal("1.00")
    # On the last day, the whole of it.
    last = assess(Count(10), unit="count", minimum=10, period=year, today=D(2026, 12, 31))
    assert last.pace == Pace.ON_PACE and last.expected_share == Decimal("100.00")


def test_a_percentage_is_on_pace_when_its_comparison_holds_today():
    year = Period.year(2026)
    on = D(2026, 3, 1)
    good = assess(Ratio(9, 10), unit="percent", minimum=85, period=year, today=on)
    poor = assess(Ratio(8, 10), unit="percent", minimum=85, period=year, today=on)
    none = assess(Ratio(0, 0), unit="percent", minimum=85, period=year, today=on)
    assert (good.pace, poor.pace, none.pace) == (Pace.ON_PACE, Pace.BEHIND, None)


def test_no_pace_outside_the_running_period():
    past = assess(Count(1), unit="count", minimum=10, period=Period.year(2025),
                  today=D(2026, 3, 1))  # fmt: skip
    assert past.pace is None and past.expected_share is None
    assert count(1, 10).pace is None  # no period given


def test_a_term_runs_its_pace_over_all_its_days():
    term = Period.term(None, 2025, 2030, congress=lambda c, y: None)  # 1/1/2025–31/12/2030
    on = D(2026, 1, 1)  # day 366 of 2191
    result = assess(Count(30), unit="count", minimum=180, period=term, today=on)
    assert result.expected_share == Decimal("16.70")
    assert result.expected == Decimal("30.07")  # 180 × 366 ÷ 2191 = 30.068…
    assert result.pace == Pace.BEHIND
