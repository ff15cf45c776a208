"""Cells to values: tax codes, ownership labels, dates, numbers and statuses, each quirk on its
own, with the Vietnamese message of a bad value."""

import datetime

import pytest
from django.utils import timezone

from organizations.imports.values import (
    DateWidget,
    OwnershipWidget,
    StatusWidget,
    TaxCodeWidget,
    TextWidget,
    WorkersWidget,
)
from organizations.models import EnterpriseStatus, Ownership


def error_of(widget, value) -> str:
    with pytest.raises(ValueError) as error:
        widget.clean(value)
    return str(error.value)


# --- Tax codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0100233488", "0100233488"),
        (" 0100233488 ", "0100233488"),
        ("0100 233 488", "0100233488"),
        ("01.00.233.488", "0100233488"),
        ("0314409058-002", "0314409058-002"),
        ("0314409058002", "0314409058-002"),  # a branch typed without its dash
    ],
)
def test_tax_code_stays_text_in_its_canonical_spelling(typed, code):
    assert TaxCodeWidget().parse(typed) == (code, False)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("100233488", "0100233488"),  # Excel turned a Hà Nội code into a number
        ("314409058002", "0314409058-002"),  # and a branch code
        ("314409058-002", "0314409058-002"),
    ],
)
def test_leading_zero_dropped_by_excel_is_restored_and_said(typed, code):
    assert TaxCodeWidget().parse(typed) == (code, True)


def test_nine_digits_whose_padded_code_is_invalid_are_an_error():
    assert "10 chữ số" in error_of(TaxCodeWidget(), "100233480")


def test_wrong_check_digit_is_an_error_in_vietnamese():
    assert error_of(TaxCodeWidget(), "2454773693") == (
        "Mã số thuế 2454773693 sai chữ số kiểm tra; vui lòng đối chiếu với giấy chứng nhận."
    )


@pytest.mark.parametrize("typed", ["12345", "01002334AB", "2.44838E+09"])
def test_malformed_tax_codes_are_errors(typed):
    assert "10 chữ số" in error_of(TaxCodeWidget(), typed)


def test_missing_tax_code_is_an_error():
    assert error_of(TaxCodeWidget(), "") == "Thiếu mã số thuế."


# --- Ownership -------------------------------------------------------------------------------

O = Ownership  # noqa: E741


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("FDI", O.FDI100),
        ("100% vốn nước ngoài", O.FDI100),
        ("DN 100% vốn FDI", O.FDI100),
        ("dn 100% von fdi", O.FDI100),  # without diacritics, any case
        ("Liên doanh", O.JV),
        ("Liên doanh với nước ngoài", O.JV),
        ("Có vốn đầu tư nước ngoài", O.FDI_OTHER),
        ("TNHH", O.LLC),
        ("Công ty TNHH", O.LLC),
        ("Công ty TNHH MTV", O.LLC),
        ("Cổ phần", O.JSC),
        ("Công ty cổ phần", O.JSC),
        ("CTCP", O.JSC),
        ("DNTN", O.PRIVATE),
        ("Doanh nghiệp tư nhân", O.PRIVATE),
        ("Nhà nước", O.STATE),
        ("DN nhà nước", O.STATE),
        ("Hợp danh", O.PARTNERSHIP),
        ("HTX", O.COOPERATIVE),
        ("Cơ quan hành chính", O.AGENCY),
        ("Đơn vị sự nghiệp", O.PUBLIC_SERVICE),
        ("Công ty trách nhiệm hữu hạn", O.LLC),  # the choice's own label
        ("100% foreign capital", O.FDI100),  # the English label of our export
        ("jsc", O.JSC),  # the code
    ],
)
def test_ownership_spellings_map_to_one_type(label, kind):
    assert OwnershipWidget().clean(label) == kind


def test_unknown_ownership_label_is_an_error_that_lists_the_labels():
    message = error_of(OwnershipWidget(), "Tập đoàn")
    assert message.startswith("Không rõ loại hình doanh nghiệp “Tập đoàn”.")
    assert "Liên doanh" in message


