"""Statements built once per shape (kcn_party.statements): the next requests of a batch's
shape, for other roots and other periods, give each metric's own numbers from the statements
kept, without building them again; a plan whose statement cannot be re-bound (a date of its
own) is built every time, with the same numbers; the tables from kept statements are the
tables built."""

import dataclasses
import datetime

import pytest

from kcn_party import statements
from reports import tables
from reports.metrics import batch, children_in, get, metrics
from reports.metrics.batch import counted
from reports.metrics.members import counted_term, members_counted
from reports.periods import Period
from tests.reports.builders import D
from tests.reports.test_batch import one_by_one
from tests.reports.test_metrics import more_records, second_committee


@pytest.fixture
def builds(monkeypatch):
    """No statement kept yet; the number of statements built as querysets, by kind."""
    monkeypatch.setattr(statements, "TEMPLATES", {})
    built = {"aggregates": 0, "tally": 0}
    for kind, name in ((batch._Aggregates, "aggregates"), (batch._Tally, "tally")):
        query = kind.query

        def counting(*args, _query=query, _name=name):
            built[_name] += 1
            return _query(*args)

        monkeypatch.setattr(kind, "query", staticmethod(counting))
    return built


def every_variant(*periods):
    return [
        (metric, params, period)
        for metric in metrics()
        for params in metric.variants()
        for period in periods
    ]


@pytest.mark.django_db
def test_a_shape_built_once_gives_each_metrics_numbers_for_other_roots_and_periods(
    year_2025, builds
):
    tree = year_2025.tree
    other = second_committee(tree.world)
    more_records(tree, 4)
    # Figures of a year beside the year before; then of the months of a year to their end.
    shapes = [
        [Period.year(2025), Period.year(2024)],
        [Period.between(D(2025, 1, 1), D(2025, month, 28)) for month in (3, 6, 9)],
    ]
    later = [
        [Period.year(2024), Period.year(2023)],
        [Period.between(D(2026, 1, 1), D(2026, month, 28)) for month in (3, 6, 9)],
    ]
    for first, then in zip(shapes, later, strict=True):
        for by_child in (False, True):
            requests = every_variant(*first)
            grouped = {"by_child": True} if by_child else {}
            assert batch.values(tree.committee, requests, **grouped) == one_by_one(
                tree.committee, requests, **grouped
            )
            made = dict(builds)
            # Every family of every shape is kept: the statements are built for the sentinel
            # inputs too (aggregates: 6 families; tally: 1), then never again.
            assert made["aggregates"] > 0 and made["tally"] > 0
            assert statements.TEMPLATES and all(statements.TEMPLATES.values())
            for root, periods in ((other, first), (tree.committee, then), (other, then)):
                requests = every_variant(*periods)
                got = batch.values(root, requests, **grouped)
                assert got == one_by_one(root, requests, **grouped), (root, periods)
            if by_child:  # the children given, as the breakdown gives them
                requests = every_variant(*then)
                children = children_in(other, then[0])
                got = batch.values(other, requests, by_child=True, children=children)
                assert got == one_by_one(other, requests, by_child=True, children=children)
            assert builds == made


def _day_before(groups, period):
    before = period.end - datetime.timedelta(days=1)
    return members_counted.function(groups, Period(period.start, before))


def _day_before_plan(groups, period):
    return counted(counted_term("intervals", period.end - datetime.timedelta(days=1)))


@pytest.mark.django_db
def test_a_statement_that_cannot_be_rebound_is_built_every_time(year_2025, builds):
    tree = year_2025.tree
    other = second_committee(tree.world)
    # A plan with a date of its own (the day before the period's end), asked with a metric of
    # the same family: their statement binds a date that is none of the periods'.
    day_before = dataclasses.replace(
        get("members_counted"),
        key="members_counted_day_before",
        function=_day_before,
        plan=_day_before_plan,
    )
    requests = [
        (metric, {}, period)
        for metric in (day_before, get("members_counted"), get("members_per_workers"))
        for period in (Period.year(2025), Period.year(2024))
    ]
    rebound = [(get("members_admitted"), {"of_which": "all"}, Period.year(2025))]
    for root in (tree.committee, other, tree.committee):
        assert batch.values(root, requests + rebound) == one_by_one(root, requests + rebound)
        assert batch.values(root, requests, by_child=True) == one_by_one(
            root, requests, by_child=True
        )
    kept = {key[1]: template for key, template in statements.TEMPLATES.items()}
    assert kept["intervals"] is None and kept["events"] is not None
    # The counted intervals: built three times a grouping (and once more for the sentinel);
    # the events, kept on the first request.
    assert builds["aggregates"] == 2 * (3 + 1) + 2


@pytest.mark.django_db
def test_the_tables_from_kept_statements_are_the_tables_built(history, builds, monkeypatch):
    tree = history.tree
    other = second_committee(tree.world)
    cases = [
        (root, period)
        for period in (Period.year(2025), Period.year(2024), Period.month(2025, 3))
        for root in (tree.committee, other, tree.world.province, tree.grassroots)
    ]

    def every_table():
        return [tables.build(root, period, from_records=True) for root, period in cases]

    kept = every_table()
    # Every line of every table is a planned term (reports.tables.base): the batch's
    # statements, one per kind of record, each kept.
    families = {key[1] for key in statements.TEMPLATES}
    assert families == {
        "events",
        "counted intervals",
        "organisations",
        "mass",
        "enterprises",
        "intervals",
    }
    assert all(statements.TEMPLATES.values())
    # The same tables with every statement built by Django, none kept.
    monkeypatch.setattr(statements, "template", lambda *args: None)
    statements.TEMPLATES.clear()
    assert every_table() == kept
    assert not any(statements.TEMPLATES.values())
