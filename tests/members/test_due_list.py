"""The due list, "Quy trình và thời hạn" (issue 14, point 3): what is overdue comes first with
the days late, totals per kind and per cell, and a download of the list."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from members import calendar, services
from members.models import Member
from organizations.access import SYSTEM, Role
from tests.conftest import account, client_for
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
URL = "/admin/members/candidate/due/"
RULES = settings.MEMBER_RULES


def _admitted_without_ceremony(bg, name: str, decided_on: datetime.date) -> Member:
    member, _warnings = services.member_admit(
        member=Member(full_name=name, birth_date=datetime.date(1995, 4, 2), sex="female"),
        organization=bg.cell,
        decided_on=decided_on,
        by=SYSTEM,
    )
    return member


@pytest.fixture
def due(bg):
    today = timezone.localdate()
    late_ceremony = today - datetime.timedelta(days=200)
    _admitted_without_ceremony(bg, "Phạm Thị Muộn", late_ceremony)
    _admitted_without_ceremony(bg, "Lê Thị Sớm", today - datetime.timedelta(days=3))
    # Probation over long ago, and over in two weeks.
    MemberFactory(
        organization=bg.cell,
        full_name="Trần Văn Chậm",
        probationary=True,
        admitted_on=today - datetime.timedelta(days=500),
    )
    MemberFactory(
        organization=bg.cell,
        full_name="Đỗ Văn Kịp",
        probationary=True,
        admitted_on=today - datetime.timedelta(days=365),
    )
    ceremony_late_by = (
        today - calendar.add_working_days(late_ceremony, RULES["CEREMONY_WORKING_DAYS"])
    ).days
    recognised_by = calendar.add_working_days(
        calendar.add_months(today - datetime.timedelta(days=486), RULES["PROBATION_MONTHS"]),
        RULES["RECOGNITION_PROPOSAL_WORKING_DAYS"],
    )
    return {"ceremony": ceremony_late_by, "recognition": (today - recognised_by).days}


@pytest.mark.parametrize("role", [Role.STAFF, Role.LEADER])
def test_the_overdue_come_first_with_the_days_late_and_totals_per_kind(bg, due, role):
    page = client_for(account(bg.committee, role, f"bg-{role}")).get(URL).content.decode()
    names = ["Phạm Thị Muộn", "Trần Văn Chậm", "Đỗ Văn Kịp", "Lê Thị Sớm"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)  # the latest first, then the others by date
    assert f"quá hạn {due['ceremony']} ngày" in page
    assert f"quá hạn {due['recognition']} ngày" in page
    totals = page[page.index('id="due-totals"') :]
    totals = totals[: totals.index("</table>")]
    # Decisions 0, ceremonies 2 of which 1 overdue, recognitions 2 of which 1 overdue.
    assert totals.count('<span class="kcn-overdue">(1)</span>') == 4  # the cell's row, the total
    assert bg.cell.name in totals


def test_the_list_downloads_with_numbers_as_numbers(bg, due, staff_client):
    response = staff_client.get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    header = rows.index(("Chi bộ", "Việc", "Người", "Từ ngày", "Hạn", "Số ngày quá hạn"))
    body = rows[header + 1 :]
    assert [row[2] for row in body[:2]] == ["Phạm Thị Muộn", "Trần Văn Chậm"]
    assert {row[2]: row[5] for row in body} == {
        "Phạm Thị Muộn": due["ceremony"],
        "Trần Văn Chậm": due["recognition"],
        "Lê Thị Sớm": 0,
        "Đỗ Văn Kịp": 0,
    }
    text = staff_client.get(URL, {"format": "csv"}).content
    assert text.startswith(b"\xef\xbb\xbf")
    assert "Phạm Thị Muộn" in {
        row[2] for row in csv.reader(io.StringIO(text.decode("utf-8-sig"))) if len(row) > 2
    }


def test_an_outsiders_download_holds_none_of_the_committees_people(bg, hn, due, outsider_client):
    response = outsider_client.get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    cells = {
        value
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for value in row
    }
    assert not cells & {"Phạm Thị Muộn", "Trần Văn Chậm", "Lê Thị Sớm", bg.cell.name}
