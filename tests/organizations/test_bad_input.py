"""Bad input in the admin: the staff member sees a clear Vietnamese message, nothing is written."""

import pytest

from organizations.models import (
    Enterprise,
    LeadershipTerm,
    MassOrganization,
    MembershipCount,
    OrganizationKind,
    PartyOrganization,
    WorkforceSnapshot,
)
from tests.forms import org_data

ORG_URL = "/admin/organizations/partyorganization/add/"


def errors_of(response):
    assert response.status_code == 200, "the form must come back with its errors"
    return response.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"parent": None}, "phải có tổ chức đảng cấp trên là đảng bộ cấp trên trực tiếp cơ sở"),
        (
            {"kind": OrganizationKind.SUBORDINATE_CELL},
            "không thể là đảng bộ cấp trên trực tiếp cơ sở",
        ),
        ({"founded_on": "01/01/2099"}, "Ngày thành lập không được là ngày trong tương lai."),
        (
            {"founded_on": "2025-31-12"},
            "Ngày thành lập: “2025-31-12” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        ({"ended_on": "01/01/2020"}, "Ngày chấm dứt hoạt động không được trước ngày thành lập."),
        ({"ended_on": "01/01/2026"}, "Vui lòng chọn lý do chấm dứt hoạt động"),
        ({"end_reason": "dissolved"}, "Ngày chấm dứt"),
        ({"code": "BG-CB01"}, "đã tồn tại"),  # the code of the existing cell
        ({"name": ""}, "Trường này là bắt buộc."),
        ({"founding_members": "-3"}, "lớn hơn hoặc bằng với 0"),
    ],
)
def test_bad_organisation_is_refused_with_a_vietnamese_message(fields, message, bg, staff_client):
    before = PartyOrganization.objects.count()
    content = errors_of(staff_client.post(ORG_URL, org_data(bg, **fields)))
    assert message in content
    assert PartyOrganization.objects.count() == before


def test_enterprise_of_another_committee_is_named_in_the_message(bg, hn, staff, staff_client):
    # Even if the choice were offered, the rule names the enterprise that does not belong.
    from organizations.admin.party import PartyOrganizationForm

    form = PartyOrganizationForm(
        data=org_data(bg, current_enterprises=[bg.enterprise.pk, hn.enterprise.pk]),
    )
    assert not form.is_valid()
    assert hn.enterprise.name in str(form.errors)
    assert "do đảng bộ khác phụ trách" in str(form.errors)
    assert not PartyOrganization.objects.filter(code="BG-CB-NEW").exists()


def test_bad_leadership_term_saves_neither_term_nor_organisation(bg, staff_client):
    data = org_data(
        bg,
        **{
            "leadership_terms-TOTAL_FORMS": "1",
            "leadership_terms-0-role": "secretary",
            "leadership_terms-0-full_name": "Nguyễn Văn Hùng",
            "leadership_terms-0-started_on": "01/06/2025",
            "leadership_terms-0-ended_on": "01/06/2024",
        },
    )
    content = errors_of(staff_client.post(ORG_URL, data))
    assert "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu nhiệm kỳ." in content
    assert not PartyOrganization.objects.filter(code="BG-CB-NEW").exists()
    assert not LeadershipTerm.objects.exists()


def enterprise_data(bg, **fields):
    data = {
        "tax_code": "2400233488",
        "name": "Công ty TNHH Nhựa Việt Tiến",
        "zone": bg.zone.pk,
        "ownership": "llc",
        "status": "active",
        "workforce-TOTAL_FORMS": "0",
        "workforce-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tax_code": "0100233480"}, "sai chữ số kiểm tra"),
        ({"tax_code": "12345"}, "10 chữ số"),
        ({"ownership": "owned-by-aliens"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"licensed_on": "01/01/2099"}, "tương lai"),
        # A date typed wrong is named by its field (issue 14, point 4), an inline's too.
        ({"licensed_on": "abc"}, "Ngày cấp GCN đầu tư: “abc” không phải là ngày"),
        (
            {
                "workforce-TOTAL_FORMS": "1",
                "workforce-0-counted_on": "2025-13-01",
                "workforce-0-workers": "5",
            },
            "Ngày thống kê: “2025-13-01” không phải là ngày",
        ),  # fmt: skip
        (
            {
                "tax_code": "0100233488",
                "workforce-TOTAL_FORMS": "1",
                "workforce-0-counted_on": "31/12/2025",
                "workforce-0-workers": "-5",
            },
            "lớn hơn hoặc bằng với 0",
        ),
    ],
)
def test_bad_enterprise_is_refused_with_a_vietnamese_message(fields, message, bg, staff_client):
    before = Enterprise.objects.count()
    content = errors_of(
        staff_client.post("/admin/organizations/enterprise/add/", enterprise_data(bg, **fields))
    )
    assert message in content
    assert Enterprise.objects.count() == before
    assert WorkforceSnapshot.objects.count() == 1  # only the fixture's


