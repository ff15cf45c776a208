"""The member register import (issue 12, point 3): rows to members and the events their dates
stand for, the timeline's rules as row errors, merging, duplicates, corrections, provenance."""

import datetime

import pytest

from members.models import EventKind, Member, MemberEvent
from members.models.intervals import CountedInterval
from organizations.models import ListImport
from tests.factories import MemberFactory, citizen_id
from tests.members.imports.helpers import HEADERS, errors, register, row, run

pytestmark = pytest.mark.django_db


def kinds(member):
    return [(e.kind, e.occurred_on) for e in member.events.order_by("sequence")]


def test_a_row_becomes_a_member_with_its_events_and_a_second_run_changes_nothing(bg):
    outcome = run(register(row()), bg.committee)
    assert errors(outcome) == []
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=0"
    member = Member.objects.get()
    assert (member.status, member.organization, member.counted_in) == ("official", bg.cell, bg.cell)
    assert kinds(member) == [
        (EventKind.ADMISSION, datetime.date(2018, 5, 10)),
        (EventKind.RECOGNITION, datetime.date(2019, 5, 10)),
    ]
    assert member.citizen_id == "024085000101"
    assert CountedInterval.objects.filter(member=member, counted_until=None).count() == 1
    record = ListImport.objects.get()
    assert (record.kind, record.created, member.created_by_import) == ("members", 1, record)
    again = run(register(row()), bg.committee)
    assert again.summary == "created=0 updated=0 unchanged=1 invalid=0"


def test_the_whole_register_row(bg, cell2):
    rows = [
        row(**{"Họ và tên": "Phạm Thị Lan", "Giới tính": "Nữ", "Ngày sinh": "01/02/1980",
               "Số CCCD": "024180000202", "Số thẻ đảng viên": "01234567",
               "Ngày vào Đảng": "03/02/2005", "Nơi kết nạp": "Đảng bộ xã Tân Dĩnh",
               "Ngày chính thức": "03/02/2006", "Ngày chuyển đến": "01/06/2019",
               "Chuyển từ": "Đảng bộ xã Tân Dĩnh", "MST nơi làm việc": bg.enterprise.tax_code,
               "Vị trí công việc": "Quản lý", "Đoàn viên": "Không", "Công đoàn viên": "x"}),
        row(**{"Họ và tên": "Ngô Văn Hải", "Số CCCD": "024085000303",
               "Ngày ra khỏi": "01/03/2024", "Lý do": "Chuyển đi",
               "Chuyển đến đâu": "Đảng bộ Khối Doanh nghiệp tỉnh Bắc Ninh"}),
        row(**{"Họ và tên": "Đỗ Văn Bình", "Số CCCD": "024085000404", "Ngày ra khỏi": "01/03/2024",
               "Lý do": "Từ trần"}),
        row(**{"Họ và tên": "Vũ Văn Dũng", "Số CCCD": "024085000505", "Chi bộ": cell2.code,
               "Ngày chuyển đến": "01/06/2020", "Chuyển từ": bg.cell.code}),
    ]  # fmt: skip
    outcome = run(register(*rows), bg.committee)
    assert errors(outcome) == []
    lan = Member.objects.get(citizen_id="024180000202")
    assert (lan.sex, lan.card_number, lan.enterprise, lan.position) == (
        "female",
        "01234567",
        bg.enterprise,
        "manager",
    )
    assert (lan.youth_union_member, lan.trade_union_member) == (False, True)
    assert [e.kind for e in lan.events.order_by("sequence")] == [
        "admission",
        "recognition",
        "transfer_in",
    ]
    admission = lan.events.get(kind="admission")
    assert (admission.organization, admission.counterpart) == (None, "Đảng bộ xã Tân Dĩnh")
    assert Member.objects.get(citizen_id="024085000303").status == "transferred_out"
    assert Member.objects.get(citizen_id="024085000404").status == "deceased"
    moved = Member.objects.get(citizen_id="024085000505")
    assert (moved.organization, moved.events.get(kind="admission").organization) == (cell2, bg.cell)


