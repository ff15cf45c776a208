"""Access by committee: staff of the committee may work, a leader may only look, an outsider
from the other zone committee gets 404 — on lists, forms, autocompletes and exports."""

import pytest
from django import forms
from django.contrib.auth import get_user_model

from organizations.access import scope_of
from organizations.models import Enterprise, OrganizationKind, PartyOrganization, Zone
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OBJECTS = {
    "partyorganization": "cell",
    "zone": "zone",
    "enterprise": "enterprise",
    "massorganization": "mass",
}


def change_url(model, pk):
    return f"/admin/organizations/{model}/{pk}/change/"


@pytest.mark.parametrize(("model", "attr"), OBJECTS.items())
def test_three_people_on_each_record(
    model, attr, bg, hn, staff_client, leader_client, outsider_client
):
    obj = getattr(bg, attr)
    url = change_url(model, obj.pk)

    assert staff_client.get(url).status_code == 200
    response = leader_client.get(url)
    assert response.status_code == 200 and b'name="_save"' not in response.content
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(url.replace("/change/", "/history/")).status_code == 404
    assert (
        outsider_client.post(url.replace("/change/", "/delete/"), {"post": "yes"}).status_code
        == 404
    )

    # Lists: each sees its own committee only.
    listing = f"/admin/organizations/{model}/"
    assert (
        str(obj) in staff_client.get(listing).content.decode()
        or obj.name in staff_client.get(listing).content.decode()
    )
    outsider_list = outsider_client.get(listing).content.decode()
    assert obj.name not in outsider_list
    assert getattr(hn, attr).name in outsider_list


def test_leader_cannot_change_or_add(bg, leader_client):
    response = leader_client.post(
        change_url("zone", bg.zone.pk),
        {"name": "Đổi tên", "kind": "kcn", "province": "Bắc Giang", "committee": bg.committee.pk},
    )
    assert response.status_code == 403
    bg.zone.refresh_from_db()
    assert bg.zone.name != "Đổi tên"
    assert leader_client.get("/admin/organizations/partyorganization/add/").status_code == 403


def test_staff_changes_a_record_of_its_committee(bg, staff_client):
    response = staff_client.post(
        change_url("zone", bg.zone.pk),
        {
            "name": "KCN Đình Trám",
            "kind": "kcn",
            "province": "Bắc Giang",
            "management_board": "Ban Quản lý các KCN tỉnh Bắc Giang",
            "committee": bg.committee.pk,
        },
    )
    assert response.status_code == 302
    bg.zone.refresh_from_db()
    assert bg.zone.name == "KCN Đình Trám"


def test_outsider_cannot_smuggle_another_committees_records_into_a_form(bg, hn, staff_client):
    before = PartyOrganization.objects.count()
    response = staff_client.post(
        "/admin/organizations/partyorganization/add/",
        {
            "kind": OrganizationKind.GRASSROOTS_CELL,
            "parent": hn.committee.pk,  # not visible to Bắc Giang staff
            "code": "BG-CB99",
            "name": "Chi bộ lạ",
            "founded_on": "01/03/2024",
            "current_enterprises": [hn.enterprise.pk],
            "leadership_terms-TOTAL_FORMS": "0",
            "leadership_terms-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "parent" in errors and "current_enterprises" in errors
    assert PartyOrganization.objects.count() == before

    response = staff_client.post(
        "/admin/organizations/zone/add/",
        {"name": "KCN lạ", "kind": "kcn", "province": "Hà Nội", "committee": hn.committee.pk},
    )
    assert "committee" in response.context["adminform"].form.errors
    assert not Zone.objects.filter(name="KCN lạ").exists()


def autocomplete(client, model, field, term=""):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "organizations", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return {row["text"] for row in response.json()["results"]}


def test_autocompletes_offer_only_the_committees_records(bg, hn, staff_client, outsider_client):
    assert bg.committee.name in autocomplete(staff_client, "partyorganization", "parent")
    assert hn.committee.name not in autocomplete(staff_client, "partyorganization", "parent")
    # A cell cannot hold sub-organisations, so it is not offered as a parent.
    assert bg.cell.name not in autocomplete(staff_client, "partyorganization", "parent")
    assert str(bg.enterprise) in autocomplete(staff_client, "partyorganization", "enterprises")
    assert str(hn.enterprise) not in autocomplete(
        staff_client, "partyorganization", "enterprises", "Công ty"
    )


def test_autocomplete_for_zones_and_enterprises_is_scoped(bg, hn, outsider_client):
    response = outsider_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "organizations",
            "model_name": "enterprise",
            "field_name": "zone",
            "term": "KCN",
        },
    )
    texts = {row["text"] for row in response.json()["results"]}
    assert texts == {hn.zone.name}
    response = outsider_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "organizations",
            "model_name": "massorganization",
            "field_name": "enterprise",
            "term": "Công ty",
        },
    )
    texts = {row["text"] for row in response.json()["results"]}
    assert texts == {str(hn.enterprise)}


