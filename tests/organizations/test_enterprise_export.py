"""Exports of enterprises in CSV and XLSX: cells a spreadsheet would run as formulas (= + - @)
are neutralised in both formats; numbers stay numbers."""

import csv
import io

import pytest
from django import forms
from openpyxl import load_workbook

from organizations.models import Enterprise

pytestmark = pytest.mark.django_db

DANGEROUS = {
    "name": '=HYPERLINK("http://x","Bấm")',
    "sector": "+SUM(1,2)",
    "address": "-2+3+cmd|' /C calc'!A0",
    "legal_representative": "@SUM(A1:A9)",
}


def export(client, file_format):
    url = "/admin/organizations/enterprise/export/"
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
