"""Journeys of the members app, as a zone committee's staff do them in the browser: record an
admission (from a candidate whose cell has resolved, or directly), record a member arriving
by transfer; and what a leader (who only looks) and an outsider from another zone get."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from members import services
from members.models import (
    Candidate,
    CandidateStage,
    EventKind,
    Member,
    MemberEvent,
    MemberStatus,
)
from organizations.access import SYSTEM, Role
from organizations.models import OrganizationKind
from tests.conftest import account
from tests.e2e.pages import log_in
from tests.factories import MemberFactory, PartyOrganizationFactory, citizen_id

D = datetime.date
MEMBERS_URL = "/admin/members/member/"
ADMIT_URL = "/admin/members/member/admit/"
TRANSFER_IN_URL = "/admin/members/member/transfer-in/"
DASHBOARD_URL = "/bao-cao/"  # where a leader lands after signing in

# The interface's words (locale/vi/LC_MESSAGES/django.po).
RECORD_ADMISSION = "Ghi nhận kết nạp"  # "Record an admission"
RECORD_TRANSFER_IN = "Ghi nhận chuyển sinh hoạt đến"  # "Record a transfer in"
AWAITING = "Quần chúng ưu tú đã có nghị quyết của chi bộ"  # "Candidates whose cell has resolved"
TIMELINE = "Quá trình"  # "Timeline"
PROBATIONARY = "Đảng viên dự bị"  # "Probationary member"
OFFICIAL = "Đảng viên chính thức"  # "Official member"
ADMISSION = "Kết nạp"  # EventKind.ADMISSION
RECOGNITION = "Công nhận đảng viên chính thức"  # EventKind.RECOGNITION
TRANSFER_IN = "Chuyển sinh hoạt đảng chính thức đến"  # EventKind.TRANSFER_IN
CEREMONY = "lễ kết nạp"  # "ceremony", in the timeline's details
ADD_EVENT = "Thêm sự kiện"  # "Add an event"
CORRECT_ERRORS = "Vui lòng sửa các lỗi dưới đây."  # "Please correct the error(s) below."
UPPER_COMMITTEE = "Đảng ủy Các KCN tỉnh Bắc Giang"


def admitted_message(name: str, cell: str) -> str:
    # "%(name)s is recorded as a probationary member of %(cell)s."
    return f"Đã ghi nhận {name} là đảng viên dự bị của {cell}."


def arrived_message(name: str, cell: str) -> str:
    # "%(name)s is recorded as arriving in %(cell)s."
    return f"Đã ghi nhận {name} chuyển sinh hoạt đến {cell}."


def citizen_id_mismatch(value: str, expected: str) -> str:
    # "Citizen ID %(value)s does not match the date of birth and sex: its 4th to 6th digits
    # should be %(expected)s."
    return (
        f"Số CCCD {value} không khớp với ngày sinh và giới tính: chữ số thứ 4 đến thứ 6 phải "
        f"là {expected}."
    )


def ceremony_before_decision(decision: str) -> str:
    # "The ceremony comes after the admission decision (%(date)s)."
    return f"Lễ kết nạp phải sau ngày quyết định kết nạp ({decision})."


# "Give the date the member became an official member."
RECOGNITION_DATE_MISSING = "Hãy nhập ngày đảng viên được công nhận chính thức."


# --- people and places ----------------------------------------------------------------------


@pytest.fixture
def staff_user(live_server, transactional_db, bg, hn):
    return account(bg.committee, Role.STAFF, "bg-canbo")


@pytest.fixture
def leader_user(live_server, transactional_db, bg):
    return account(bg.committee, Role.LEADER, "bg-lanhdao")


@pytest.fixture
def outsider_user(live_server, transactional_db, hn):
    """Staff of the Hà Nội committee: records its own admissions, sees nothing of Bắc Giang."""
    return account(hn.committee, Role.STAFF, "hn-canbo")


@pytest.fixture
def introducers(transactional_db, bg):
    """Two official members of the Bắc Giang cell, admitted in 2018."""
    return (
        MemberFactory(organization=bg.cell, full_name="Trần Thị Hương", sex="female"),
        MemberFactory(organization=bg.cell, full_name="Hoàng Văn Nam"),
    )


@pytest.fixture
def candidate(transactional_db, bg, introducers):
    """An outstanding worker of the Bắc Giang cell whose cell resolved on 01/09/2026 to admit
    her: the upper committee's decision is what the journey records."""
    first, second = introducers
    candidate = Candidate(
        full_name="Nguyễn Thị Lan",
        birth_date=D(2000, 2, 14),
        sex="female",
        hometown="Việt Yên, Bắc Giang",
        citizen_id=citizen_id(31, 2000, female=True),
        phone="0987654321",
        education="12/12",
        organization=bg.cell,
        enterprise=bg.enterprise,
        youth_union_member=True,
        identified_on=D(2025, 3, 1),
        certificate_on=D(2025, 6, 20),
        dossier_on=D(2026, 7, 15),
        introducer_1=first,
        introducer_2=second,
        resolution_on=D(2026, 9, 1),
        votes_for=2,
        official_members=2,
    )
    services.candidate_save(candidate=candidate, by=SYSTEM)
    assert candidate.stage == CandidateStage.CELL_RESOLUTION
    return candidate


