"""Journey: a zone committee's leader signs in and lands on the dashboard, switches to 2025,
opens a sub-organisation's breakdown, downloads the XLSX and opens the print view. The
dashboard's picture is kept in test-results/dashboard.png (docs/dashboard.png is the demo's,
taken the same way from `make run`)."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from organizations.access import Role
from reports.tables import TABLES
from tests.conftest import account
from tests.e2e.conftest import RESULTS_DIR
from tests.reports.builders import build_2025, build_tree

PASSWORD = "correct horse battery"

# The interface's words (locale/vi/LC_MESSAGES/django.po).
KEY_FIGURES = "Số liệu chính"  # "Key figures"
SHOW = "Xem"  # "Show"
DOWNLOAD_XLSX = "Tải về XLSX"  # "Download XLSX"
PRINT_VIEW = "Bản in"  # "Print view"
ADMITTED = "Kết nạp đảng viên"  # the figure "Members admitted"


@pytest.fixture
def leader_user(live_server, transactional_db, bg, hn):
    committee = bg.committee
    committee.founding_organizations, committee.founding_members = 1, 3
    committee.save()
    tree = build_tree(bg)
    build_2025(tree)
    return account(bg.committee, Role.LEADER, "bg-lanhdao"), tree


def test_a_leader_follows_the_year_down_to_a_cell_and_prints_it(
    page: Page, live_server, leader_user, bg
):
    leader_user, tree = leader_user
    base = live_server.url
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(leader_user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form input[type=submit]").click()

    # A leader lands on the dashboard, not the admin's lists.
    expect(page).to_have_url(re.compile(r"/bao-cao/$"))
    expect(page.locator("h1")).to_have_text(bg.committee.name)
    expect(page.get_by_role("heading", name=KEY_FIGURES)).to_be_visible()

    # Switch the year.
    page.locator("#id_year").fill("2025")
    page.get_by_role("button", name=SHOW, exact=True).click()
    expect(page).to_have_url(re.compile(r"year=2025"))
    expect(page.locator(".period-line")).to_contain_text("Năm 2025 (01/01/2025 – 31/12/2025)")
    admitted = page.locator(
        "#key-figures tr", has=page.locator("th", has_text=re.compile(f"^{ADMITTED}$"))
    )
    expect(admitted.locator("td").first).to_have_text("5")
    # The charts are drawn (Chart.js, served from the site) beside their tables.
    expect(page.locator("#chart-monthly")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-monthly')")
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "dashboard.png"), full_page=True)

    # The XLSX of what is shown.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=DOWNLOAD_XLSX).first.click()
    download = download_info.value
    assert download.suggested_filename == "bang-dieu-khien-bg-kcn-2025.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert "Số liệu chính" in workbook.sheetnames

    # A sub-organisation's own breakdown: the grassroots committee and its two cells.
    name = tree.grassroots.name
    page.locator("#breakdown a.child", has_text=re.compile(f"^{name}$")).click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("#breakdown tbody tr")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"year=2025"))

    # The print view of that organisation, for the year.
    page.get_by_role("link", name=PRINT_VIEW).click()
    expect(page).to_have_url(re.compile(r"/bao-cao/in/\?.*year=2025"))
    expect(page.locator(".print-head .committee").first).to_have_text(name)
    expect(page.locator("section.print-page")).to_have_count(2 + len(TABLES))
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()


def test_typing_a_term_chooses_the_term(page: Page, live_server, leader_user):
    """The period's kind follows the field typed into: a term typed with "Năm" still checked
    shows the term (static/reports/selection.js)."""
    leader_user, _tree = leader_user
    page.goto(f"{live_server.url}/admin/login/?next=/bao-cao/")
    page.locator("#id_username").fill(leader_user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    expect(page.locator("input[name=kind][value=year]")).to_be_checked()
    page.wait_for_load_state("load")  # the page's scripts are running (a person reads first)

    page.locator("#id_term").fill("2020-2025")
    expect(page.locator("input[name=kind][value=term]")).to_be_checked()
    page.get_by_role("button", name=SHOW, exact=True).click()
    expect(page).to_have_url(re.compile(r"kind=term"))
    expect(page.locator(".period-line")).to_contain_text("01/01/2020 – 31/12/2025")
