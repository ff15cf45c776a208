"""The dashboard runs a fixed number of queries: one per kind of record its figures read (and
the page's own), never more with the data or the months of the period."""

import pytest
from django.urls import reverse

from organizations.access import SYSTEM
from reports.dashboard import targets as target_slot
from reports.periods import Period
from reports.services import period_close
from tests.reports.test_metrics import more_records

DASHBOARD = reverse("reports:dashboard")


def expected_queries(*, growth: bool, closed: bool = False) -> int:
    if closed:  # a period the committee has closed: read from its closing
        return (
            3  # the session, the account, its profile
            + 2  # the organisation asked for, and those offered in the selector
            + 1  # every figure, this period and last year: the closing
            + 2  # the breakdown: the closing, the children it names
            + 0  # last year's of the focus, and the monthly points: stored with the closing
            + (1 if growth else 0)  # the grassroots organisations today
            + (1 if target_slot.provider() else 0)  # the targets in scope: none here
        )  # fmt: skip
    return (
        3  # the session, the account, its profile
        + 2  # the organisation asked for, and those offered in the selector
        + 1 + 7  # every figure, this period and last year: the closings, one per kind of record
        + 2 + 5  # the children, the closings, the summary figures by child: 5 kinds of record
        + 1 + 1  # last year, the focus of this year's children: the closings, the events
        + 1  # the monthly points, this year and last (the events)
        + (1 if growth else 0)  # the grassroots organisations today
        + (1 if target_slot.provider() else 0)  # the targets in scope: none here
    )  # fmt: skip


@pytest.mark.django_db
def test_the_dashboard_runs_a_fixed_number_of_queries(
    year_2025, leader_client, django_assert_num_queries
):
    tree = year_2025.tree
    with django_assert_num_queries(expected_queries(growth=False)):
        small = leader_client.get(f"{DASHBOARD}?org=BG-KCN&year=2025")
    more_records(tree, 6)
    tree.committee.founding_members = 3
    tree.committee.founding_organizations = 1
    tree.committee.save()
    with django_assert_num_queries(expected_queries(growth=True)):
        large = leader_client.get(f"{DASHBOARD}?org=BG-KCN&year=2025")
    before = small.context["board"].figures.get("members_counted").value.value
    after = large.context["board"].figures.get("members_counted").value.value
    assert after == before + 24


@pytest.mark.django_db
def test_a_closed_year_reads_its_figures_breakdowns_and_monthly_points_from_the_closing(
    year_2025, leader_client, django_assert_num_queries
):
    tree = year_2025.tree
    open_year = leader_client.get(f"{DASHBOARD}?org=BG-KCN&year=2025").context["board"]
    period_close(committee=tree.committee, period=Period.year(2025), by=SYSTEM)
    more_records(tree, 6)  # more records: no more queries
    with django_assert_num_queries(expected_queries(growth=False, closed=True)):
        closed = leader_client.get(f"{DASHBOARD}?org=BG-KCN&year=2025").context["board"]
    assert closed.figures.closed is not None
    assert closed.monthly.points == open_year.monthly.points
    assert closed.breakdown.rows == open_year.breakdown.rows
    assert closed.monthly.points[-1].actual == closed.figures.get("members_admitted").value
