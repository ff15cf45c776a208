"""The odd input of issue 8, point 4, one by one: each answered with a message or a 404, and
nothing written. (tests/test_fuzz.py tries such values everywhere; these pin the messages.)"""

import datetime

import pytest
from django.db import IntegrityError, transaction

from members.models import Member, TheoryClass, TheoryParticipant
from organizations.models import LeadershipTerm, PartyOrganization, WorkforceSnapshot
from tests.factories import MemberFactory
from tests.forms import admission, org_data

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"
D = datetime.date


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- ids typed into URLs --------------------------------------------------------------------------


def test_a_parent_beyond_any_id_when_adding_an_organisation_is_dropped(bg, staff_client):
    url = "/admin/organizations/partyorganization/add/"
    content = page(staff_client.get(url, {"parent": HUGE}))
    assert 'name="parent"' in content and f'value="{HUGE}"' not in content


def test_a_member_beyond_any_id_when_adding_an_event_is_dropped(bg, staff_client):
    content = page(staff_client.get("/admin/members/memberevent/add/", {"member": HUGE}))
    assert 'name="member"' in content and f'value="{HUGE}"' not in content


@pytest.mark.parametrize("value", [HUGE, "abc", "-1", "1\x00"])
def test_an_id_that_cannot_be_one_is_not_prefilled_on_any_add_page(value, bg, staff_client):
    for url, field in [
        ("/admin/organizations/massorganization/add/", "enterprise"),
        ("/admin/organizations/enterprise/add/", "zone"),
        ("/admin/members/candidate/add/", "enterprise"),
    ]:
        page(staff_client.get(url, {field: value}))


def test_a_candidate_or_cell_beyond_any_id_is_not_found(bg, staff_client):
    assert staff_client.get("/admin/members/member/admit/", {"candidate": HUGE}).status_code == 404
    response = staff_client.get(
        "/admin/members/memberrating/enter/", {"organization": HUGE, "year": "2025"}
    )
    assert response.status_code == 404


