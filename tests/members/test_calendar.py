"""Ages in whole months and deadlines in working days, as the party's rules count them."""

import datetime

from members import calendar

D = datetime.date


def test_age_counts_whole_months():
    assert calendar.whole_months(D(2008, 3, 15), D(2026, 3, 14)) == 18 * 12 - 1
    assert calendar.whole_months(D(2008, 3, 15), D(2026, 3, 15)) == 18 * 12
    # A month from the 31st ends on the last day of a shorter month (as the civil code counts).
    assert calendar.whole_months(D(1966, 1, 31), D(2026, 2, 27)) == 60 * 12
    assert calendar.whole_months(D(1966, 1, 31), D(2026, 2, 28)) == 60 * 12 + 1


def test_probation_of_a_leap_day_ends_on_the_28th():
    assert calendar.add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)


def test_working_days_skip_weekends_and_public_holidays():
    # Friday 24/04/2026 + 3 working days: Monday 27/04 is the observed Hùng Kings day,
    # Thursday 30/04 and Friday 01/05 are holidays.
    assert calendar.add_working_days(D(2026, 4, 24), 1) == D(2026, 4, 28)
    assert calendar.add_working_days(D(2026, 4, 24), 3) == D(2026, 5, 4)
    # Lunar New Year 2026: 16–20/02 are days off.
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_sixty_working_days_is_about_three_months():
    due = calendar.add_working_days(D(2025, 3, 3), 60)
    assert due == D(2025, 5, 30)
    assert calendar.working_days_between(D(2025, 3, 3), due) == 60
