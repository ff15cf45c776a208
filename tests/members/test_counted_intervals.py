"""The counted intervals (members.models.intervals) are a summary of the members' events: the
members counted on any day, read from them, are those the events say — after admissions,
moves, departures, re-admissions, corrections, deletions and two moves on one day; the rebuild
command gives the rows the services keep; Biểu 1 and members_counted read them."""

from __future__ import annotations

import datetime
import io
import random

import pytest
from django.core.management import call_command

from members import services
from members.models import CountedInterval, EventKind, MemberEvent
from members.models.intervals import rebuild
from members.selectors import balance, counted_on, counted_on_from_events
from organizations.access import SYSTEM
from reports.metrics import get
from reports.periods import Period
from reports.values import Count
from tests.reports import builders

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def year_2025(bg):
    return builders.build_2025(builders.build_tree(bg))


def rows() -> list[tuple]:
    return sorted(
        CountedInterval.objects.values_list(
            "member_id", "organization_id", "counted_from", "counted_until"
        )
    )


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def days_to_check(seed: int, count: int = 40) -> list[datetime.date]:
    """Every event's day, the day before and after, and `count` random days (fixed seed)."""
    rnd = random.Random(seed)
    days = set()
    for day in MemberEvent.objects.values_list("occurred_on", flat=True):
        days |= {day - datetime.timedelta(days=1), day, day + datetime.timedelta(days=1)}
    start = D(2014, 1, 1)
    days |= {start + datetime.timedelta(days=rnd.randint(0, 13 * 365)) for _ in range(count)}
    return sorted(days)


def assert_summary_is_live(roots, days) -> None:
    for root in roots:
        for day in days:
            assert ids(counted_on(root, day)) == ids(counted_on_from_events(root, day)), (
                root.name,
                day,
            )


def corrected(year_2025):
    """The year's records, then corrections: a move's date changed, a transfer out deleted,
    and a member moved away and back on one day."""
    tree = year_2025.tree
    move = MemberEvent.objects.get(member=year_2025.s1_old, kind=EventKind.TRANSFER_IN)
    move.occurred_on = D(2025, 8, 15)
    services.member_event_change(event=move, by=SYSTEM)
    departure = MemberEvent.objects.get(member=year_2025.b_old, kind=EventKind.TRANSFER_OUT)
    services.member_event_delete(event=departure, by=SYSTEM)
    builders.moved(year_2025.a_old_2, tree.cell_b, D(2025, 10, 6))
    builders.moved(year_2025.a_old_2, tree.cell_a, D(2025, 10, 6))
    return tree


def test_the_services_keep_the_intervals_the_events_summary(year_2025):
    tree = corrected(year_2025)
    kept = rows()
    rebuild()
    assert rows() == kept
    # Away and back on one day leaves no interval of no length in cell B.
    assert not CountedInterval.objects.filter(
        member=year_2025.a_old_2, organization=tree.cell_b
    ).exists()
    roots = [tree.committee, tree.cell_a, tree.cell_b, tree.grassroots, tree.sub_1, tree.sub_2]
    assert_summary_is_live(roots, days_to_check(seed=10))


def test_biểu_1_and_members_counted_read_the_summary_as_the_events_say(year_2025):
    tree = corrected(year_2025)
    metric = get("members_counted")
    for day in days_to_check(seed=11, count=10):
        period = Period.between(D(day.year, 1, 1), day)
        result = balance(tree.committee, period.start, period.end)
        assert result.balances, day
        start = counted_on_from_events(tree.committee, period.start - datetime.timedelta(days=1))
        assert result.start == start.count()
        assert result.end == counted_on_from_events(tree.committee, day).count()
        for child, value in metric(tree.committee, period, by_child=True).items():
            root = next(c for c in tree.children if c.pk == child)
            assert value == Count(counted_on_from_events(root, day).count()), (root.name, day)


def test_the_rebuild_command_writes_the_intervals_from_the_events(year_2025):
    kept = rows()
    CountedInterval.objects.filter(member=year_2025.a_old_1).delete()
    out = io.StringIO()
    call_command("rebuild_counted_intervals", "--check", stdout=out)
    assert "2 intervals differed" in out.getvalue()  # a_old_1: cell A, then sub-cell 2
    assert f"{len(kept)} counted intervals written" in out.getvalue()
    assert rows() == kept


def test_deleting_a_member_deletes_their_intervals(year_2025):
    member = year_2025.a_new_1
    assert CountedInterval.objects.filter(member=member).count() == 1
    member.delete()
    assert not CountedInterval.objects.filter(member_id=member.pk).exists()
