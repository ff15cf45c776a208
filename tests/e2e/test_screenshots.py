"""The pictures of the documentation, taken from the demo by a test run so that they stay true.

Each picture is kept in test-results/ (docs-NAME.png); with UPDATE_SCREENSHOTS=1 it also
replaces the one in docs/ (`make screenshots`). The test checks what the picture must show
before taking it."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from organizations.demo import DEMO_PASSWORD
from tests.e2e.conftest import RESULTS_DIR

DOCS = Path(__file__).resolve().parents[2] / "docs"

# The interface's words (locale/vi/LC_MESSAGES/django.po).
SHOW = "Xem"  # "Show"
TARGET_STATUSES = re.compile("chưa đạt|đạt|vượt")  # the statuses of issue 11


@pytest.fixture
def demo(live_server, transactional_db, settings):
    settings.DEBUG = True  # load_demo refuses a database that looks like production
    call_command("load_demo", verbosity=0)


def keep(page: Page, name: str) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    picture = RESULTS_DIR / f"docs-{name}"
    page.screenshot(path=str(picture), full_page=True)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(picture, DOCS / name)
    return picture


def test_the_dashboard_of_the_demo_bac_giang_committee(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/admin/login/?next=/bao-cao/")
    page.locator("#id_username").fill("bg-lanhdao")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/bao-cao/"))

    page.locator("#id_year").fill("2025")
    page.get_by_role("button", name=SHOW, exact=True).click()
    expect(page).to_have_url(re.compile(r"year=2025"))

    # The targets of resolution 09-NQ/ĐU, each with its status.
    targets = page.locator("#targets table.targets tbody tr")
    expect(targets.first).to_be_visible()
    assert targets.count() >= 4
    expect(targets.first.locator("td").nth(3)).to_have_text(TARGET_STATUSES)
    # Both kinds of chart are drawn.
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-monthly')")
    page.wait_for_function("() => Chart.getChart('chart-coverage0')")
    picture = keep(page, "dashboard.png")
    assert picture.stat().st_size > 50_000
