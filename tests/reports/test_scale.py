"""Speed and scale (issue 10, point 7), what a test can hold: the benchmark's generated records
follow the members' rules (each event's stored state is what the timeline gives), the counted
intervals equal the events on random dates over them, and computing every figure and table
takes the same number of queries on a few records and on many more. The timings themselves
are the benchmark's (`manage.py bench_figures`, docs/benchmarks.md), never a timed test."""

from __future__ import annotations

import datetime
import random
from itertools import groupby

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from members import timeline
from members.models import CountedInterval, Member, MemberEvent
from members.selectors import counted_on, counted_on_from_events
from organizations.access import SYSTEM
from organizations.models import EnterpriseLink, OrganizationKind, PartyOrganization
from reports import figures, tables
from reports import services as report_services
from reports.bench import steps
from reports.bench.generate import generate
from reports.bench.steps import percentiles
from reports.periods import Period
from tests.reports import builders
from tests.reports.test_metrics import FAMILIES

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 29)


@pytest.fixture
def generated(db):
    written = generate("tiny", seed=5, today=TODAY)
    assert written["intervals"] > 0
    return written


def test_the_generated_events_are_what_the_timeline_makes_of_them(generated):
    events = MemberEvent.objects.order_by("member_id", "sequence")
    members = Member.objects.in_bulk()
    assert len(members) == 600
    for member_id, mine in groupby(events, key=lambda event: event.member_id):
        mine = list(mine)
        member = members[member_id]
        assert timeline.ordered(mine) == mine
        states = timeline.replay(mine, birth_date=member.birth_date, names={})
        for sequence, (event, state) in enumerate(zip(mine, states, strict=True), start=1):
            assert event.sequence == sequence
            assert (event.status_after, event.organization_after_id, event.counted_after_id) == (
                state.status,
                state.organization_id,
                state.counted_in_id,
            )
        last = states[-1]
        assert member.status == last.status
        assert member.counted_in_id == last.counted_in_id
        assert member.organization_id == (last.organization_id or last.last_organization_id)
        assert member.admitted_on == last.admitted_on
        assert member.recognized_on == last.recognized_on
        # Every event is dated while its cell was active, and none after today.
        assert all(event.occurred_on <= TODAY for event in mine)


def test_the_generated_tree_has_members_in_cells_and_enterprises_in_their_committees_zones(
    generated,
):
    cells = (OrganizationKind.GRASSROOTS_CELL, OrganizationKind.SUBORDINATE_CELL)
    assert not Member.objects.exclude(organization__kind__in=cells).exists()
    for link in EnterpriseLink.objects.select_related(
        "organization", "enterprise__zone__committee"
    ):
        assert link.organization.path.startswith(link.enterprise.zone.committee.path)
        assert link.started_on >= link.organization.founded_on
    for organization in PartyOrganization.objects.exclude(parent=None).select_related("parent"):
        assert organization.path == f"{organization.parent.path}{organization.pk:07d}/"
    early = MemberEvent.objects.filter(
        organization__isnull=False, occurred_on__lt=F("organization__founded_on")
    )
    assert not early.exists()


def test_the_summary_equals_the_events_on_random_dates_of_the_generated_records(generated):
    rnd = random.Random(2026)
    roots = list(PartyOrganization.objects.filter(depth__lte=1))
    roots += rnd.sample(list(PartyOrganization.objects.filter(kind__in=["grassroots_cell"])), 5)
    for _ in range(25):
        day = D(2012, 1, 1) + datetime.timedelta(days=rnd.randint(0, (TODAY - D(2012, 1, 1)).days))
        for root in roots:
            summary = set(counted_on(root, day).values_list("pk", flat=True))
            live = set(counted_on_from_events(root, day).values_list("pk", flat=True))
            assert summary == live, (root.name, day)
    assert CountedInterval.objects.count() == generated["intervals"]


def all_figures_queries(root, period: Period) -> tuple[int, int]:
    """The queries of every figure, and of every figure and table."""
    with CaptureQueriesContext(connection) as queries:
        result = figures.compute(root, period)
        computed = len(queries)
        tables.build(root, result.current, result.last_year)
    return computed, len(queries)


def test_all_figures_and_tables_take_the_same_queries_on_few_and_on_many_records(bg):
    year = Period.year(2025)
    tree = builders.build_tree(bg)
    few = all_figures_queries(tree.committee, year)
    builders.build_2025(tree)
    generate("tiny", seed=6, today=TODAY)
    assert Member.objects.count() > 600
    many = all_figures_queries(tree.committee, year)
    province = PartyOrganization.objects.get(code="T00")  # the generated province
    # Every figure this period and last year: one query per kind of record, whatever the
    # records; and one for the closed periods the figures may be read from (reports.closing).
    # A province-level body one more for the figures and one for the tables: whether its
    # figures are kept (reports.summary).
    assert few == many
    assert all_figures_queries(province, year) == (few[0] + 1, few[1] + 2)
    assert few[0] == 1 + FAMILIES


def test_the_benchmark_reports_the_median_and_the_95th_percentile():
    seconds = [n / 1000 for n in range(1, 21)]  # 1 … 20 ms
    measured = percentiles(seconds)
    assert measured["median_ms"] == pytest.approx(10.5)
    assert measured["p95_ms"] == pytest.approx(19.0)  # the 19th of 20, nearest rank
    assert measured["runs"] == 20


def test_a_closed_year_is_timed_from_what_its_closing_stored(bg, django_assert_num_queries):
    tree = builders.build_tree(bg)
    builders.build_2025(tree)
    assert steps.closed_year_figures(tree.committee, 2025) is None
    live = figures.compute(tree.committee, Period.year(2025))
    report_services.period_close(committee=tree.committee, period=Period.year(2025), by=SYSTEM)
    with django_assert_num_queries(2):  # the closing, to know; the closing, read
        stored = steps.closed_year_figures(tree.committee, 2025)
    assert stored.closed is not None
    assert [f.value for f in stored.figures] == [f.value for f in live.figures]


def test_the_benchmark_takes_the_cpu_times_with_the_wall_clock(bg):
    clocks = steps.Clocks()
    assert clocks.time(lambda: sum(range(100_000))) == sum(range(100_000))
    measured = clocks.summary()
    assert measured["runs"] == 1
    assert measured["cpu_median_ms"] > 0
    assert measured["median_ms"] >= measured["cpu_median_ms"] * 0.5
    assert len(measured["load"]) == 2
