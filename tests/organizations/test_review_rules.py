"""Rules that keep each committee's data inside its subtree when records move or change."""

import datetime

import pytest

from organizations import services
from organizations.access import Role, Scope
from organizations.models import (
    EndReason,
    Enterprise,
    LeadershipTerm,
    MembershipCount,
    OrganizationKind,
    PartyOrganization,
    WorkforceSnapshot,
    Zone,
)
from tests.conftest import account, client_for
from tests.factories import PartyOrganizationFactory, ZoneFactory
from tests.forms import org_data
from tests.organizations.test_bad_input import ORG_URL

pytestmark = pytest.mark.django_db
K = OrganizationKind


@pytest.mark.parametrize("kind", [K.UPPER_GRASSROOTS, K.PROVINCE])
def test_staff_cannot_add_an_organisation_outside_its_subtree(kind, bg, staff_client):
    before = PartyOrganization.objects.count()
    response = staff_client.post(ORG_URL, org_data(bg, kind=kind, parent=""))
    assert response.status_code == 200
    assert "Hãy chọn tổ chức đảng cấp trên" in response.content.decode()
    assert PartyOrganization.objects.count() == before


def test_province_cannot_push_a_zone_committee_out_of_its_view(bg, province_admin):
    client = client_for(province_admin)
    url = f"/admin/organizations/partyorganization/{bg.committee.pk}/change/"
    data = org_data(
        bg, kind=K.UPPER_GRASSROOTS, parent="", code=bg.committee.code, name=bg.committee.name
    )
    response = client.post(url, data)
    assert response.status_code == 200
    bg.committee.refresh_from_db()
    assert bg.committee.parent == bg.province
    assert client.get(url).status_code == 200


def test_staff_cannot_dissolve_its_own_committee(bg, staff_client):
    url = f"/admin/organizations/partyorganization/{bg.committee.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    assert not {"ended_on", "end_reason", "merged_into", "kind", "parent"} & set(form.fields)
    staff_client.post(
        url,
        org_data(
            bg,
            code=bg.committee.code,
            name=bg.committee.name,
            founded_on="01/01/2015",
            ended_on="01/01/2026",
            end_reason=EndReason.DISSOLVED,
        ),
    )
    bg.committee.refresh_from_db()
    assert bg.committee.ended_on is None


def test_a_zone_cannot_change_committee_while_its_enterprises_are_served_here(bg):
    other = PartyOrganizationFactory(kind=K.UPPER_GRASSROOTS, parent=bg.province, code="BG-KCN2")
    bg.zone.committee = other
    with pytest.raises(Exception) as error:
        bg.zone.full_clean()
    assert "committee" in error.value.message_dict
    assert Zone.objects.get(pk=bg.zone.pk).committee == bg.committee


def test_an_enterprise_cannot_move_to_another_committees_zone_while_served(bg, hn):
    bg.enterprise.zone = hn.zone
    with pytest.raises(Exception) as error:
        services.enterprise_save(enterprise=bg.enterprise)
    assert "zone" in error.value.message_dict
    assert Enterprise.objects.get(pk=bg.enterprise.pk).zone == bg.zone


def test_an_unserved_enterprise_may_move_zones(bg):
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(zone=bg.zone)
    enterprise.zone = ZoneFactory(committee=bg.committee)
    services.enterprise_save(enterprise=enterprise)


def test_a_second_count_on_the_same_day_is_a_message_not_a_crash(bg, staff_client):
    data = {
        "tax_code": bg.enterprise.tax_code,
        "name": bg.enterprise.name,
        "zone": bg.zone.pk,
        "ownership": bg.enterprise.ownership,
        "status": "active",
        "workforce-TOTAL_FORMS": "2",
        "workforce-INITIAL_FORMS": "1",
        "workforce-0-id": bg.enterprise.workforce.get().pk,
        "workforce-0-enterprise": bg.enterprise.pk,
        "workforce-0-counted_on": "31/12/2025",
        "workforce-0-workers": "1260",
        "workforce-1-counted_on": "31/12/2025",
        "workforce-1-workers": "1300",
    }
    response = staff_client.post(
        f"/admin/organizations/enterprise/{bg.enterprise.pk}/change/", data
    )
    assert response.status_code == 200
    assert (
        "Ngày này đã có số liệu thống kê" in response.content.decode()
        or "trùng lặp" in response.content.decode()
    )
    assert WorkforceSnapshot.objects.get().workers == 1260

    data["workforce-TOTAL_FORMS"] = "1"
    data["workforce-INITIAL_FORMS"] = "0"
    del data["workforce-0-id"]
    data["workforce-0-workers"] = "1300"
    response = staff_client.post(
        f"/admin/organizations/enterprise/{bg.enterprise.pk}/change/", data
    )
    assert response.status_code == 200
    assert "Ngày này đã có số liệu thống kê" in response.content.decode()
    assert WorkforceSnapshot.objects.get().workers == 1260


