"""What a register row says of a member's history beyond one admission and one arrival (issue 12,
point 3): "Nơi kết nạp" naming a cell of ours is an admission there; "Ngày chuyển chi bộ" and
"Từ chi bộ" a move from that cell into the row's cell, the events the journeys write for a move,
through the timeline; a re-imported row whose cell changed is that move, or a row error saying
what to add. "Sinh hoạt tạm thời" makes the row's transfer in and out a member of another
organisation's stay; "Ngày phục hồi đảng tịch" restores a member removed or expelled."""

import datetime

import pytest

from members.imports import exports
from members.imports.register import MEMBERS
from members.models import EventKind, Member, MemberEvent
from members.models.intervals import CountedInterval
from tests.members.imports.helpers import errors, register, row, run

pytestmark = pytest.mark.django_db


def story(member):
    return [
        (e.kind, e.occurred_on, e.organization_id, e.counterpart)
        for e in member.events.order_by("sequence")
    ]


def exported(member) -> dict:
    [values] = list(exports.register_rows(Member.objects.filter(pk=member.pk)))
    return dict(zip(MEMBERS.list_columns, values, strict=True))


def test_an_admission_in_another_cell_of_ours_then_a_move(bg, cell2):
    data = register(
        row(**{"Chi bộ": cell2.code, "Nơi kết nạp": bg.cell.code,
               "Ngày chuyển chi bộ": "01/06/2020", "Từ chi bộ": bg.cell.code})
    )  # fmt: skip
    outcome = run(data, bg.committee)
    assert errors(outcome) == []
    member = Member.objects.get()
    assert (member.organization, member.counted_in) == (cell2, cell2)
    assert story(member) == [
        (EventKind.ADMISSION, datetime.date(2018, 5, 10), bg.cell.pk, ""),
        (EventKind.RECOGNITION, datetime.date(2019, 5, 10), None, ""),
        (EventKind.TRANSFER_IN, datetime.date(2020, 6, 1), cell2.pk, ""),
    ]
    assert list(
        CountedInterval.objects.filter(member=member)
        .order_by("counted_from")
        .values_list("organization", "counted_from", "counted_until")
    ) == [
        (bg.cell.pk, datetime.date(2018, 5, 10), datetime.date(2020, 6, 1)),
        (cell2.pk, datetime.date(2020, 6, 1), None),
    ]
    values = exported(member)
    assert (values["admitted_in"], values["moved_on"], values["moved_from"]) == (
        bg.cell.code,  # admitted in another cell of ours than the member's
        "01/06/2020",
        bg.cell.code,
    )
    assert run(data, bg.committee).summary == "created=0 updated=0 unchanged=1 invalid=0"


def test_an_arrival_from_outside_then_a_move_between_cells(bg, cell2):
    data = register(
        row(**{"Chi bộ": bg.cell.code, "Ngày vào Đảng": "03/02/2010",
               "Nơi kết nạp": "Đảng bộ xã Tân Dĩnh", "Ngày chính thức": "03/02/2011",
               "Ngày chuyển đến": "01/06/2017", "Chuyển từ": "Đảng bộ xã Tân Dĩnh",
               "Ngày chuyển chi bộ": "01/06/2020", "Từ chi bộ": cell2.code})
    )  # fmt: skip
    assert errors(run(data, bg.committee)) == []
    member = Member.objects.get()
    assert story(member) == [
        (EventKind.ADMISSION, datetime.date(2010, 2, 3), None, "Đảng bộ xã Tân Dĩnh"),
        (EventKind.RECOGNITION, datetime.date(2011, 2, 3), None, "Đảng bộ xã Tân Dĩnh"),
        (EventKind.TRANSFER_IN, datetime.date(2017, 6, 1), cell2.pk, "Đảng bộ xã Tân Dĩnh"),
        (EventKind.TRANSFER_IN, datetime.date(2020, 6, 1), bg.cell.pk, ""),
    ]
    move = member.events.get(occurred_on=datetime.date(2020, 6, 1))
    assert (move.counted_before, move.counted_after) == (cell2, bg.cell)
    values = exported(member)
    assert (values["transfer_in_on"], values["transfer_in_from"]) == (
        "01/06/2017",
        "Đảng bộ xã Tân Dĩnh",
    )
    assert (values["moved_on"], values["moved_from"]) == ("01/06/2020", cell2.code)
    assert run(data, bg.committee).summary == "created=0 updated=0 unchanged=1 invalid=0"


