"""The ranges a count or a date on record may take: realistic ones, well inside what the
database holds, so that a typing slip (a worker count of 99,999,999,999,999, a date of
01/01/0001) is refused with a message instead of being stored or failing in the database.

Each bounded field carries a validator (so every model form and service's full_clean says
what is wrong, on the field) and a check constraint (so nothing else can store it either).
Dates that cannot lie in the future are checked against today by the models' clean().
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from kcn_party.dates import short_date
from kcn_party.errors import FieldErrors

# Nobody on record was born earlier.
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# The Party was founded on 3 February 1930: nothing these records hold (organisations and
# their terms, members' events, classes, enterprises, unions and their counts) is older.
EARLIEST = datetime.date(1930, 1, 1)
# A database-side ceiling for any date; forms refuse the future (or a near one) long before.
LATEST = datetime.date(2100, 12, 31)
# Workers of an enterprise, members of a union or an organisation, people at a session: the
# largest employers in the zones count about 100,000; ten times that is a typing slip. Well
# inside a 32-bit integer column.
MAX_PEOPLE = 1_000_000
# The official members of one cell voting on an admission.
MAX_CELL_MEMBERS = 10_000
# Terms of office are planned a congress or two ahead.
NEAR_FUTURE_YEARS = 10


@deconstructible
class NotBefore:
    """A date on or after `earliest`."""

    def __init__(self, earliest: datetime.date):
        self.earliest = earliest

    def __call__(self, value):
        if value is not None and value < self.earliest:
            raise ValidationError(
                _("Enter a date on or after %(date)s."),
                code="too_early",
                params={"date": short_date(self.earliest)},
            )

    def __eq__(self, other):
        return isinstance(other, NotBefore) and other.earliest == self.earliest


@deconstructible
class NotAfterNearFuture:
    """A date at most NEAR_FUTURE_YEARS ahead of today (the end of a term of office)."""

    def __call__(self, value):
        latest = timezone.localdate() + relativedelta(years=NEAR_FUTURE_YEARS)
        if value is not None and value > latest:
            raise ValidationError(
                _("Enter a date no later than %(date)s."),
                code="too_late",
                params={"date": short_date(latest)},
            )

    def __eq__(self, other):
        return isinstance(other, NotAfterNearFuture)


@deconstructible
class AtMost:
    """A count of at most `limit`."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value):
        if value is not None and value > self.limit:
            raise ValidationError(
                _("Enter a number no greater than %(limit)s; check what was typed."),
                code="too_large",
                params={"limit": number_format(self.limit, force_grouping=True)},
            )

    def __eq__(self, other):
        return isinstance(other, AtMost) and other.limit == self.limit


@deconstructible
class YearFrom:
    """A year from the Party's founding on."""

    def __call__(self, value):
        if value is not None and value < EARLIEST.year:
            raise ValidationError(
                _("Enter a year from %(year)d on."),
                code="too_early",
                params={"year": EARLIEST.year},
            )

    def __eq__(self, other):
        return isinstance(other, YearFrom)


RECORD_DATE = [NotBefore(EARLIEST)]
BIRTH_DATE = [NotBefore(EARLIEST_BIRTH)]
TERM_DATE = [NotBefore(EARLIEST), NotAfterNearFuture()]
PEOPLE = [AtMost(MAX_PEOPLE)]
CELL_MEMBERS = [AtMost(MAX_CELL_MEMBERS)]
YEAR = [YearFrom()]


def dates_within(*fields: str, earliest: datetime.date = EARLIEST) -> list[CheckConstraint]:
    """A check constraint per date field: between `earliest` and LATEST (NULL passes)."""
    return [
        CheckConstraint(
            condition=Q(**{f"{field}__gte": earliest, f"{field}__lte": LATEST}),
            name=f"%(app_label)s_%(class)s_{field}_in_range",
        )
        for field in fields
    ]


def years_within(field: str) -> CheckConstraint:
    return CheckConstraint(
        condition=Q(**{f"{field}__gte": EARLIEST.year, f"{field}__lte": LATEST.year}),
        name=f"%(app_label)s_%(class)s_{field}_in_range",
    )


def counts_within(*fields: str, most: int = MAX_PEOPLE) -> list[CheckConstraint]:
    """A check constraint per count field: at most `most` (the lower bound is each field's
    own, not negative)."""
    return [
        CheckConstraint(
            condition=Q(**{f"{field}__lte": most}),
            name=f"%(app_label)s_%(class)s_{field}_in_range",
        )
        for field in fields
    ]


def in_order(earlier: str, later: str, *, name: str) -> CheckConstraint:
    """A check constraint that the date `later`, when given, is not before `earlier` (an end
    and its start, or two stages of a dossier)."""
    return CheckConstraint(
        condition=Q(**{f"{later}__isnull": True}) | Q(**{f"{later}__gte": F(earlier)}),
        name=name,
    )


def future_dates(record, messages: dict) -> FieldErrors:
    """A record's dates that lie after today, each with its message ({field: message}), as the
    first errors of its clean(): LATEST keeps the far future out of the database, this keeps
    out even tomorrow. A field the record lacks (a course without certificates) is passed."""
    errors = FieldErrors()
    today = timezone.localdate()
    for field, message in messages.items():
        value = getattr(record, field, None)
        if value and value > today:
            errors.add(field, message, code="future")
    return errors