def export_csv(client, model):
    """Export as staff do: open the export page, keep every column, choose CSV."""
    url = f"/admin/organizations/{model}/export/"
    form = client.get(url).context["form"]
    columns = {
        name: "on" for name, field in form.fields.items() if isinstance(field, forms.BooleanField)
    }
    csv_choice = next(value for value, label in form.fields["format"].choices if label == "csv")
    return client.post(url, {"format": csv_choice, "resource": "0", **columns})


@pytest.mark.parametrize("model", ["enterprise", "partyorganization", "massorganization"])
def test_exports_contain_only_the_committees_records(model, bg, hn, staff_client, leader_client):
    for client in (staff_client, leader_client):
        response = export_csv(client, model)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        body = response.content.decode("utf-8-sig")
        assert bg.enterprise.name in body or bg.cell.name in body or bg.mass.name in body
        assert (
            hn.enterprise.name not in body and hn.cell.name not in body and hn.mass.name not in body
        )


def test_export_headers_are_translated_and_formulae_neutralised(bg, staff_client):
    from organizations.models import Enterprise

    Enterprise.objects.filter(pk=bg.enterprise.pk).update(legal_representative="=HYPERLINK(1)")
    body = export_csv(staff_client, "enterprise").content.decode("utf-8-sig")
    header = body.splitlines()[0]
    assert header.startswith("Mã số thuế,Tên")
    assert "=HYPERLINK" not in body.replace("'=HYPERLINK", "")
    assert "1.260" not in header


def test_province_body_sees_the_zone_committees_below_it_only(bg, hn, province_admin):
    client = client_for(province_admin)
    assert client.get(change_url("enterprise", bg.enterprise.pk)).status_code == 200
    assert client.get(change_url("partyorganization", bg.committee.pk)).status_code == 200
    assert client.get(change_url("enterprise", hn.enterprise.pk)).status_code == 404
    assert set(Enterprise.objects.visible_to(province_admin)) == {bg.enterprise}


def test_the_committees_own_root_cannot_be_moved_by_its_staff(bg, staff):
    response = client_for(staff).get(change_url("partyorganization", bg.committee.pk))
    form = response.context["adminform"].form
    assert "parent" not in form.fields and "kind" not in form.fields


def test_an_account_without_organisation_sees_nothing(bg):
    user = UserFactory(username="lost")
    client = client_for(user)
    assert scope_of(user).path is None
    assert client.get(change_url("enterprise", bg.enterprise.pk)).status_code in (403, 404)
    assert client.get("/admin/organizations/enterprise/").status_code == 403
    assert not Enterprise.objects.visible_to(user).exists()


