"""The dashboard runs a fixed number of queries: it depends on the registry's figures and the
period's months, never on the data."""

import pytest
from django.urls import reverse

from reports import metrics as registry
from reports.dashboard import data as dashboard_data
from reports.dashboard import targets as target_slot
from tests.reports.test_metrics import more_records

DASHBOARD = reverse("reports:dashboard")


def variants(*keys) -> int:
    chosen = registry.metrics(keys or None)
    return sum(len(metric.variants()) for metric in chosen)


def expected_queries(*, months: int, growth: bool) -> int:
    summary = [key for key in dashboard_data.SUMMARY_KEYS if key in registry.REGISTRY]
    breakdown_keys = list(dict.fromkeys([dashboard_data.DEFAULT_FOCUS, *summary]))
    return (
        3  # the session, the account, its profile
        + 2  # the organisation asked for, and those offered in the selector
        + 2 * variants() + 1  # every figure, this period and last year; the closings
        + 2 + variants(*breakdown_keys)  # the children, the closings, each figure by child
        + 2 + variants(dashboard_data.DEFAULT_FOCUS)  # the same, last year, of the focus
        + 2 * months  # the monthly points, this year and last
        + (1 if growth else 0)  # the grassroots organisations today
        + (1 if target_slot.provider() else 0)  # the targets in scope: none here
    )  # fmt: skip


@pytest.mark.django_db
def test_the_dashboard_runs_a_fixed_number_of_queries(
    year_2025, leader_client, django_assert_num_queries
):
    tree = year_2025.tree
    with django_assert_num_queries(expected_queries(months=12, growth=False)):
        small = leader_client.get(f"{DASHBOARD}?org=BG-KCN&year=2025")
    more_records(tree, 6)
    tree.committee.founding_members = 3
    tree.committee.founding_organizations = 1
    tree.committee.save()
    with django_assert_num_queries(expected_queries(months=12, growth=True)):
        large = leader_client.get(f"{DASHBOARD}?org=BG-KCN&year=2025")
    before = small.context["board"].figures.get("members_counted").value.value
    after = large.context["board"].figures.get("members_counted").value.value
    assert after == before + 24
