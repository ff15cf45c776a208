"""The pictures of the documentation, taken from the demo by a test run so that they stay true.

Each picture is kept in test-results/ (docs-NAME.png); with UPDATE_SCREENSHOTS=1 it also
replaces the one in docs/ (`make screenshots`): docs/dashboard.png for the README, and
docs/guide/NAME.png for the user guide (docs/huong-dan-su-dung.md, which links every one:
tests/test_guide.py checks it). Each test checks what its picture must show before taking it,
at the width of a committee's office screen (1366 × 900)."""

import contextlib
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases
from PIL import Image
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from organizations.demo import DEMO_PASSWORD
from tests.e2e.conftest import RESULTS_DIR

DOCS = Path(__file__).resolve().parents[2] / "docs"
SAMPLE_LIST = Path(__file__).resolve().parents[1] / "data" / "enterprises-bac-giang-2024.csv"
VIEWPORT = {"width": 1366, "height": 900}

# The pictures of the guide, by the test that takes each (tests/test_guide.py reads this).
GUIDE_PICTURES = {
    "test_the_home_page_of_staff": "guide/trang-chu-can-bo.png",
    "test_the_preview_of_an_enterprise_list": "guide/nhap-doanh-nghiep-xem-truoc.png",
    "test_the_admission_journey_from_a_candidate": "guide/ghi-nhan-ket-nap.png",
    "test_the_member_list": "guide/danh-sach-dang-vien.png",
    "test_the_due_list": "guide/quy-trinh-va-thoi-han.png",
    "test_the_ratings_of_a_cell": "guide/xep-loai-chi-bo.png",
    "test_the_page_of_the_committee": "guide/to-chuc-dang.png",
    "test_the_dashboard_of_the_demo_bac_giang_committee": "dashboard.png",
    "test_a_table_page": "guide/bieu-1.png",
    "test_where_to_work_next": "guide/co-hoi-phat-trien.png",
}

# The interface's words (locale/vi/LC_MESSAGES/django.po).
SHOW = "Xem"  # "Show"
TARGET_STATUSES = re.compile("chưa đạt|đạt|vượt")  # the statuses of issue 11


@contextlib.contextmanager
def own_test_database():
    """The test database, set up here when pytest-django has not (it sets one up only for the
    tests that ask for a database: run alone, this module's tests do not), and checked, so
    that the demo is never loaded into, nor flushed from, the database of the settings."""
    creation = connection.creation
    wanted = creation._get_test_db_name()  # noqa: SLF001
    old_config = None
    if connection.settings_dict["NAME"] != wanted:
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    assert connection.settings_dict["NAME"] == wanted, "not the test database"
    try:
        yield
    finally:
        if old_config is not None:
            teardown_databases(old_config, verbosity=0)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module's pictures (it takes a minute or two), served by a
    live server of the module's own and flushed after them, as a transactional test leaves
    the database. Not pytest-django's `live_server`: a test that uses it gets a transactional
    database, emptied after each test."""
    with django_db_blocker.unblock(), own_test_database():
        with override_settings(DEBUG=True):  # load_demo refuses what looks like production
            call_command("load_demo", verbosity=0)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()  # noqa: SLF001 (ALLOWED_HOSTS)
        try:
            yield server.url
        finally:
            server.stop()
            server._live_server_modified_settings.disable()  # noqa: SLF001
            call_command("flush", interactive=False, verbosity=0)


def sign_in(page: Page, base: str, username: str, then: str) -> None:
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{base}/admin/login/?next={then}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#login-form input[type=submit]").click()


def keep(page: Page, name: str, *, full_page: bool = False) -> Path:
    """The picture, in test-results/ and (UPDATE_SCREENSHOTS=1) in docs/. The viewport only,
    unless the whole page is the point, and in docs/ in 256 colours: the pictures stay small
    (a screen of the interface loses nothing one can see)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    picture = RESULTS_DIR / f"docs-{name.replace('/', '-')}"
    page.screenshot(path=str(picture), full_page=full_page)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        (DOCS / name).parent.mkdir(exist_ok=True)
        with Image.open(picture) as taken:
            small = taken.convert("RGB").quantize(256, dither=Image.Dither.NONE)
            small.save(DOCS / name, optimize=True)
    return picture


