"""The worker counts' date of an enterprise list (issue 14, point 5): the date the list states
above its headers when it states one, else the date staff give, which the form then asks for.
The command keeps today as its last default (its documented contract)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from organizations.imports.headers import stated_date
from organizations.models import Enterprise, WorkforceSnapshot
from tests.organizations.import_helpers import HEADERS, code, row, sample_zones, xlsx_bytes

pytestmark = pytest.mark.django_db
IMPORT_URL = "/admin/organizations/enterprise/import/"
CONFIRM_URL = "/admin/organizations/enterprise/process_import/"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [["DANH SÁCH DOANH NGHIỆP KCN"], ["Số liệu đến ngày 30/06/2025"]],
            datetime.date(2025, 6, 30),
        ),
        ([["Tính đến ngày 30 tháng 6 năm 2025"]], datetime.date(2025, 6, 30)),
        ([["Báo cáo", datetime.datetime(2025, 12, 31, 0, 0)]], datetime.date(2025, 12, 31)),
        ([["DANH SÁCH"]], None),
        ([["Từ 01/01/2025 đến 30/06/2025"]], None),  # two dates: which is the counts' is not said
        ([["Số liệu ngày 31/02/2025"]], None),  # no such day
    ],
)
def test_the_date_a_list_states_above_its_headers(lines, expected):
    assert stated_date(lines) == expected


def _csv(title: str | None, rows) -> bytes:
    lines = ([title, ""] if title else []) + [",".join(HEADERS)]
    lines += [",".join(cells) for cells in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def _upload(client, data: bytes, **fields):
    file = io.BytesIO(data)
    file.name = "danh-sach.csv"
    return client.post(IMPORT_URL, {"import_file": file, **fields})


def test_staff_leave_the_date_empty_and_the_lists_own_date_is_used(bg, staff_client):
    zone = sample_zones(bg.committee)[0].name
    data = _csv("Số liệu đến ngày 30/06/2025", [row(1, code(501), "Công ty TNHH Một", zone)])
    preview = _upload(staff_client, data, counted_on="")
    content = preview.content.decode()
    assert "Số lao động tính đến ngày 30/06/2025." in content
    token = content.split('name="token" value="')[1].split('"')[0]
    staff_client.post(CONFIRM_URL, {"token": token})
    snapshot = WorkforceSnapshot.objects.get(enterprise__tax_code=code(501))
    assert snapshot.counted_on == datetime.date(2025, 6, 30)


def test_a_list_that_states_no_date_asks_for_it_and_writes_nothing(bg, staff_client):
    zone = sample_zones(bg.committee)[0].name
    data = _csv(None, [row(1, code(501), "Công ty TNHH Một", zone)])
    response = _upload(staff_client, data, counted_on="")
    assert response.status_code == 200
    assert "Danh sách không ghi ngày số liệu lao động" in response.content.decode()
    assert not Enterprise.objects.filter(tax_code=code(501)).exists()


def test_a_date_given_wins_over_the_stated_one(bg, staff_client):
    zone = sample_zones(bg.committee)[0].name
    data = _csv("Số liệu đến ngày 30/06/2025", [row(1, code(501), "Công ty TNHH Một", zone)])
    content = _upload(staff_client, data, counted_on="31/12/2024").content.decode()
    assert "Số lao động tính đến ngày 31/12/2024." in content


def test_the_command_takes_the_stated_date_else_today(bg, tmp_path):
    zone = sample_zones(bg.committee)[0].name
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(
        xlsx_bytes([row(1, code(501), "Công ty TNHH Một", zone)], title="Số liệu đến 30/06/2025")
    )
    call_command("import_enterprises", str(path), stdout=io.StringIO())
    counted = WorkforceSnapshot.objects.get(enterprise__tax_code=code(501)).counted_on
    assert counted == datetime.date(2025, 6, 30)
    path = tmp_path / "khong-ngay.csv"
    path.write_bytes(_csv(None, [row(2, code(502), "Công ty TNHH Hai", zone)]))
    call_command("import_enterprises", str(path), stdout=io.StringIO())
    counted = WorkforceSnapshot.objects.get(enterprise__tax_code=code(502)).counted_on
    assert counted == timezone.localdate()
