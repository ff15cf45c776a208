"""Periods: years, terms (with and without congress dates), months, quarters, halves, the
same period last year, the pace, and reading them as people write them."""

import datetime

import pytest

from reports import periods
from reports.periods import Period, PeriodError, parse, parse_date, parse_term, parse_year
from reports.values import Ratio

D = datetime.date


def test_a_year_a_month_a_quarter_a_half():
    assert Period.year(2025) == Period(D(2025, 1, 1), D(2025, 12, 31), "year")
    assert Period.year(2025).label == "Năm 2025"
    assert Period.month(2024, 2) == Period(D(2024, 2, 1), D(2024, 2, 29), "month")
    assert Period.month(2025, 12).end == D(2025, 12, 31)
    assert Period.quarter(2025, 2) == Period(D(2025, 4, 1), D(2025, 6, 30), "quarter")
    assert Period.quarter(2025, 4).label == "Quý IV/2025"
    assert Period.half(2025, 1) == Period(D(2025, 1, 1), D(2025, 6, 30), "half")
    assert Period.half(2025, 2).label == "6 tháng cuối năm 2025"
    between = Period.between(D(2025, 3, 1), D(2025, 3, 1))
    assert between.days == 1 and between.label == "Từ 01/03/2025 đến 01/03/2025"


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(PeriodError, match=r"Ngày kết thúc kỳ báo cáo \(28/02/2025\) trước"):
        Period.between(D(2025, 3, 1), D(2025, 2, 28))


class Congresses:
    """Congress dates as the history of organisations will record them."""

    def __init__(self, dates):
        self.dates = dates
        self.asked = []

    def __call__(self, committee, year):
        self.asked.append((committee, year))
        return self.dates.get(year)


def test_a_term_runs_from_congress_to_the_day_before_the_next():
    congresses = Congresses({2020: D(2020, 8, 14), 2025: D(2025, 7, 22)})
    term = Period.term("BG-KCN", 2020, 2025, congress=congresses)
    assert (term.start, term.end, term.kind) == (D(2020, 8, 14), D(2025, 7, 21), "term")
    assert term.label == "Nhiệm kỳ 2020–2025"
    assert congresses.asked == [("BG-KCN", 2020), ("BG-KCN", 2025)]


def test_a_term_without_congress_dates_runs_from_1_january_to_31_december():
    term = Period.term("BG-KCN", 2020, 2025)
    assert (term.start, term.end) == (D(2020, 1, 1), D(2025, 12, 31))
    # Only the first congress on record: the term still ends on 31 December of its last year.
    term = Period.term("BG-KCN", 2020, 2025, congress=Congresses({2020: D(2020, 8, 14)}))
    assert (term.start, term.end) == (D(2020, 8, 14), D(2025, 12, 31))


def test_terms_read_the_congress_dates_from_the_records_function(monkeypatch):
    # The history of organisations backs periods.congress_on with a model: terms ask it.
    monkeypatch.setattr(periods, "congress_on", Congresses({2025: D(2025, 10, 1)}))
    assert Period.term("HN-KCN", 2020, 2025).end == D(2025, 9, 30)


@pytest.mark.django_db
def test_a_term_runs_between_the_congresses_recorded_with_the_committee(bg):
    import json
    from io import StringIO

    from django.core.management import call_command

    from organizations.models import Congress
    from organizations.selectors import term_bounds

    committee = bg.committee
    for held_on, first, last in [(D(2020, 6, 23), 2020, 2025), (D(2025, 9, 15), 2025, 2030)]:
        Congress.objects.create(
            organization=committee, held_on=held_on, first_year=first, last_year=last
        )
    assert periods.congress_on(committee, 2020) == D(2020, 6, 23)
    assert periods.congress_on(committee, 2015) is None
    term = Period.term(committee, 2020, 2025)
    assert (term.start, term.end) == (D(2020, 6, 23), D(2025, 9, 14))
    assert (term.start, term.end) == term_bounds(committee, 2020, 2025)
    # The next term has no congress after it on record: it ends on 31 December 2030.
    assert Period.term(committee, 2025, 2030).end == D(2030, 12, 31)
    # Another organisation's congresses are not this one's.
    assert Period.term(bg.cell, 2020, 2025).start == D(2020, 1, 1)
    assert parse("2020-2025", committee) == term
    out = StringIO()
    call_command("report_figures", "--committee", "BG-KCN", "--term", "2020-2025", stdout=out)
    period = json.loads(out.getvalue())["period"]
    assert (period["start"], period["end"]) == ("2020-06-23", "2025-09-14")


