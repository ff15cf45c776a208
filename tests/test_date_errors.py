"""A date typed wrong names its field (issue 14, point 4), wherever it is typed: the forms
(tests/members/test_bad_input.py, tests/organizations/test_bad_input.py), the status
actions (tests/organizations/test_history.py), the dashboard and the figures' command
(tests/reports/), and here the imports: the form's date of the worker counts, and each row's
dates, named by their column — and nothing is written."""

from __future__ import annotations

import io

import pytest

from members.models import Member
from organizations.models import Enterprise, EnterpriseImport
from tests.members.imports.helpers import errors, register, run
from tests.members.imports.helpers import row as member_row
from tests.organizations.import_helpers import code, csv_bytes, row, run_import

pytestmark = pytest.mark.django_db
NOT_A_DATE = "không phải là ngày: hãy ghi theo dạng dd/mm/yyyy."
BAD = ["31/02/2025", "abc", "2025-13-01"]


def test_the_enterprise_lists_rows_name_the_date_column(bg, staff):
    rows = [
        row(n, code(n), f"Công ty {n}", bg.zone.name, licensed=bad) for n, bad in enumerate(BAD, 1)
    ]
    outcome = run_import(csv_bytes(rows), user=staff)
    assert not outcome.written
    assert [(i.line, i.errors) for i in outcome.invalid_lines] == [
        (n + 1, [("Ngày cấp GCN đầu tư", f"“{bad}” {NOT_A_DATE}")]) for n, bad in enumerate(BAD, 1)
    ]
    # The file of invalid rows says it in one cell: line, column, message.
    assert f"Dòng 2, Ngày cấp GCN đầu tư: “31/02/2025” {NOT_A_DATE}" in (
        outcome.errors_csv().decode("utf-8-sig")
    )
    assert Enterprise.objects.count() == 1  # the fixture's


def test_the_member_registers_rows_name_the_date_columns(bg):
    before = Member.objects.count()
    outcome = run(
        register(
            member_row(**{"Ngày sinh": BAD[0], "Ngày vào Đảng": BAD[1], "Ngày chính thức": BAD[2]})
        ),
        bg.committee,
    )
    assert errors(outcome) == [
        f"Ngày sinh: “31/02/2025” {NOT_A_DATE}",
        f"Ngày vào Đảng: “abc” {NOT_A_DATE}",
        f"Ngày chính thức: “2025-13-01” {NOT_A_DATE}",
    ]
    assert Member.objects.count() == before


@pytest.mark.parametrize("bad", BAD)
def test_the_import_forms_date_of_the_worker_counts_is_named(bad, bg, staff_client):
    file = io.BytesIO(csv_bytes([row(1, code(1), "Công ty A", bg.zone.name)]))
    file.name = "danh-sach.csv"
    response = staff_client.post(
        "/admin/organizations/enterprise/import/", {"import_file": file, "counted_on": bad}
    )
    assert response.status_code == 200
    assert f"Số lao động tính đến ngày: “{bad}” {NOT_A_DATE}" in response.content.decode()
    assert not EnterpriseImport.objects.exists()
    assert Enterprise.objects.count() == 1
