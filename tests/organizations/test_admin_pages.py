"""Every admin page renders for the people who use it, in a fixed number of queries whatever
the number of rows (no N+1)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from organizations.access import Role
from organizations.models import OrganizationKind
from tests.conftest import account, client_for
from tests.factories import (
    EnterpriseFactory,
    MassOrganizationFactory,
    PartyOrganizationFactory,
    WorkforceSnapshotFactory,
)

# url template -> queries. Pinned: a change here is a change in how the page reads the database.
PAGES = {
    # The home page (issue 14): +3 the admissions' deadlines, +2 the latest imports.
    "/admin/": 11,
    "/admin/organizations/": 5,
    "/admin/organizations/partyorganization/": 7,  # one count: show_full_result_count off
    "/admin/organizations/partyorganization/add/": 6,
    # Issue 10: +1 the history of the enterprises served, and on a committee's page +1 its
    # congresses (an inline). Load test (issue 13): -1, the counts by kind taken from the
    # subtree's rows.
    "/admin/organizations/partyorganization/{committee}/change/": 14,
    "/admin/organizations/partyorganization/{cell}/change/": 14,
    "/admin/organizations/zone/": 9,
    "/admin/organizations/zone/add/": 6,
    "/admin/organizations/zone/{zone}/change/": 8,
    "/admin/organizations/enterprise/": 8,  # one count: show_full_result_count off
    "/admin/organizations/enterprise/add/": 6,
    # Issue 10: +2 its status and ownership over time, and the organisations serving it.
    "/admin/organizations/enterprise/{enterprise}/change/": 12,
    "/admin/organizations/enterprise/export/": 6,
    "/admin/organizations/massorganization/": 8,
    "/admin/organizations/massorganization/add/": 6,
    "/admin/organizations/massorganization/{mass}/change/": 9,
    "/admin/auth/user/": 8,
    "/admin/auth/user/add/": 8,
    "/admin/auth/user/{user}/change/": 12,
}


def grow(world, times=12):
    """More of everything in the committee, to show the counts do not depend on rows."""
    for n in range(times):
        enterprise = EnterpriseFactory(zone=world.zone)
        WorkforceSnapshotFactory(enterprise=enterprise, counted_on=datetime.date(2024, 12, 31))
        WorkforceSnapshotFactory(enterprise=enterprise, counted_on=datetime.date(2025, 12, 31))
        cell = PartyOrganizationFactory(
            kind=OrganizationKind.GRASSROOTS_CELL, parent=world.committee
        )
        cell.enterprises.add(enterprise)
        MassOrganizationFactory(enterprise=enterprise)
        account(world.committee, Role.STAFF, f"extra-{world.committee.code}-{n}")


@pytest.fixture
def admin_user(bg):
    return account(bg.committee, Role.ADMIN, "bg-quantri")


def url_for(template, bg, user):
    return template.format(
        committee=bg.committee.pk,
        cell=bg.cell.pk,
        zone=bg.zone.pk,
        enterprise=bg.enterprise.pk,
        mass=bg.mass.pk,
        user=user.pk,
    )


@pytest.mark.parametrize(("template", "queries"), PAGES.items())
def test_every_page_renders_in_pinned_queries(
    template, queries, bg, hn, admin_user, django_assert_num_queries
):
    url = url_for(template, bg, admin_user)
    for step in ("as is", "with more rows"):
        if step == "with more rows":
            grow(bg)
            grow(hn)
        client = client_for(admin_user)
        ContentType.objects.clear_cache()  # the count must not depend on earlier tests
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200


@pytest.mark.parametrize("template", [t for t in PAGES if "auth" not in t])
def test_leader_sees_every_page_read_only(template, bg, leader):
    client = client_for(leader)
    response = client.get(url_for(template, bg, leader).replace("/add/", "/"))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content


def test_list_shows_the_tree_indented(bg, staff_client):
    grassroots = PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_COMMITTEE,
        parent=bg.committee,
        name="Đảng bộ Công ty Hanwha",
    )
    PartyOrganizationFactory(
        kind=OrganizationKind.SUBORDINATE_CELL, parent=grassroots, name="Chi bộ Sản xuất"
    )
    content = staff_client.get("/admin/organizations/partyorganization/").content.decode()
    names = [bg.committee.name, "Đảng bộ Công ty Hanwha", "Chi bộ Sản xuất"]
    positions = [content.index(name) for name in names]
    assert positions == sorted(positions)  # parents before their subtree
    assert 'padding-left:3.0em">└ Chi bộ Sản xuất' in content


def test_organisation_page_shows_its_subtree_with_counts_by_kind(bg, staff_client):
    grassroots = PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_COMMITTEE, parent=bg.committee
    )
    for _ in range(2):
        PartyOrganizationFactory(kind=OrganizationKind.SUBORDINATE_CELL, parent=grassroots)
    response = staff_client.get(f"/admin/organizations/partyorganization/{bg.committee.pk}/change/")
    tree = response.context["subtree_rows"]
    assert tree[0]["pk"] == bg.committee.pk
    assert len(tree) == 5
    counts = {row["label"]: row["active"] for row in response.context["kind_counts"]}
    K = OrganizationKind
    assert counts == {
        K.GRASSROOTS_COMMITTEE.label: 1,
        K.GRASSROOTS_CELL.label: 1,
        K.SUBORDINATE_CELL.label: 2,
    }
    content = response.content.decode()
    assert "Đảng bộ cơ sở" in content and "Chi bộ trực thuộc" in content  # in Vietnamese
    # Breadcrumbs and links stop at what the account may see: the province body above is
    # named, never linked (it would answer 404).
    assert response.context["tree_ancestors"] == []
    assert f"/partyorganization/{bg.province.pk}/change/" not in content
    assert "Tỉnh ủy Bắc Giang</div>" in content
