"""Headers matched loosely: each spelling boards use finds its column; a missing required column
is named with the columns the file has."""

import pytest

from organizations.imports import ImportRefused
from organizations.imports.headers import locate, match
from organizations.imports.reading import Table
from organizations.imports.resource import ENTERPRISES

REQUIRED = ("tax_code", "name", "zone")


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Mã số thuế", "tax_code"),
        ("MST", "tax_code"),
        ("mst", "tax_code"),
        ("Ma so thue", "tax_code"),  # without diacritics
        ("MÃ SỐ THUẾ", "tax_code"),  # any case
        ("  Mã   số  thuế ", "tax_code"),  # any spacing
        ("Mã số thuế/Mã số DN", "tax_code"),
        ("Tên DN", "name"),
        ("Tên doanh nghiệp", "name"),
        ("TEN DOANH NGHIEP", "name"),
        ("KCN", "zone"),
        ("Khu công nghiệp", "zone"),
        ("KCN/KCX", "zone"),
        ("Loại hình DN", "ownership"),
        ("Lao động", "workers"),
        ("Số lao động (người)", "workers"),  # a unit in brackets
        ("Số LĐ", "workers"),
        ("Ngày cấp GCN", "licensed_on"),
        ("Ngày cấp GCNĐT", "licensed_on"),
        ("Quốc gia", "investor_country"),
        ("Ngành nghề kinh doanh", "sector"),
        ("Địa chỉ trụ sở", "address"),
        ("Người đại diện theo pháp luật", "legal_representative"),
        ("Tình trạng hoạt động", "status"),
        ("Tỉnh/Thành phố", "province"),
        ("Mã số thuế", "tax_code"),
        ("Tax code", "tax_code"),  # our own export, in English
        ("Loại hình sở hữu", "ownership"),  # our own export, in Vietnamese
    ],
)
def test_header_spellings_find_their_column(header, key):
    assert match(header, ENTERPRISES) == key


@pytest.mark.parametrize("header", ["STT", "stt", "TT", "Số TT", "Số thứ tự", "Lỗi", ""])
def test_numbering_and_error_columns_are_ignored(header):
    assert match(header, ENTERPRISES) == ""


def test_unknown_headers_are_listed_as_ignored():
    table = Table(lines=[1], rows=[["STT", "MST", "Tên DN", "KCN", "Ghi chú"]])
    found = locate(table, ENTERPRISES, required=REQUIRED)
    assert found.positions == {"tax_code": 1, "name": 2, "zone": 3}
    assert found.ignored == ["Ghi chú"]
    assert found.name("tax_code") == "MST"


def test_the_header_row_is_found_below_a_title():
    table = Table(
        lines=[1, 2, 4, 5],
        rows=[
            ["DANH SÁCH DOANH NGHIỆP KCN ĐÌNH TRÁM", "", ""],
            ["(Kèm theo Công văn số 125/BQL-DN)", "", ""],
            ["MST", "Tên doanh nghiệp", "KCN"],
            ["2400000110", "Công ty TNHH A", "KCN Đình Trám"],
        ],
    )
    found = locate(table, ENTERPRISES, required=REQUIRED)
    assert (found.row_index, found.line) == (2, 4)


def test_missing_required_column_names_the_columns_found():
    table = Table(lines=[1], rows=[["STT", "Tên DN", "Khu công nghiệp", "Số lao động"]])
    with pytest.raises(ImportRefused) as refused:
        locate(table, ENTERPRISES, required=REQUIRED)
    assert str(refused.value) == (
        "Không tìm thấy cột bắt buộc: Mã số thuế (MST). Các cột đọc được ở dòng 1 là: "
        "“STT”, “Tên DN”, “Khu công nghiệp”, “Số lao động”."
    )


def test_zone_column_is_not_required_when_the_zone_is_given():
    table = Table(lines=[1], rows=[["MST", "Tên DN"]])
    assert locate(table, ENTERPRISES, required=("tax_code", "name")).positions == {
        "tax_code": 0,
        "name": 1,
    }


def test_two_columns_for_one_meaning_are_refused():
    table = Table(lines=[1], rows=[["MST", "Mã số thuế", "Tên DN", "KCN"]])
    with pytest.raises(ImportRefused) as refused:
        locate(table, ENTERPRISES, required=REQUIRED)
    assert "“MST” và cột “Mã số thuế”" in str(refused.value)