@pytest.mark.parametrize(
    "changes, column, message",
    [
        (
            {"Ngày chuyển chi bộ": "01/01/2018", "Từ chi bộ": "BG-CB02"},
            "Ngày chuyển chi bộ",
            "Ngày chuyển chi bộ không được trước ngày kết nạp (10/05/2018)",
        ),
        (
            {"Ngày chuyển chi bộ": "01/06/2020", "Từ chi bộ": "CB-KHONG-CO"},
            "Từ chi bộ",
            "Không có chi bộ nào của đảng bộ có tên hoặc mã “CB-KHONG-CO”",
        ),
        ({"Từ chi bộ": "BG-CB02"}, "Ngày chuyển chi bộ", "Hãy ghi ngày đảng viên chuyển từ"),
        ({"Ngày chuyển chi bộ": "01/06/2020"}, "Từ chi bộ", "theo mã chi bộ"),
        (
            {"Ngày chuyển chi bộ": "01/06/2020", "Từ chi bộ": "BG-CB01"},
            "Từ chi bộ",
            "vào chính chi bộ đó",
        ),
        (
            {"Nơi kết nạp": "BG-CB02"},
            "Ngày chuyển chi bộ",
            "Đảng viên được kết nạp ở Chi bộ Công ty Cổ phần Dầu khí Thái Dương",
        ),
    ],
)
def test_a_move_that_cannot_be_is_a_row_error_naming_it(bg, cell2, changes, column, message):
    outcome = run(register(row(**changes)), bg.committee)
    assert outcome.invalid == 1 and not outcome.written
    found = errors(outcome)
    assert any(e.startswith(f"{column}:") and message in e for e in found), found
    assert not Member.objects.exists() and not MemberEvent.objects.exists()


def test_a_row_whose_cell_changed_is_the_move_it_carries_or_an_error_saying_what_to_add(bg, cell2):
    assert errors(run(register(row()), bg.committee)) == []
    member = Member.objects.get()
    moved = row(**{"Chi bộ": cell2.code})
    outcome = run(register(moved), bg.committee)
    assert not outcome.written
    [message] = errors(outcome)
    assert message.startswith("Chi bộ: Lê Văn Tám đang được ghi nhận ở ")
    assert message.endswith(
        "để ghi nhận việc chuyển chi bộ, hãy ghi ngày chuyển ở cột “Ngày chuyển chi bộ” và "
        "BG-CB01 ở cột “Từ chi bộ”."
    )
    wrong = run(
        register({**moved, "Ngày chuyển chi bộ": "01/03/2021", "Từ chi bộ": "BG-CB02"}),
        bg.committee,
    )
    assert wrong.invalid == 1 and not wrong.written
    member.refresh_from_db()
    assert member.organization == bg.cell and member.events.count() == 2

    moved.update({"Ngày chuyển chi bộ": "01/03/2021", "Từ chi bộ": bg.cell.code})
    outcome = run(register(moved), bg.committee)
    assert outcome.summary == "created=0 updated=1 unchanged=0 invalid=0", errors(outcome)
    member.refresh_from_db()
    assert (member.organization, member.counted_in) == (cell2, cell2)
    assert story(member)[-1] == (EventKind.TRANSFER_IN, datetime.date(2021, 3, 1), cell2.pk, "")
    assert run(register(moved), bg.committee).summary == "created=0 updated=0 unchanged=1 invalid=0"
    # The move's date corrected: the same event, a new date.
    moved["Ngày chuyển chi bộ"] = "01/04/2021"
    assert run(register(moved), bg.committee).summary == "created=0 updated=1 unchanged=0 invalid=0"
    assert story(member)[-1] == (EventKind.TRANSFER_IN, datetime.date(2021, 4, 1), cell2.pk, "")
    assert member.events.count() == 3


