"""The dashboard's and the tables' exports (XLSX and CSV: numbers as numbers, Vietnamese
headers, no cell a spreadsheet would run, a BOM on CSV), the print view, and the JSON
endpoint, which gives what `manage.py report_figures` prints."""

import csv
import io
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports.tables import TABLES
from tests.factories import PartyOrganizationFactory

QUERY = "org=BG-KCN&year=2025"


def download(client, name, *args, query=QUERY):
    response = client.get(f"{reverse(name, args=args)}?{query}")
    assert response.status_code == 200
    return response


@pytest.fixture
def dangerous_child(year_2025):
    """A sub-organisation whose name a spreadsheet would run as a formula."""
    from organizations.models import OrganizationKind

    return PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_CELL,
        parent=year_2025.tree.committee,
        code="BG-KCN-CB09",
        name='=HYPERLINK("http://x","bấm")',
    )


@pytest.mark.django_db
def test_the_dashboards_xlsx_has_numbers_as_numbers_and_vietnamese_headers(
    dangerous_child, leader_client
):
    response = download(leader_client, "reports:dashboard_export", "xlsx")
    assert response["Content-Disposition"] == (
        'attachment; filename="bang-dieu-khien-bg-kcn-2025.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:3] == ["Số liệu chính", "Theo đơn vị trực thuộc", "Theo tháng"]
    sheet = workbook["Số liệu chính"]
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[:3]] == [
        "Đảng bộ Các KCN Bắc Giang",
        "Năm 2025 (01/01/2025 – 31/12/2025)",
        "Số liệu đến ngày 31/12/2025",
    ]
    headers = rows[4]
    assert headers[:2] == ("Số liệu", "Kỳ này") and headers[-1] == "% so với cùng kỳ"
    admitted = next(row for row in rows if row[0] == "Kết nạp đảng viên")
    assert admitted[1] == 5 and isinstance(admitted[1], int)
    assert admitted[4] == 2 and admitted[7] == pytest.approx(250.0)
    rated = next(row for row in rows if row[0] == "Đảng viên được xếp loại HTT trở lên")
    assert rated[1:4] == (pytest.approx(71.43), 5, 7)
    # The formula-looking name is text with an apostrophe, never a formula.
    by_child = workbook["Theo đơn vị trực thuộc"]
    names = [row[0].value for row in by_child.iter_rows(min_row=6)]
    assert """'=HYPERLINK("http://x","bấm")""" in names
    assert all(cell.data_type != "f" for row in by_child.iter_rows() for cell in row)


@pytest.mark.django_db
def test_the_dashboards_csv_starts_with_a_bom_and_keeps_formulas_out(dangerous_child, staff_client):
    body = download(staff_client, "reports:dashboard_export", "csv").content
    assert body.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines[0] == ["Số liệu chính"]
    assert ["Kết nạp đảng viên", "5", "", "", "2", "", "", "250.00"] in lines
    assert not any(cell.startswith("=") for line in lines for cell in line)
    assert any(cell == """'=HYPERLINK("http://x","bấm")""" for line in lines for cell in line)


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_each_table_exports(year_2025, leader_client, file_format):
    response = download(leader_client, "reports:table_export", "bieu1", file_format)
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    end = next(row for row in rows if row[0] == "Đảng viên cuối kỳ")
    assert str(end[1]) == "11"


@pytest.mark.django_db
def test_the_print_view_has_one_page_per_table_with_the_committee_period_and_date(
    year_2025, leader_client
):
    page = download(leader_client, "reports:print").content.decode()
    # The summary, the breakdown, and every table registered (Biểu 1, and any added).
    assert page.count('class="print-page"') == 2 + len(TABLES)
    assert 'id="print-bieu1"' in page
    assert "Đảng bộ Các KCN Bắc Giang" in page
    assert "Báo cáo: Năm 2025 (01/01/2025 – 31/12/2025)" in page
    assert "Số liệu đến ngày 31/12/2025" in page
    assert "@page" not in page  # the A4 rules are in the stylesheet
    assert "reports/reports.css" in page


@pytest.mark.django_db
def test_the_stylesheet_prints_a4_one_table_a_page():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("reports/reports.css")).read_text(encoding="utf-8")
    assert "size: A4" in css and "break-after: page" in css


@pytest.mark.django_db
def test_the_json_endpoint_gives_what_report_figures_prints(year_2025, leader_client):
    response = download(leader_client, "reports:figures_json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    out = StringIO()
    call_command(
        "report_figures", "--committee", "BG-KCN", "--year", "2025", "--format", "json", stdout=out
    )
    assert response.json() == json.loads(out.getvalue())
    data = response.json()
    admitted = next(m for m in data["metrics"] if m["key"] == "members_admitted")
    assert admitted["value"] == 5 and admitted["change_percent"] == "250.00"


@pytest.mark.django_db
def test_the_json_takes_the_date_of_the_figures_as_the_command_does(year_2025, leader_client):
    url = reverse("reports:figures_json")
    data = leader_client.get(f"{url}?{QUERY}&as_of=30/06/2025").json()
    out = StringIO()
    call_command(
        "report_figures", "--committee", "BG-KCN", "--year", "2025", "--as-of", "30/06/2025",
        stdout=out,
    )  # fmt: skip
    assert data == json.loads(out.getvalue()) and data["as_of"] == "2025-06-30"
    response = leader_client.get(f"{url}?{QUERY}&as_of=31/06/2025")
    assert response.status_code == 400
    assert response.json() == {
        "error": "as_of: “31/06/2025” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy."
    }


@pytest.mark.django_db
def test_an_outsiders_json_is_404_not_an_empty_answer(year_2025, outsider_client):
    response = outsider_client.get(f"{reverse('reports:figures_json')}?{QUERY}")
    assert response.status_code == 404


def test_a_cell_is_a_number_or_safe_text():
    from reports.dashboard.exports import cell

    assert cell(5) == 5 and cell(Decimal("76.92")) == Decimal("76.92") and cell(None) == ""
    assert cell("=1+1") == "'=1+1" and cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("-5") == "-5"  # a signed number typed as text stays as typed