@pytest.fixture
def cell2(transactional_db, bg):
    """A second cell of the Bắc Giang committee, so that choosing the cell matters."""
    return PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_CELL,
        parent=bg.committee,
        code="BG-CB02",
        name="Chi bộ Công ty Cổ phần Dầu khí Thái Dương",
        founded_on=D(2016, 8, 12),
    )


# --- helpers --------------------------------------------------------------------------------


def save(page: Page) -> None:
    """Press "Save" and wait for the answer (the member's page, or the form with errors)."""
    with page.expect_navigation():
        page.locator("#journey_form input[name=_save]").click()


def assert_no_errors(page: Page) -> None:
    # Their text makes an unexpected refusal readable in the failure.
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, errors


def expect_field_error(page: Page, field: str, message: str) -> None:
    """The message is shown on `field` (Django ties it to the input by id)."""
    expect(page.locator(f"#id_{field}_error")).to_have_text(message)
    expect(page.locator(f"#id_{field}")).to_have_attribute("aria-invalid", "true")


def timeline_rows(page: Page):
    timeline = page.locator("#timeline")
    expect(timeline.locator("#timeline-title")).to_have_text(TIMELINE)
    return timeline.locator("tbody tr")


def member_counts() -> tuple[int, int]:
    return Member.objects.count(), MemberEvent.objects.count()


# --- journeys -------------------------------------------------------------------------------


