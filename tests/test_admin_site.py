"""The admin's list of apps and models (the sidebar of every page, the home page's list) is
built once for each kind of account and kept (kcn_party/admin_site.py): what it shows must
still follow the account's role and permissions the moment they change."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from kcn_party import admin_site
from organizations.access import Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """The lists built from now on, counted."""
    monkeypatch.setattr(admin_site, "_BUILT", {})
    built = []
    original = admin.AdminSite.get_app_list

    def counting(site, request, app_label=None):
        built.append(app_label)
        return original(site, request, app_label)

    monkeypatch.setattr(admin.AdminSite, "get_app_list", counting)
    return built


def members_perms(response) -> dict:
    apps = {app["app_label"]: app for app in response.context["available_apps"]}
    return {m["object_name"]: m["perms"] for m in apps["members"]["models"]}["Member"]


def test_built_once_for_each_kind_of_account(builds, staff, leader):
    for user in (staff, staff, leader, staff, leader):
        assert client_for(user).get("/admin/members/member/").status_code == 200
    assert builds == [None, None]  # the staff's list, the leaders'


def test_a_change_of_role_or_permissions_shows_at_once(builds, staff):
    client = client_for(staff)
    assert members_perms(client.get("/admin/members/member/"))["change"] is True

    staff.staff_profile.role = Role.LEADER
    staff.staff_profile.save()
    assert members_perms(client.get("/admin/members/member/"))["change"] is False

    # A superuser gives this leader the change of members directly.
    staff.user_permissions.add(Permission.objects.get(codename="change_member"))
    assert members_perms(client.get("/admin/members/member/"))["change"] is True
    assert len(builds) == 3


def test_each_page_gets_its_own_copy(builds, staff):
    client = client_for(staff)
    first = client.get("/admin/").context["available_apps"]
    first[0]["models"].clear()  # a view adding to or changing what it was given
    again = client.get("/admin/").context["available_apps"]
    assert again[0]["models"] and len(builds) == 1
