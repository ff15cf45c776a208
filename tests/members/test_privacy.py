"""Personal details (issue 13, point 3): who may see them (staff and administrators, not
leaders), masked everywhere else (lists, pages, searches, autocompletes, exports), each view and
export logged for the committee's administrators, the access request and the anonymisation of
a member who has left, with the three people: staff, a leader who may only look, an outsider
from the other committee (404)."""

import datetime
import io
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from members import privacy, services
from members.models import (
    Candidate,
    Disclosure,
    EventKind,
    Member,
    MemberEvent,
    MemberRating,
    MemberStatus,
    PersonalDataLog,
    Subject,
)
from organizations.access import SYSTEM, Role, role_permissions
from tests.conftest import account, client_for
from tests.factories import MemberFactory
from tests.members.records import build_records

pytestmark = pytest.mark.django_db
D = datetime.date

CITIZEN_ID = "024090000777"  # born 1990, male
CARD = "01234567"
PHONE = "0912345678"
BORN = "17/05/1990"


@pytest.fixture
def records(bg):
    return build_records(bg, "Trần Văn Hùng", "Nguyễn Thị Bích Ngọc")


@pytest.fixture
def member(bg, records):
    """A Bắc Giang member with every personal detail recorded."""
    member = records.member
    Member.objects.filter(pk=member.pk).update(
        citizen_id=CITIZEN_ID, card_number=CARD, phone=PHONE, hometown="Xã Tân Mỹ"
    )
    member.refresh_from_db()
    return member