def test_member_count_same_day_or_before_founding_is_refused(bg):
    services.mass_organization_record_count(
        organization=bg.mass, counted_on=datetime.date(2025, 12, 31), members=300
    )
    duplicate = MembershipCount(
        organization=bg.mass, counted_on=datetime.date(2025, 12, 31), members=310
    )
    with pytest.raises(Exception) as error:
        duplicate.full_clean()
    assert "counted_on" in error.value.message_dict
    early = MembershipCount(organization=bg.mass, counted_on=datetime.date(2001, 1, 1), members=10)
    with pytest.raises(Exception) as error:
        early.full_clean()
    assert "counted_on" in error.value.message_dict
    assert MembershipCount.objects.count() == 1


def test_a_strange_link_to_the_add_form_does_not_crash(bg, staff_client):
    response = staff_client.get(f"{ORG_URL}?parent=abc&kind=nonsense&merged_into=1;drop")
    assert response.status_code == 200


def test_changing_kind_must_not_strand_children(bg):
    grassroots = PartyOrganizationFactory(kind=K.GRASSROOTS_COMMITTEE, parent=bg.committee)
    PartyOrganizationFactory(kind=K.SUBORDINATE_CELL, parent=grassroots, name="Chi bộ Sản xuất")
    grassroots.kind = K.GRASSROOTS_CELL
    with pytest.raises(Exception) as error:
        services.organization_save(organization=grassroots)
    assert "Chi bộ Sản xuất" in str(error.value.message_dict["kind"])
    grassroots.refresh_from_db()
    assert grassroots.kind == K.GRASSROOTS_COMMITTEE


def test_moving_a_committee_with_its_served_enterprises_away_is_refused(bg, hn):
    grassroots = PartyOrganizationFactory(kind=K.GRASSROOTS_COMMITTEE, parent=bg.committee)
    sub = PartyOrganizationFactory(kind=K.SUBORDINATE_CELL, parent=grassroots)
    sub.enterprises.add(bg.enterprise)
    grassroots.parent = hn.committee
    with pytest.raises(Exception) as error:
        services.organization_save(organization=grassroots)
    assert bg.enterprise.name in str(error.value.message_dict["parent"])
    sub.refresh_from_db()
    assert sub.is_within(bg.committee)


def test_two_overlapping_secretaries_in_one_submission_are_refused(bg, staff_client):
    data = org_data(
        bg,
        **{
            "leadership_terms-TOTAL_FORMS": "2",
            "leadership_terms-0-role": "secretary",
            "leadership_terms-0-full_name": "Nguyễn Văn Hùng",
            "leadership_terms-0-started_on": "01/06/2025",
            "leadership_terms-1-role": "secretary",
            "leadership_terms-1-full_name": "Trần Thị Lan",
            "leadership_terms-1-started_on": "01/06/2025",
        },
    )
    response = staff_client.post(ORG_URL, data)
    assert response.status_code == 200
    assert "Nhiệm kỳ này trùng với nhiệm kỳ của một Bí thư khác." in response.content.decode()
    assert not LeadershipTerm.objects.exists()
    assert not PartyOrganization.objects.filter(code="BG-CB-NEW").exists()


def test_a_province_body_has_no_upper_organisation(bg):
    body = PartyOrganization(
        kind=K.PROVINCE,
        parent=bg.province,
        code="X",
        name="Tỉnh ủy X",
        founded_on=datetime.date(2000, 1, 1),
    )
    with pytest.raises(Exception) as error:
        services.organization_save(organization=body)
    assert "cấp cao nhất" in str(error.value.message_dict["parent"])


def test_tax_code_typed_with_spaces_is_accepted_in_the_form(bg, staff_client):
    response = staff_client.post(
        "/admin/organizations/enterprise/add/",
        {
            "tax_code": "0100 23 34 88 - 001",
            "name": "Chi nhánh Công ty TNHH Mới",
            "zone": bg.zone.pk,
            "ownership": "llc",
            "status": "active",
            "workforce-TOTAL_FORMS": "0",
            "workforce-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Enterprise.objects.filter(tax_code="0100233488-001").exists()


def test_export_page_is_in_vietnamese(bg, staff_client):
    content = staff_client.get("/admin/organizations/enterprise/export/").content.decode()
    assert "Định dạng tệp" in content and "Mã số thuế" in content and "Tax Code" not in content


def test_an_organisation_without_path_opens_nothing():
    assert not Scope(path="").contains_path("0000001/")
    assert Scope(path="").filter(PartyOrganization.objects.all(), "path").query.is_empty()


def test_leader_role_is_view_only_in_the_backend(bg):
    leader = account(bg.committee, Role.LEADER, "lanhdao-x")
    assert leader.has_perm("organizations.view_enterprise")
    assert not leader.has_perm("organizations.change_enterprise")
    assert not leader.has_perm("organizations.delete_partyorganization")
