"""The admin's list of apps and models (the sidebar of every page, the home page's list) is
built once for each kind of account and kept (kcn_party/admin_site.py): what it shows must
still follow the account's role and permissions the moment they change."""

import re
from pathlib import Path

import django.contrib.admin
import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_list
from django.contrib.auth.models import Permission
from django.template import Context, Template, engines

from kcn_party import admin_site, admin_tags
from organizations.access import Role
from tests.conftest import client_for
from tests.factories import MemberFactory
from tests.forms import admission

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


# --- The sidebar and the fieldsets (kcn_party/admin_tags.py) ---------------------------------

DJANGO_TEMPLATES = Path(django.contrib.admin.__file__).parent / "templates"


def djangos(name: str) -> Template:
    """Django's own template `name`, which this project's templates replace."""
    return engines["django"].engine.from_string((DJANGO_TEMPLATES / name).read_text())


def same_markup(html: str) -> str:
    """The markup with its runs of white space as one space: what the two ways write differs
    only in the white space between tags."""
    return re.sub(r"\s+", " ", html).strip()


def sidebar_of(html: str) -> str:
    start = html.index('<button class="sticky toggle-nav-sidebar"')
    return html[start : html.index("</nav>", start) + len("</nav>")]


@pytest.fixture
def rendered(monkeypatch):
    """The sidebars rendered from now on, counted; none kept from before."""
    monkeypatch.setattr(admin_tags, "_RENDERED", {})
    return admin_tags._RENDERED


def test_the_kept_sidebar_is_djangos_for_every_account_and_page(rendered, staff, leader, bg):
    member = MemberFactory(organization=bg.cell)
    pages = [
        "/admin/members/member/",
        f"/admin/members/member/{member.pk}/change/",
        "/admin/organizations/enterprise/",
        f"/admin/organizations/partyorganization/{bg.committee.pk}/change/",
    ]
    for user in (staff, leader):
        client = client_for(user)
        for path in pages * 2:
            response = client.get(path)
            assert response.status_code == 200
            request = response.wsgi_request
            expected = djangos("admin/nav_sidebar.html").render(
                Context(
                    {"available_apps": response.context["available_apps"], "request": request}
                )  # fmt: skip
            )
            assert same_markup(sidebar_of(response.content.decode())) == same_markup(expected)
    # One for each account's list and each model being read: a member's page shares the
    # members' list's sidebar.
    assert len(rendered) == 2 * 3


def test_the_sidebar_follows_a_change_of_permissions(rendered, leader):
    client = client_for(leader)
    add = 'href="/admin/organizations/enterprise/add/"'
    assert add not in sidebar_of(client.get("/admin/members/member/").content.decode())
    # A superuser lets this leader add enterprises.
    leader.user_permissions.add(Permission.objects.get(codename="add_enterprise"))
    assert add in sidebar_of(client.get("/admin/members/member/").content.decode())
    assert len(rendered) == 2


def test_the_sidebar_follows_the_language(rendered, staff):
    client = client_for(staff)
    vietnamese = sidebar_of(client.get("/admin/members/member/").content.decode())
    client.cookies["django_language"] = "en"
    english = sidebar_of(client.get("/admin/members/member/").content.decode())
    assert "Party members" in english and "Party members" not in vietnamese
    assert len(rendered) == 2


def fieldsets_of(response):
    """Each fieldset of a change page or journey, with what the include gives the template."""
    found = [
        {
            "fieldset": fieldset,
            "heading_level": 2,
            "prefix": "fieldset",
            "id_prefix": 0,
            "id_suffix": number,
        }  # fmt: skip
        for number, fieldset in enumerate(response.context["adminform"])
    ]
    for formset in response.context.get("inline_admin_formsets") or []:
        for form_number, form in enumerate(formset):
            found += [
                {
                    "fieldset": fieldset,
                    "heading_level": 4,
                    "prefix": formset.formset.prefix,
                    "id_prefix": form_number,
                    "id_suffix": number,
                }  # fmt: skip
                for number, fieldset in enumerate(form)
            ]
    return found


def assert_djangos_fieldsets(response):
    assert response.status_code == 200
    fieldsets = fieldsets_of(response)
    assert fieldsets
    ours = engines["django"].engine.from_string("{% load kcn_admin %}{% fieldset_html %}")
    for values in fieldsets:
        expected = djangos("admin/includes/fieldset.html").render(Context(values))
        assert same_markup(ours.render(Context(values))) == same_markup(expected)


def test_the_fieldsets_are_djangos_on_a_members_page(staff, leader, bg):
    member = MemberFactory(organization=bg.cell, youth_union_member=True)
    for user in (staff, leader):  # fields to fill, and only values to read
        assert_djangos_fieldsets(client_for(user).get(f"/admin/members/member/{member.pk}/change/"))


def test_the_fieldsets_are_djangos_with_errors(staff_client, bg):
    # Errors on a field alone on its line and on fields sharing one (birth date and sex).
    response = staff_client.post(
        "/admin/members/member/admit/",
        admission(bg, full_name="", birth_date="31/02/1990", citizen_id="12"),
    )
    assert response.context["adminform"].form.errors.keys() >= {"full_name", "birth_date"}
    assert_djangos_fieldsets(response)
    content = response.content.decode()
    assert 'class="form-row errors field-full_name"' in content
    assert 'class="flex-container fieldBox field-birth_date errors"' in content


def test_the_fieldsets_are_djangos_on_a_committees_and_an_accounts_page(staff, bg_admin, bg):
    # The committee's page has a folded fieldset; an account's, a stacked inline's fieldsets,
    # a fieldset without a name and the password's read-only widget.
    assert_djangos_fieldsets(
        client_for(staff).get(f"/admin/organizations/partyorganization/{bg.committee.pk}/change/")
    )
    assert_djangos_fieldsets(client_for(bg_admin).get(f"/admin/auth/user/{bg_admin.pk}/change/"))


LISTS = [
    "/admin/members/member/",
    "/admin/members/member/?presence=all&o=2.-1",  # a filter chosen, sorted by two columns
    "/admin/organizations/enterprise/",
    "/admin/organizations/partyorganization/",
]


def test_the_lists_filters_and_rows_are_djangos(staff, leader, bg):
    for number in range(3):
        MemberFactory(organization=bg.cell, full_name=f"Lê Thị <b>{number}</b> & co")
    engine = engines["django"].engine
    for user in (staff, leader):
        client = client_for(user)
        for path in LISTS:
            response = client.get(path)
            assert response.status_code == 200
            cl = response.context["cl"]
            assert cl.filter_specs
            for spec in cl.filter_specs:
                values = {"title": spec.title, "choices": list(spec.choices(cl)), "spec": spec}
                ours = engine.get_template(spec.template).render(Context(values))
                assert ours == djangos(spec.template).render(Context(values))
            values = result_list(cl)
            assert values["results"]
            ours = engine.get_template("admin/change_list_results.html").render(Context(values))
            expected = djangos("admin/change_list_results.html").render(Context(values))
            assert ours == expected
