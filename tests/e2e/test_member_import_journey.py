"""Journey: staff of a zone committee bring in their member register. They upload it, see the
preview with a row that breaks a rule, download the invalid rows, fix the file, confirm, and
open a member whose timeline was built from the row's dates."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from members.models import Member
from organizations.access import Role
from organizations.models import ListImport
from tests.conftest import account
from tests.e2e.pages import log_in
from tests.members.imports.helpers import register, row


@pytest.fixture
def staff_user(live_server, transactional_db, bg, hn):
    return account(bg.committee, Role.STAFF, "bg-canbo")


def the_register(bad: bool) -> bytes:
    return register(
        row(**{"Ngày chính thức": "10/11/2018" if bad else "10/05/2019"}),
        row(**{"Họ và tên": "Phạm Thị Lan", "Giới tính": "Nữ", "Ngày sinh": "01/02/1980",
               "Số CCCD": "024180000202", "Ngày vào Đảng": "03/02/2005",
               "Nơi kết nạp": "Đảng bộ xã Tân Dĩnh",
               "Ngày chính thức": "03/02/2006",
               "Ngày chuyển đến": "01/06/2019", "Chuyển từ": "Đảng bộ xã Tân Dĩnh"}),
    )  # fmt: skip


def test_staff_import_a_register_fixing_its_errors(
    page: Page, live_server, staff_user, bg, tmp_path
):
    base = live_server.url
    log_in(page, base, staff_user.username)
    page.goto(f"{base}/admin/members/member/")
    page.get_by_role("link", name="Nhập", exact=True).click()
    expect(page.locator("h1")).to_have_text("Nhập danh sách đảng viên")

    original = tmp_path / "dang-vien-2026.csv"
    original.write_bytes(the_register(bad=True))
    page.locator("#id_import_file").set_input_files(str(original))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#import-preview h2")).to_have_text("Xem trước: chưa ghi gì vào hệ thống")
    expect(page.locator("#import-counts tbody td")).to_have_text(["1", "0", "0", "1"])
    error = page.locator("#invalid-rows tbody tr")
    expect(error).to_have_count(1)
    expect(error.locator("td").nth(0)).to_have_text("2")
    expect(error.locator("td").nth(1)).to_have_text("Ngày chính thức")
    assert not Member.objects.exists()

    with page.expect_download() as download:
        page.locator("#download-errors").click()
    assert download.value.suggested_filename == "dang-vien-2026-loi.csv"
    lines = list(
        csv.reader(io.StringIO(Path(download.value.path()).read_bytes().decode("utf-8-sig")))
    )
    assert lines[0][-1] == "Lỗi" and lines[1][0] == "Lê Văn Tám"
    assert "12 tháng" in lines[1][-1]

    original.write_bytes(the_register(bad=False))
    page.locator("#id_import_file").set_input_files(str(original))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#import-counts tbody td")).to_have_text(["2", "0", "0", "0"])
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text("2 mới")
    record = ListImport.objects.get()
    expect(page).to_have_url(f"{base}/admin/organizations/listimport/{record.pk}/change/")

    lan = Member.objects.get(citizen_id="024180000202")
    page.goto(f"{base}/admin/members/member/{lan.pk}/change/")
    timeline = page.locator("#timeline tbody tr")
    expect(timeline).to_have_count(3)
    expect(timeline.nth(0)).to_contain_text("03/02/2005")
    expect(timeline.nth(0)).to_contain_text("Đảng bộ xã Tân Dĩnh")
    expect(timeline.nth(1)).to_contain_text("03/02/2006")
    expect(timeline.nth(2)).to_contain_text("01/06/2019")
    expect(timeline.nth(2)).to_contain_text(bg.cell.name)
    expect(page.locator("body")).to_contain_text("dang-vien-2026.csv")
