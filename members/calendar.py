"""Dates as the party's rules count them: ages and probation in whole months, statutory
deadlines in working days (Monday to Friday, Vietnamese public holidays excluded, lunar ones
included, from the `holidays` package)."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta


def whole_months(start: datetime.date, end: datetime.date) -> int:
    """Completed months from `start` to `end` (an age "counted in months")."""
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 29/02 of a leap year goes to 28/02."""
    return day + relativedelta(months=months)


def add_years(day: datetime.date, years: int) -> datetime.date:
    return day + relativedelta(years=years)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `day` (the day itself not counted)."""
    current = day
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