def test_staff_records_admission_of_candidate_whose_cell_has_resolved(
    page: Page, live_server, staff_user, bg, introducers, candidate
):
    base = live_server.url
    log_in(page, base, staff_user.username)

    # "Record an admission", a button of the member list, lists the candidates awaiting the
    # upper committee's decision.
    page.goto(f"{base}{MEMBERS_URL}")
    page.get_by_role("link", name=RECORD_ADMISSION, exact=True).click()
    expect(page).to_have_url(f"{base}{ADMIT_URL}")
    expect(page.locator("h1")).to_have_text(RECORD_ADMISSION)
    awaiting = page.locator(".kcn-awaiting")
    expect(awaiting.get_by_role("heading")).to_have_text(AWAITING)
    expect(awaiting.locator("li")).to_have_text(
        [f"{candidate.full_name} — {bg.cell.name}, nghị quyết ngày 01/09/2026"]
    )

    # Choosing her brings the form back with her record and her cell.
    awaiting.get_by_role("link", name=candidate.full_name, exact=True).click()
    expect(page).to_have_url(f"{base}{ADMIT_URL}?candidate={candidate.pk}")
    intro = page.locator(".kcn-from-candidate")
    expect(intro).to_contain_text(candidate.full_name)
    expect(intro).to_contain_text("01/09/2026")
    expect(page.locator("#id_full_name")).to_have_value(candidate.full_name)
    expect(page.locator("#id_birth_date")).to_have_value("14/02/2000")
    expect(page.locator("#id_sex")).to_have_value("female")
    expect(page.locator("#id_citizen_id")).to_have_value(candidate.citizen_id)
    expect(page.locator("#id_hometown")).to_have_value("Việt Yên, Bắc Giang")
    expect(page.locator("#id_organization")).to_have_value(str(bg.cell.pk))
    expect(page.locator("#id_enterprise")).to_have_value(str(bg.enterprise.pk))
    employer = page.locator("#id_enterprise + .select2-container .select2-selection__rendered")
    expect(employer).to_contain_text(bg.enterprise.name)
    expect(page.locator("#id_youth_union_member")).to_be_checked()

    # The upper committee's decision and the ceremony, as typed from the papers.
    page.locator("#id_decided_on").fill("15/10/2026")
    page.locator("#id_decision_no").fill("45-QĐ/ĐU")
    page.locator("#id_issued_by").fill(UPPER_COMMITTEE)
    page.locator("#id_ceremony_on").fill("30/10/2026")
    save(page)
    assert_no_errors(page)

    member = Member.objects.get(full_name=candidate.full_name)
    expect(page).to_have_url(f"{base}{MEMBERS_URL}{member.pk}/change/")
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        admitted_message(candidate.full_name, bg.cell.name)
    )
    # Within the statute's deadlines: nothing to warn about.
    expect(page.locator("ul.messagelist li.warning")).to_have_count(0)
    expect(page.locator(".fieldBox.field-status .readonly")).to_have_text(PROBATIONARY)
    rows = timeline_rows(page)
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_class("kind-admission")
    expect(rows.first.locator("td")).to_have_text(
        [
            "15/10/2026",
            ADMISSION,
            bg.cell.name,
            f"45-QĐ/ĐU — {UPPER_COMMITTEE}",
            f"{CEREMONY} 30/10/2026",
            PROBATIONARY,
        ]
    )

    assert member.status == MemberStatus.PROBATIONARY
    assert member.organization == bg.cell and member.counted_in == bg.cell
    assert (member.admitted_on, member.ceremony_on) == (D(2026, 10, 15), D(2026, 10, 30))
    assert member.recognized_on is None
    assert (member.birth_date, member.sex, member.citizen_id) == (
        candidate.birth_date,
        "female",
        candidate.citizen_id,
    )
    assert member.enterprise == bg.enterprise
    assert Member.objects.counted().filter(counted_in=bg.cell).count() == 3
    event = member.events.get()
    assert (event.kind, event.occurred_on, event.decision_no, event.issued_by) == (
        EventKind.ADMISSION,
        D(2026, 10, 15),
        "45-QĐ/ĐU",
        UPPER_COMMITTEE,
    )
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.ADMITTED
    assert candidate.member == member
    assert candidate.decided_on == D(2026, 10, 15)

    # She is no longer awaiting a decision.
    page.goto(f"{base}{ADMIT_URL}")
    expect(page.locator("#journey_form")).to_be_visible()
    expect(page.locator(".kcn-awaiting")).to_have_count(0)

    # The admission is in the staff member's own activity on the home page, linked to her
    # record (read from the change trail: the journey is no admin form).
    page.goto(f"{base}/admin/")
    activity = page.locator("#recent-actions-module")
    expect(activity.get_by_role("heading")).to_have_text("Hoạt động của tôi")
    link = activity.locator(f'a[href="{MEMBERS_URL}{member.pk}/change/"]')
    expect(link).to_have_text(candidate.full_name)
    link.click()
    expect(page).to_have_url(f"{base}{MEMBERS_URL}{member.pk}/change/")


