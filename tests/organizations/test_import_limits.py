"""Lists crafted to exhaust the server (issue 8): each is read in a child process, which must
survive with bounded memory and refuse the file with a clear message; then the same file is sent
through the import, which writes nothing. Limits come from settings.UPLOAD_LIMITS."""

import io

import pytest

from organizations.imports import ImportRefused, previews
from organizations.imports import workbook as workbook_module
from organizations.imports.headers import locate
from organizations.imports.reading import read_table
from organizations.imports.resource import ENTERPRISES
from organizations.models import Enterprise, EnterpriseImport
from tests.organizations import crafted
from tests.organizations.crafted import MEMORY_MB, cell, header_row, in_child, sheet, workbook
from tests.organizations.import_helpers import HEADERS, code, csv_bytes, row, run_import

IMPORT_URL = "/admin/organizations/enterprise/import/"


def refused_in_child(data: bytes, code: str) -> crafted.Outcome:
    """Read `data` in a child: it must survive, stay under MEMORY_MB and refuse with `code`."""
    outcome = in_child(crafted.read, data)
    assert not outcome.died, f"the reading process died: {outcome.died}"
    assert outcome.refused == code, outcome.result
    assert outcome.peak_mb < MEMORY_MB
    return outcome


def nothing_written(data: bytes, user, file_name="danh-sach.xlsx") -> str:
    """The import refuses the file and writes nothing; returns its message."""
    before = Enterprise.objects.count()
    with pytest.raises(ImportRefused) as refused:
        run_import(data, user=user, file_name=file_name)
    assert Enterprise.objects.count() == before
    assert not EnterpriseImport.objects.exists()
    return str(refused.value)


def upload(client, data: bytes, name: str):
    file = io.BytesIO(data)
    file.name = name
    return client.post(IMPORT_URL, {"import_file": file, "counted_on": "30/06/2025"})


# --- Excel: the sheet's size is checked before calamine builds its range ------------------------


@pytest.mark.django_db
def test_a_cell_at_xfd1048576_no_longer_kills_the_server(bg, staff_client):
    data = crafted.far_cell_workbook("XFD1048576")
    assert len(data) < 8192  # a few kilobytes: everything lies in what the file claims
    outcome = refused_in_child(data, "too_large")
    assert "XFD1048576" in outcome.message
    assert "16.384 cột" in outcome.message and "tối đa 200 cột" in outcome.message

    # As staff on the import page: the message on the form, nothing written, nothing kept.
    before = Enterprise.objects.count()
    response = upload(staff_client, data, "tan-cong.xlsx")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Trang tính “Sheet” có dữ liệu tới ô XFD1048576" in content
    assert 'id="import-preview"' not in content
    assert Enterprise.objects.count() == before
    assert not EnterpriseImport.objects.exists()
    assert not list(previews.directory().iterdir())


@pytest.mark.django_db
def test_a_cell_at_zz200000_is_refused_quickly(staff):
    data = crafted.far_cell_workbook("ZZ200000")
    outcome = refused_in_child(data, "too_large")
    assert "ZZ200000" in outcome.message and "702 cột" in outcome.message
    assert "ZZ200000" in nothing_written(data, staff)


def test_a_dimension_that_lies_does_not_hide_a_far_cell():
    rows = header_row() + f'<row r="2">{cell("A2", "1")}{cell("GS2", "x")}</row>'
    outcome = refused_in_child(workbook(sheet(rows, dimension="A1:D2")), "too_large")
    assert "GS2" in outcome.message and "201 cột" in outcome.message


def test_a_dimension_claiming_the_whole_sheet_is_not_believed_either():
    rows = header_row() + f'<row r="2">{cell("A2", "1")}{cell("B2", code(1))}</row>'
    outcome = in_child(crafted.read, workbook(sheet(rows, dimension="A1:XFD1048576")))
    assert not outcome.died, outcome.died
    assert outcome.result["rows"] == 2
    assert outcome.peak_mb < MEMORY_MB


def test_cells_without_references_are_placed_as_excel_places_them():
    # No `r` on the cells: each follows the one before, so the 250th is in column IP.
    cells = "".join(cell(None, n) for n in range(250))
    rows = header_row() + f'<row r="2">{cells}</row>'
    outcome = refused_in_child(workbook(sheet(rows)), "too_large")
    assert "IP2" in outcome.message and "250 cột" in outcome.message


