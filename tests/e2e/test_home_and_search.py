"""The staff's home page and search as Vietnamese is typed, in the browser (issue 14, points 1
and 2), on the demo: a clerk lands on the home page, starts a task in one click, follows the
deadlines to the due list; types names without diacritics and finds them; a leader lands on
the dashboard instead, and the home page offers them no task that writes."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from kcn_party.folding import fold
from members.models import Member
from members.models.members import ACTIVE_STATUSES
from organizations.demo import DEMO_PASSWORD

# The interface's words (locale/vi/LC_MESSAGES/django.po).
RECORD_ADMISSION = "Ghi nhận kết nạp"  # "Record an admission"
TASKS = "Việc thường làm"  # "Tasks"


@pytest.fixture
def demo(live_server, transactional_db, settings):
    settings.DEBUG = True  # load_demo refuses a database that looks like production
    call_command("load_demo", verbosity=0)


def sign_in(page: Page, base: str, username: str, lands_on: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    expect(page).to_have_url(f"{base}{lands_on}")


def search(page: Page, url: str, words: str) -> None:
    page.goto(url)
    page.locator("#searchbar").fill(words)
    page.locator("#changelist-search input[type=submit]").click()
    expect(page).to_have_url(re.compile(r"\?q="))


def test_a_clerk_starts_a_task_from_the_home_page_and_finds_names_typed_without_tones(
    page: Page, live_server, demo
):
    base = live_server.url
    sign_in(page, base, "bg-canbo", "/admin/")
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

    # "dinh tram" finds the cell of the enterprises of KCN Đình Trám.
    search(page, f"{base}/admin/organizations/partyorganization/", "dinh tram")
    expect(page.locator("#result_list tbody tr").first).to_contain_text("KCN Đình Trám")
    # A member's name typed without its tones, in lower case, finds them.
    member = (
        Member.objects.filter(
            organization__code__startswith="BG-",
            status__in=ACTIVE_STATUSES,  # the list shows current members unless asked
            full_name__regex=r"[^\x00-\x7f]",
        )
        .order_by("pk")
        .first()
    )
    typed = fold(member.full_name)
    assert typed != member.full_name
    search(page, f"{base}/admin/members/member/", typed)
    expect(page.locator("#result_list tbody")).to_contain_text(member.full_name)


def test_a_leader_lands_on_the_dashboard_and_their_home_page_has_no_writing_task(
    page: Page, live_server, demo
):
    base = live_server.url
    sign_in(page, base, "bg-lanhdao", "/bao-cao/")
    page.goto(f"{base}/admin/")
    expect(page.locator("#home")).to_be_visible()
    expect(page.get_by_role("link", name=RECORD_ADMISSION)).to_have_count(0)
