"""Messages that say what is wrong on the journeys (issue 14, point 4): a transfer's
recognition before its admission says exactly that, on its field; a direct admission over the
age limit is refused as a candidate's is. Nothing is written."""

from __future__ import annotations

import pytest

from members.models import Member
from organizations.access import Role
from tests import forms
from tests.conftest import account, client_for
from tests.factories import citizen_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(bg):
    return client_for(account(bg.committee, Role.STAFF, "bg-canbo"))


def _errors_of(response, field: str) -> list[str]:
    assert response.status_code == 200
    return [str(error) for error in response.context["form"].errors.get(field, [])]


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {"recognized_on": "01/01/2019"},
            "recognized_on",
            "Ngày công nhận đảng viên chính thức không thể trước ngày kết nạp (03/02/2019).",
        ),
        (
            {"recognized_on": "10/02/2019"},
            "recognized_on",
            "Ngày công nhận đảng viên chính thức không thể trước lễ kết nạp (20/02/2019).",
        ),
    ],
)
def test_a_transfers_dates_out_of_order_are_said_on_their_field(
    bg, staff_client, dates, field, message
):
    before = Member.objects.count()
    response = staff_client.post("/admin/members/member/transfer-in/", forms.transfer(bg, **dates))
    assert _errors_of(response, field) == [message]
    assert "Hồ sơ bắt đầu bằng" not in response.content.decode()
    assert Member.objects.count() == before


def test_a_direct_admission_over_the_age_limit_is_refused_as_a_candidates(bg, staff_client):
    before = Member.objects.count()
    response = staff_client.post(
        "/admin/members/member/admit/",
        forms.admission(
            bg, birth_date="01/03/1965", citizen_id=citizen_id(501, 1965), decided_on="05/10/2026"
        ),
    )
    assert _errors_of(response, "decided_on") == [
        "Ngày 05/10/2026 người này 61 tuổi 7 tháng: chỉ kết nạp người đến đủ 60 tuổi."
    ]
    assert Member.objects.count() == before


def test_a_direct_admission_at_sixty_is_recorded(bg, staff_client):
    response = staff_client.post(
        "/admin/members/member/admit/",
        forms.admission(
            bg, birth_date="06/10/1966", citizen_id=citizen_id(502, 1966), decided_on="05/10/2026"
        ),
    )
    assert response.status_code == 302
    assert Member.objects.filter(citizen_id=citizen_id(502, 1966)).exists()
