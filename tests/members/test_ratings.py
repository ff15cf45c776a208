"""A cell's annual ratings on one screen: every member attending the cell at the year's end,
one formset, the cell's own rating, and a warning when HTXS exceeds its quota."""

import datetime

import pytest
from django.utils import timezone

from members import services
from members.models import MemberEvent, MemberRating, OrganizationRating, RatingLevel
from organizations.access import SYSTEM
from tests.factories import MemberFactory
from tests.forms import ratings_data

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/admin/members/memberrating/enter/"


@pytest.fixture
def members(bg):
    return [
        MemberFactory(
            organization=bg.cell, full_name=f"Đảng viên {n:02d}", admitted_on=D(2018, 3, n + 1)
        )
        for n in range(6)
    ]


def screen(client, bg, year=2025):
    return client.get(URL, {"organization": bg.cell.pk, "year": year})


def post_data(response, levels, cell_level="good"):
    return ratings_data(response.context["formset"], levels, cell_level)


def test_every_member_of_the_cell_is_on_one_screen(bg, members, staff_client):
    late = MemberFactory(organization=bg.cell, probationary=True, admitted_on=D(2025, 9, 1))
    gone = MemberFactory(organization=bg.cell)
    from members import services
    from members.models import MemberEvent

    services.member_event_add(
        event=MemberEvent(
            member=gone, kind="transfer_out", occurred_on=D(2025, 6, 1), counterpart="Nơi khác"
        ),
        by=SYSTEM,
    )
    response = screen(staff_client, bg)
    listed = [member for member, _form in response.context["rows"]]
    assert set(listed) == {*members, late}  # at 31/12/2025: the one who left is not listed
    defaults = {member.pk: form.initial["level"] for member, form in response.context["rows"]}
    assert defaults[late.pk] == RatingLevel.NOT_RATED  # admitted under 6 months before
    assert defaults[members[0].pk] == ""


def test_one_post_saves_the_whole_cell_and_warns_about_the_quota(bg, members, staff_client):
    response = screen(staff_client, bg)
    levels = ["excellent", "excellent", "good", "good", "good", "fulfilled"]
    response = staff_client.post(
        f"{URL}?organization={bg.cell.pk}&year=2025", post_data(response, levels), follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("Đã lưu kết quả xếp loại năm 2025" in m and "6 đảng viên" in m for m in messages)
    # The quota's warning shows once, as a warning on the screen, in no red box (issue 14).
    quota = "2 trong số 5 đảng viên được xếp loại HTT trở lên là HTXS (40,0%)"
    page = response.content.decode()
    assert page.count(quota) == 1
    warning = page[page.index('<ul class="messagelist kcn-quota">') :]
    assert quota in warning[: warning.index("</ul>")] and '<li class="warning">' in warning
    assert not any(quota in m for m in messages)
    assert quota not in "".join(page.split('class="errornote"')[1:])
    assert MemberRating.objects.filter(year=2025, organization=bg.cell).count() == 6
    assert OrganizationRating.objects.get(organization=bg.cell, year=2025).level == "good"
    # The screen opens again with what was saved.
    again = screen(staff_client, bg)
    saved = [form.initial["level"] for _member, form in again.context["rows"]]
    assert sorted(saved) == sorted(levels)


CHANGED = (
    "Danh sách đảng viên của chi bộ đã thay đổi sau khi trang này được mở nên chưa có gì được "
    "lưu. Hãy xem lại danh sách hiện tại bên dưới (những gì bạn đã nhập vẫn được giữ) rồi lưu lại."
)


def refused_as_changed(client, bg, data, year):
    """The post is refused with the message, nothing is written, and the page shows the list
    as it is now."""
    response = client.post(f"{URL}?organization={bg.cell.pk}&year={year}", data)
    assert response.status_code == 200  # was a 500 when the counts differed
    assert CHANGED in response.content.decode()
    assert not MemberRating.objects.exists()
    assert not OrganizationRating.objects.exists()
    return response


def test_a_tampered_member_list_writes_nothing(bg, hn, members, staff_client):
    response = screen(staff_client, bg)
    data = post_data(response, ["good"] * 6)
    stranger = MemberFactory(organization=hn.cell, full_name="Người Hà Nội Bí Mật")
    data["ratings-0-member"] = stranger.pk  # not on the page
    response = refused_as_changed(staff_client, bg, data, 2025)
    assert "Người Hà Nội Bí Mật" not in response.content.decode()
    assert [member for member, _form in response.context["rows"]] == members


def this_year():
    return timezone.localdate().year


def test_a_member_who_left_the_cell_meanwhile_writes_nothing(bg, members, staff_client):
    response = screen(staff_client, bg, this_year())
    data = post_data(response, ["excellent", "good", "good", "good", "good", "fulfilled"])
    services.member_event_add(
        event=MemberEvent(
            member=members[0],
            kind="transfer_out",
            occurred_on=timezone.localdate(),
            counterpart="Đảng bộ xã Tân Dĩnh",
        ),
        by=SYSTEM,
    )
    response = refused_as_changed(staff_client, bg, data, this_year())
    rows = response.context["rows"]
    assert [member for member, _form in rows] == members[1:]
    # What was entered for those still here is kept, to be saved again.
    assert [form["level"].value() for _member, form in rows] == ["good"] * 4 + ["fulfilled"]
    # Saved again, as it now stands.
    again = post_data(response, ["good"] * 4 + ["fulfilled"])
    assert (
        staff_client.post(f"{URL}?organization={bg.cell.pk}&year={this_year()}", again).status_code
        == 302
    )
    assert MemberRating.objects.filter(year=this_year()).count() == 5


def test_a_member_who_joined_the_cell_meanwhile_writes_nothing(bg, members, staff_client):
    response = screen(staff_client, bg, this_year())
    data = post_data(response, ["good"] * 6)
    newcomer = MemberFactory(organization=bg.cell, full_name="Đảng viên Mới Đến")
    response = refused_as_changed(staff_client, bg, data, this_year())
    listed = [member for member, _form in response.context["rows"]]
    assert listed == sorted([*members, newcomer], key=lambda m: (m.full_name, m.pk))


@pytest.mark.parametrize("total", ["7", "5", "0"])
def test_a_tampered_form_count_writes_nothing(total, bg, members, staff_client):
    response = screen(staff_client, bg)
    data = post_data(response, ["good"] * 6)
    data["ratings-TOTAL_FORMS"] = total
    refused_as_changed(staff_client, bg, data, 2025)


def test_a_year_to_come_cannot_be_chosen(bg, members, staff_client):
    response = staff_client.get(URL, {"organization": bg.cell.pk, "year": 2099})
    assert "Hãy chọn một lựa chọn hợp lệ." in response.content.decode()
    assert "rows" not in response.context