def test_a_member_of_another_organisation_attending_for_a_while(bg):
    data = register(
        row(**{"Ngày vào Đảng": "03/02/2010", "Nơi kết nạp": "Đảng bộ xã Tân Dĩnh",
               "Ngày chính thức": "03/02/2011", "Ngày chuyển đến": "01/06/2020",
               "Chuyển từ": "Đảng bộ xã Tân Dĩnh", "Sinh hoạt tạm thời": "Có",
               "Ngày ra khỏi": "01/03/2021", "Lý do": "Chuyển đi"})
    )  # fmt: skip
    assert errors(run(data, bg.committee)) == []
    member = Member.objects.get()
    assert [(kind, day, place, counterpart) for kind, day, place, counterpart in story(member)][
        2:
    ] == [
        (EventKind.TEMPORARY_IN, datetime.date(2020, 6, 1), bg.cell.pk, "Đảng bộ xã Tân Dĩnh"),
        (EventKind.TEMPORARY_OUT, datetime.date(2021, 3, 1), None, ""),
    ]
    assert member.counted_in is None  # their own organisation counts them
    assert not CountedInterval.objects.filter(member=member).exists()
    values = exported(member)
    assert (values["temporary"], values["left_on"], values["left_reason"]) == (
        "Có",
        "01/03/2021",
        "Đã chuyển sinh hoạt đi",
    )
    assert run(data, bg.committee).summary == "created=0 updated=0 unchanged=1 invalid=0"


def test_attending_for_a_while_needs_the_organisation_that_counts_the_member(bg):
    outcome = run(register(row(**{"Sinh hoạt tạm thời": "Có"})), bg.committee)
    assert outcome.invalid == 1 and not Member.objects.exists()
    [message] = errors(outcome)
    assert message.startswith("Ngày chuyển đến: Đảng viên sinh hoạt tạm thời đến từ tổ chức")
    assert "cột “Chuyển từ”" in message


def test_a_member_expelled_then_restored(bg):
    data = register(
        row(**{"Ngày ra khỏi": "01/02/2022", "Lý do": "Khai trừ",
               "Ngày phục hồi đảng tịch": "01/08/2022"})
    )  # fmt: skip
    assert errors(run(data, bg.committee)) == []
    member = Member.objects.get()
    assert [(kind, day) for kind, day, _place, _c in story(member)][2:] == [
        (EventKind.EXPULSION, datetime.date(2022, 2, 1)),
        (EventKind.RESTORATION, datetime.date(2022, 8, 1)),
    ]
    assert (member.status, member.counted_in) == ("official", bg.cell)
    assert list(
        CountedInterval.objects.filter(member=member)
        .order_by("counted_from")
        .values_list("counted_from", "counted_until")
    ) == [
        (datetime.date(2018, 5, 10), datetime.date(2022, 2, 1)),
        (datetime.date(2022, 8, 1), None),
    ]
    values = exported(member)
    assert (values["left_on"], values["restored_on"]) == ("01/02/2022", "01/08/2022")
    assert run(data, bg.committee).summary == "created=0 updated=0 unchanged=1 invalid=0"


def test_a_restoration_after_a_death_is_a_row_error(bg):
    data = register(
        row(**{"Ngày ra khỏi": "01/02/2022", "Lý do": "Từ trần",
               "Ngày phục hồi đảng tịch": "01/08/2022"})
    )  # fmt: skip
    outcome = run(data, bg.committee)
    assert outcome.invalid == 1 and not Member.objects.exists()
    assert errors(outcome) == ["Ngày phục hồi đảng tịch: Đảng viên đã từ trần trước ngày này."]