@pytest.mark.parametrize(
    "changes, column, message",
    [
        ({"Ngày chính thức": "01/12/2018"}, "Ngày chính thức", "12 tháng"),
        ({"Ngày sinh": "12/03/2002", "Số CCCD": "024202000101"}, "Ngày vào Đảng", "18"),
        ({"Số CCCD": "024090000101"}, "Số CCCD", "085"),
        ({"Giới tính": "Nữ"}, "Số CCCD", "185"),
        ({"Số CCCD": "999085000101"}, "Số CCCD", "mã tỉnh"),
        ({"Ngày vào Đảng": "10/05/2017"}, "Ngày vào Đảng", "không hoạt động"),
        ({"Ngày ra khỏi": "01/01/2024"}, "Lý do", "lý do"),
        ({"Ngày ra khỏi": "01/01/2024", "Lý do": "Chuyển đi"}, "Chuyển đến đâu", ""),
        ({"Ngày ra khỏi": "01/01/2017", "Lý do": "Từ trần"}, "Ngày ra khỏi", "kết nạp"),
        ({"Giới tính": "không rõ"}, "Giới tính", "Nam"),
        ({"Ngày vào Đảng": "31/02/2018"}, "Ngày vào Đảng", "dd/mm/yyyy"),
        ({"Chi bộ": "CB-KHONG-CO"}, "Chi bộ", "CB-KHONG-CO"),
        ({"Ngày vào Đảng": ""}, "Ngày vào Đảng", ""),
    ],
)
def test_a_row_breaking_a_rule_is_a_row_error_naming_it(bg, changes, column, message):
    outcome = run(register(row(**changes)), bg.committee)
    assert outcome.invalid == 1 and not outcome.written
    found = errors(outcome)
    assert any(e.startswith(f"{column}:") and message.lower() in e.lower() for e in found), found
    assert not Member.objects.exists() and not ListImport.objects.exists()


def test_one_invalid_row_writes_nothing_unless_invalid_rows_are_skipped(bg):
    data = register(row(), row(**{"Họ và tên": "B", "Số CCCD": "024085000999",
                                  "Ngày chính thức": "01/06/2018"}))  # fmt: skip
    assert run(data, bg.committee).summary == "created=1 updated=0 unchanged=0 invalid=1"
    assert not Member.objects.exists()
    skipped = run(data, bg.committee, skip_invalid=True)
    assert skipped.written and Member.objects.count() == 1


def test_the_same_person_twice_in_the_file(bg):
    same = row(**{"Họ và tên": "Lê Văn Tám (2)"})
    card = row(**{"Số CCCD": "024085000777", "Số thẻ đảng viên": "11112222"})
    card_again = row(**{"Số CCCD": "024085000778", "Số thẻ đảng viên": "11112222"})
    outcome = run(register(row(), same, card, card_again), bg.committee)
    assert [line.line for line in outcome.invalid_lines] == [3, 5]
    assert "dòng 2" in errors(outcome)[0] and "dòng 4" in errors(outcome)[1]


def test_merged_by_citizen_id_then_card_number_and_a_changed_date_corrects_its_event(bg):
    member = MemberFactory(organization=bg.cell, full_name="Trần Văn Mạnh", card_number="22223333")
    admission = member.events.get(kind="admission")
    by_card = row(**{"Họ và tên": "Trần Văn Mạnh", "Ngày sinh": "17/05/1990", "Số CCCD": "",
                     "Số thẻ đảng viên": "22223333", "Ngày vào Đảng": "05/03/2018",
                     "Ngày chính thức": "15/03/2019"})  # fmt: skip
    outcome = run(register(by_card), bg.committee)
    assert outcome.summary == "created=0 updated=1 unchanged=0 invalid=0", errors(outcome)
    corrected = MemberEvent.objects.get(pk=admission.pk)
    assert corrected.occurred_on == datetime.date(2018, 3, 5)
    assert member.events.count() == 2  # corrected, not added
    changes = outcome.changed_lines[0].changes
    assert ("Ngày vào Đảng", "01/03/2018", "05/03/2018") in changes
    member.refresh_from_db()
    assert member.admitted_on == datetime.date(2018, 3, 5)
    assert member.last_changed_by_import == ListImport.objects.get()


