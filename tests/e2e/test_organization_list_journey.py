"""Journey: staff of a zone committee bring in the list of their party organisations kept in
Excel. They download the sample, upload their list, see a row error (a cell placed under
another cell), fix it in their file, upload it again and confirm; the organisations are in the
tree, each page naming the import that created it."""

import pytest
from playwright.sync_api import Page, expect

from organizations.access import Role
from organizations.models import ListImport, PartyOrganization
from tests.conftest import account
from tests.e2e.pages import log_in
from tests.organizations.list_helpers import org_row, orgs_csv


@pytest.fixture
def staff_user(live_server, transactional_db, bg, hn):
    return account(bg.committee, Role.STAFF, "bg-canbo")


def committee_list(bad: bool) -> bytes:
    return orgs_csv(
        [
            org_row(1, "BG-TT01", "Chi bộ phân xưởng 1", kind="Chi bộ trực thuộc",
                    parent="BG-DB01"),
            org_row(2, "BG-DB01", "Đảng bộ Công ty Cổ phần Dầu khí Thái Dương", kind="ĐBCS",
                    members="31"),
            org_row(3, "BG-CB02", "Chi bộ Công ty TNHH May Hòa Phú", kind="CBCS",
                    parent="BG-CB01" if bad else "BG-KCN"),
        ]
    )  # fmt: skip


def test_staff_import_the_organisation_list_fixing_an_error(
    page: Page, live_server, staff_user, bg, tmp_path
):
    base = live_server.url
    log_in(page, base, staff_user.username)
    page.goto(f"{base}/admin/organizations/partyorganization/")
    page.get_by_role("link", name="Nhập", exact=True).click()
    expect(page.locator("h1")).to_have_text("Nhập danh sách tổ chức đảng")

    with page.expect_download() as sample:
        page.locator("#download-sample").click()
    assert sample.value.suggested_filename == "mau-partyorganization.xlsx"

    original = tmp_path / "to-chuc-dang.csv"
    original.write_bytes(committee_list(bad=True))
    page.locator("#id_import_file").set_input_files(str(original))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#import-preview h2")).to_have_text("Xem trước: chưa ghi gì vào hệ thống")
    expect(page.locator("#import-counts tbody td")).to_have_text(["2", "0", "0", "1"])
    errors = page.locator("#invalid-rows tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.nth(0).locator("td").nth(0)).to_have_text("4")
    expect(errors.nth(0).locator("td").nth(1)).to_have_text("Mã tổ chức cấp trên")
    expect(errors.nth(0).locator("td").nth(2)).to_contain_text("đảng bộ cấp trên trực tiếp cơ sở")
    assert not PartyOrganization.objects.filter(code="BG-DB01").exists()

    # Fixed in the file and sent again: every row valid, then confirmed.
    original.write_bytes(committee_list(bad=False))
    page.locator("#id_import_file").set_input_files(str(original))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#import-counts tbody td")).to_have_text(["3", "0", "0", "0"])
    expect(page.locator("#invalid-rows")).to_have_count(0)
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text("3 mới")
    record = ListImport.objects.get()
    expect(page).to_have_url(f"{base}/admin/organizations/listimport/{record.pk}/change/")
    assert (record.created, record.invalid, record.file_name) == (3, 0, original.name)

    # The subordinate cell, listed before its committee in the file, sits under it, and its
    # page names the import.
    cell = PartyOrganization.objects.get(code="BG-TT01")
    assert cell.parent.code == "BG-DB01" and cell.created_by_import == record
    page.goto(f"{base}/admin/organizations/partyorganization/{cell.pk}/change/")
    expect(page.get_by_role("link", name=f"#{record.pk} {original.name}").first).to_be_visible()