def picture_of(request) -> str:
    return GUIDE_PICTURES[request.node.originalname]


# --- staff (bg-canbo) ------------------------------------------------------------------------


def test_the_home_page_of_staff(page: Page, demo, request):
    sign_in(page, demo, "bg-canbo", "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    tasks = page.locator("#home .kcn-task-buttons a")
    expect(tasks.first).to_have_text("Ghi nhận kết nạp")
    expect(tasks).to_contain_text(["Nhập danh sách doanh nghiệp", "Nhập danh sách đảng viên"])
    expect(page.locator("#home-due-link")).to_contain_text("quá hạn")
    expect(page.locator("#user-tools a.to-guide")).to_have_text("Hướng dẫn sử dụng")
    keep(page, picture_of(request))


def test_the_preview_of_an_enterprise_list(page: Page, demo, request):
    sign_in(page, demo, "bg-canbo", "/admin/organizations/enterprise/import/")
    expect(page.locator("h1")).to_have_text("Nhập danh sách doanh nghiệp")
    page.locator("#id_import_file").set_input_files(str(SAMPLE_LIST))
    page.locator("#id_counted_on").fill("31/12/2024")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#import-preview h2")).to_have_text("Xem trước: chưa ghi gì vào hệ thống")
    expect(page.locator("#counted-on")).to_have_text("Số lao động tính đến ngày 31/12/2024.")
    # The sample's four bad rows (tests/data/README: lines 12, 22, 32 and 42).
    lines = page.locator("#invalid-rows tbody tr td.line")
    expect(lines).to_have_text(["12", "22", "32", "42"])
    expect(page.locator("#download-errors")).to_be_visible()
    expect(page.locator("#confirm-import input[name=confirm]")).to_be_visible()
    keep(page, picture_of(request))
    page.locator("#cancel-import input, #confirm-import input[form=cancel-import]").first.click()


def test_the_admission_journey_from_a_candidate(page: Page, demo, request):
    sign_in(page, demo, "bg-canbo", "/admin/members/member/admit/")
    expect(page.locator("#content h1")).to_have_text("Ghi nhận kết nạp")
    awaiting = page.locator(".kcn-awaiting li a").first
    name = awaiting.inner_text()
    awaiting.click()
    expect(page.locator(".kcn-from-candidate")).to_contain_text(name)
    expect(page.locator("#id_full_name")).to_have_value(name)
    expect(page.locator("#id_decided_on")).to_be_visible()
    keep(page, picture_of(request))


def test_the_member_list(page: Page, demo, request):
    sign_in(page, demo, "bg-canbo", "/admin/members/member/")
    expect(page.locator("#result_list tbody tr").first).to_be_visible()
    assert page.locator("#result_list tbody tr").count() >= 20
    expect(page.get_by_role("link", name="Nhập", exact=True)).to_be_visible()
    expect(page.locator("#changelist-filter")).to_be_visible()
    keep(page, picture_of(request))


def test_the_due_list(page: Page, demo, request):
    sign_in(page, demo, "bg-canbo", "/admin/members/candidate/due/")
    expect(page.locator("#pipeline tbody tr").first).to_be_visible()
    expect(page.locator("#deadlines-title")).to_contain_text("quá hạn")
    expect(page.locator("#due-totals")).to_be_visible()
    expect(page.locator(".kcn-due-table tr.overdue").first).to_contain_text("quá hạn")
    keep(page, picture_of(request), full_page=True)


def test_the_ratings_of_a_cell(page: Page, demo, request):
    sign_in(page, demo, "bg-canbo", "/admin/members/memberrating/enter/")
    expect(page.locator("#content h1")).to_have_text("Nhập kết quả xếp loại của chi bộ")
    choice = page.locator("#rating-choice")
    choice.locator("select[name=organization]").select_option(label="Chi bộ Công an KCN Bắc Giang")
    choice.locator("select[name=year]").select_option("2025")
    choice.locator("[type=submit]").click()
    rows = page.locator("#rating-table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 5
    heading = page.locator("#rating-form h2")
    expect(heading).to_contain_text("Chi bộ Công an KCN Bắc Giang, năm 2025")
    # The demo's cell rates more than 20% of its good members HTXS: the quota's warning.
    expect(page.locator(".kcn-quota")).to_contain_text("vượt tỷ lệ 20%")
    keep(page, picture_of(request))


def test_the_page_of_the_committee(page: Page, demo, request):
    sign_in(page, demo, "bg-canbo", "/admin/organizations/partyorganization/")
    page.get_by_role("link", name="Đảng bộ Các KCN tỉnh Bắc Giang", exact=True).first.click()
    expect(page.locator("#content h2").first).to_have_text("Đảng bộ Các KCN tỉnh Bắc Giang")
    # The buttons that add a sub-organisation of each allowed kind, and the history.
    tools = page.locator(".object-tools")
    expect(tools).to_contain_text("Thêm chi bộ cơ sở")
    expect(tools.get_by_role("link", name="Lịch sử")).to_be_visible()
    # The tree of the committee, at the foot of its page.
    tree = page.locator("#subtree")
    expect(tree.get_by_role("link", name="Chi bộ Công an KCN Bắc Giang")).to_be_visible()
    page.locator("#subtree").evaluate("tree => tree.scrollIntoView({block: 'end'})")
    keep(page, picture_of(request))


# --- leaders (bg-lanhdao) --------------------------------------------------------------------


def test_the_dashboard_of_the_demo_bac_giang_committee(page: Page, demo, request):
    sign_in(page, demo, "bg-lanhdao", "/bao-cao/")
    expect(page).to_have_url(re.compile(r"/bao-cao/"))

    page.locator("#id_year").fill("2025")
    page.get_by_role("button", name=SHOW, exact=True).click()
    expect(page).to_have_url(re.compile(r"year=2025"))

    # The targets of resolution 09-NQ/ĐU, each with its status.
    targets = page.locator("#targets table.targets tbody tr")
    expect(targets.first).to_be_visible()
    assert targets.count() >= 4
    expect(targets.first.locator("td").nth(3)).to_have_text(TARGET_STATUSES)
    expect(page.locator(".site-nav a.to-guide")).to_have_text("Hướng dẫn sử dụng")
    # Both kinds of chart are drawn.
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-monthly')")
    page.wait_for_function("() => Chart.getChart('chart-coverage0')")
    picture = keep(page, picture_of(request), full_page=True)
    assert picture.stat().st_size > 50_000


def test_a_table_page(page: Page, demo, request):
    sign_in(page, demo, "bg-lanhdao", "/bao-cao/bieu/bieu1/?org=BG-KCN&kind=year&year=2025")
    expect(page).to_have_url(re.compile(r"/bao-cao/bieu/bieu1/"))
    expect(page.locator(".table-block h2")).to_have_text("Biểu 1: Tăng, giảm đảng viên")
    table = page.locator(".table-block table")
    expect(table).to_contain_text("Đảng viên đầu kỳ")
    expect(table).to_contain_text("Đảng viên cuối kỳ")
    expect(page.locator(".check-failed")).to_have_count(0)
    keep(page, picture_of(request))


def test_where_to_work_next(page: Page, demo, request):
    sign_in(page, demo, "bg-lanhdao", "/bao-cao/co-hoi/?org=BG-KCN")
    expect(page.locator("h1")).to_contain_text("Cơ hội phát triển")
    expect(page.locator("#large table tbody tr").first).to_be_visible()
    expect(page.locator("#large .actions a")).to_have_count(2)
    keep(page, picture_of(request))