def test_accounts_are_managed_within_the_committee(bg, hn, bg_admin, staff, outsider, staff_client):
    client = client_for(bg_admin)
    listing = client.get("/admin/auth/user/").content.decode()
    assert staff.username in listing and outsider.username not in listing
    assert client.get(f"/admin/auth/user/{outsider.pk}/change/").status_code == 404
    assert staff_client.get("/admin/auth/user/").status_code == 403

    # An administrator cannot hand out superuser powers: the field is not on its form.
    response = client.get(f"/admin/auth/user/{staff.pk}/change/")
    assert "is_superuser" not in response.context["adminform"].form.fields

    # The organisation must lie in its subtree.
    response = client.post("/admin/auth/user/add/", new_account("bg-moi", hn.committee))
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="bg-moi").exists()


def test_scope_queries_are_the_only_gate(bg, hn, staff, outsider):
    assert set(PartyOrganization.objects.visible_to(staff)) == {bg.committee, bg.cell}
    assert set(PartyOrganization.objects.visible_to(outsider)) == {hn.committee, hn.cell}


def new_account(username, organization=None, role="staff"):
    """The add-account form as an administrator fills it in."""
    data = {
        "username": username,
        "password1": "Mat-khau-dai-2026!",
        "password2": "Mat-khau-dai-2026!",
        "usable_password": "true",
        "staff_profile-TOTAL_FORMS": "1" if organization else "0",
        "staff_profile-INITIAL_FORMS": "0",
        "staff_profile-MIN_NUM_FORMS": "1",
        "staff_profile-MAX_NUM_FORMS": "1",
    }
    if organization:
        data |= {"staff_profile-0-organization": organization.pk, "staff_profile-0-role": role}
    return data


def test_administrator_creates_an_account_in_its_committee(bg, bg_admin):
    client = client_for(bg_admin)
    response = client.post("/admin/auth/user/add/", new_account("bg-moi", bg.committee, "leader"))
    assert response.status_code == 302
    user = get_user_model().objects.get(username="bg-moi")
    assert user.is_staff and not user.is_superuser
    assert (user.staff_profile.organization, user.staff_profile.role) == (bg.committee, "leader")
    assert client.get(f"/admin/auth/user/{user.pk}/change/").status_code == 200


def test_administrator_account_without_organisation_is_refused(bg, bg_admin):
    response = client_for(bg_admin).post("/admin/auth/user/add/", new_account("bg-lac"))
    assert response.status_code == 200
    assert "Vui lòng nhập ít nhất 1 mục." in response.content.decode()
    assert not get_user_model().objects.filter(username="bg-lac").exists()


@pytest.mark.parametrize(
    ("url", "action"),
    [
        ("/admin/organizations/enterprise/", "mark_closed"),
        ("/admin/organizations/enterprise/", "delete_selected"),
        ("/admin/organizations/zone/", "delete_selected"),
    ],
)
def test_a_leaders_action_on_a_list_is_refused_with_403(bg, url, action, leader_client):
    """Found by the access matrix: Django answered a leader's action with the list again
    ("No action selected", 200); a write of a role that only looks is a 403 everywhere."""
    record = bg.enterprise if "enterprise" in url else bg.zone
    response = leader_client.post(url, {"action": action, "_selected_action": [record.pk]})
    assert response.status_code == 403
    bg.enterprise.refresh_from_db()
    assert bg.enterprise.status == "active"
    assert Zone.objects.filter(pk=bg.zone.pk).exists()
    # Looking at the list stays allowed.
    assert leader_client.get(url).status_code == 200


def test_staff_still_run_the_lists_actions(bg, staff_client):
    response = staff_client.post(
        "/admin/organizations/enterprise/",
        {"action": "mark_suspended", "_selected_action": [bg.enterprise.pk]},
    )
    assert response.status_code == 302
    bg.enterprise.refresh_from_db()
    assert bg.enterprise.status == "suspended"


def test_nobody_posts_to_the_list_of_a_record_nobody_edits(bg, staff_client):
    # The enterprise imports' records: every role looks, none changes or deletes them.
    response = staff_client.post("/admin/organizations/enterpriseimport/", {"action": "x"})
    assert response.status_code == 403
