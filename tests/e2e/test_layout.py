"""Layout at 1366 px, the width of the committees' laptops (issue 14, point 6): the main lists
and forms fit without scrolling sideways, for staff of the demo's largest committee."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from members.models import Member
from organizations.demo import DEMO_PASSWORD
from organizations.models import PartyOrganization, Zone
from tests.factories import valid_tax_code

WIDTH = 1366


@pytest.fixture
def demo(live_server, transactional_db, settings):
    settings.DEBUG = True  # load_demo refuses a database that looks like production
    call_command("load_demo", verbosity=0)


def pages() -> dict[str, str]:
    committee = PartyOrganization.objects.get(code="HN-KCN")
    cell = PartyOrganization.objects.filter(code__startswith="HN-", kind="grassroots_cell").first()
    member = Member.objects.filter(organization__path__startswith=committee.path).first()
    return {
        "home": "/admin/",
        "members": "/admin/members/member/",
        "enterprises": "/admin/organizations/enterprise/",
        "organizations": "/admin/organizations/partyorganization/",
        "candidates": "/admin/members/candidate/",
        "mass organisations": "/admin/organizations/massorganization/",
        "events": "/admin/members/memberevent/",
        "ratings": "/admin/members/memberrating/",
        "committee page": f"/admin/organizations/partyorganization/{committee.pk}/change/",
        "cell page": f"/admin/organizations/partyorganization/{cell.pk}/change/",
        "member page": f"/admin/members/member/{member.pk}/change/",
        "admission": "/admin/members/member/admit/",
        "transfer in": "/admin/members/member/transfer-in/",
        "ratings screen": f"/admin/members/memberrating/enter/?organization={cell.pk}&year=2025",
        "due list": "/admin/members/candidate/due/",
        "enterprise import": "/admin/organizations/enterprise/import/",
        "member import": "/admin/members/member/nhap/",
    }


def test_the_main_lists_and_forms_fit_in_1366_pixels(browser, live_server, demo):
    context = browser.new_context(locale="vi-VN", viewport={"width": WIDTH, "height": 900})
    page: Page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.locator("#id_username").fill("hn-canbo")
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("#login-form input[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/admin/")
        too_wide = {}
        for name, path in pages().items():
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (name, response.status)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > WIDTH:
                too_wide[name] = width
        assert too_wide == {}
        _preview_buttons_are_aligned(page, live_server)
    finally:
        context.close()


def _preview_buttons_are_aligned(page: Page, live_server) -> None:
    """An enterprise list with an invalid row: its preview's three buttons (import the valid
    rows, download the invalid ones, cancel) on one line, of one height."""
    zone = Zone.objects.filter(committee__code="HN-KCN").first().name
    rows = [
        ["1", valid_tax_code(7001, "01"), "Công ty TNHH Thử", zone, "TNHH", "120"],
        ["2", "123", "Công ty TNHH Sai", zone, "TNHH", "80"],
    ]
    text = "STT,Mã số thuế,Tên doanh nghiệp,Khu công nghiệp,Loại hình doanh nghiệp,Số lao động\r\n"
    text += "".join(",".join(row) + "\r\n" for row in rows)
    page.goto(f"{live_server.url}/admin/organizations/enterprise/import/")
    page.locator("#id_counted_on").fill("30/06/2025")
    page.locator("#id_import_file").set_input_files(
        files=[{"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.locator("#upload-list [type=submit]").click()
    page.locator("#import-preview").wait_for()
    buttons = page.locator("#import-preview .submit-row > :is(input[type=submit], a)")
    boxes = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
    assert len(boxes) == 3, boxes
    assert max(b["y"] for b in boxes) - min(b["y"] for b in boxes) <= 1, boxes
    assert max(b["height"] for b in boxes) - min(b["height"] for b in boxes) <= 1, boxes
