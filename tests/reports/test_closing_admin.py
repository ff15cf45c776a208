"""Khóa sổ in the admin: the committee's staff close, its leaders look, an outsider gets 404,
the body above reopens; the list runs in pinned queries."""

import pytest
from django.contrib.contenttypes.models import ContentType

from members import services as member_services
from members.models import EventKind, MemberEvent
from organizations.access import Role
from reports.models import ClosedPeriod
from reports.periods import Period
from reports.services import period_close
from tests.conftest import account, client_for
from tests.reports.builders import D

pytestmark = pytest.mark.django_db

LIST = "/admin/reports/closedperiod/"
ADD = "/admin/reports/closedperiod/add/"


def change_url(closed):
    return f"/admin/reports/closedperiod/{closed.pk}/change/"


def reopen_url(closed):
    return f"/admin/reports/closedperiod/{closed.pk}/reopen/"


@pytest.fixture
def province_staff(bg):
    return account(bg.province, Role.STAFF, "tinh-bg-canbo")


def test_staff_close_the_next_year_through_the_form(year_2025, staff_client, staff):
    tree = year_2025.tree
    response = staff_client.get(ADD)
    assert response.status_code == 200
    committees = list(response.context["adminform"].form.fields["committee"].queryset)
    assert committees == [tree.committee]

    response = staff_client.post(
        ADD, {"committee": tree.committee.pk, "kind": "year", "year": "2025", "number": ""}
    )
    assert response.status_code == 302
    closed = ClosedPeriod.objects.get()
    assert (closed.start, closed.end, closed.closed_by) == (D(2025, 1, 1), D(2025, 12, 31), staff)

    page = staff_client.get(change_url(closed)).content.decode()
    assert "Năm 2025" in page and "Biểu 1" in page
    assert "Kết nạp đảng viên" in page  # a stored figure's label
    assert 'name="_save"' not in page  # a closing is never edited
    assert "/reopen/" not in page  # the committee's own staff do not reopen


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "year", "year": "2026"}, "kết thúc ngày 31/12/2026"),
        ({"kind": "month", "year": "2025", "number": "13"}, "Nhập số thứ tự của tháng: 1 đến 12."),
        ({"kind": "quarter", "year": "2025", "number": ""}, "Nhập số thứ tự của quý: 1 đến 4."),
    ],
)
def test_bad_input_in_the_form_writes_nothing(tree, staff_client, data, message):
    response = staff_client.post(ADD, {"committee": tree.committee.pk, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ClosedPeriod.objects.exists()


def test_leaders_look_outsiders_get_404(year_2025, staff, leader_client, outsider_client):
    closed = period_close(committee=year_2025.tree.committee, period=Period.year(2025), by=staff)
    assert leader_client.get(LIST).status_code == 200
    page = leader_client.get(change_url(closed))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert leader_client.get(ADD).status_code == 403
    assert leader_client.post(ADD, {"kind": "year", "year": "2024"}).status_code == 403
    assert leader_client.get(reopen_url(closed)).status_code == 403

    assert outsider_client.get(change_url(closed)).status_code == 404
    assert outsider_client.get(reopen_url(closed)).status_code == 404
    assert closed.period.label not in outsider_client.get(LIST).content.decode()


def test_the_body_above_reopens_with_a_reason(year_2025, staff, staff_client, province_staff):
    closed = period_close(committee=year_2025.tree.committee, period=Period.year(2025), by=staff)
    assert staff_client.get(reopen_url(closed)).status_code == 403
    assert staff_client.post(reopen_url(closed), {"reason": "x"}).status_code == 403

    above = client_for(province_staff)
    assert reopen_url(closed) in above.get(change_url(closed)).content.decode()
    response = above.post(reopen_url(closed), {"reason": ""})
    assert "Nêu lý do mở lại kỳ đã khóa sổ." in response.content.decode()
    closed.refresh_from_db()
    assert closed.in_force

    response = above.post(reopen_url(closed), {"reason": "Sai số liệu tháng 8"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert (closed.reopened_by, closed.reopen_reason) == (province_staff, "Sai số liệu tháng 8")
    assert "Mở lại ngày" in above.get(LIST).content.decode()


def test_the_adjustments_name_who_and_when(year_2025, staff, staff_client):
    tree = year_2025.tree
    closed = period_close(committee=tree.committee, period=Period.year(2025), by=staff)
    staff_client.get(LIST)  # signed in
    member_services.member_event_add(
        event=MemberEvent(
            member=year_2025.a_old_2, kind=EventKind.DEATH, occurred_on=D(2025, 8, 1)
        ),
        by=staff,
    )
    page = staff_client.get(change_url(closed)).content.decode()
    assert "bg-canbo" in page and "01/08/2025" in page
    assert "Đảng viên đang tính đảng số" in page or "Biểu 1" in page


def test_the_list_takes_pinned_queries_whatever_the_closings(
    tree, staff, staff_client, django_assert_num_queries
):
    period_close(committee=tree.committee, period=Period.year(2023), by=staff)
    for step in ("one", "more"):
        if step == "more":
            for year in (2024, 2025):
                period_close(committee=tree.committee, period=Period.year(year), by=staff)
        ContentType.objects.clear_cache()
        with django_assert_num_queries(8):
            response = staff_client.get(LIST)
        assert response.status_code == 200
