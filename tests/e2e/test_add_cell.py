"""Journey: a zone committee's staff member logs in, adds a grassroots cell under the committee
in the admin, and finds it in the organisation tree."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from organizations.access import Role
from organizations.models import OrganizationKind, PartyOrganization
from tests.conftest import account
from tests.e2e.pages import log_in

CELL_CODE = "BG-CB-E2E"
CELL_NAME = "Chi bộ Công ty TNHH Điện tử Bắc Giang 2"
ADD_CELL = "Thêm chi bộ cơ sở"  # "Add grassroots cell"
CELL_KIND_LABEL = "Chi bộ cơ sở"  # "Grassroots cell"
FUTURE_FOUNDING = "Ngày thành lập không được là ngày trong tương lai."


@pytest.fixture
def staff_user(live_server, transactional_db, bg, hn):
    return account(bg.committee, Role.STAFF, "bg-canbo")


def select2_of(page: Page, select_id: str):
    """The select2 container Django's autocomplete widget puts right after its <select>."""
    return page.locator(f"#{select_id} + .select2-container")


def test_staff_adds_cell_under_committee_and_sees_it_in_tree(
    page: Page, live_server, staff_user, bg, hn
):
    base = live_server.url
    log_in(page, base, staff_user.username)

    # The organisation list, then the committee's own page.
    page.goto(f"{base}/admin/organizations/partyorganization/")
    page.locator("#result_list a", has_text=bg.committee.name).click()
    expect(page).to_have_url(
        f"{base}/admin/organizations/partyorganization/{bg.committee.pk}/change/"
    )

    # "Add grassroots cell" opens the add form with parent and kind already chosen.
    page.get_by_role("link", name=ADD_CELL, exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/organizations/partyorganization/add/\?"))
    expect(page.locator("#id_kind")).to_have_value(OrganizationKind.GRASSROOTS_CELL)
    expect(page.locator("#id_parent")).to_have_value(str(bg.committee.pk))
    expect(select2_of(page, "id_parent").locator(".select2-selection__rendered")).to_contain_text(
        bg.committee.name
    )

    page.locator("#id_code").fill(CELL_CODE)
    page.locator("#id_name").fill(CELL_NAME)
    page.locator("#id_founding_decision_no").fill("125-QĐ/ĐU")
    page.locator("#id_founded_on").fill("15/03/2025")
    page.locator("#id_founding_members").fill("5")

    # Enterprises: the autocomplete offers the committee's own enterprises, not Hà Nội's.
    select2_of(page, "id_current_enterprises").click()
    search = select2_of(page, "id_current_enterprises").locator(".select2-search__field")
    expect(search).to_be_focused()
    search.press_sequentially("Điện tử")
    results = page.locator(".select2-container--open .select2-results__options")
    option = results.locator(".select2-results__option", has_text=bg.enterprise.name)
    expect(option).to_be_visible()
    other_zone = results.locator(".select2-results__option", has_text=hn.enterprise.name)
    expect(other_zone).to_have_count(0)
    option.click()
    chosen = select2_of(page, "id_current_enterprises").locator(".select2-selection__choice")
    expect(chosen).to_contain_text(bg.enterprise.name)
    expect(page.locator("#id_current_enterprises")).to_have_values([str(bg.enterprise.pk)])

    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    # The form must not come back with errors (their text makes the failure readable).
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, errors

    # Back on the list: a success message and the cell, indented under its committee.
    expect(page).to_have_url(f"{base}/admin/organizations/partyorganization/")
    expect(page.locator("ul.messagelist li.success")).to_contain_text(CELL_NAME)
    node = page.locator("#result_list span.tree-node", has_text=CELL_NAME)
    expect(node).to_have_count(1)
    expect(node).to_have_text(f"└ {CELL_NAME}")

    # The committee's page lists it in the tree and counts two active grassroots cells.
    page.goto(f"{base}/admin/organizations/partyorganization/{bg.committee.pk}/change/")
    subtree = page.locator("#subtree")
    expect(subtree).to_be_visible()
    tree_items = subtree.locator("ul.kcn-tree > li")
    expect(tree_items.first.locator("a")).to_have_text(bg.committee.name)
    new_item = tree_items.filter(has=page.get_by_role("link", name=CELL_NAME, exact=True))
    expect(new_item).to_have_count(1)
    expect(new_item).to_have_attribute("style", re.compile(r"padding-left:\s*1\.5em"))
    cell_row = subtree.locator("table.kcn-kind-counts tbody tr").filter(
        has=page.locator("td", has_text=re.compile(rf"^{CELL_KIND_LABEL}$"))
    )
    expect(cell_row.locator("td")).to_have_text([CELL_KIND_LABEL, "2", "0"])

    cell = PartyOrganization.objects.get(code=CELL_CODE)
    assert cell.parent == bg.committee
    assert cell.kind == OrganizationKind.GRASSROOTS_CELL
    assert cell.name == CELL_NAME
    assert cell.founding_decision_no == "125-QĐ/ĐU"
    assert cell.founded_on == datetime.date(2025, 3, 15)
    assert cell.founding_members == 5
    assert list(cell.enterprises.all()) == [bg.enterprise]
    # Served from its founding date; its unit type (Biểu 5 row) is the enterprise's.
    link = cell.enterprise_links.get()
    assert (link.started_on, link.ended_on) == (datetime.date(2025, 3, 15), None)
    assert cell.unit_type == bg.enterprise.ownership


def test_future_founding_date_is_refused_in_vietnamese(page: Page, live_server, staff_user, bg):
    base = live_server.url
    log_in(page, base, staff_user.username)
    before = PartyOrganization.objects.count()

    page.goto(
        f"{base}/admin/organizations/partyorganization/add/"
        f"?parent={bg.committee.pk}&kind={OrganizationKind.GRASSROOTS_CELL}"
    )
    page.locator("#id_code").fill(CELL_CODE)
    page.locator("#id_name").fill(CELL_NAME)
    page.locator("#id_founded_on").fill("01/01/2099")
    page.locator("input[name=_save]").click()

    # The form comes back with the error on the founding date and what was typed kept.
    expect(page.locator(".errornote")).to_be_visible()
    founded_on_row = page.locator(".form-row.field-founded_on")
    expect(founded_on_row.locator(".errorlist")).to_have_text(FUTURE_FOUNDING)
    expect(page.locator("#id_founded_on")).to_have_value("01/01/2099")
    expect(page.locator("#id_parent")).to_have_value(str(bg.committee.pk))

    assert not PartyOrganization.objects.filter(code=CELL_CODE).exists()
    assert PartyOrganization.objects.count() == before