def test_a_row_without_numbers_is_possibly_the_same_person_not_a_guess(bg):
    member = MemberFactory(organization=bg.cell, full_name="Hoàng Thị Mai", citizen_id="")
    plain = row(**{"Họ và tên": "Hoàng Thị Mai", "Ngày sinh": "17/05/1990", "Số CCCD": "",
                   "Ngày vào Đảng": "01/03/2018", "Ngày chính thức": "15/03/2019"})  # fmt: skip
    assert run(register(plain), bg.committee).summary == (
        "created=0 updated=0 unchanged=1 invalid=0"
    )
    changed = dict(plain, **{"Ngày chính thức": "20/03/2019"})
    outcome = run(register(changed), bg.committee)
    assert outcome.invalid == 1
    assert outcome.possibly_same == [(2, str(member), bg.cell.name)]
    assert "Có thể là cùng một người" in errors(outcome)[0]
    assert member.events.count() == 2


def test_a_number_another_committee_counts_is_an_error_naming_nobody(bg, hn):
    MemberFactory(
        organization=hn.cell,
        full_name="Người Hà Nội",
        citizen_id="024085000101",
        birth_date=datetime.date(1985, 3, 12),
    )
    outcome = run(register(row()), bg.committee)
    assert outcome.invalid == 1
    assert "Người Hà Nội" not in errors(outcome)[0]
    assert "024085000101" in errors(outcome)[0]


def test_headers_spelled_loosely_and_numbers_excel_shortened(bg):
    headers = ["STT", "Ho ten", "Ngay sinh", "GT", "CCCD", "So the", "Ma chi bo", "Ngay ket nap",
               "Ngay cong nhan chinh thuc"]  # fmt: skip
    values = {"STT": "1", "Ho ten": "Lê Văn Tám", "Ngay sinh": "12/03/1985", "GT": "nam",
              "CCCD": "24085000101", "So the": "1234567", "Ma chi bo": bg.cell.name,
              "Ngay ket nap": "2018-05-10", "Ngay cong nhan chinh thuc": "10.05.2019"}  # fmt: skip
    outcome = run(register(values, headers=headers), bg.committee)
    assert errors(outcome) == []
    member = Member.objects.get()
    assert (member.citizen_id, member.card_number) == ("024085000101", "01234567")