def test_direct_admission_refuses_bad_input_keeps_it_and_writes_nothing(
    page: Page, live_server, staff_user, bg
):
    base = live_server.url
    log_in(page, base, staff_user.username)
    before = member_counts()

    page.goto(f"{base}{ADMIT_URL}")
    expect(page.locator("h1")).to_have_text(RECORD_ADMISSION)
    expect(page.locator(".kcn-awaiting")).to_have_count(0)  # no candidate awaits

    # Two mistakes: a citizen ID whose 4th-6th digits say "a man born in 1998" for a woman
    # born in 1998, and a ceremony dated before the decision.
    wrong_id = citizen_id(7, 1998, female=False)
    page.locator("#id_organization").select_option(label=bg.cell.name)
    page.locator("#id_decided_on").fill("14/09/2026")
    page.locator("#id_decision_no").fill("38-QĐ/ĐU")
    page.locator("#id_ceremony_on").fill("10/09/2026")
    page.locator("#id_full_name").fill("Lê Thị Mai")
    page.locator("#id_birth_date").fill("12/04/1998")
    page.locator("#id_sex").select_option(label="Nữ")
    page.locator("#id_citizen_id").fill(wrong_id)
    save(page)

    expect(page).to_have_url(f"{base}{ADMIT_URL}")
    expect(page.locator(".errornote")).to_have_text(CORRECT_ERRORS)
    # Both mistakes at once, each on its own field.
    expect_field_error(page, "citizen_id", citizen_id_mismatch(wrong_id, "198"))
    expect_field_error(page, "ceremony_on", ceremony_before_decision("14/09/2026"))
    # What was typed is all still there.
    expect(page.locator("#id_citizen_id")).to_have_value(wrong_id)
    expect(page.locator("#id_full_name")).to_have_value("Lê Thị Mai")
    expect(page.locator("#id_birth_date")).to_have_value("12/04/1998")
    expect(page.locator("#id_sex")).to_have_value("female")
    expect(page.locator("#id_organization")).to_have_value(str(bg.cell.pk))
    expect(page.locator("#id_decided_on")).to_have_value("14/09/2026")
    expect(page.locator("#id_decision_no")).to_have_value("38-QĐ/ĐU")
    expect(page.locator("#id_ceremony_on")).to_have_value("10/09/2026")
    assert member_counts() == before

    # The citizen ID corrected, the ceremony date is still refused on its own field.
    right_id = citizen_id(7, 1998, female=True)
    page.locator("#id_citizen_id").fill(right_id)
    save(page)
    expect(page).to_have_url(f"{base}{ADMIT_URL}")
    expect_field_error(page, "ceremony_on", ceremony_before_decision("14/09/2026"))
    expect(page.locator("#id_citizen_id_error")).to_have_count(0)
    expect(page.locator("#id_ceremony_on")).to_have_value("10/09/2026")
    expect(page.locator("#id_citizen_id")).to_have_value(right_id)
    expect(page.locator("#id_full_name")).to_have_value("Lê Thị Mai")
    assert member_counts() == before

    # Corrected, it is recorded.
    page.locator("#id_ceremony_on").fill("25/09/2026")
    save(page)
    assert_no_errors(page)
    member = Member.objects.get(full_name="Lê Thị Mai")
    expect(page).to_have_url(f"{base}{MEMBERS_URL}{member.pk}/change/")
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        admitted_message("Lê Thị Mai", bg.cell.name)
    )
    expect(page.locator(".fieldBox.field-status .readonly")).to_have_text(PROBATIONARY)
    expect(timeline_rows(page).locator("td")).to_have_text(
        ["14/09/2026", ADMISSION, bg.cell.name, "38-QĐ/ĐU", f"{CEREMONY} 25/09/2026", PROBATIONARY]
    )

    assert member_counts() == (before[0] + 1, before[1] + 1)
    assert member.status == MemberStatus.PROBATIONARY
    assert member.organization == bg.cell and member.counted_in == bg.cell
    assert (member.birth_date, member.sex, member.citizen_id) == (
        D(1998, 4, 12),
        "female",
        right_id,
    )
    assert (member.admitted_on, member.ceremony_on) == (D(2026, 9, 14), D(2026, 9, 25))
    assert not Candidate.objects.exists()


