"""Bad input in the members' journeys and events: the staff member sees a clear Vietnamese
message on the field at fault, and nothing is written."""

import datetime

import pytest

from members.models import Member, MemberEvent
from tests.factories import MemberFactory, citizen_id
from tests.forms import admission, transfer

pytestmark = pytest.mark.django_db
D = datetime.date
ADMIT_URL = "/admin/members/member/admit/"
TRANSFER_URL = "/admin/members/member/transfer-in/"
EVENT_URL = "/admin/members/memberevent/add/"
NOT_A_DATE = "không phải là ngày: hãy ghi theo dạng dd/mm/yyyy."


def refused(client, url, data, message):
    before = (Member.objects.count(), MemberEvent.objects.count())
    response = client.post(url, data)
    assert response.status_code == 200, "the form must come back with its errors"
    content = response.content.decode()
    assert message in content, content[content.find("errornote") : content.find("errornote") + 600]
    assert (Member.objects.count(), MemberEvent.objects.count()) == before
    return content


def test_a_good_admission_is_written(bg, staff_client):
    response = staff_client.post(ADMIT_URL, admission(bg))
    member = Member.objects.get(full_name="Hoàng Văn Nam")
    assert response.status_code == 302
    assert response.url == f"/admin/members/member/{member.pk}/change/"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"ceremony_on": "01/10/2026"},
            "Lễ kết nạp phải sau ngày quyết định kết nạp (05/10/2026).",
        ),
        ({"decided_on": "01/01/2099"}, "Ngày không được là ngày trong tương lai."),
        # A date typed wrong is named by its field (issue 14, point 4).
        (
            {"decided_on": "31/02/2026"},
            "Ngày quyết định kết nạp: “31/02/2026” không phải là ngày: "
            "hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            {"decided_on": "abc"},
            "Ngày quyết định kết nạp: “abc” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            {"ceremony_on": "2026-13-01"},
            "Ngày lễ kết nạp: “2026-13-01” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            {"birth_date": "31/02/1996"},
            "Ngày sinh: “31/02/1996” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            {"birth_date": "01/12/2008", "citizen_id": citizen_id(501, 2008)},
            "Ngày 05/10/2026 người này chưa đủ 18 tuổi.",
        ),
        (
            {"citizen_id": citizen_id(501, 1997)},
            "không khớp với ngày sinh và giới tính: chữ số thứ 4 đến thứ 6 phải là 096",
        ),
        ({"citizen_id": "999096000501"}, "không bắt đầu bằng mã tỉnh"),
        ({"card_number": "1234"}, "Số thẻ đảng viên gồm đúng 8 chữ số; 1234 không đúng."),
        ({"organization": "other-committee"}, "Hãy chọn một lựa chọn hợp lệ."),
        ({"organization": ""}, "Trường này là bắt buộc."),
        ({"full_name": ""}, "Trường này là bắt buộc."),
    ],
)
def test_bad_admission_is_refused(fields, message, bg, hn, staff_client):
    fields = {k: hn.cell.pk if v == "other-committee" else v for k, v in fields.items()}
    refused(staff_client, ADMIT_URL, admission(bg, **fields), message)


def test_the_same_person_cannot_be_admitted_twice(bg, official, staff_client):
    content = refused(
        staff_client,
        ADMIT_URL,
        admission(bg, citizen_id=official.citizen_id, birth_date="17/05/1990", sex="female"),
        "Số CCCD này đã có trong hồ sơ của Trần Thị Hương (đảng viên chính thức",
    )
    assert "id_citizen_id" in content


def test_a_person_counted_by_another_committee_is_refused_without_naming_them(bg, hn, staff_client):
    elsewhere = MemberFactory(
        organization=hn.cell, full_name="Lý Văn Bí Mật", birth_date=D(1996, 5, 17)
    )
    content = refused(
        staff_client,
        ADMIT_URL,
        admission(bg, citizen_id=elsewhere.citizen_id),
        f"Số CCCD {elsewhere.citizen_id} đã có trong hồ sơ ở nơi khác: hãy liên hệ cấp ủy cấp "
        "trên để kiểm tra.",
    )
    assert "Bí Mật" not in content and hn.cell.name not in content


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"recognized_on": ""}, "Hãy nhập ngày đảng viên được công nhận chính thức."),
        ({"occurred_on": "31/02/2026"}, f"Ngày chuyển sinh hoạt: “31/02/2026” {NOT_A_DATE}"),
        ({"recognized_on": "abc"}, f"Ngày chính thức: “abc” {NOT_A_DATE}"),
        (
            {"standing": "probationary", "ceremony_on": "", "recognized_on": ""},
            "Hãy nhập ngày lễ kết nạp: thời gian dự bị tính từ ngày này.",
        ),
        ({"admitted_on": ""}, "Hãy nhập ngày quyết định kết nạp."),
        ({"recognized_on": "10/02/2020"}, "Thời gian dự bị kết thúc ngày 20/02/2020"),
        (
            {"occurred_on": "01/01/2019"},
            "Không thể chuyển sinh hoạt đến trước ngày kết nạp (03/02/2019).",
        ),
        ({"counterpart": ""}, "Trường này là bắt buộc."),
        ({"kind": "forever"}, "Hãy chọn một lựa chọn hợp lệ."),
    ],
)
def test_bad_transfer_in_is_refused(fields, message, bg, staff_client):
    refused(staff_client, TRANSFER_URL, transfer(bg, **fields), message)