@pytest.fixture
def left(bg):
    """A member who transferred out in 2025: counted nowhere, on record, with a note on an
    event and a rating, a theory class and the candidate's record they came from."""
    member = MemberFactory(
        organization=bg.cell,
        full_name="Hoàng Văn Rời",
        citizen_id="024090000888",
        card_number="07654321",
        phone="0987654321",
        hometown="Thôn Đông",
        enterprise=bg.enterprise,
    )
    services.ratings_save(
        organization=bg.cell,
        year=2024,
        levels={member: ("good", "Nhận xét riêng")},
        by=SYSTEM,
    )
    services.member_event_add(
        event=MemberEvent(
            member=member,
            kind=EventKind.TRANSFER_OUT,
            occurred_on=D(2025, 7, 1),
            decision_no="45-QĐ/ĐU",
            counterpart="Đảng bộ xã Tân Mỹ",
            note="Chuyển về quê theo nguyện vọng",
        ),
        by=SYSTEM,
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.TRANSFERRED_OUT and member.counted_in_id is None
    return member


@pytest.fixture
def hn_admin(hn):
    return account(hn.committee, Role.ADMIN, "hn-quantri")


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- who may see ----------------------------------------------------------------------------


def test_staff_and_administrators_may_see_personal_details_leaders_may_not(
    staff, leader, bg_admin, outsider, django_user_model
):
    assert privacy.PERMISSION in role_permissions()[Role.STAFF]
    assert privacy.PERMISSION in role_permissions()[Role.ADMIN]
    assert privacy.PERMISSION not in role_permissions()[Role.LEADER]
    assert staff.has_perm(privacy.PERMISSION) and bg_admin.has_perm(privacy.PERMISSION)
    assert not leader.has_perm(privacy.PERMISSION)
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x" * 12)
    assert privacy.may_see(root)
    # Outside a request (a command, the demo loader): shown.
    assert privacy.may_see(None) and privacy.may_see(SYSTEM)


def test_the_mask_keeps_the_last_three_digits_and_the_year():
    assert privacy.mask_number(CITIZEN_ID) == "•••••••••777"
    assert privacy.mask_number(CARD) == "•••••567"
    assert privacy.mask_number("") == ""
    assert privacy.masked("birth_date", D(1990, 5, 17), shown=False) == "1990"
    assert privacy.masked("full_name", "An", shown=False) == "An"


# --- masking on the pages -------------------------------------------------------------------


def test_the_leader_sees_the_details_masked_on_the_members_list_and_page(
    member, staff_client, leader_client
):
    listing = page(leader_client, "/admin/members/member/")
    assert member.full_name in listing and BORN not in listing and "1990" in listing
    content = page(leader_client, f"/admin/members/member/{member.pk}/change/")
    for secret in (CITIZEN_ID, CARD, PHONE, BORN):
        assert secret not in content
    assert "•••••••••777" in content and "•••••567" in content and "•••••••678" in content
    # No access request nor anonymisation offered.
    assert "/access-request/" not in content and "/anonymise/" not in content

    content = page(staff_client, f"/admin/members/member/{member.pk}/change/")
    # Staff see and edit the real values.
    for secret in (CITIZEN_ID, CARD, PHONE):
        assert f'value="{secret}"' in content
    assert "access-request" in content


def test_the_leader_sees_a_candidates_details_masked(records, staff_client, leader_client):
    candidate = records.candidate
    Candidate.objects.filter(pk=candidate.pk).update(citizen_id="024300000555", phone=PHONE)
    content = page(leader_client, f"/admin/members/candidate/{candidate.pk}/change/")
    assert "024300000555" not in content and PHONE not in content and "02/01/2000" not in content
    assert "•••••••••555" in content
    assert "02/01/2000" not in page(leader_client, "/admin/members/candidate/")
    assert 'value="024300000555"' in page(
        staff_client, f"/admin/members/candidate/{candidate.pk}/change/"
    )


def test_the_leader_cannot_search_by_a_hidden_number(member, staff_client, leader_client):
    for term in (CITIZEN_ID, CARD, PHONE):
        url = f"/admin/members/member/?presence=all&q={term}"
        assert member.full_name in page(staff_client, url)
        assert member.full_name not in page(leader_client, url)
    # By name, as before.
    assert member.full_name in page(leader_client, "/admin/members/member/?q=Hùng")


def test_labels_and_autocompletes_give_the_leader_the_year_of_birth_only(
    member, records, staff_client, leader_client
):
    url = (
        "/admin/autocomplete/?app_label=members&model_name=memberevent&field_name=member"
        f"&term={member.full_name}"
    )
    for client, shown in ((leader_client, "Trần Văn Hùng (1990)"), (staff_client, BORN)):
        response = client.get(url)
        assert response.status_code == 200
        texts = [r["text"] for r in json.loads(response.content)["results"]]
        assert any(shown in text for text in texts), texts
    assert BORN not in json.loads(leader_client.get(url).content).__repr__()
    events = page(leader_client, "/admin/members/memberevent/")
    assert "Trần Văn Hùng (1990)" in events and BORN not in events


# --- masking in the exports -----------------------------------------------------------------


def test_the_leaders_register_export_is_masked_and_the_staffs_is_whole_and_logged(
    member, staff, staff_client, leader_client
):
    body = leader_client.get("/admin/members/member/xuat/csv/").content.decode("utf-8-sig")
    assert member.full_name in body
    assert CITIZEN_ID not in body and CARD not in body and BORN not in body
    assert "•••••••••777" in body
    assert not PersonalDataLog.objects.exists()  # nothing shown, nothing logged

    body = staff_client.get("/admin/members/member/xuat/csv/").content.decode("utf-8-sig")
    assert CITIZEN_ID in body and CARD in body and BORN in body
    entry = PersonalDataLog.objects.get()
    exported = set(Member.objects.filter(organization=member.organization).values_list("pk"))
    assert entry.action == Disclosure.EXPORTED and entry.user == staff
    assert {(pk,) for pk in entry.records} == exported and entry.count == len(exported)
    assert entry.organization == member.organization  # the cell: every member is in it


def test_the_leaders_xlsx_and_import_export_exports_are_masked(member, leader_client):
    content = leader_client.get("/admin/members/member/xuat/xlsx/").content
    cells = [c for row in load_workbook(io.BytesIO(content)).active.values for c in row]
    assert CITIZEN_ID not in cells and "•••••••••777" in cells and "1990" in cells

    from tests.members.test_access import export_csv

    body = export_csv(leader_client).content.decode("utf-8-sig")
    assert member.full_name in body and CITIZEN_ID not in body and "•••••••••777" in body
    assert PHONE not in body and "1990-05-17" not in body


def test_the_import_export_export_by_staff_is_whole_and_logged_once(member, staff_client):
    from tests.members.test_access import export_csv

    body = export_csv(staff_client).content.decode("utf-8-sig")
    assert CITIZEN_ID in body and PHONE in body
    entry = PersonalDataLog.objects.get()
    assert entry.action == Disclosure.EXPORTED and member.pk in entry.records


def test_the_ratings_export_is_masked_for_the_leader(member, staff_client, leader_client):
    url = "/admin/members/memberrating/xuat/csv/"
    body = leader_client.get(url).content.decode("utf-8-sig")
    assert member.full_name in body and CITIZEN_ID not in body and "•••••••••777" in body
    assert CITIZEN_ID in staff_client.get(url).content.decode("utf-8-sig")
    assert PersonalDataLog.objects.get().records.count(member.pk) == 1


def test_an_export_writes_one_log_entry_whatever_its_rows(
    bg, member, staff_client, django_assert_num_queries
):
    def queries_of_export():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            staff_client.get("/admin/members/member/xuat/csv/")
        return [q["sql"] for q in captured.captured_queries]

    few = queries_of_export()
    for _ in range(5):
        MemberFactory(organization=bg.cell)
    many = queries_of_export()
    assert len(many) == len(few)
    inserts = [q for q in many if "INSERT" in q and "personaldatalog" in q]
    assert len(inserts) == 1


# --- the log of views -----------------------------------------------------------------------


def test_a_page_that_shows_the_details_is_logged_and_one_that_masks_them_is_not(
    member, records, staff, staff_client, leader_client
):
    page(leader_client, f"/admin/members/member/{member.pk}/change/")
    assert not PersonalDataLog.objects.exists()
    page(staff_client, f"/admin/members/member/{member.pk}/change/")
    page(staff_client, f"/admin/members/candidate/{records.candidate.pk}/change/")
    viewed = list(PersonalDataLog.objects.order_by("pk"))
    assert [(e.action, e.subject, e.records, e.user) for e in viewed] == [
        (Disclosure.VIEWED, Subject.MEMBER, [member.pk], staff),
        (Disclosure.VIEWED, Subject.CANDIDATE, [records.candidate.pk], staff),
    ]
    assert viewed[0].organization == member.organization


def test_administrators_read_their_subtrees_log_only(
    bg, member, staff_client, leader_client, bg_admin, hn_admin, province_admin
):
    page(staff_client, f"/admin/members/member/{member.pk}/change/")
    entry = PersonalDataLog.objects.get()
    url = "/admin/members/personaldatalog/"
    for admin_account in (bg_admin, province_admin):
        client = client_for(admin_account)
        assert "bg-canbo" in page(client, url)
        assert page(client, f"{url}{entry.pk}/change/")
        assert "bg-canbo" in page(client, f"{url}?q=bg-canbo")
        assert "bg-canbo" in page(client, f"{url}?q={member.pk}")  # by the record's id
        assert "bg-canbo" not in page(client, f"{url}?q={member.pk}0")
        assert "bg-canbo" in page(client, f"{url}?action=viewed")
        assert "bg-canbo" not in page(client, f"{url}?action=exported")
    # Another committee's administrator: not in the list, 404 on the entry.
    hn_client = client_for(hn_admin)
    assert "bg-canbo" not in page(hn_client, url)
    assert hn_client.get(f"{url}{entry.pk}/change/").status_code == 404
    # Staff and leaders do not read the log; nobody writes it by hand.
    assert staff_client.get(url).status_code == 403
    assert leader_client.get(url).status_code == 403
    admin_client = client_for(bg_admin)
    assert admin_client.get(f"{url}add/").status_code == 403
    assert admin_client.post(f"{url}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PersonalDataLog.objects.count() == 1


def test_the_log_list_reads_in_pinned_queries(
    bg, member, staff_client, bg_admin, django_assert_num_queries
):
    client = client_for(bg_admin)
    page(client, "/admin/members/personaldatalog/")  # warm the session
    for _ in range(2):
        page(staff_client, f"/admin/members/member/{member.pk}/change/")
        staff_client.get("/admin/members/member/xuat/csv/")
        with django_assert_num_queries(9):
            page(client, "/admin/members/personaldatalog/")


# --- the access request ---------------------------------------------------------------------


def test_the_access_request_holds_everything_recorded_in_vietnamese(
    member, records, staff, staff_client
):
    MemberEvent.objects.filter(pk=records.event.pk).update(note='=HYPERLINK("http://x")')
    response = staff_client.get(f"/admin/members/member/{member.pk}/access-request/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="dang-vien-{member.pk}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Thông tin bản ghi",
        "Sự kiện",
        "Phát triển đảng",
        "Lớp học",
        "Xếp loại",
    ]
    record = dict(book["Thông tin bản ghi"].values)
    assert record["Họ và tên"] == member.full_name
    assert record["Số CCCD"] == CITIZEN_ID and record["Số thẻ đảng viên"] == CARD
    assert record["Ngày sinh"] == BORN and record["Điện thoại"] == PHONE
    events = list(book["Sự kiện"].values)
    kinds = [row[events[0].index("Sự kiện")] for row in events[1:]]
    assert kinds[:2] == ["Kết nạp", "Công nhận đảng viên chính thức"]
    # Formula-safe: the note's formula is text.
    assert "Tính đảng số sau sự kiện" in events[0]
    notes = [row[events[0].index("Nội dung")] for row in events[1:]]
    assert '\'=HYPERLINK("http://x")' in notes
    classes = list(book["Lớp học"].values)
    assert any(records.theory.title in row for row in classes[1:])
    ratings = list(book["Xếp loại"].values)
    assert len(ratings) == 2 and ratings[1][ratings[0].index("Năm")] == "2025"
    entry = PersonalDataLog.objects.get(action=Disclosure.ACCESS_REQUEST)
    assert entry.records == [member.pk] and entry.user == staff


def test_the_access_request_names_an_introducer_without_their_details(records, staff_client):
    candidate = Candidate.objects.filter(member__isnull=False).select_related("introducer_1").get()
    url = f"/admin/members/member/{candidate.member_id}/access-request/"
    candidacy = dict(
        load_workbook(io.BytesIO(staff_client.get(url).content))["Phát triển đảng"].values
    )
    assert candidacy["Người giới thiệu thứ nhất"] == candidate.introducer_1.full_name
    assert candidacy["Ngày sinh"] == "02/01/2000"  # the member's own


def test_the_access_request_with_the_three_people(
    member, staff_client, leader_client, outsider_client
):
    url = f"/admin/members/member/{member.pk}/access-request/"
    assert staff_client.get(url).status_code == 200
    assert leader_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert staff_client.get("/admin/members/member/abc/access-request/").status_code == 404
    assert staff_client.get("/admin/members/member/99999999/access-request/").status_code == 404
    assert PersonalDataLog.objects.filter(action=Disclosure.ACCESS_REQUEST).count() == 1


# --- anonymisation --------------------------------------------------------------------------


def test_anonymising_a_member_who_left_replaces_the_personal_record(bg, left, staff):
    candidate = Candidate.objects.create(
        organization=bg.cell,
        full_name=left.full_name,
        birth_date=left.birth_date,
        sex="male",
        citizen_id=left.citizen_id,
        phone=left.phone,
        identified_on=D(2017, 1, 5),
        member=left,
    )
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=str(left.pk),
        object_repr=str(left),
        action_flag=CHANGE,
    )
    events_before = list(
        left.events.order_by("sequence").values_list("kind", "occurred_on", "decision_no")
    )
    name, citizen = left.full_name, left.citizen_id
    assert Member.history.filter(id=left.pk, full_name=name).exists()  # the trail had them

    services.member_anonymise(member=left, by=staff)

    # The change trail keeps who changed what and when, not the values replaced.
    assert Member.history.filter(id=left.pk).exists()
    assert not Member.history.filter(id=left.pk, full_name=name).exists()
    assert not Member.history.filter(id=left.pk, citizen_id=citizen).exists()
    assert not Candidate.history.filter(id=candidate.pk, full_name=name).exists()
    assert not MemberEvent.history.filter(member_id=left.pk).exclude(note="").exists()

    left.refresh_from_db()
    assert left.full_name == f"Đảng viên ẩn danh số {left.pk}"
    assert (left.citizen_id, left.card_number, left.phone, left.hometown) == ("", "", "", "")
    assert left.birth_date == D(1990, 1, 1) and left.sex == "male"
    assert left.enterprise_id == bg.enterprise.pk and left.status == MemberStatus.TRANSFERRED_OUT
    assert left.anonymised_by == staff and left.anonymised_at is not None
    assert (
        list(left.events.order_by("sequence").values_list("kind", "occurred_on", "decision_no"))
        == events_before
    )
    assert not left.events.exclude(note="").exists()
    assert not MemberRating.objects.filter(member=left).exclude(note="").exists()
    candidate.refresh_from_db()
    assert (candidate.full_name, candidate.citizen_id, candidate.phone) == (left.full_name, "", "")
    assert LogEntry.objects.get(object_id=str(left.pk)).object_repr == left.full_name
    assert PersonalDataLog.objects.get(action=Disclosure.ANONYMISED).records == [left.pk]


def test_a_member_still_counted_is_refused_and_nothing_is_written(member, staff, staff_client):
    before = Member.objects.values().get(pk=member.pk)
    with pytest.raises(ValidationError) as refused:
        services.member_anonymise(member=member, by=staff)
    assert "vẫn đang là đảng viên của một tổ chức đảng" in refused.value.messages[0]
    response = staff_client.post(
        f"/admin/members/member/{member.pk}/anonymise/", {"confirm": "yes"}, follow=True
    )
    assert "chỉ được ẩn danh hóa đảng viên đã rời đi" in response.content.decode()
    assert Member.objects.values().get(pk=member.pk) == before
    assert not PersonalDataLog.objects.filter(action=Disclosure.ANONYMISED).exists()


def test_anonymising_twice_is_refused(left, staff):
    services.member_anonymise(member=left, by=staff)
    with pytest.raises(ValidationError, match="đã được ẩn danh hóa"):
        services.member_anonymise(member=left, by=staff)


def test_anonymisation_with_the_three_people(left, staff_client, leader_client, outsider_client):
    url = f"/admin/members/member/{left.pk}/anonymise/"
    content = page(staff_client, f"/admin/members/member/{left.pk}/change/")
    assert url in content  # the button, for a member who left
    confirm = page(staff_client, url)
    assert "sẽ bị thay thế vĩnh viễn" in confirm and left.full_name in confirm
    assert leader_client.get(url).status_code == 403
    assert leader_client.post(url, {"confirm": "yes"}).status_code == 403
    assert outsider_client.post(url, {"confirm": "yes"}).status_code == 404
    assert staff_client.post("/admin/members/member/abc/anonymise/").status_code == 404
    left.refresh_from_db()
    assert left.anonymised_at is None  # nothing written yet
    response = staff_client.post(url, {"confirm": "yes"}, follow=True)
    assert "Đã ẩn danh hóa 1 đảng viên." in response.content.decode()
    left.refresh_from_db()
    assert left.anonymised_at is not None


def test_the_action_anonymises_every_selected_member_or_none(left, member, staff_client):
    url = "/admin/members/member/?presence=all"
    both = {"action": "anonymise_members", "_selected_action": [left.pk, member.pk]}
    response = staff_client.post(url, {**both, "confirm": "yes"}, follow=True)
    assert "chỉ được ẩn danh hóa đảng viên đã rời đi" in response.content.decode()
    assert not Member.objects.filter(anonymised_at__isnull=False).exists()

    one = {"action": "anonymise_members", "_selected_action": [left.pk]}
    confirm = staff_client.post(url, one)
    assert "sẽ bị thay thế vĩnh viễn" in confirm.content.decode()
    assert not Member.objects.filter(anonymised_at__isnull=False).exists()
    staff_client.post(url, {**one, "confirm": "yes"})
    assert list(Member.objects.filter(anonymised_at__isnull=False)) == [left]


def test_the_leader_is_not_offered_the_action(left, leader_client):
    content = page(leader_client, "/admin/members/member/?presence=all")
    assert "anonymise_members" not in content


def test_the_action_posted_by_a_leader_an_outsider_or_with_forged_ids_writes_nothing(
    left, leader_client, outsider_client, staff_client
):
    url = "/admin/members/member/?presence=all"
    posted = {"action": "anonymise_members", "_selected_action": [left.pk], "confirm": "yes"}
    for client in (leader_client, outsider_client):
        response = client.post(url, posted)
        assert response.status_code in (200, 302, 403)
    for forged in (["abc"], ["99999999"], [str(left.pk) + "\x00"]):
        response = staff_client.post(url, {**posted, "_selected_action": forged})
        assert response.status_code in (200, 302)
    left.refresh_from_db()
    assert left.anonymised_at is None
    assert not PersonalDataLog.objects.filter(action=Disclosure.ANONYMISED).exists()


def test_the_action_on_ids_of_no_visible_record_says_so(left, outsider_client, staff_client):
    response = outsider_client.post(
        "/admin/members/member/?presence=all",
        {"action": "anonymise_members", "_selected_action": [left.pk], "confirm": "yes"},
        follow=True,
    )
    assert "Mục tiêu phải được chọn" in response.content.decode()
    response = staff_client.post(
        "/admin/members/member/?presence=all",
        {"action": "anonymise_members", "_selected_action": ["abc"]},
        follow=True,
    )
    assert "Lựa chọn có những bản ghi không tồn tại" in response.content.decode()
    left.refresh_from_db()
    assert left.anonymised_at is None


def test_an_anonymised_record_is_not_entered_again(left, staff, staff_client):
    services.member_anonymise(member=left, by=staff)
    url = f"/admin/members/member/{left.pk}/change/"
    content = page(staff_client, url)
    assert 'name="full_name"' not in content and 'name="citizen_id"' not in content
    staff_client.post(url, {"full_name": "Hoàng Văn Rời", "citizen_id": "024090000888"})
    left.refresh_from_db()
    assert left.full_name == f"Đảng viên ẩn danh số {left.pk}" and left.citizen_id == ""


def test_the_invalid_rows_of_an_import_are_refused_to_an_importer_who_may_not_see_details(
    bg, leader
):
    """No role imports without the permission; an account given the import's permissions
    alone (Django's own, by a superuser) previews, but is not handed the file's citizen IDs."""
    from django.contrib.auth.models import Permission
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.members.imports.helpers import register, row

    leader.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="members", codename__in=["add_member", "change_member"]
        )
    )
    client = client_for(leader)
    bad = row(**{"Ngày chính thức": "01/06/2018"})
    preview = client.post(
        reverse("admin:members_member_list_import"),
        {"import_file": SimpleUploadedFile("dang-vien.csv", register(bad))},
    )
    assert preview.status_code == 200 and preview.context["outcome"].invalid == 1
    errors = reverse("admin:members_member_list_import_errors", args=[preview.context["token"]])
    assert client.get(errors).status_code == 403
