"""Reading lists as boards send them: each encoding, separator and Excel quirk on its own, with
the message the user sees when a file cannot be read."""

import codecs
import datetime
import random
import unicodedata

import pytest

from organizations.imports import ImportRefused
from organizations.imports.reading import read_table
from tests.organizations.import_helpers import HEADERS, csv_bytes, xlsx_bytes

ROWS = [
    ["1", "0100233488", "Công ty TNHH Điện tử Việt Hàn", "KCN Thăng Long", "TNHH", "1.260",
     "22/11/2009", "Đang hoạt động"],
    ["2", "0314409058-002", "Chi nhánh Công ty Cổ phần Đông Á", "KCN Thăng Long", "Cổ phần", "85",
     "01/02/2019", "Tạm ngừng hoạt động"],
]  # fmt: skip


SHAPES = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn: part of the letter


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it: letters with their circumflex, breve or horn
    precomposed (â, ă, ơ...), tone marks as combining characters after them."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in SHAPES))
        out += letter.encode("cp1258")
        out += "".join(m for m in marks if m not in SHAPES).encode("cp1258")
    return out


def test_utf8_with_byte_order_mark():
    table = read_table(csv_bytes(ROWS, encoding="utf-8-sig"))
    assert table.read_as == "CSV, UTF-8 (BOM), dấu phẩy"
    assert table.rows[0] == HEADERS
    assert table.rows[1][2] == "Công ty TNHH Điện tử Việt Hàn"


def test_utf8_without_byte_order_mark():
    table = read_table(csv_bytes(ROWS, encoding="utf-8"))
    assert table.read_as == "CSV, UTF-8, dấu phẩy"
    assert table.rows[2][1] == "0314409058-002"


def test_utf16_unicode_text_from_excel_is_tab_separated():
    data = codecs.BOM_UTF16_LE + csv_bytes(ROWS, encoding="utf-16-le", delimiter="\t")
    table = read_table(data)
    assert table.read_as == "CSV, UTF-16, tab"
    assert table.rows[1][2] == "Công ty TNHH Điện tử Việt Hàn"
    assert table.rows[1][5] == "1.260"


def test_windows_1258_with_combining_tones_becomes_nfc():
    text = csv_bytes(ROWS, encoding="utf-8").decode("utf-8")
    table = read_table(to_cp1258(text))
    assert table.read_as == "CSV, Windows-1258, dấu phẩy"
    name = table.rows[1][2]
    assert name == "Công ty TNHH Điện tử Việt Hàn"
    assert unicodedata.is_normalized("NFC", name)


@pytest.mark.parametrize(
    ("delimiter", "name"), [(";", "dấu chấm phẩy"), ("\t", "tab"), (",", "dấu phẩy")]
)
def test_separator_is_sniffed(delimiter, name):
    rows = [[*row[:-1], "Lô A1, đường số 3"] for row in ROWS]  # a comma inside a cell
    table = read_table(csv_bytes(rows, delimiter=delimiter))
    assert table.read_as.endswith(name)
    assert table.rows[1][-1] == "Lô A1, đường số 3"
    assert len(table.rows[1]) == len(HEADERS)


def test_text_is_nfc_and_trimmed():
    decomposed = unicodedata.normalize("NFD", "Công ty TNHH Hokuriku Việt Nam")
    rows = [["1", "0100233488", f"  {decomposed}   Số\u00a02 ", "KCN Thăng Long", "TNHH", "5",
             "", ""]]  # fmt: skip
    table = read_table(csv_bytes(rows))
    assert table.rows[1][2] == "Công ty TNHH Hokuriku Việt Nam Số 2"


def test_blank_lines_are_skipped_and_lines_keep_their_numbers():
    data = csv_bytes([ROWS[0], [""] * len(HEADERS), [], ROWS[1]])
    table = read_table(data)
    assert table.lines == [1, 2, 5]
    assert [row[1] for row in table.rows[1:]] == ["0100233488", "0314409058-002"]


def test_a_cell_spanning_lines_keeps_the_next_rows_numbers():
    rows = [[*ROWS[0][:-1], "Đang\nhoạt động"], ROWS[1]]
    table = read_table(csv_bytes(rows))
    assert table.lines == [1, 2, 4]
    assert table.rows[1][-1] == "Đang hoạt động"


