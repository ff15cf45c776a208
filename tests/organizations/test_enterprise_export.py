"""Exports of enterprises in CSV and XLSX: cells a spreadsheet would run as formulas (= + - @)
are neutralised in both formats; numbers stay numbers; the export imports back unchanged; every
CSV export starts with a UTF-8 BOM."""

import csv
import datetime
import io

import pytest
from django import forms
from django.utils import timezone
from openpyxl import load_workbook

from organizations.admin.base import neutralise_formula
from organizations.imports.values import restore_formula
from organizations.models import Enterprise, EnterpriseStatus, Ownership, WorkforceSnapshot
from tests.factories import valid_tax_code
from tests.organizations.import_helpers import run_import

pytestmark = pytest.mark.django_db

DANGEROUS = {
    "name": '=HYPERLINK("http://x","Bấm")',
    "sector": "+SUM(1,2)",
    "address": "-2+3+cmd|' /C calc'!A0",
    "legal_representative": "@SUM(A1:A9)",
}


def export(client, file_format, url="/admin/organizations/enterprise/export/"):
    form = client.get(url).context["form"]
    columns = {n: "on" for n, f in form.fields.items() if isinstance(f, forms.BooleanField)}
    choice = next(v for v, label in form.fields["format"].choices if label == file_format)
    response = client.post(url, {"format": choice, "resource": "0", **columns})
    assert response.status_code == 200
    return response


@pytest.fixture
def dangerous(bg):
    Enterprise.objects.filter(pk=bg.enterprise.pk).update(**DANGEROUS)
    return bg.enterprise


def test_csv_export_neutralises_formulae(dangerous, staff_client):
    body = export(staff_client, "csv").content.decode("utf-8-sig")
    header, line = list(csv.reader(io.StringIO(body)))[:2]
    cells = dict(zip(header, line, strict=True))
    assert cells["Tên"] == "'" + DANGEROUS["name"]
    assert cells["Ngành nghề"] == "'+SUM(1,2)"
    assert cells["Địa chỉ"] == "'-2+3+cmd|' /C calc'!A0"
    assert cells["Người đại diện theo pháp luật"] == "'@SUM(A1:A9)"
    assert cells["Mã số thuế"] == dangerous.tax_code  # untouched


def test_xlsx_export_neutralises_formulae_and_keeps_numbers(dangerous, staff_client):
    workbook = load_workbook(io.BytesIO(export(staff_client, "xlsx").content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    for column, field in [
        ("Tên", "name"),
        ("Ngành nghề", "sector"),
        ("Địa chỉ", "address"),
        ("Người đại diện theo pháp luật", "legal_representative"),
    ]:
        assert cells[column].data_type == "s"  # text, never a formula
        assert cells[column].value == "'" + DANGEROUS[field]
    assert cells["Số lao động"].value == 1260  # still a number


# --- The export imports back (issue 8, point 6) ----------------------------------------------

# Every start a spreadsheet would run (= + - @), a legitimate leading apostrophe, an apostrophe
# before a formula start typed by someone (it must come back as typed, not lose its
# apostrophe), numbers that begin with a sign (never neutralised), Vietnamese diacritics.
ROUND_TRIP = [
    {
        "tax_code": valid_tax_code(233, "01"),  # a leading zero Excel would drop
        "name": "=1+1",
        "ownership": Ownership.FDI100,
        "investor_country": "Hàn Quốc",
        "sector": "-Sản xuất linh kiện điện tử",
        "address": "+84 Lô C, KCN Quang Châu",
        "legal_representative": "@Nguyễn Thị Hương",
        "licensed_on": datetime.date(2019, 2, 1),
        "status": EnterpriseStatus.ACTIVE,
        "workers": 1260,
    },
    {
        "tax_code": valid_tax_code(234, "01") + "-001",  # a branch
        "name": "'Hoa Sen' Việt Nam",
        "ownership": Ownership.JSC,
        "investor_country": "",
        "sector": "'=SUM(1,2) theo ý người nhập",
        "address": "-15",
        "legal_representative": "Trần Văn Đức",
        "licensed_on": datetime.date(2008, 12, 31),
        "status": EnterpriseStatus.SUSPENDED,
        "workers": 0,
    },
    {
        "tax_code": valid_tax_code(235, "24"),
        "name": "Công ty TNHH Đường sắt Ánh Dương",
        "ownership": Ownership.LLC,
        "investor_country": "",
        "sector": "",
        "address": "",
        "legal_representative": "",
        "licensed_on": None,
        "status": EnterpriseStatus.CLOSED,
        "workers": None,
    },
]


@pytest.fixture
def exported(bg):
    for values in ROUND_TRIP:
        values = dict(values)
        workers = values.pop("workers")
        enterprise = Enterprise.objects.create(zone=bg.zone, **values)
        if workers is not None:
            WorkforceSnapshot.objects.create(
                enterprise=enterprise, counted_on=datetime.date(2025, 12, 31), workers=workers
            )
    return bg


def recorded():
    return {
        e.tax_code: (
            e.name, e.zone_id, e.ownership, e.investor_country, e.sector, e.address,
            e.legal_representative, e.licensed_on, e.status, e.latest_workers,
        )
        for e in Enterprise.objects.with_latest_workers()
    }  # fmt: skip


@pytest.mark.parametrize(("file_format", "file_name"), [("csv", "xuat.csv"), ("xlsx", "xuat.xlsx")])
def test_the_export_imports_back_unchanged(exported, staff, staff_client, file_format, file_name):
    before = recorded()
    data = export(staff_client, file_format).content
    options = {"user": staff, "file_name": file_name, "counted_on": timezone.localdate()}

    preview = run_import(data, dry_run=True, **options)
    assert preview.invalid_lines == [] and preview.changed_lines == []
    assert (preview.created, preview.updated, preview.invalid) == (0, 0, 0)
    assert preview.unchanged == len(before)

    outcome = run_import(data, **options)
    assert outcome.summary == f"created=0 updated=0 unchanged={len(before)} invalid=0"
    assert recorded() == before


def test_only_the_apostrophe_the_export_adds_is_taken_back():
    for value in [*(v for row in ROUND_TRIP for v in row.values()), "'", "''", "'-", "-1,5"]:
        if isinstance(value, str):
            assert restore_formula(neutralise_formula(value)) == value
    assert restore_formula("'=1+1") == "=1+1"
    assert restore_formula("'@Hương") == "@Hương"
    assert restore_formula("'Hoa Sen'") == "'Hoa Sen'"  # not added by an export
    assert restore_formula("'-15") == "'-15"  # a number is never neutralised


# --- Every CSV the app offers opens in Excel with its Vietnamese intact -----------------------


def csv_exports():
    from django.contrib import admin

    from organizations.admin.base import ExportMixin

    return sorted(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/export/"
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportMixin)
    )


def test_every_export_is_found():
    assert "/admin/organizations/enterprise/export/" in csv_exports()
    assert "/admin/members/member/export/" in csv_exports()


@pytest.mark.parametrize("url", csv_exports())
def test_csv_exports_carry_a_utf8_bom(bg, staff_client, url):
    response = export(staff_client, "csv", url)
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert not response.content[3:].startswith(b"\xef\xbb\xbf")  # one BOM, not two
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header == header.strip() and "\ufeff" not in header