def test_a_sheet_of_empty_elements_cannot_keep_the_scan_busy(monkeypatch):
    # Cells without references are placed by expat, element by element: a sheet of nothing but
    # elements (a zip packs them a thousand to one) is refused once it has too many.
    monkeypatch.setattr(workbook_module, "MAX_ELEMENTS", 1000)
    rows = header_row() + f'<row r="2">{cell(None, "1")}</row>' + "<x/>" * 2000
    outcome = refused_in_child(workbook(sheet(rows)), "xlsx")
    assert "Không mở được tệp dưới dạng bảng tính Excel" in outcome.message


def test_cells_with_a_namespace_prefix_are_scanned_too():
    # Some writers prefix every element (x:c); calamine reads them as any cell.
    rows = (
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>MST</x:t></x:is></x:c></x:row>'
        '<x:row r="1048576"><x:c r="XFD1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>'
        "</x:row>"
    )
    data = workbook(
        f'{crafted.XML}<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml'
        f'/2006/main"><x:sheetData>{rows}</x:sheetData></x:worksheet>'
    )
    outcome = refused_in_child(data, "too_large")
    assert "tới ô XFD1048576" in outcome.message


def test_parts_whose_names_differ_only_by_case_are_refused():
    # Calamine compares part names in any case: which of the two it reads is not ours to guess
    # (the one placed first here holds a cell at XFD1048576).
    evil = sheet(header_row() + f'<row r="1048576">{cell("XFD1048576", "x")}</row>')
    data = crafted.workbook(sheet(header_row()), first=("XL/Worksheets/Sheet1.xml", evil))
    outcome = refused_in_child(data, "xlsx")
    assert "Không mở được tệp dưới dạng bảng tính Excel" in outcome.message


def test_a_row_below_the_millionth_is_refused():
    rows = header_row() + f'<row r="1000001">{cell(None, "x")}</row>'
    outcome = refused_in_child(workbook(sheet(rows, dimension="A1:D1")), "too_large")
    # The last row and column, where Ctrl+End goes in Excel.
    assert "tới ô D1000001" in outcome.message and "1.000.001 dòng" in outcome.message


def test_too_many_cells_are_refused(settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "CELLS": 30}
    rows = header_row() + "".join(
        f'<row r="{n}">{cell(f"A{n}", n)}{cell(f"D{n}", "x")}</row>' for n in range(2, 10)
    )
    outcome = refused_in_child(workbook(sheet(rows)), "too_large")
    assert "36 ô" in outcome.message  # 9 rows of 4 columns, though only 20 cells hold data


def test_an_unpacked_sheet_larger_than_the_limit_is_refused_before_it_is_read(settings):
    # A zip bomb in small: a sheet that unpacks to far more than the limit allows.
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "UNZIPPED_BYTES": 1_000_000}
    data = workbook(sheet(header_row(), padding=" " * 3_000_000))
    assert len(data) < 20_000
    outcome = refused_in_child(data, "unzipped")
    assert "quá lớn khi giải nén" in outcome.message


def test_a_part_whose_declared_size_lies_is_refused():
    data = workbook(sheet(header_row(), padding=" " * 200_000))
    lying = crafted.declare_size(data, "xl/worksheets/sheet1.xml", 1000)
    outcome = refused_in_child(lying, "xlsx")
    assert "Không mở được tệp dưới dạng bảng tính Excel" in outcome.message


def test_a_workbook_is_read_from_its_first_used_row_and_column_keeping_excel_row_numbers():
    cells = "".join(cell(f"{chr(67 + i)}3", h) for i, h in enumerate(HEADERS))
    data_row = "".join(
        cell(f"{chr(67 + i)}5", v)
        for i, v in enumerate(["1", code(1), "Công ty TNHH Một", "KCN A"])
    )
    table = read_table(workbook(sheet(f'<row r="3">{cells}</row><row r="5">{data_row}</row>')))
    assert table.lines == [3, 5]
    assert table.rows == [HEADERS, ["1", code(1), "Công ty TNHH Một", "KCN A"]]


