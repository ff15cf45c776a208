"""Periods the figures are computed over: a year, a congress term, a month, a quarter, a half
year, or any two dates — both ends included.

A term (nhiệm kỳ) 2020–2025 runs from the committee's congress in 2020 to the day before its
congress in 2025, as recorded with the committee (organizations.Congress); without recorded
congress dates, from 1 January 2020 to 31 December 2025.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from kcn_party.dates import named_error, not_a_date, short_date
from organizations import bounds
from organizations.models import Congress
from reports.values import Ratio

YEAR, TERM, MONTH, QUARTER, HALF, CUSTOM = "year", "term", "month", "quarter", "half", "custom"
KINDS = (YEAR, TERM, MONTH, QUARTER, HALF, CUSTOM)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """A period that cannot be: the message says why, in the interface's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def congress_on(committee, year: int) -> datetime.date | None:
    """The date of `committee`'s congress (đại hội) in `year` — the one that opens the term
    starting that year — as recorded with the committee (organizations.Congress); None when
    none is on record (or without a committee)."""
    if getattr(committee, "pk", None) is None:
        return None
    return (
        Congress.objects.filter(organization=committee, first_year=year)
        .values_list("held_on", flat=True)
        .first()
    )


def _year_label(year: int) -> str:
    return _("Year %(year)d") % {"year": year}


def _month_label(year: int, month: int) -> str:
    return _("Month %(month)d/%(year)d") % {"month": month, "year": year}


def _quarter_label(year: int, quarter: int) -> str:
    return _("Quarter %(quarter)s/%(year)d") % {"quarter": ROMAN[quarter], "year": year}


def _half_label(year: int, half: int) -> str:
    if half == 1:
        return _("First half of %(year)d") % {"year": year}
    return _("Second half of %(year)d") % {"year": year}


def _custom_label(start: datetime.date, end: datetime.date) -> str:
    return _("%(start)s to %(end)s") % {"start": short_date(start), "end": short_date(end)}