def test_a_member_already_here_cannot_transfer_in(bg, official, staff_client):
    refused(
        staff_client,
        TRANSFER_URL,
        transfer(bg, citizen_id=official.citizen_id, birth_date="17/05/1990", sex="female"),
        "Số CCCD này đã có trong hồ sơ của Trần Thị Hương",
    )


def event(member, **fields):
    data = {
        "member": member.pk,
        "kind": "award",
        "occurred_on": "02/09/2025",
        "decision_no": "12-QĐ/KT",
        "issued_by": "",
        "organization": "",
        "counterpart": "",
        "note": "Giấy khen",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": ""}, "Hãy ghi hình thức khen thưởng hoặc kỷ luật."),
        ({"kind": "badge", "note": ""}, "Hãy chọn huy hiệu bao nhiêu năm tuổi Đảng."),
        ({"kind": "badge", "badge_years": "30"}, "chưa đủ để nhận huy hiệu 30 năm tuổi Đảng"),
        ({"kind": "recognition"}, "Đảng viên đã là đảng viên chính thức."),
        ({"kind": "admission"}, "Người này đã là đảng viên: không thể ghi nhận kết nạp lúc này."),
        ({"kind": "transfer_out"}, "Hãy ghi tên tổ chức đảng nơi đảng viên chuyển đến."),
        ({"kind": "transfer_in"}, "Hãy chọn chi bộ đảng viên đến sinh hoạt."),
        ({"kind": "restoration"}, "Chỉ phục hồi đảng tịch cho người đã bị xóa tên hoặc khai trừ."),
        ({"occurred_on": "01/01/2099"}, "Ngày không được là ngày trong tương lai."),
        ({"occurred_on": "2025-13-01"}, f"Ngày: “2025-13-01” {NOT_A_DATE}"),  # the event's
        ({"ceremony_on": "03/09/2025"}, "Chỉ việc kết nạp mới có lễ kết nạp."),
        ({"organization": "committee"}, "Hãy chọn một lựa chọn hợp lệ."),
    ],
)
def test_bad_event_is_refused(fields, message, bg, official, staff_client):
    fields = {k: bg.committee.pk if v == "committee" else v for k, v in fields.items()}
    refused(staff_client, EVENT_URL, event(official, **fields), message)


def test_an_event_that_breaks_a_later_one_is_refused(bg, official, staff_client):
    staff_client.post(EVENT_URL, event(official))  # an award of 02/09/2025
    assert official.events.filter(kind="award").exists()
    refused(
        staff_client,
        EVENT_URL,
        event(official, kind="death", occurred_on="01/06/2025", note=""),
        "Sự kiện ngày 02/09/2025 (khen thưởng) sẽ không còn phù hợp",
    )


def test_the_only_event_of_a_record_cannot_be_deleted(bg, staff_client):
    member = MemberFactory(organization=bg.cell, probationary=True)
    admission_event = member.events.get()
    response = staff_client.post(
        f"/admin/members/memberevent/{admission_event.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "hồ sơ đảng viên không thể để trống" in response.content.decode()
    assert member.events.count() == 1


def test_a_correction_replays_the_timeline(bg, official, staff_client):
    recognition = official.events.get(kind="recognition")
    url = f"/admin/members/memberevent/{recognition.pk}/change/"
    data = event(official, kind="recognition", occurred_on="01/02/2019", note="")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Thời gian dự bị kết thúc ngày 15/03/2019" in response.content.decode()
    recognition.refresh_from_db()
    assert recognition.occurred_on == D(2019, 3, 15)
    data["occurred_on"] = "20/03/2019"
    assert staff_client.post(url, data).status_code == 302
    official.refresh_from_db()
    assert official.recognized_on == D(2019, 3, 20)
