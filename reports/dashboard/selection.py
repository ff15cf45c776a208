"""What a reports page is asked for, read from its query string: the organisation (within what
the account may see, else 404) and the period — a year, a term, or two dates dd/mm/yyyy.

    ?org=BG-KCN&kind=year&year=2026
    ?org=BG-KCN&kind=term&term=2020-2025
    ?org=BG-KCN&kind=custom&from=01/01/2026&to=30/06/2026

A period that cannot be is a PeriodError with a Vietnamese message, shown on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports import selectors
from reports.periods import CUSTOM, TERM, YEAR, Period, PeriodError, parse_date, parse_term
from reports.periods import parse_year as parse_year_text

KINDS = (YEAR, TERM, CUSTOM)


@dataclass(frozen=True)
class Selection:
    """The organisation and the period asked for, with the raw fields to show them again."""

    root: object  # PartyOrganization
    kind: str
    year: str
    term: str
    start: str
    end: str
    metric: str = ""

    def query(self, **changes) -> str:
        """The query string of this selection, with `changes` ("org", "year"…)."""
        fields = {
            "org": self.root.code,
            "kind": self.kind,
            "year": self.year,
            "term": self.term,
            "from": self.start,
            "to": self.end,
            "metric": self.metric,
        }
        fields.update(changes)
        return urlencode({name: value for name, value in fields.items() if value})

    def period(self) -> Period:
        """The period asked for; a PeriodError (Vietnamese) if it cannot be."""
        if self.kind == YEAR:
            return Period.year(parse_year_text(self.year))
        if self.kind == TERM:
            first, last = parse_term(self.term)
            return Period.term(self.root, first, last)
        if not (self.start and self.end):
            raise PeriodError(_("Give both ends of the period as dd/mm/yyyy."))
        return Period.between(
            parse_date(self.start, pgettext("dashboard", "From")),
            parse_date(self.end, pgettext("dashboard", "To")),
        )


def read(request) -> Selection:
    """The selection of `request` (GET): Http404 for an organisation the account may not see;
    the period is read later (`Selection.period`), so that a bad one is a message on the page."""
    data = request.GET
    root = selectors.organization_for(request.user, data.get("org"))
    year, term = (data.get("year") or "").strip(), (data.get("term") or "").strip()
    start, end = (data.get("from") or "").strip(), (data.get("to") or "").strip()
    return Selection(
        root=root,
        kind=_kind(data.get("kind"), {YEAR: year, TERM: term, CUSTOM: start or end}),
        year=year or str(timezone.localdate().year),
        term=term,
        start=start,
        end=end,
        metric=(data.get("metric") or "").strip(),
    )


def _kind(asked: str | None, filled: dict[str, str]) -> str:
    """The kind of period asked for. A kind whose own field is empty, beside exactly one other
    kind that is filled, is taken to be that other one: someone who typed a term but left the
    "Năm" button checked (the page's script checks the button as one types; without it, this
    does the same). No kind at all is the year."""
    kind = asked if asked in KINDS else YEAR
    if not filled[kind]:
        others = [other for other in KINDS if other != kind and filled[other]]
        if len(others) == 1:
            return others[0]
    return kind