# --- CSV ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_header_of_a_million_columns_is_refused_with_bounded_memory(staff):
    header = ",".join(HEADERS[:3]) + "," * 999_997 + "x"  # a million columns, the last one named
    rows = "\r\n".join(f"{n},{code(n)},Công ty TNHH {n}" for n in range(1, 201))
    data = (header + "\r\n" + rows + "\r\n").encode()
    assert len(data) < 1_100_000
    outcome = refused_in_child(data, "too_large")
    assert "Dòng 1 có 1.000.000 cột" in outcome.message and "tối đa 200 cột" in outcome.message
    nothing_written(data, staff, "tan-cong.csv")


@pytest.mark.django_db
def test_five_million_columns_give_a_short_message(staff):
    data = b"a," * 5_000_000
    outcome = refused_in_child(data, "line")
    assert len(outcome.message) < 500
    assert "Dòng 1 dài hơn 1 MB" in outcome.message
    assert len(nothing_written(data, staff, "nam-trieu-cot.csv")) < 500


@pytest.mark.django_db
def test_a_ten_megabyte_single_line_gets_a_message_not_a_500(bg, staff_client):
    data = b"x" * 10_000_000
    before = Enterprise.objects.count()
    response = upload(staff_client, data, "mot-dong.csv")
    assert response.status_code == 200
    assert "Dòng 1 dài hơn 1 MB" in response.content.decode()
    assert Enterprise.objects.count() == before
    assert not EnterpriseImport.objects.exists()


@pytest.mark.django_db
def test_a_cell_longer_than_csv_allows_gets_a_message_not_a_500(bg, staff_client):
    # Under the line limit, but longer than Python's csv module reads in one cell: an opening
    # quotation mark that never closes swallows the rest of the file.
    rows = [row(n, code(n), f"Công ty TNHH {n}", bg.zone.name) for n in range(1, 4)]
    data = csv_bytes(rows) + b'4,"' + b"x" * 200_000 + b"\r\n"
    before = Enterprise.objects.count()
    response = upload(staff_client, data, "ngoac-kep.csv")
    assert response.status_code == 200
    assert "Dòng 5 có một ô dài hơn 131.072 ký tự" in response.content.decode()
    assert Enterprise.objects.count() == before
    assert not EnterpriseImport.objects.exists()


def test_trailing_empty_columns_do_not_count():
    data = csv_bytes([[*row(1, code(1), "Công ty TNHH Một", "KCN A"), *[""] * 400]])
    table = read_table(data)
    assert table.rows[1] == row(1, code(1), "Công ty TNHH Một", "KCN A")


def test_more_rows_than_the_limit_are_refused(settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "ROWS": 5}
    data = csv_bytes([row(n, code(n), f"Công ty TNHH {n}", "KCN A") for n in range(1, 6)])
    outcome = refused_in_child(data, "too_large")
    assert "Tệp có hơn 5 dòng" in outcome.message


def test_more_cells_than_the_limit_are_refused(settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "CELLS": 20}
    data = csv_bytes([row(n, code(n), f"Công ty TNHH {n}", "KCN A") for n in range(1, 3)])
    outcome = refused_in_child(data, "too_large")
    assert "Tệp có hơn 20 ô dữ liệu" in outcome.message


def test_row_padding_stays_linear_in_the_real_cells():
    # The known columns at the far right of a 200-column header, and half a million one-cell
    # rows: padding each row to the header's width would make a 1 MB file 100 million cells.
    fillers = [f"Cột {n}" for n in range(197)]
    header = ",".join([*fillers, "Mã số thuế", "Tên doanh nghiệp", "Khu công nghiệp"])
    data = (header + "\n" + "x\n" * 500_000).encode()
    outcome = in_child(crafted.read_and_lay_out, data)
    assert not outcome.died, outcome.died
    assert outcome.result["rows"] == 500_000
    assert outcome.peak_mb < MEMORY_MB


def test_a_missing_column_lists_twenty_columns_then_how_many_more():
    headers = [f"Cột {n}" for n in range(1, 151)]
    table = read_table(csv_bytes([["x"] * 150], headers=headers))
    with pytest.raises(ImportRefused) as refused:
        locate(table, ENTERPRISES, required=("tax_code", "name"))
    message = str(refused.value)
    assert "“Cột 20” và 130 cột khác." in message
    assert "Cột 21" not in message
