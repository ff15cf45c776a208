"""Many figures at once (reports.metrics.batch) are each metric's own query, exactly: on the
hand-built records of 2025 and their history, for a root and by child, over several periods
asked for together. (The queries they take: tests/reports/test_metrics.py.)"""

import pytest

from reports.metrics import batch, children_in, metrics
from reports.periods import Period
from tests.reports.builders import D
from tests.reports.test_history_figures import more_history
from tests.reports.test_metrics import more_records, second_committee

YEAR = Period.year(2025)
PERIODS = [
    YEAR,
    Period.year(2024),
    Period.between(D(2025, 4, 1), D(2026, 3, 31)),
]


def asked():
    return [
        (metric, params, period)
        for metric in metrics()
        for params in metric.variants()
        for period in PERIODS
    ]


def one_by_one(root, requests, **grouped):
    return [metric(root, period, **grouped, **params) for metric, params, period in requests]


def every_metric_is_planned():
    assert all(metric.plan is not None for metric in metrics())


def check_roots(roots):
    requests = asked()
    for root in roots:
        assert batch.values(root, requests) == one_by_one(root, requests), root
        # By child, each period's children listed by the batch; then given, as the breakdown does.
        grouped = one_by_one(root, requests, by_child=True)
        assert batch.values(root, requests, by_child=True) == grouped, root
        children = children_in(root, YEAR)
        mine = [request for request in requests if request[2] == YEAR]
        together = batch.values(root, mine, by_child=True, children=children)
        assert together == one_by_one(root, mine, by_child=True), root


@pytest.mark.django_db
def test_batched_figures_are_each_metric_computed_alone(year_2025):
    every_metric_is_planned()
    tree = year_2025.tree
    second_committee(tree.world)
    roots = (tree.committee, tree.grassroots, tree.world.province)
    check_roots(roots)
    more_records(tree, 4)
    check_roots(roots)


@pytest.mark.django_db
def test_batched_figures_are_each_metric_computed_alone_over_the_history(history):
    tree = history.tree
    check_roots((tree.committee, tree.world.province))
    more_history(history, 3)
    check_roots((tree.committee, tree.world.province))