def test_a_bad_date_of_a_status_change_is_named_and_changes_nothing(bg, staff_client):
    url = f"/admin/organizations/enterprise/{bg.enterprise.pk}/change/"
    page = staff_client.get(url)
    data = {}
    for form in [page.context["adminform"].form, *page.context["inline_admin_formsets"]]:
        if hasattr(form, "formset"):
            formset = form.formset
            data |= {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
            for row in formset.forms:
                data |= {f"{row.prefix}-{k}": v for k, v in row.initial.items() if v is not None}
            continue
        data |= {k: v for k, v in form.initial.items() if v is not None}
    data |= {"status": "suspended", "changed_on": "31/02/2025"}
    content = errors_of(staff_client.post(url, data))
    assert (
        "Ngày thay đổi trạng thái hoặc loại hình: “31/02/2025” không phải là ngày: hãy ghi theo "
        "dạng dd/mm/yyyy." in content
    )
    bg.enterprise.refresh_from_db()
    assert bg.enterprise.status == "active"


def test_duplicate_tax_code_is_refused(bg, staff_client):
    content = errors_of(
        staff_client.post(
            "/admin/organizations/enterprise/add/",
            enterprise_data(bg, tax_code=bg.enterprise.tax_code),
        )
    )
    assert "đã tồn tại" in content
    assert Enterprise.objects.count() == 1


def test_bad_mass_organisation_count_is_refused(bg, staff_client):
    data = {
        "kind": "trade_union",
        "name": "Công đoàn cơ sở Công ty TNHH Mới",
        "enterprise": bg.enterprise.pk,
        "founded_on": "01/05/2024",
        "counts-TOTAL_FORMS": "1",
        "counts-INITIAL_FORMS": "0",
        "counts-0-counted_on": "31/12/2025",
        "counts-0-members": "50",
        "counts-0-recruited": "80",
    }
    content = errors_of(staff_client.post("/admin/organizations/massorganization/add/", data))
    assert "Số phát triển mới lớn hơn tổng số đoàn viên" in content
    assert MassOrganization.objects.count() == 1 and not MembershipCount.objects.exists()


def test_small_union_saves_with_a_warning(bg, staff_client):
    data = {
        "kind": "trade_union",
        "name": "Công đoàn cơ sở Công ty TNHH Nhỏ",
        "enterprise": bg.enterprise.pk,
        "founded_on": "01/05/2024",
        "founding_members": "3",
        "counts-TOTAL_FORMS": "0",
        "counts-INITIAL_FORMS": "0",
    }
    response = staff_client.post("/admin/organizations/massorganization/add/", data, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("ít nhất 5" in m for m in messages), messages
    assert MassOrganization.objects.filter(name="Công đoàn cơ sở Công ty TNHH Nhỏ").exists()


def test_new_cell_serving_its_committees_enterprise_is_saved(bg, staff_client):
    response = staff_client.post(ORG_URL, org_data(bg, current_enterprises=[bg.enterprise.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    cell = PartyOrganization.objects.get(code="BG-CB-NEW")
    assert list(cell.enterprises.all()) == [bg.enterprise]


def test_moving_a_cell_checks_enterprises_against_the_new_committee(bg, hn):
    # A province-level account sees both committees; moving Bắc Giang's cell under Hà Nội's
    # committee while it still serves a Bắc Giang enterprise is refused.
    from organizations.admin.party import PartyOrganizationForm

    data = org_data(
        bg, code=bg.cell.code, parent=hn.committee.pk, current_enterprises=[bg.enterprise.pk]
    )
    form = PartyOrganizationForm(data=data, instance=bg.cell)
    assert not form.is_valid()
    assert bg.enterprise.name in form.errors["parent"][0]
    bg.cell.refresh_from_db()
    assert bg.cell.parent == bg.committee
