"""The figures kept month by month and day by day (reports.summary) are what the records give:
for a province and a national node above it (by child), on the hand-built records and their
history, for whole years, running years cut on any day, states on random days, periods that
start mid-month (read from the records), after writes (which mark what they change stale:
reports.summary_marks, tested in test_summary_marks.py), and when months go missing."""

import datetime
import random

import pytest

from members.models import Member
from organizations.models import OrganizationKind
from reports import summary
from reports.metrics import batch, children_in, metrics
from reports.models import Summary, SummaryKind
from reports.periods import Period
from tests.factories import PartyOrganizationFactory
from tests.reports import builders
from tests.reports.builders import D
from tests.reports.test_history_figures import more_history
from tests.reports.test_metrics import more_records, second_committee

TODAY = D(2026, 3, 15)


def periods(seed: int) -> list[Period]:
    rng = random.Random(seed)
    found = [
        Period.year(2025),
        Period.between(D(2024, 10, 1), D(2024, 12, 31)),
        Period.between(D(2025, 1, 1), D(2025, 7, 17)),
        Period.between(D(2025, 3, 1), D(2025, 3, 9)),
        Period.between(D(2024, 10, 1), D(2026, 2, 14)),
        Period.between(D(2025, 4, 5), D(2025, 9, 30)),  # not from a month's start: the records
        Period.between(D(2026, 1, 1), D(2026, 2, 28)),
    ]
    for _ in range(2):
        end = D(2024, 10, 31) + datetime.timedelta(days=rng.randrange(480))
        start = datetime.date(end.year, rng.randrange(1, end.month + 1), 1)
        found.append(Period.between(start, end))
    return found


def asked(seed: int):
    return [
        (metric, params, period)
        for metric in metrics()
        for params in metric.variants()
        for period in periods(seed)
    ]


def same(root, requests, *, by_child=False):
    children = children_in(root, Period.year(2025)) if by_child else None
    kept = summary.values(root, requests, by_child=by_child, children=children)
    live = batch.values(root, requests, by_child=by_child, children=children)
    for request, mine, theirs in zip(requests, kept, live, strict=True):
        assert mine == theirs, (request[0].key, request[1], request[2], mine, theirs)


def keep(nation):
    summary.start_keeping(nation, D(2024, 10, 1), until=TODAY)
    return Summary.objects.filter(kind=SummaryKind.MONTH).count()


@pytest.fixture
def nation(year_2025):
    tree = year_2025.tree
    second_committee(tree.world)
    more_records(tree, 4)
    nation = _nation_above(tree.world.province)
    nation.tree = tree
    return nation


def _nation_above(province):
    nation = PartyOrganizationFactory(kind=OrganizationKind.PROVINCE, code="VN")
    province.parent = nation
    province.save()
    # A second province, so that the national node has children of its own to tell apart.
    PartyOrganizationFactory(kind=OrganizationKind.PROVINCE, parent=nation, code="T2")
    province.refresh_from_db()
    return nation


@pytest.mark.django_db
def test_kept_figures_are_the_records_figures(nation, monkeypatch):
    monkeypatch.setattr(summary.timezone, "localdate", lambda: TODAY)
    # 17 months (October 2024 to February 2026) for the nation and its two provinces.
    assert keep(nation) == 17 * 3
    province = next(child for child in nation.children.all() if child.code != "T2")
    requests = asked(1)
    same(nation, requests)
    same(province, requests)
    same(nation, requests, by_child=True)


@pytest.mark.django_db
def test_kept_figures_of_the_dated_history(history, monkeypatch):
    monkeypatch.setattr(summary.timezone, "localdate", lambda: TODAY)
    more_history(history, 2)
    nation = _nation_above(history.tree.world.province)
    keep(nation)
    requests = asked(2)
    same(nation, requests)
    same(nation, requests, by_child=True)


@pytest.mark.django_db
def test_a_stale_month_is_computed_again_and_the_months_after_it_follow(nation, monkeypatch):
    monkeypatch.setattr(summary.timezone, "localdate", lambda: TODAY)
    keep(nation)
    tree_cell = nation.tree.cell_a
    tree_cell.refresh_from_db()  # its path, since the province moved under the nation
    # The write marks the months of the member's events (the admission's, and the
    # recognition a year later: reports.summary_marks), for the province and the nation.
    member = builders.admitted(tree_cell, D(2024, 11, 3), probationary=False)
    days = list(member.events.values_list("occurred_on", flat=True))
    assert Summary.objects.filter(stale=True).count() == 2 * len(days)
    requests = asked(3)
    same(nation, requests)
    same(nation, requests, by_child=True)
    assert not Summary.objects.filter(stale=True).exists()
    other = nation.tree.cell_b
    other.refresh_from_db()
    builders.moved(member, other, D(2025, 11, 20))
    same(nation, requests, by_child=True)