def test_staff_records_transfer_in_for_good_with_history_from_the_papers(
    page: Page, live_server, staff_user, bg, cell2
):
    base = live_server.url
    log_in(page, base, staff_user.username)
    before = member_counts()
    comes_from = "Đảng bộ Công ty Than Vàng Danh - Vinacomin"
    admitted_in = "Chi bộ Phân xưởng Khai thác 3, Đảng bộ Công ty Than Vàng Danh"
    person = "Phạm Văn Đức"
    person_id = citizen_id(21, 1988, province="022")

    page.goto(f"{base}{MEMBERS_URL}")
    page.get_by_role("link", name=RECORD_TRANSFER_IN, exact=True).click()
    expect(page).to_have_url(f"{base}{TRANSFER_IN_URL}")
    expect(page.locator("h1")).to_have_text(RECORD_TRANSFER_IN)
    # For good and official unless told otherwise.
    expect(page.locator("#id_kind_0")).to_be_checked()
    expect(page.locator("#id_standing_0")).to_be_checked()

    page.locator("#id_kind_0").check()  # "For good: counted here"
    page.locator("#id_counterpart").fill(comes_from)
    page.locator("#id_organization").select_option(label=cell2.name)
    page.locator("#id_occurred_on").fill("05/10/2026")
    page.locator("#id_decision_no").fill("112-GGT/ĐU")
    page.locator("#id_issued_by").fill("Đảng ủy Than Quảng Ninh")
    page.locator("#id_standing_0").check()  # official
    page.locator("#id_admitted_on").fill("10/03/2015")
    page.locator("#id_admitted_in").fill(admitted_in)
    page.locator("#id_ceremony_on").fill("24/03/2015")
    # The date of recognition is forgotten at first.
    page.locator("#id_full_name").fill(person)
    page.locator("#id_birth_date").fill("20/07/1988")
    page.locator("#id_sex").select_option(label="Nam")
    page.locator("#id_citizen_id").fill(person_id)
    page.locator("#id_card_number").fill("01234567")
    page.locator("#id_phone").fill("0912345678")
    save(page)

    expect(page).to_have_url(f"{base}{TRANSFER_IN_URL}")
    expect_field_error(page, "recognized_on", RECOGNITION_DATE_MISSING)
    expect(page.locator("#id_counterpart")).to_have_value(comes_from)
    expect(page.locator("#id_organization")).to_have_value(str(cell2.pk))
    expect(page.locator("#id_admitted_on")).to_have_value("10/03/2015")
    expect(page.locator("#id_full_name")).to_have_value(person)
    expect(page.locator("#id_kind_0")).to_be_checked()
    expect(page.locator("#id_standing_0")).to_be_checked()
    assert member_counts() == before

    page.locator("#id_recognized_on").fill("24/03/2016")
    save(page)
    assert_no_errors(page)

    member = Member.objects.get(full_name=person)
    expect(page).to_have_url(f"{base}{MEMBERS_URL}{member.pk}/change/")
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        arrived_message(person, cell2.name)
    )
    expect(page.locator(".fieldBox.field-status .readonly")).to_have_text(OFFICIAL)
    rows = timeline_rows(page)
    expect(rows).to_have_count(3)
    # What the papers say happened elsewhere (the member was then not one of ours), then the
    # arrival here.
    expect(rows.nth(0).locator("td")).to_have_text(
        ["10/03/2015", ADMISSION, admitted_in, "", f"{CEREMONY} 24/03/2015", PROBATIONARY]
    )
    expect(rows.nth(1).locator("td")).to_have_text(
        ["24/03/2016", RECOGNITION, admitted_in, "", "", OFFICIAL]
    )
    expect(rows.nth(2).locator("td")).to_have_text(
        [
            "05/10/2026",
            TRANSFER_IN,
            f"{cell2.name} · {comes_from}",
            "112-GGT/ĐU — Đảng ủy Than Quảng Ninh",
            "",
            OFFICIAL,
        ]
    )

    assert member_counts() == (before[0] + 1, before[1] + 3)
    assert member.status == MemberStatus.OFFICIAL
    assert member.organization == cell2 and member.counted_in == cell2
    assert (member.admitted_on, member.ceremony_on, member.recognized_on) == (
        D(2015, 3, 10),
        D(2015, 3, 24),
        D(2016, 3, 24),
    )
    assert (member.citizen_id, member.card_number, member.phone) == (
        person_id,
        "01234567",
        "0912345678",
    )
    assert list(member.events.values_list("kind", "occurred_on", "counterpart")) == [
        (EventKind.ADMISSION, D(2015, 3, 10), admitted_in),
        (EventKind.RECOGNITION, D(2016, 3, 24), admitted_in),
        (EventKind.TRANSFER_IN, D(2026, 10, 5), comes_from),
    ]
    assert Member.objects.counted().filter(counted_in=cell2).get() == member
    assert not Member.objects.filter(counted_in=bg.cell).exists()


@pytest.fixture
def bg_member(transactional_db, bg):
    return MemberFactory(organization=bg.cell, full_name="Đỗ Minh Tuấn")