def test_blank_ownership_is_left_to_the_row():
    assert OwnershipWidget().clean("") is None


# --- Dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("22/11/2009", datetime.date(2009, 11, 22)),
        ("2/3/2009", datetime.date(2009, 3, 2)),
        ("22-11-2009", datetime.date(2009, 11, 22)),
        ("22.11.2009", datetime.date(2009, 11, 22)),
        ("2009-11-22", datetime.date(2009, 11, 22)),
        (datetime.date(2009, 11, 22), datetime.date(2009, 11, 22)),  # an Excel date cell
        (datetime.datetime(2009, 11, 22, 8, 30), datetime.date(2009, 11, 22)),
        ("40139", datetime.date(2009, 11, 22)),  # an Excel date saved to CSV as its serial
        (40139, datetime.date(2009, 11, 22)),
    ],
)
def test_dates_in_the_forms_boards_use(value, date):
    assert DateWidget().clean(value) == date


@pytest.mark.parametrize("value", ["31/02/2020", "2009/22/11", "ngày 5 tháng 3", "13/13/2013"])
def test_unreadable_dates_are_errors(value):
    assert error_of(DateWidget(), value) == (
        f"“{value}” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy."
    )


def test_future_dates_are_errors():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert "là ngày trong tương lai" in error_of(DateWidget(), tomorrow.strftime("%d/%m/%Y"))


# --- Numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("283", 283),
        ("1.260", 1260),  # "." as thousands separator, the Vietnamese way
        ("1.000.000", 1000000),
        ("1,260", 1260),
        ("1 260", 1260),
        (1260, 1260),
        (1260.0, 1260),
        ("0", 0),
    ],
)
def test_worker_counts(value, number):
    assert WorkersWidget().clean(value) == number


@pytest.mark.parametrize("value", ["1.000.001", "99.999.999.999.999", 10**20])
def test_worker_counts_beyond_any_enterprise_are_errors(value):
    assert "nhiều hơn số lao động của bất kỳ doanh nghiệp nào" in error_of(WorkersWidget(), value)


@pytest.mark.parametrize("value", ["01/01/0001", "0001-01-01", "31/12/1929"])
def test_dates_before_the_records_bound_are_errors(value):
    assert "quá sớm" in error_of(DateWidget(), value)


def test_negative_worker_count_is_an_error():
    assert error_of(WorkersWidget(), "-15") == "Số lao động không được âm (-15)."


@pytest.mark.parametrize("value", ["12,5", "1.26", "khoảng 200", 12.5])
def test_non_whole_worker_counts_are_errors(value):
    assert "không phải là số lao động" in error_of(WorkersWidget(), value)


# --- Statuses and text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "status"),
    [
        ("Đang hoạt động", EnterpriseStatus.ACTIVE),
        ("Hoạt động", EnterpriseStatus.ACTIVE),
        ("Tạm ngừng hoạt động", EnterpriseStatus.SUSPENDED),
        ("tam ngung", EnterpriseStatus.SUSPENDED),
        ("Giải thể", EnterpriseStatus.CLOSED),
        ("Đã giải thể", EnterpriseStatus.CLOSED),
        ("Phá sản", EnterpriseStatus.CLOSED),
    ],
)
def test_statuses_are_mapped(label, status):
    assert StatusWidget().clean(label) == status


def test_unknown_status_is_an_error():
    assert error_of(StatusWidget(), "Đang xây dựng").startswith("Không rõ trạng thái")


def test_text_longer_than_its_column_is_an_error():
    assert error_of(TextWidget(max_length=5), "Công ty") == "Quá dài: 7 ký tự, tối đa 5."


@pytest.mark.parametrize("value", ["\x00", "Công ty\x00 ABC"])
def test_text_with_a_nul_character_is_an_error(value):
    assert "ký tự NUL" in error_of(TextWidget(max_length=255), value)
