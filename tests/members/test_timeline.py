"""Events are the only source of status: each one is checked where it stands in the member's
timeline, and status, organisation and "counted in" follow from them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import EventKind, Member, MemberEvent, MemberStatus
from members.selectors import attending_on, counted_on
from organizations.access import SYSTEM
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date
E = EventKind


def add(member, kind, on, **fields):
    return services.member_event_add(
        event=MemberEvent(member=member, kind=kind, occurred_on=on, **fields), by=SYSTEM
    )


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_admission_makes_a_probationary_member_counted_in_the_cell(bg):
    member = MemberFactory(organization=bg.cell, probationary=True, admitted_on=D(2025, 3, 1))
    assert member.status == MemberStatus.PROBATIONARY
    assert member.organization == bg.cell and member.counted_in == bg.cell
    assert member.admitted_on == D(2025, 3, 1) and member.ceremony_on == D(2025, 3, 15)
    event = member.events.get()
    assert (event.status_after, event.counted_before, event.counted_after) == (
        MemberStatus.PROBATIONARY,
        None,
        bg.cell,
    )


def test_recognition_comes_twelve_months_after_the_ceremony(bg):
    member = MemberFactory(organization=bg.cell, probationary=True, admitted_on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        add(member, E.RECOGNITION, D(2025, 3, 14))
    assert "Thời gian dự bị kết thúc ngày 15/03/2025" in messages(error.value)
    assert member.events.count() == 1
    add(member, E.RECOGNITION, D(2025, 3, 15))
    member.refresh_from_db()
    assert member.status == MemberStatus.OFFICIAL and member.recognized_on == D(2025, 3, 15)


def test_a_move_between_cells_changes_the_counting_cell(bg, cell2, official):
    add(official, E.TRANSFER_IN, D(2024, 6, 1), organization=cell2)
    official.refresh_from_db()
    assert official.organization == cell2 and official.counted_in == cell2
    moved = official.events.get(kind=E.TRANSFER_IN)
    assert (moved.counted_before, moved.counted_after) == (bg.cell, cell2)


def test_transfer_out_then_no_more_events_here(bg, official):
    with pytest.raises(ValidationError) as error:
        add(official, E.TRANSFER_OUT, D(2024, 6, 1))
    assert "nơi đảng viên chuyển đến" in messages(error.value).lower()
    add(official, E.TRANSFER_OUT, D(2024, 6, 1), counterpart="Đảng bộ Khối Doanh nghiệp tỉnh")
    official.refresh_from_db()
    assert official.status == MemberStatus.TRANSFERRED_OUT
    assert official.counted_in is None and official.organization == bg.cell  # the last cell


def test_nothing_happens_after_a_death(bg, official):
    add(official, E.DEATH, D(2024, 6, 1))
    with pytest.raises(ValidationError) as error:
        add(official, E.AWARD, D(2024, 9, 2), note="Bằng khen")
    assert "từ trần" in messages(error.value)
    official.refresh_from_db()
    assert official.status == MemberStatus.DECEASED and official.counted_in is None


def test_an_event_entered_out_of_order_must_fit_the_later_ones(bg, official):
    add(official, E.AWARD, D(2023, 9, 2), note="Giấy khen")
    with pytest.raises(ValidationError) as error:
        add(official, E.DEATH, D(2022, 1, 10))
    assert "02/09/2023" in messages(error.value)
    assert not official.events.filter(kind=E.DEATH).exists()


def test_temporary_transfer_keeps_the_member_counted_at_home(bg, official):
    add(official, E.TEMPORARY_OUT, D(2024, 2, 1), counterpart="Chi bộ Công ty X, Bắc Ninh")
    official.refresh_from_db()
    assert official.counted_in == bg.cell and official.away_at == "Chi bộ Công ty X, Bắc Ninh"
    add(official, E.TEMPORARY_IN, D(2024, 8, 1))
    official.refresh_from_db()
    assert official.away_at == "" and official.counted_in == bg.cell


def test_a_visiting_member_is_not_counted_by_the_host(bg):
    member = Member(full_name="Lê Văn Khách", birth_date=D(1988, 1, 2), sex="male")
    services.member_transfer_in(
        member=member,
        organization=bg.cell,
        occurred_on=D(2025, 4, 1),
        counterpart="Chi bộ Công ty Y, Đảng bộ Khối Doanh nghiệp Bắc Ninh",
        temporary=True,
        standing=MemberStatus.OFFICIAL,
        admitted_on=D(2012, 5, 1),
        recognized_on=D(2013, 5, 20),
        by=SYSTEM,
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.OFFICIAL
    assert member.organization == bg.cell and member.counted_in is None
    with pytest.raises(ValidationError) as error:
        add(member, E.DEATH, D(2025, 6, 1))
    assert "tổ chức đảng khác" in messages(error.value)


def test_removed_member_can_be_restored_and_regains_standing(bg, official):
    add(official, E.REMOVAL, D(2023, 1, 5), decision_no="5-QĐ/ĐU")
    official.refresh_from_db()
    assert official.status == MemberStatus.REMOVED and official.counted_in is None
    add(official, E.RESTORATION, D(2023, 8, 1), decision_no="41-QĐ/ĐU")
    official.refresh_from_db()
    assert official.status == MemberStatus.OFFICIAL and official.counted_in == bg.cell


def test_badge_needs_the_years_of_membership(bg, official):
    with pytest.raises(ValidationError) as error:
        add(official, E.BADGE, D(2025, 2, 3), badge_years=30)
    assert "huy hiệu 30 năm" in messages(error.value)


def test_deleting_an_event_replays_the_rest(bg, official):
    recognition = official.events.get(kind=E.RECOGNITION)
    services.member_event_delete(event=recognition, by=SYSTEM)
    official.refresh_from_db()
    assert official.status == MemberStatus.PROBATIONARY
    with pytest.raises(ValidationError):
        services.member_event_delete(event=official.events.get(), by=SYSTEM)


def test_state_on_any_past_date(bg, cell2, official):
    add(official, E.TRANSFER_IN, D(2024, 6, 1), organization=cell2)
    add(official, E.TRANSFER_OUT, D(2025, 6, 1), counterpart="Đảng bộ tỉnh Lạng Sơn")
    days = {
        D(2018, 2, 28): None,
        D(2018, 3, 1): MemberStatus.PROBATIONARY,
        D(2020, 1, 1): MemberStatus.OFFICIAL,
        D(2025, 6, 1): MemberStatus.TRANSFERRED_OUT,
    }
    for day, status in days.items():
        assert Member.objects.filter(pk=official.pk).statuses_on(day)[official.pk] == status
    assert list(counted_on(bg.committee, D(2024, 5, 31))) == [official]
    assert list(counted_on(bg.cell, D(2024, 6, 1))) == []
    assert list(counted_on(cell2, D(2024, 6, 1))) == [official]
    assert list(counted_on(bg.committee, D(2025, 6, 1))) == []
    assert list(attending_on(cell2, D(2024, 12, 31))) == [official]
