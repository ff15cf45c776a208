"""The staff's home page and search as Vietnamese is typed, in the browser (issue 14, points 1
and 2): a clerk lands on the home page, starts a task in one click, follows the deadlines to
the due list, types names without diacritics and finds them; a leader lands on the dashboard
instead, and the home page offers them no task that writes."""

import re

import pytest
from playwright.sync_api import Page, expect

from kcn_party.folding import fold
from organizations.access import Role
from tests.conftest import account
from tests.e2e.pages import log_in
from tests.factories import MemberFactory

# The interface's words (locale/vi/LC_MESSAGES/django.po).
RECORD_ADMISSION = "Ghi nhận kết nạp"  # "Record an admission"
TASKS = "Việc thường làm"  # "Tasks"


@pytest.fixture
def people(live_server, transactional_db, bg):
    return (
        account(bg.committee, Role.STAFF, "bg-canbo"),
        account(bg.committee, Role.LEADER, "bg-lanhdao"),
    )


def search(page: Page, url: str, words: str) -> None:
    page.goto(url)
    page.locator("#searchbar").fill(words)
    page.locator("#changelist-search input[type=submit]").click()
    expect(page).to_have_url(re.compile(r"\?q="))


def test_the_home_pages_of_a_clerk_and_a_leader_and_search_typed_without_tones(
    page: Page, live_server, bg, people
):
    staff, leader = people
    member = MemberFactory(organization=bg.cell, full_name="Trần Hồng Thủy")
    base = live_server.url
    log_in(page, base, staff.username)
    tasks = page.locator("#home .kcn-home-tasks")
    expect(tasks.get_by_role("heading")).to_have_text(TASKS)
    # One click starts the admission.
    tasks.get_by_role("link", name=RECORD_ADMISSION).click()
    expect(page).to_have_url(f"{base}/admin/members/member/admit/")
    expect(page.locator("#journey_form")).to_be_visible()

    # The deadlines, counted, lead to the due list.
    page.goto(f"{base}/admin/")
    due = page.locator("#home-due-link")
    expect(due).to_have_text(re.compile(r"^\d+ "))
    due.click()
    expect(page).to_have_url(f"{base}/admin/members/candidate/due/")

    # Typed without tones, in lower case: the cell of "Công ty TNHH Điện tử Bắc Giang", and
    # the member.
    typed = fold(bg.cell.name)
    assert typed == "chi bo cong ty tnhh dien tu bac giang"
    search(page, f"{base}/admin/organizations/partyorganization/", "dien tu bac giang")
    expect(page.locator("#result_list tbody")).to_contain_text(bg.cell.name)
    search(page, f"{base}/admin/members/member/", fold(member.full_name))
    expect(page.locator("#result_list tbody")).to_contain_text("Trần Hồng Thủy")

    # A leader lands on the dashboard; their home page offers no task that writes.
    page.context.clear_cookies()
    log_in(page, base, leader.username, lands_on="/bao-cao/")
    page.goto(f"{base}/admin/")
    expect(page.locator("#home")).to_be_visible()
    expect(page.get_by_role("link", name=RECORD_ADMISSION)).to_have_count(0)
