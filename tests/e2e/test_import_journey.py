"""Journey: staff of a zone committee import the list a management board sent. They upload it,
see the preview with its errors, download the invalid rows, fix them in their file, upload it
again and confirm; the enterprises are in, with the record of the import."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from organizations.access import Role
from organizations.models import Enterprise, EnterpriseImport
from tests.conftest import account
from tests.e2e.pages import log_in
from tests.organizations.import_helpers import code, csv_bytes, row

ZONE = "KCN Bắc Giang I"


@pytest.fixture
def staff_user(live_server, transactional_db, bg, hn):
    return account(bg.committee, Role.STAFF, "bg-canbo")


def board_list(bad: bool) -> bytes:
    rows = [
        row(1, code(2001), "Công ty TNHH Điện tử Quang Minh", ZONE, "FDI", "1.260"),
        row(2, "2454773693" if bad else code(2002), "Công ty Cổ phần Bao bì Hà Bắc", ZONE,
            "Cổ phần", "85"),
        row(3, code(2003), "Doanh nghiệp tư nhân Cơ khí Việt Tiến", ZONE, "DNTN", "42"),
        row(4, code(2004), "Công ty TNHH Nhựa Đông Á", ZONE, "TNHH", "-15" if bad else "15"),
        row(5, code(2005), "Công ty TNHH May Hòa Phú", ZONE, "Liên doanh", "310"),
    ]  # fmt: skip
    return csv_bytes(rows)


def counts(page: Page):
    return page.locator("#import-counts tbody td")


def test_staff_imports_a_list_fixing_its_errors(page: Page, live_server, staff_user, bg, tmp_path):
    base = live_server.url
    log_in(page, base, staff_user.username)
    page.goto(f"{base}/admin/organizations/enterprise/")
    page.get_by_role("link", name="Nhập", exact=True).click()
    expect(page.locator("h1")).to_have_text("Nhập danh sách doanh nghiệp")

    # Upload the board's list: the preview shows what would happen, and writes nothing.
    original = tmp_path / "kcn-bac-giang-2025.csv"
    original.write_bytes(board_list(bad=True))
    page.locator("#id_import_file").set_input_files(str(original))
    page.get_by_role("button", name="Xem trước").click()
    # The list states no date for its worker counts: the form asks for it.
    expect(page.locator(".errorlist")).to_contain_text("Danh sách không ghi ngày số liệu lao động")
    page.locator("#id_counted_on").fill("30/06/2025")
    page.locator("#id_import_file").set_input_files(str(original))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#import-preview h2")).to_have_text("Xem trước: chưa ghi gì vào hệ thống")
    expect(page.locator("#counted-on")).to_have_text("Số lao động tính đến ngày 30/06/2025.")
    expect(counts(page)).to_have_text(["3", "0", "0", "2"])
    errors = page.locator("#invalid-rows tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0).locator("td")).to_have_text(
        [
            "3",
            "Mã số thuế",
            "Mã số thuế 2454773693 sai chữ số kiểm tra; vui lòng đối chiếu với giấy chứng nhận.",
        ]
    )
    expect(errors.nth(1).locator("td")).to_have_text(
        ["5", "Số lao động", "Số lao động không được âm (-15)."]
    )
    confirm_valid = page.get_by_role("button", name="Xác nhận nhập 3 dòng hợp lệ, bỏ qua")
    expect(confirm_valid).to_be_visible()
    assert not Enterprise.objects.filter(zone=bg.zone, name__contains="Quang Minh").exists()

    # Download the invalid rows: the file's columns plus "Lỗi", in UTF-8 Excel can open.
    with page.expect_download() as download:
        page.locator("#download-errors").click()
    assert download.value.suggested_filename == "kcn-bac-giang-2025-loi.csv"
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][-1] == "Lỗi" and lines[0][1] == "Mã số thuế"
    assert [(line[1], line[-1].split(":")[0]) for line in lines[1:]] == [
        ("2454773693", "Dòng 3, Mã số thuế"),
        (code(2004), "Dòng 5, Số lao động"),
    ]

    # Fix the two rows in the file and send it again: now every row is valid.
    original.write_bytes(board_list(bad=False))
    page.locator("#id_import_file").set_input_files(str(original))
    page.get_by_role("button", name="Xem trước").click()
    expect(counts(page)).to_have_text(["5", "0", "0", "0"])
    expect(page.locator("#invalid-rows")).to_have_count(0)
    not_in_list = page.locator("#not-in-list")
    expect(not_in_list).to_contain_text(bg.enterprise.name)  # in the zone, not in the list

    # Confirm: everything is written, and the import's record opens.
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text(
        "Đã nhập xong: 5 mới, 0 thay đổi, 0 không đổi, bỏ qua 0 dòng không hợp lệ."
    )
    record = EnterpriseImport.objects.get()
    expect(page).to_have_url(f"{base}/admin/organizations/enterpriseimport/{record.pk}/change/")
    expect(page.locator("#zones-touched")).to_contain_text(ZONE)
    assert (record.created, record.invalid, record.file_name) == (5, 0, original.name)
    imported = Enterprise.objects.filter(created_by_import=record)
    assert imported.count() == 5
    assert imported.get(tax_code=code(2004)).workforce.get().workers == 15

    # The enterprise the list did not name is listed from the record, to decide on.
    decide = "1 doanh nghiệp: xác định tạm ngừng hoạt động hay giải thể"
    page.get_by_role("link", name=decide).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text(bg.enterprise.name)