def test_a_posted_id_beyond_any_id_is_a_form_error(bg, staff_client):
    # A select re-shown with what was posted (here an autocomplete) looked the value up.
    response = staff_client.post(
        "/admin/organizations/massorganization/add/",
        {"kind": "trade_union", "name": "Công đoàn", "enterprise": HUGE, "founded_on": "01/02/2020",
         "counts-TOTAL_FORMS": "0", "counts-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert "Hãy chọn một lựa chọn hợp lệ" in page(response)


# --- NUL bytes and long searches in lists and autocompletes ---------------------------------------


def test_a_nul_byte_in_an_autocomplete_term_finds_nothing(bg, staff_client):
    response = staff_client.get(
        "/admin/autocomplete/",
        {"term": "\x00", "app_label": "organizations", "model_name": "partyorganization",
         "field_name": "parent"},
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_nul_byte_in_a_list_filter_shows_the_whole_list_with_a_message(bg, staff_client):
    response = staff_client.get("/admin/organizations/partyorganization/", {"kind": "\x00"})
    assert response.status_code == 302 and response.url.endswith("?e=1")
    content = page(staff_client.get(response.url))
    assert "Không thể lọc danh sách theo địa chỉ đã nhập" in content
    assert bg.cell.name in content


def test_a_year_beyond_any_date_in_a_list_shows_the_whole_list(bg, staff_client):
    response = staff_client.get("/admin/members/memberevent/", {"occurred_on__year": HUGE})
    assert response.status_code == 302 and response.url.endswith("?e=1")


def test_a_search_of_hundreds_of_words_searches_the_first_ones(bg, staff_client):
    words = " ".join(["Chi", "bộ"] + ["Đảng"] * 2000)
    content = page(staff_client.get("/admin/organizations/partyorganization/", {"q": words}))
    assert "Chỉ tìm theo 10 từ đầu tiên" in content


# --- counts and dates out of range ----------------------------------------------------------------


def enterprise_form(bg, **workers):
    enterprise = bg.enterprise
    return {
        "tax_code": enterprise.tax_code,
        "name": enterprise.name,
        "zone": enterprise.zone_id,
        "ownership": enterprise.ownership,
        "status": enterprise.status,
        "workforce-TOTAL_FORMS": "1",
        "workforce-INITIAL_FORMS": "0",
        "workforce-0-counted_on": "30/06/2026",
        **workers,
    }


@pytest.mark.parametrize("workers", ["99999999999999", "2000000"])
def test_a_worker_count_beyond_any_enterprise_is_refused(workers, bg, staff_client):
    before = WorkforceSnapshot.objects.count()
    url = f"/admin/organizations/enterprise/{bg.enterprise.pk}/change/"
    content = page(staff_client.post(url, enterprise_form(bg, **{"workforce-0-workers": workers})))
    assert "Nhập số không lớn hơn 1.000.000; hãy kiểm tra lại số đã gõ." in content
    assert WorkforceSnapshot.objects.count() == before


@pytest.mark.parametrize("day", ["01/01/0001", "31/12/1929"])
def test_a_founding_date_before_the_party_is_refused(day, bg, staff_client):
    before = PartyOrganization.objects.count()
    response = staff_client.post(
        "/admin/organizations/partyorganization/add/", org_data(bg, founded_on=day)
    )
    assert "Nhập ngày từ 01/01/1930 trở đi." in page(response)
    assert PartyOrganization.objects.count() == before


def test_a_term_ending_beyond_the_near_future_is_refused(bg, staff_client):
    response = staff_client.post(
        f"/admin/organizations/partyorganization/{bg.cell.pk}/change/",
        {
            **org_data(bg, code=bg.cell.code, name=bg.cell.name, founded_on="01/03/2018"),
            "leadership_terms-TOTAL_FORMS": "1",
            "leadership_terms-0-role": "secretary",
            "leadership_terms-0-full_name": "Lê Văn Bình",
            "leadership_terms-0-started_on": "01/06/2025",
            "leadership_terms-0-ended_on": "31/12/9999",
        },
    )
    assert "Nhập ngày không muộn hơn" in page(response)
    assert not LeadershipTerm.objects.exists()


def test_a_birth_date_before_1900_is_refused_in_the_journey(bg, staff_client):
    before = Member.objects.count()
    response = staff_client.post(
        "/admin/members/member/admit/", admission(bg, birth_date="01/01/0001")
    )
    assert "Nhập ngày từ 01/01/1900 trở đi." in page(response)
    assert Member.objects.count() == before


def test_the_database_refuses_what_the_forms_refuse(bg):
    # For writes that bypass the forms and services: the check constraints.
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkforceSnapshot.objects.create(
            enterprise=bg.enterprise, counted_on=D(2026, 6, 30), workers=2_000_000
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.filter(pk=bg.cell.pk).update(founded_on=D(1, 1, 1))


# --- a tampered inline ----------------------------------------------------------------------------


def test_an_existing_row_posted_again_as_new_is_a_form_error(bg, staff_client):
    member = MemberFactory(organization=bg.cell)
    course = TheoryClass.objects.create(
        organization=bg.committee, title="Lớp 2026", started_on=D(2026, 9, 8)
    )
    TheoryParticipant.objects.create(course=course, member=member)
    response = staff_client.post(
        f"/admin/members/theoryclass/{course.pk}/change/",
        {
            "organization": bg.committee.pk,
            "title": "Lớp 2026",
            "started_on": "08/09/2026",
            # INITIAL_FORMS lowered: the existing participant comes back as a new row.
            "participants-TOTAL_FORMS": "1",
            "participants-INITIAL_FORMS": "0",
            "participants-0-member": member.pk,
            "participants-0-completed": "on",
        },
    )
    assert "đã tồn tại" in page(response)
    assert TheoryParticipant.objects.count() == 1