def test_xlsx_keeps_numbers_and_dates_as_excel_typed_them():
    rows = [[1, 100233488, "Công ty TNHH Điện tử Việt Hàn", "KCN Thăng Long", "TNHH", 1260,
             datetime.datetime(2009, 11, 22), "Đang hoạt động"]]  # fmt: skip
    table = read_table(xlsx_bytes(rows))
    assert table.read_as == "Excel (.xlsx), Danh sách"
    assert table.rows[1][1] == "100233488"  # the leading zero is for the widget to restore
    assert table.rows[1][5] == "1260"
    assert table.rows[1][6] == datetime.date(2009, 11, 22)


def test_xlsx_blank_rows_are_skipped_with_excel_row_numbers():
    table = read_table(xlsx_bytes([ROWS[0], [None] * 8, ROWS[1]], title="DANH SÁCH DOANH NGHIỆP"))
    assert table.lines == [1, 3, 4, 6]  # title, header, row, (blank row 5), row


def test_legacy_tcvn3_font_is_refused_with_how_to_convert():
    tcvn3 = [["1", "0100233488", "C«ng ty TNHH §iÖn tö ViÖt Nam", "KCN Th¨ng Long", "TNHH", "5",
              "", "§ang ho¹t ®éng"]]  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        read_table(csv_bytes(tcvn3, encoding="utf-8-sig"))
    message = str(refused.value)
    assert "phông chữ tiếng Việt cũ" in message and "Unikey" in message
    assert "C«ng ty TNHH §iÖn tö ViÖt Nam" in message


def test_legacy_tcvn3_bytes_are_refused_too():
    text = "STT,MST,Tên DN\n1,0100233488,C«ng ty TNHH §iÖn tö ViÖt Nam\n2,0100233488,Nhùa ViÖt\n"
    with pytest.raises(ImportRefused) as refused:
        read_table(text.replace("Tên", "Tªn").encode("latin-1"))
    assert refused.value.code == "legacy_font"


def test_legacy_vni_font_is_refused():
    vni = [["1", "0100233488", "Coâng ty TNHH Ñieän töû Vieät Nam", "KCN Thaêng Long", "TNHH", "5",
            "", "Ñang hoaït ñoäng"]]  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        read_table(xlsx_bytes(vni))
    assert refused.value.code == "legacy_font"


def test_foreign_names_are_not_mistaken_for_a_legacy_font():
    rows = [[*row[:2], f"{row[2]} Müller Schöller Peña", *row[3:]] for row in ROWS]
    assert read_table(csv_bytes(rows)).rows[1][2].endswith("Müller Schöller Peña")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tệp không có dữ liệu."),
        (b"\r\n\r\n", "Tệp không có dữ liệu."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel 97-2003 (.xls)"),
        (b"PK\x03\x04 not really a workbook", "Không mở được tệp dưới dạng bảng tính Excel"),
        (codecs.BOM_UTF8 + b"STT,T\xean\n", "Tệp bị lỗi"),
        # Neither a workbook nor text: named by what it looks like (issue 14, point 4).
        (random.Random(8).randbytes(3000), "tệp có vẻ là dữ liệu nhị phân, không phải văn bản"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "tệp có vẻ là một tệp chương trình"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "tệp có vẻ là một tài liệu PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "tệp có vẻ là một tệp ảnh (PNG)"),
        ("STT\tTên\x01\x02\x03\x04\x05\n".encode("utf-16-le") * 20, "dữ liệu nhị phân"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(data, message):
    with pytest.raises(ImportRefused) as refused:
        read_table(data)
    assert message in str(refused.value)


def test_unicode_text_without_its_mark_is_still_read_as_text():
    """Vietnamese letters in UTF-16 hold bytes that are controls in 8-bit text (ệ is C7 1E):
    they are not taken for binary data."""
    table = read_table(csv_bytes(ROWS, encoding="utf-16-le", delimiter="\t"))
    assert table.rows[1][2] == "Công ty TNHH Điện tử Việt Hàn"


def test_a_refused_file_in_the_admin_says_what_it_looks_like(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from organizations.models import Enterprise

    before = Enterprise.objects.count()
    upload = SimpleUploadedFile("danh-sach.xlsx", b"%PDF-1.4\n" + bytes(range(256)) * 4)
    response = staff_client.post(
        "/admin/organizations/enterprise/import/",
        {"import_file": upload, "counted_on": "30/06/2025"},
    )
    assert response.status_code == 200
    assert "tệp có vẻ là một tài liệu PDF" in response.content.decode()
    assert Enterprise.objects.count() == before