def add_months(day: datetime.date, months: int) -> datetime.date:
    # 31 March + 1 month is 30 April; 29 February a year earlier is 28 February.
    return day + relativedelta(months=months)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included. Build one with the constructors below."""

    start: datetime.date
    end: datetime.date
    kind: str = CUSTOM
    label: str = field(default="", compare=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of period: {self.kind!r}")
        if self.end < self.start:
            raise PeriodError(
                _("The period ends (%(end)s) before it starts (%(start)s).")
                % {"end": short_date(self.end), "start": short_date(self.start)}
            )
        if not self.label:
            object.__setattr__(self, "label", _custom_label(self.start, self.end))

    def __str__(self):
        return self.label

    # --- constructors ---------------------------------------------------------------------
    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), YEAR, _year_label(year))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = datetime.date(year, month, 1)
        end = add_months(start, 1) - datetime.timedelta(days=1)
        return cls(start, end, MONTH, _month_label(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in ROMAN:
            raise ValueError(f"a year has 4 quarters, not {quarter}")
        start = datetime.date(year, 3 * quarter - 2, 1)
        end = add_months(start, 3) - datetime.timedelta(days=1)
        return cls(start, end, QUARTER, _quarter_label(year, quarter))

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise ValueError(f"a year has 2 halves, not {half}")
        start = datetime.date(year, 1 if half == 1 else 7, 1)
        end = datetime.date(year, 6, 30) if half == 1 else datetime.date(year, 12, 31)
        return cls(start, end, HALF, _half_label(year, half))

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> Period:
        return cls(start, end, CUSTOM)

    @classmethod
    def term(
        cls,
        committee,
        first: int,
        last: int,
        *,
        congress: Callable[[object, int], datetime.date | None] | None = None,
    ) -> Period:
        """The term `first`–`last` of `committee`: from its congress in `first` to the day
        before its congress in `last`; an end without a recorded congress falls on 1 January
        of `first` or 31 December of `last`, as organizations.selectors.term_bounds reads
        them. `congress` answers the congress dates (default: `congress_on`, the congresses
        recorded with the committee)."""
        if last <= first:
            raise PeriodError(
                _("A term ends in a later year than it starts (%(first)d–%(last)d).")
                % {"first": first, "last": last}
            )
        congress = congress or congress_on
        opened = congress(committee, first)
        closed = congress(committee, last)
        start = opened or datetime.date(first, 1, 1)
        end = closed - datetime.timedelta(days=1) if closed else datetime.date(last, 12, 31)
        label = _("Term %(first)d–%(last)d") % {"first": first, "last": last}
        return cls(start, end, TERM, label)

    # --- derived periods ------------------------------------------------------------------
    def _whole(self, year: int) -> Period | None:
        """The whole year, month, quarter or half of this kind that starts as this period
        does, in `year`."""
        start = self.start
        whole = {
            YEAR: lambda: Period.year(year),
            MONTH: lambda: Period.month(year, start.month),
            QUARTER: lambda: Period.quarter(year, (start.month + 2) // 3),
            HALF: lambda: Period.half(year, 1 if start.month < 7 else 2),
        }
        return whole[self.kind]() if self.kind in whole else None

    def same_period_last_year(self) -> Period:
        """Cùng kỳ: both ends one year earlier (29 February becomes 28 February). A whole
        month, quarter, half or year is that of the year before (February 2025 is compared
        with the whole of February 2024); a term or two dates, the dates a year earlier."""
        if self._whole(self.start.year) == self:
            return self._whole(self.start.year - 1)
        start, end = add_months(self.start, -12), add_months(self.end, -12)
        earlier = self._whole(start.year)
        if earlier is not None:  # a running year, month…: still "Năm 2025", to an earlier day
            return Period(start, end, self.kind, earlier.label)
        return Period(start, end, CUSTOM)

    def until(self, day: datetime.date) -> Period:
        """The part of the period up to `day` (the figures "as of" that day), with its kind
        and label: the running year is still "Năm 2026"."""
        if day < self.start:
            raise PeriodError(
                _("The date of the figures (%(day)s) is before the period starts (%(start)s).")
                % {"day": short_date(day), "start": short_date(self.start)}
            )
        return replace(self, end=min(self.end, day))

    # --- pace (issue 11) ------------------------------------------------------------------
    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def running(self, today: datetime.date) -> bool:
        return self.start <= today <= self.end

    def elapsed_share(self, today: datetime.date) -> Ratio:
        """Days gone by `today` (included) over the period's days: the share of a target that
        should be reached by then."""
        elapsed = min(max((today - self.start).days + 1, 0), self.days)
        return Ratio(elapsed, self.days)


# --- reading periods as people write them ---------------------------------------------------

FIRST_YEAR, LAST_YEAR = bounds.EARLIEST.year, bounds.LATEST.year


def _year_in_bounds(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            _("Give a year from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return year


def parse_year(text: str) -> int:
    """ "2025" → 2025."""
    text = (text or "").strip()
    if not re.fullmatch(r"\d{4}", text):
        raise PeriodError(_("Write the year with four digits, e.g. 2025."))
    return _year_in_bounds(int(text))


def parse_term(text: str) -> tuple[int, int]:
    """ "2020-2025" (or with an en dash, or spaces) → (2020, 2025)."""
    found = re.fullmatch(r"\s*(\d{4})\s*[-–—]\s*(\d{4})\s*", text or "")
    if not found:
        raise PeriodError(_("Write the term as two years, e.g. 2020-2025."))
    first, last = (_year_in_bounds(int(year)) for year in found.groups())
    if last <= first:
        raise PeriodError(
            _("A term ends in a later year than it starts (%(first)d–%(last)d).")
            % {"first": first, "last": last}
        )
    return first, last


def parse_date(text: str, label: str = "") -> datetime.date:
    """ "31/12/2025" → the date. A PeriodError names `label` (the field or the option that
    was typed: "Từ ngày: “31/02/2025” không phải là ngày…")."""
    try:
        day = datetime.datetime.strptime((text or "").strip(), "%d/%m/%Y").date()
    except ValueError:
        raise PeriodError(named_error(label, not_a_date(text or ""))) from None
    if not bounds.EARLIEST <= day <= bounds.LATEST:
        raise PeriodError(
            named_error(
                label,
                _("Give a date from %(first)s to %(last)s.")
                % {"first": short_date(bounds.EARLIEST), "last": short_date(bounds.LATEST)},
            )
        )
    return day


def parse(text: str, committee=None) -> Period:
    """A year ("2025") or, for `committee`, a term ("2020-2025")."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{4}", text):
        return Period.year(parse_year(text))
    first, last = parse_term(text)
    return Period.term(committee, first, last)
