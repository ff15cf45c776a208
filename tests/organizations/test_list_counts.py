"""The count under an admin list (organizations/admin/counting.py): exact up to
ADMIN_LIST_EXACT_COUNT_UP_TO rows; beyond, for a list as it opens on PostgreSQL, the planner's
estimate shown as "khoảng N"; exact on SQLite and for any search or filter. Who sees which rows
does not change."""

import json
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from members.models import Member
from organizations.admin import counting
from organizations.admin.base import FewChoicesFilter
from organizations.models import Enterprise, Zone
from tests.conftest import client_for
from tests.factories import EnterpriseFactory, MemberFactory, ZoneFactory

pytestmark = pytest.mark.django_db

ENTERPRISES = "/admin/organizations/enterprise/"
MEMBERS = "/admin/members/member/"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's exact count")


def paginator_text(response) -> str:
    """The paginator's line under the list, its tags and spaces dropped."""
    html = response.content.decode()
    paragraph = re.search(r'<p class="paginator">(.*?)</p>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", paragraph).split())


def planner_estimate(queryset) -> int:
    """The planner's row estimate of `queryset`, read with a plain EXPLAIN."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def analyse(*tables: str) -> None:
    """Statistics as autovacuum would keep them (the rows of the test's transaction count)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


@pytest.fixture
def enterprises(bg, hn):
    """Bắc Giang's zone with 7 enterprises (its own and 6 more), Hà Nội's with 3."""
    EnterpriseFactory.create_batch(6, zone=bg.zone)
    EnterpriseFactory.create_batch(2, zone=hn.zone)
    return Enterprise.objects.filter(zone=bg.zone)


# Under the threshold on either database; past it on SQLite, which has no planner estimate.
@pytest.mark.parametrize("exact_up_to", [20_000, pytest.param(2, marks=on_sqlite)])
def test_a_list_is_counted_exactly_under_the_threshold_and_on_sqlite(
    enterprises, staff, exact_up_to
):
    with override_settings(ADMIN_LIST_EXACT_COUNT_UP_TO=exact_up_to):
        response = client_for(staff).get(ENTERPRISES)
    assert paginator_text(response) == f"{enterprises.count()} doanh nghiệp"
    assert "khoảng" not in response.content.decode()


@pytest.fixture
def superuser(django_user_model, bg):
    return django_user_model.objects.create_superuser("quantri-toanquoc", "", None)


@on_postgresql
@override_settings(ADMIN_LIST_EXACT_COUNT_UP_TO=2)
def test_postgresql_estimates_a_list_past_the_threshold_as_it_opens(
    enterprises, superuser, django_assert_num_queries
):
    client = client_for(superuser)
    with (
        override_settings(ADMIN_LIST_EXACT_COUNT_UP_TO=20_000),
        CaptureQueriesContext(connection) as exact,
    ):
        client.get(ENTERPRISES)
    analyse("organizations_enterprise")
    expected = planner_estimate(Enterprise.objects.all())
    assert expected >= 3  # the table's statistics, past the 3 rows the page counts

    # The estimate costs one query more than the exact count: the planner's EXPLAIN.
    with django_assert_num_queries(len(exact.captured_queries) + 1):
        response = client.get(ENTERPRISES)
    content = response.content.decode()
    assert paginator_text(response) == f"khoảng {expected:,}".replace(",", ".") + " doanh nghiệp"
    assert f"Chọn tất cả (khoảng {expected:,})".replace(",", ".") in content
    assert "ước tính" in content  # the title says why


@on_postgresql
@override_settings(ADMIN_LIST_EXACT_COUNT_UP_TO=2)
def test_an_estimate_below_the_rows_counted_says_more_than_the_threshold(
    enterprises, staff, monkeypatch
):
    """The planner misjudges a subtree (a path range): when it expects fewer rows than the
    page counted, the page says what it knows, not the estimate."""
    monkeypatch.setattr(counting, "planner_rows", lambda queryset: 1)
    response = client_for(staff).get(ENTERPRISES)
    content = response.content.decode()
    assert paginator_text(response) == "hơn 2 doanh nghiệp"
    assert "Chọn tất cả (hơn 2)" in content
    assert "khoảng" not in content


@on_postgresql
@override_settings(ADMIN_LIST_EXACT_COUNT_UP_TO=2)
@pytest.mark.parametrize("query", ["?q=C%C3%B4ng", "?ownership=llc", "?o=2"])
def test_a_search_or_a_filter_is_counted_exactly(enterprises, staff, query):
    analyse("organizations_enterprise")
    response = client_for(staff).get(ENTERPRISES + query)
    text = paginator_text(response)
    if query == "?o=2":  # another order is still the list as it opens: not counted exactly
        assert text.startswith(("khoảng ", "hơn "))
    else:
        expected = (
            enterprises.filter(name__icontains="Công")
            if query.startswith("?q")
            else enterprises.filter(ownership="llc")
        ).count()
        assert text == f"{expected} doanh nghiệp"


@on_postgresql
@override_settings(ADMIN_LIST_EXACT_COUNT_UP_TO=2)
def test_the_members_list_estimates_as_it_opens_and_counts_all_records_exactly(bg, superuser):
    for _ in range(4):
        MemberFactory(organization=bg.cell)
    analyse("members_member")
    client = client_for(superuser)
    assert paginator_text(client.get(MEMBERS)).startswith("khoảng ")
    # "All records" is a filter chosen: exact.
    assert paginator_text(client.get(MEMBERS + "?presence=all")) == "4 đảng viên"


@override_settings(ADMIN_LIST_EXACT_COUNT_UP_TO=1)
@pytest.mark.parametrize("person", ["staff", "leader", "outsider"])
def test_who_sees_which_rows_does_not_change(enterprises, bg, hn, person, request):
    user = request.getfixturevalue(person)
    if connection.vendor == "postgresql":
        analyse("organizations_enterprise")
    client = client_for(user)
    content = client.get(ENTERPRISES).content.decode()
    own, other = (hn, bg) if person == "outsider" else (bg, hn)
    assert own.enterprise.name in content
    assert other.enterprise.name not in content
    change = f"{ENTERPRISES}{bg.enterprise.pk}/change/"
    assert client.get(change).status_code == (404 if person == "outsider" else 200)
    if person == "leader":
        assert b'name="_save"' not in client.get(change).content


def test_a_page_past_a_low_estimate_keeps_its_rows(enterprises, monkeypatch):
    """The estimate may be below the rows there are: the last page it gives still holds a
    whole page, where Django's would stop at the estimate."""
    monkeypatch.setattr(counting, "planner_rows", lambda queryset: 5)
    rows = enterprises.order_by("pk")  # 7
    paginator = counting.EstimatedCountPaginator(rows, 2, exact_up_to=2, may_estimate=True)
    assert (paginator.count, paginator.estimated, paginator.num_pages) == (5, True, 3)
    assert list(paginator.page(3).object_list) == list(rows[4:6])


def test_an_estimate_never_says_fewer_than_the_rows_counted(enterprises, monkeypatch):
    monkeypatch.setattr(counting, "planner_rows", lambda queryset: 1)
    paginator = counting.EstimatedCountPaginator(enterprises, 50, exact_up_to=2, may_estimate=True)
    assert (paginator.count, paginator.estimated) == (3, True)


def test_without_estimates_the_paginator_is_djangos(enterprises, monkeypatch):
    monkeypatch.setattr(counting, "planner_rows", lambda queryset: pytest.fail("asked"))
    paginator = counting.EstimatedCountPaginator(enterprises, 50, exact_up_to=2, may_estimate=False)
    assert (paginator.count, paginator.estimated) == (7, False)


@pytest.mark.parametrize("person", ["staff", "outsider"])
def test_a_page_read_keys_first_holds_the_lists_rows_in_its_order(bg, hn, person, request):
    """The members' list reads a page's keys, then its rows by key alone: the same rows, in
    the same order, as the list's own slice, and only the account's."""
    for name in ["Trần Thị Bình", "An Văn Cường", "Lê Văn An", "An Văn Cường", "Đỗ Thị Hà"]:
        MemberFactory(organization=bg.cell, full_name=name)
    MemberFactory(organization=hn.cell, full_name="Phạm Văn Hải")
    user = request.getfixturevalue(person)
    members = (
        Member.objects.visible_to(user)
        .select_related("organization")
        .order_by("sort_name", "birth_date", "pk")
    )
    paginator = counting.KeysFirstPaginator(members, 2, exact_up_to=100, may_estimate=False)
    assert " IN (SELECT " in str(paginator.page(1).object_list.query)  # keys first
    pages = [list(paginator.page(n).object_list) for n in paginator.page_range]
    assert pages == [list(members[i : i + 2]) for i in range(0, members.count(), 2)]
    assert {m.organization for page in pages for m in page} == {
        (hn if person == "outsider" else bg).cell
    }


@pytest.mark.parametrize("person", ["staff", "leader", "outsider"])
def test_the_zone_filter_lists_the_accounts_zones_only(bg, hn, person, request):
    """The enterprises' zone filter offers the account's zones (not those read from every
    enterprise): a zone without enterprises yet too, never another committee's."""
    for world in (bg, hn):
        ZoneFactory(committee=world.committee, name=f"KCN mới {world.committee.code}")
    content = client_for(request.getfixturevalue(person)).get(ENTERPRISES).content.decode()
    own, other = (hn, bg) if person == "outsider" else (bg, hn)
    for zone in Zone.objects.filter(committee=own.committee):
        assert f"?zone__id__exact={zone.pk}" in content
    for zone in Zone.objects.filter(committee=other.committee):
        assert f"zone__id__exact={zone.pk}" not in content


def test_the_zone_filter_is_left_out_past_its_most(bg, staff, monkeypatch):
    ZoneFactory(committee=bg.committee)
    monkeypatch.setattr(FewChoicesFilter, "MOST", 1)  # two zones: more than a sidebar holds
    content = client_for(staff).get(ENTERPRISES).content.decode()
    assert "zone__id__exact" not in content
    assert "?ownership__exact=" in content  # the other filters stay