@pytest.mark.django_db
def test_months_not_yet_kept_are_added_when_read(nation, monkeypatch):
    monkeypatch.setattr(summary.timezone, "localdate", lambda: TODAY)
    keep(nation)
    Summary.objects.filter(start__gte=D(2025, 10, 1)).delete()
    same(nation, asked(4), by_child=True)  # the provinces' months added back
    for child in nation.children.all():
        assert Summary.objects.filter(organization=child, kind=SummaryKind.MONTH).count() == 17
    same(nation, asked(4))  # and the nation's
    assert Summary.objects.filter(kind=SummaryKind.MONTH).count() == 17 * 3


@pytest.mark.django_db
def test_a_root_that_keeps_nothing_is_computed_from_the_records(year_2025):
    province = year_2025.tree.world.province
    requests = asked(5)[:30]
    assert summary.values(province, requests) == batch.values(province, requests)


@pytest.mark.django_db
def test_a_day_is_kept_and_follows_the_writes_of_its_month(
    nation, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(summary.timezone, "localdate", lambda: TODAY)
    keep(nation)

    def running(day):
        return [
            (metric, params, Period.between(D(2026, 1, 1), day))
            for metric in metrics()
            for params in metric.variants()
        ]

    same(nation, running(D(2026, 3, 10)))
    assert Summary.objects.filter(kind=SummaryKind.DAY, start=D(2026, 3, 10)).count() == 1
    # Read again: the kept rows only, no statement on the records.
    with django_assert_max_num_queries(7):
        summary.values(nation, running(D(2026, 3, 10)))
    cell = nation.tree.cell_a
    cell.refresh_from_db()
    leaving = list(Member.objects.filter(organization=cell)[:2])
    builders.transferred_out(leaving[0], D(2026, 3, 5))
    # Marked by the write: the nation's day row (and the months of the member's other events).
    stale = set(Summary.objects.filter(stale=True).values_list("kind", "start"))
    assert (SummaryKind.DAY, D(2026, 3, 10)) in stale
    same(nation, running(D(2026, 3, 10)))
    # A later day of the month: from the kept day before it and the two days between.
    builders.transferred_out(leaving[1], D(2026, 3, 11))
    same(nation, running(D(2026, 3, 12)))
    same(nation, running(D(2026, 3, 12)), by_child=True)


@pytest.mark.django_db
def test_reading_kept_figures_takes_the_same_queries_whatever_the_children(nation, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import figures

    monkeypatch.setattr(summary.timezone, "localdate", lambda: TODAY)

    def queries() -> int:
        keep(nation)
        period = Period.year(2026)
        figures.compute(nation, period)  # the day rows and years kept
        figures.breakdown(nation, period)
        with CaptureQueriesContext(connection) as captured:
            figures.compute(nation, period)
            figures.breakdown(nation, period)
        return len(captured)

    two = queries()
    PartyOrganizationFactory(kind=OrganizationKind.PROVINCE, parent=nation, code="T3")
    assert queries() == two


@pytest.mark.django_db
def test_a_write_made_while_a_day_is_computed_leaves_it_to_compute_again(nation, monkeypatch):
    monkeypatch.setattr(summary.timezone, "localdate", lambda: TODAY)
    keep(nation)
    cell = nation.tree.cell_a
    cell.refresh_from_db()
    leaving = Member.objects.filter(organization=cell).first()
    compute, written = summary._changes, []

    def meanwhile(*args, **kwargs):
        found = compute(*args, **kwargs)
        if not written:  # another account's write, between the reading and the keeping
            written.append(builders.transferred_out(leaving, D(2026, 3, 5)))
        return found

    monkeypatch.setattr(summary, "_changes", meanwhile)
    requests = [
        (metric, params, Period.between(D(2026, 1, 1), D(2026, 3, 10)))
        for metric in metrics()
        for params in metric.variants()
    ]
    summary.values(nation, requests)
    row = Summary.objects.get(organization=nation, kind=SummaryKind.DAY, start=D(2026, 3, 10))
    assert written and row.stale  # not kept as fresh: it was computed before the write
    same(nation, requests)
    row.refresh_from_db()
    assert not row.stale


@pytest.mark.django_db
def test_the_tables_are_kept_with_the_figures(nation, monkeypatch, settings):
    from reports import tables

    monkeypatch.setattr(summary.timezone, "localdate", lambda: TODAY)
    keep(nation)
    hidden = [metric.key for metric in summary.EXTRA]
    assert {"bieu5.organizations", "zones.mass_members"} <= set(hidden)
    for period in (Period.year(2025), Period.between(D(2026, 1, 1), D(2026, 3, 10))):
        kept = tables.build(nation, period, from_records=True)
        settings.KEEP_FIGURES = False
        assert tables.build(nation, period, from_records=True) == kept
        settings.KEEP_FIGURES = True
    # Every line can be kept: read from the kept rows, not from the records.
    lines = [(metric, params) for metric in summary.EXTRA for params in metric.variants()]
    assert all(summary.accruals(nation, metric, params) for metric, params in lines)
    assert {(metric.key, tuple(params.items())) for metric, params in lines} <= {
        (metric.key, tuple(params.items())) for metric, params in summary.kept_requests(nation)
    }