@pytest.mark.parametrize(
    "key, spellings",
    [
        ("Họ và tên", ["Họ tên", "HO VA TEN", "Tên đảng viên", "Full name"]),
        ("Ngày sinh", ["Ngày tháng năm sinh", "NS", "Date of birth"]),
        ("Giới tính", ["GT", "Nam/Nữ", "Sex"]),
        ("Dân tộc", ["DT", "Ethnicity"]),
        ("Số CCCD", ["CCCD", "Căn cước công dân", "Số định danh cá nhân", "Citizen ID"]),
        ("Số thẻ đảng viên", ["Số thẻ", "Số thẻ Đảng", "Party card number"]),
        ("Chi bộ", ["Mã chi bộ", "Tên chi bộ", "Nơi sinh hoạt", "Cell"]),
        ("Ngày vào Đảng", ["Ngày kết nạp", "Ngày vào Đảng dự bị", "Admission date"]),
        ("Nơi kết nạp", ["Nơi vào Đảng", "Kết nạp tại", "Admitted at"]),
        ("Ngày chính thức", ["Ngày công nhận chính thức", "Ngày đảng viên chính thức"]),
        ("Ngày chuyển đến", ["Ngày chuyển sinh hoạt đến", "Transfer-in date"]),
        ("Chuyển từ", ["Chuyển đến từ", "Transferred from"]),
        (
            "Ngày chuyển chi bộ",
            ["Ngày chuyển sinh hoạt chi bộ", "Date of the move between cells", "Moved on"],
        ),
        ("Từ chi bộ", ["Chuyển từ chi bộ", "Chi bộ trước", "Chi bộ cũ", "Moved from cell"]),
        ("MST nơi làm việc", ["MST doanh nghiệp", "Mã số thuế nơi làm việc", "Employer"]),
        ("Vị trí công việc", ["Chức vụ", "Nghề nghiệp", "Position"]),
        ("Đoàn viên", ["Đoàn thanh niên", "Youth Union member"]),
        ("Công đoàn viên", ["Công đoàn", "Trade union member"]),
        ("Ngày ra khỏi", ["Ngày giảm", "Date of leaving"]),
        ("Lý do", ["Lý do giảm", "Hình thức giảm", "Reason for leaving"]),
        ("Chuyển đến đâu", ["Nơi đến", "Transferred to"]),
        ("Sinh hoạt tạm thời", ["Đảng viên sinh hoạt tạm thời", "SHTT", "Attending for a while"]),
        (
            "Ngày phục hồi đảng tịch",
            ["Ngày phục hồi", "Phục hồi đảng tịch", "Membership restored on"],
        ),
    ],
)
def test_every_column_under_its_spellings(bg, key, spellings):
    from members.imports.register import MEMBERS
    from organizations.imports.headers import match

    expected = match(key, MEMBERS)
    assert expected
    for spelling in spellings:
        assert match(spelling, MEMBERS) == expected, spelling


@pytest.mark.parametrize(
    "column, spellings, attribute, value",
    [
        ("Giới tính", ["Nữ", "nu", "F", "Nữ giới", "Female"], "sex", "female"),
        ("Vị trí công việc", ["Chủ doanh nghiệp", "chu dn", "Enterprise owner"], "position",
         "owner"),
        ("Đoàn viên", ["Có", "x", "1", "co"], "youth_union_member", True),
        ("Công đoàn viên", ["Không", "0", "khong"], "trade_union_member", False),
    ],
)  # fmt: skip
def test_every_value_under_its_spellings(bg, column, spellings, attribute, value):
    for number, spelling in enumerate(spellings, start=1):
        female = attribute == "sex"
        values = row(**{column: spelling, "Số CCCD": citizen_id(number, 1985, female)})
        outcome = run(register(values), bg.committee, dry_run=True)
        assert errors(outcome) == [], spelling
    values = row(**{column: spellings[0], "Số CCCD": citizen_id(1, 1985, attribute == "sex")})
    run(register(values), bg.committee)
    assert getattr(Member.objects.get(), attribute) == value


def test_leaving_reasons_under_their_spellings(bg):
    spellings = {
        "Chuyển sinh hoạt đi": "transferred_out",
        "Từ trần": "deceased",
        "Xóa tên": "removed",
        "Khai trừ": "expelled",
        "Xin ra khỏi Đảng": "resigned",
    }
    rows = [
        row(**{"Họ và tên": f"Người {n}", "Số CCCD": citizen_id(n, 1985),
               "Ngày ra khỏi": "01/02/2024", "Lý do": reason,
               "Chuyển đến đâu": "Đảng bộ tỉnh Bắc Ninh"})
        for n, reason in enumerate(spellings, start=1)
    ]  # fmt: skip
    outcome = run(register(*rows), bg.committee)
    assert errors(outcome) == []
    assert sorted(Member.objects.values_list("status", flat=True)) == sorted(spellings.values())


def test_headers_of_the_file_as_the_template_writes_them(bg):
    assert len(HEADERS) == 23