@pytest.fixture
def bg_waiting(transactional_db, bg):
    """A candidate of the Bắc Giang cell only just identified."""
    waiting = Candidate(
        full_name="Vũ Thị Hoa",
        birth_date=D(1999, 8, 3),
        sex="female",
        organization=bg.cell,
        identified_on=D(2026, 2, 10),
    )
    services.candidate_save(candidate=waiting, by=SYSTEM)
    return waiting


def open_member_list(page: Page, base_url: str) -> None:
    response = page.goto(f"{base_url}{MEMBERS_URL}")
    assert response is not None and response.status == 200, f"member list: {response.status}"


def test_member_list_offers_the_journeys_to_staff_only(
    page: Page, live_server, staff_user, leader_user, outsider_user, bg, bg_member
):
    base = live_server.url

    # Staff find the member and both journeys' buttons, which open the journeys' forms.
    log_in(page, base, staff_user.username)
    open_member_list(page, base)
    expect(page.locator("#result_list")).to_contain_text(bg_member.full_name)
    page.get_by_role("link", name=RECORD_ADMISSION, exact=True).click()
    expect(page).to_have_url(f"{base}{ADMIT_URL}")
    expect(page.locator("#journey_form")).to_be_visible()
    open_member_list(page, base)
    page.get_by_role("link", name=RECORD_TRANSFER_IN, exact=True).click()
    expect(page).to_have_url(f"{base}{TRANSFER_IN_URL}")
    expect(page.locator("#journey_form")).to_be_visible()
    page.context.clear_cookies()

    # The leader sees the same list, without the buttons.
    log_in(page, base, leader_user.username, lands_on=DASHBOARD_URL)
    open_member_list(page, base)
    expect(page.locator("#result_list")).to_contain_text(bg_member.full_name)
    expect(page.get_by_role("link", name=RECORD_ADMISSION)).to_have_count(0)
    expect(page.get_by_role("link", name=RECORD_TRANSFER_IN)).to_have_count(0)
    page.context.clear_cookies()

    # Hà Nội's staff have the buttons for their own cells, and no member of Bắc Giang.
    log_in(page, base, outsider_user.username)
    open_member_list(page, base)
    expect(page.get_by_role("link", name=RECORD_ADMISSION, exact=True)).to_be_visible()
    expect(page.locator("#changelist")).not_to_contain_text(bg_member.full_name)


def test_leader_only_looks_and_outsider_gets_404(
    page: Page, live_server, leader_user, outsider_user, bg, hn, bg_member, bg_waiting
):
    base = live_server.url
    event = bg_member.events.first()
    member_url = f"{base}{MEMBERS_URL}{bg_member.pk}/change/"
    before = member_counts()

    # The leader reads the record and its timeline, with no way to change it or add to it,
    # and is refused the journeys.
    log_in(page, base, leader_user.username, lands_on=DASHBOARD_URL)
    response = page.goto(member_url)
    assert response is not None and response.status == 200
    expect(page.locator(".fieldBox.field-status .readonly")).to_have_text(OFFICIAL)
    expect(timeline_rows(page)).to_have_count(2)  # admission and recognition
    expect(page.get_by_role("link", name=ADD_EVENT)).to_have_count(0)
    expect(page.locator("input[name=_save]")).to_have_count(0)
    for url in (ADMIT_URL, f"{ADMIT_URL}?candidate={bg_waiting.pk}", TRANSFER_IN_URL):
        response = page.goto(f"{base}{url}")
        assert response is not None and response.status == 403, url
    page.context.clear_cookies()

    # Staff of Hà Nội record their own admissions, but nothing of Bắc Giang exists for them.
    log_in(page, base, outsider_user.username)
    for url in (
        member_url,
        f"{base}/admin/members/memberevent/{event.pk}/change/",
        f"{base}{ADMIT_URL}?candidate={bg_waiting.pk}",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
    response = page.goto(f"{base}{ADMIT_URL}")
    assert response is not None and response.status == 200
    cells = page.locator("#id_organization option")
    expect(cells.filter(has_text=hn.cell.name)).to_have_count(1)
    expect(cells.filter(has_text=bg.cell.name)).to_have_count(0)

    assert member_counts() == before
    bg_member.refresh_from_db()
    assert bg_member.status == MemberStatus.OFFICIAL and bg_member.counted_in == bg.cell