def test_a_term_ends_after_it_starts():
    with pytest.raises(PeriodError, match="Năm kết thúc nhiệm kỳ phải sau năm bắt đầu"):
        Period.term(None, 2025, 2020)


def test_the_same_period_last_year():
    assert Period.year(2025).same_period_last_year() == Period.year(2024)
    assert Period.year(2025).same_period_last_year().label == "Năm 2024"
    # A whole February is compared with the whole February before, 29 days or 28.
    assert Period.month(2025, 2).same_period_last_year() == Period.month(2024, 2)
    assert Period.month(2024, 2).same_period_last_year() == Period.month(2023, 2)
    assert Period.quarter(2025, 1).same_period_last_year() == Period.quarter(2024, 1)
    assert Period.half(2025, 2).same_period_last_year() == Period.half(2024, 2)
    # Two dates: both a year earlier, 29 February becoming 28 February.
    leap = Period.between(D(2024, 2, 29), D(2024, 12, 15)).same_period_last_year()
    assert (leap.start, leap.end, leap.kind) == (D(2023, 2, 28), D(2023, 12, 15), "custom")
    term = Period.term(None, 2020, 2025).same_period_last_year()
    assert (term.start, term.end, term.kind) == (D(2019, 1, 1), D(2024, 12, 31), "custom")


def test_a_running_year_is_compared_with_the_year_before_to_the_same_day():
    running = Period.year(2026).until(D(2026, 11, 29))
    assert (running.start, running.end, running.label) == (
        D(2026, 1, 1),
        D(2026, 11, 29),
        "Năm 2026",
    )
    last = running.same_period_last_year()
    assert (last.start, last.end, last.kind, last.label) == (
        D(2025, 1, 1),
        D(2025, 11, 29),
        "year",
        "Năm 2025",
    )
    with pytest.raises(PeriodError, match=r"Ngày chốt số liệu \(31/12/2025\) trước ngày bắt đầu"):
        Period.year(2026).until(D(2025, 12, 31))


def test_the_pace_is_the_share_of_the_period_gone_by():
    year = Period.year(2025)
    assert year.running(D(2025, 7, 1)) and not year.running(D(2026, 1, 1))
    assert year.elapsed_share(D(2025, 1, 1)) == Ratio(1, 365)
    assert year.elapsed_share(D(2025, 7, 2)) == Ratio(183, 365)
    assert str(year.elapsed_share(D(2025, 7, 2)).percent) == "50.14"
    assert year.elapsed_share(D(2024, 12, 31)) == Ratio(0, 365)
    assert year.elapsed_share(D(2026, 3, 1)) == Ratio(365, 365)


def test_reading_periods_as_people_write_them():
    assert parse_year(" 2025 ") == 2025
    assert parse_term("2020-2025") == parse_term("2020 – 2025") == (2020, 2025)
    assert parse_date("31/12/2025") == D(2025, 12, 31)
    assert parse("2025") == Period.year(2025)
    assert parse("2020-2025") == Period.term(None, 2020, 2025)


@pytest.mark.parametrize(
    ("reader", "text", "message"),
    [
        (parse_year, "25", "Hãy ghi năm bằng bốn chữ số, ví dụ 2025."),
        (parse_year, "năm 2025", "Hãy ghi năm bằng bốn chữ số, ví dụ 2025."),
        (parse_year, "1929", "Hãy ghi một năm từ 1930 đến 2100."),
        (parse_term, "2020", "Hãy ghi nhiệm kỳ bằng hai năm, ví dụ 2020-2025."),
        (parse_term, "2025-2020", "Năm kết thúc nhiệm kỳ phải sau năm bắt đầu (2025–2020)."),
        (parse_term, "2025-2025", "Năm kết thúc nhiệm kỳ phải sau năm bắt đầu (2025–2025)."),
        (
            parse_date,
            "2025-12-31",
            "“2025-12-31” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            parse_date,
            "31/02/2025",
            "“31/02/2025” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (parse_date, "01/01/0001", "Hãy ghi một ngày từ 01/01/1930 đến 31/12/2100."),
        (parse, "2025/2026", "Hãy ghi nhiệm kỳ bằng hai năm, ví dụ 2020-2025."),
    ],
)
def test_a_period_written_wrong_gets_a_message(reader, text, message):
    with pytest.raises(PeriodError) as caught:
        reader(text)
    assert caught.value.message == message
