"""The change trail (issue 13 point 1, issue 14 point 7): every path that writes a record
leaves an entry naming who, when and the values before and after; each record's "Lịch sử"
page shows them in Vietnamese, scoped like the record; administrators search a log of their
subtree."""

import datetime
import getpass
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.text import capfirst

from members import services as member_services
from members.imports.running import rating_list_import
from members.models import Member, MemberEvent, MemberRating
from organizations import access, history, services
from organizations.admin.trail import tracked_models
from organizations.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseLink,
    ListImport,
    MassOrganization,
    PartyOrganization,
    WorkforceSnapshot,
)
from tests.conftest import account, client_for
from tests.factories import MemberFactory
from tests.forms import admission, ratings_screen, transfer
from tests.members.imports.helpers import register
from tests.members.imports.helpers import row as member_row
from tests.members.imports.helpers import run as run_register
from tests.organizations.import_helpers import code, csv_bytes, row, run_import
from tests.organizations.list_helpers import import_mass, import_orgs, mass_csv, org_row, orgs_csv

pytestmark = pytest.mark.django_db
D = datetime.date


def entries(record):
    """The record's entries, oldest first."""
    return list(type(record).history.filter(id=record.pk).order_by("history_date", "history_id"))


def history_page(client, record):
    opts = record._meta
    return client.get(f"/admin/{opts.app_label}/{opts.model_name}/{record.pk}/history/")


# --- Every model staff change keeps a trail, scoped as its records -------------------------


def test_every_data_and_record_model_has_a_trail_except_the_derived_ones():
    tracked = {m._meta.label for m in tracked_models()}
    declared = access.declared("data_models") | access.declared("record_models")
    derived = {"organizations.EnterpriseState", "reports.Correction", "reports.Summary"}
    assert {m._meta.label for m in declared} - derived <= tracked
    assert not tracked & derived
    for model in tracked_models():
        assert access.is_scoped(history.historical_model(model)), model


def test_the_historical_rows_are_lean():
    excluded = {f.name for f in history.historical_model(MemberEvent)._meta.fields}
    assert "status_after" not in excluded and "counted_after" not in excluded
    closed = {f.name for f in history.historical_model(PartyOrganization)._meta.fields}
    assert "unit_type" not in closed and "chosen_unit_type" in closed


def test_an_outsider_sees_no_entry_of_another_committee(bg, hn, staff, outsider):
    historical = history.historical_model(Enterprise)
    assert historical.objects.filter(id=bg.enterprise.pk).exists()
    assert not historical.objects.visible_to(outsider).filter(id=bg.enterprise.pk).exists()
    assert historical.objects.visible_to(staff).filter(id=bg.enterprise.pk).exists()
    # A record whose scope is more than a path (the import records): by the records seen.
    outcome = run_import(csv_bytes([row(1, code(1), "Công ty A", bg.zone.name)]), user=staff)
    imports = history.historical_model(EnterpriseImport).objects
    assert imports.visible_to(staff).filter(id=outcome.record.pk).exists()
    assert not imports.visible_to(outsider).filter(id=outcome.record.pk).exists()


# --- Who: services, the admin, commands, the demo --------------------------------------------


def test_a_service_names_the_account_it_runs_for(bg, staff):
    member = MemberFactory(organization=bg.cell, full_name="Trần Thị Hoa")
    member.full_name = "Trần Thị Hoa Mai"
    member_services.member_save(member=member, by=staff)
    last = entries(member)[-1]
    assert (last.history_type, last.history_user, last.full_name) == (
        "~",
        staff,
        "Trần Thị Hoa Mai",
    )
    assert last.prev_record.full_name == "Trần Thị Hoa"


def test_the_admission_journey_writes_the_member_and_the_event(bg, staff, staff_client):
    response = staff_client.post("/admin/members/member/admit/", admission(bg))
    assert response.status_code == 302
    member = Member.objects.get(full_name="Hoàng Văn Nam")
    (created,) = entries(member)
    assert (created.history_type, created.history_user) == ("+", staff)
    event = member.events.get()
    (event_entry,) = entries(event)
    assert (event_entry.history_type, event_entry.history_user, event_entry.kind) == (
        "+",
        staff,
        "admission",
    )
    page = history_page(staff_client, member).content.decode()
    assert "Nó có lẽ đã không được thêm vào" not in page
    assert "Tạo mới" in page and "Hoàng Văn Nam" in page and "bg-canbo" in page
    assert "17/05/1996" in page  # the birth date, dd/mm/yyyy


def test_the_transfer_journey_writes_the_member_and_its_events(bg, staff, staff_client):
    response = staff_client.post("/admin/members/member/transfer-in/", transfer(bg))
    assert response.status_code == 302
    member = Member.objects.get(full_name="Hoàng Văn Nam")
    assert [e.history_user for e in entries(member)] == [staff]
    kinds = {
        e.kind
        for e in history.historical_model(MemberEvent).objects.filter(member_id=member.pk)
        if e.history_user == staff
    }
    assert "transfer_in" in kinds


def test_the_ratings_screen_names_who_rated(bg, staff, staff_client):
    members = [MemberFactory(organization=bg.cell, admitted_on=D(2018, 3, 1)) for _ in range(2)]
    url, formset, data = ratings_screen(staff_client, bg.cell, 2025)
    staff_client.post(url, data)
    rating = MemberRating.objects.get(member=members[0], year=2025)
    (entry,) = entries(rating)
    assert (entry.history_type, entry.history_user, entry.level) == ("+", staff, "good")
    # Changed on the screen again: one entry, from good to excellent.
    data["ratings-0-level"] = "excellent"
    staff_client.post(url, data)
    first = MemberRating.objects.get(member=formset.forms[0].initial["member"], year=2025)
    assert [e.level for e in entries(first)] == ["good", "excellent"]
    untouched = MemberRating.objects.get(member=formset.forms[1].initial["member"], year=2025)
    assert len(entries(untouched)) == 1


def test_the_status_action_leaves_an_entry_per_enterprise_changed(bg, staff, staff_client):
    other = Enterprise.objects.create(
        tax_code=code(77), name="Công ty B", zone=bg.zone, ownership="llc", status="suspended"
    )
    staff_client.post(
        "/admin/organizations/enterprise/",
        {"action": "mark_suspended", "_selected_action": [bg.enterprise.pk, other.pk]},
    )
    last = entries(bg.enterprise)[-1]
    assert (last.history_type, last.history_user, last.status) == ("~", staff, "suspended")
    assert last.prev_record.status == "active"
    assert len(entries(other)) == 1  # already suspended: unchanged, nothing written
    page = history_page(staff_client, bg.enterprise).content.decode()
    assert "Trạng thái" in page and "Đang hoạt động → Tạm ngừng hoạt động" in page


def test_the_admin_change_form_names_the_account_and_the_values(bg, staff, staff_client):
    zone = bg.zone
    url = f"/admin/organizations/zone/{zone.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"name": "KCN Bắc Giang Mới", "committee": zone.committee_id}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    last = entries(zone)[-1]
    assert (last.history_user, last.name, last.prev_record.name) == (
        staff,
        "KCN Bắc Giang Mới",
        "KCN Bắc Giang I",
    )


def test_a_command_without_an_account_says_which_command_wrote(bg, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes([row(1, code(1), "Công ty A", bg.zone.name)]))
    call_command("import_enterprises", str(path), stdout=io.StringIO())
    created = Enterprise.objects.get(tax_code=code(1))
    (entry,) = entries(created)
    assert entry.history_user is None
    assert entry.history_change_reason == f"manage.py import_enterprises {getpass.getuser()}"[:100]


# --- The enterprise import: one entry per enterprise created or changed -----------------------


def test_the_import_writes_one_entry_per_enterprise_created_or_changed(bg, staff):
    rows = [row(n, code(n), f"Công ty {n}", bg.zone.name) for n in range(1, 4)]
    first = run_import(csv_bytes(rows), user=staff)
    assert first.written and first.created == 3
    historical = history.historical_model(Enterprise).objects
    made = historical.filter(last_changed_by_import=first.record)
    assert made.count() == 3
    assert {(e.history_type, e.history_user_id) for e in made} == {("+", staff.pk)}
    counts = history.historical_model(WorkforceSnapshot).objects
    assert counts.filter(source__endswith=f"(#{first.record.pk})").count() == 3

    # Again with one name and one worker count changed: entries for that row only.
    rows[1] = row(2, code(2), "Công ty Hai", bg.zone.name, workers="150")
    second = run_import(csv_bytes(rows), user=staff)
    assert (second.updated, second.unchanged) == (1, 2)
    (changed,) = historical.filter(last_changed_by_import=second.record)
    assert (changed.history_type, changed.name, changed.history_user_id) == (
        "~",
        "Công ty Hai",
        staff.pk,
    )
    assert changed.prev_record.name == "Công ty 2"
    assert historical.count() == 1 + 3 + 1  # the fixture's enterprise, 3 created, 1 changed
    (count,) = counts.filter(source__endswith=f"(#{second.record.pk})")
    assert count.workers == 150


def test_a_failed_import_writes_no_entry(bg, staff):
    historical = history.historical_model(Enterprise).objects
    before = historical.count()
    bad = csv_bytes([row(1, code(1), "Công ty A", bg.zone.name), row(2, "123", "B", bg.zone.name)])
    outcome = run_import(bad, user=staff)
    assert not outcome.written
    assert historical.count() == before


def test_the_trail_can_be_turned_off_for_measuring(bg, staff, settings):
    settings.SIMPLE_HISTORY_ENABLED = False
    historical = history.historical_model(Enterprise).objects
    before = historical.count()
    run_import(csv_bytes([row(1, code(1), "Công ty A", bg.zone.name)]), user=staff)
    assert historical.count() == before


# --- The other lists: organisations, mass organisations, members, ratings ---------------------


def test_the_organisation_and_mass_lists_leave_entries_linked_to_their_import(bg, staff):
    outcome = import_orgs(orgs_csv([org_row(1, "BG-CB09", "Chi bộ Chín")]), by=staff)
    assert outcome.written
    cell = PartyOrganization.objects.get(code="BG-CB09")
    (entry,) = entries(cell)
    assert (entry.history_user, entry.last_changed_by_import_id) == (staff, outcome.record.pk)

    data = mass_csv(
        [
            [
                "1",
                bg.enterprise.tax_code,
                "Công đoàn",
                "CĐCS Mới",
                "01/02/2020",
                "40",
                "31/12/2025",
                "3",
            ]
        ]
    )
    outcome = import_mass(data, by=staff)
    assert outcome.written, outcome.invalid_lines
    mass = MassOrganization.objects.get(name="CĐCS Mới")
    assert entries(mass)[-1].last_changed_by_import_id == outcome.record.pk
    assert entries(mass)[-1].history_user == staff


def test_the_member_register_and_ratings_imports_leave_entries(bg, staff):
    outcome = run_register(register(member_row()), bg.committee, by=staff)
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=0"
    member = Member.objects.get(full_name="Lê Văn Tám")
    (entry,) = entries(member)
    assert (entry.history_type, entry.history_user) == ("+", staff)
    assert entry.last_changed_by_import_id == outcome.record.pk
    events = history.historical_model(MemberEvent).objects.filter(member_id=member.pk)
    assert events.count() == member.events.count() == 2

    changed = run_register(register(member_row(**{"Dân tộc": "Tày"})), bg.committee, by=staff)
    assert changed.summary == "created=0 updated=1 unchanged=0 invalid=0"
    last = entries(member)[-1]
    assert (last.ethnicity, last.prev_record.ethnicity) == ("Tày", "Kinh")
    assert events.count() == 2  # the events were not corrected: no entry

    sheet = csv_bytes([[member.citizen_id, "2024", "HTT"]], ["Số CCCD", "Năm", "Xếp loại"])
    rated = rating_list_import(source=sheet, file_name="xl.csv", committee=bg.committee, by=staff)
    assert rated.summary == "created=1 updated=0 unchanged=0 invalid=0"
    (rating_entry,) = entries(MemberRating.objects.get(member=member, year=2024))
    assert rating_entry.history_user == staff
    assert rating_entry.last_changed_by_import_id == ListImport.objects.latest("pk").pk


def test_the_dated_links_leave_entries_when_they_end(bg, staff):
    cell = PartyOrganization(
        kind="grassroots_cell", parent=bg.committee, code="BG-CB02", name="Chi bộ Hai",
        founded_on=D(2020, 1, 1),
    )  # fmt: skip
    services.organization_save(organization=cell, enterprises=[bg.enterprise], by=staff)
    link = EnterpriseLink.objects.get(organization=cell)
    assert entries(link)[0].history_user == staff
    services.organization_save(organization=cell, enterprises=[], by=staff)
    link.refresh_from_db()
    last = entries(link)[-1]
    assert (last.history_type, last.ended_on) == ("~", link.ended_on)


# --- The "Lịch sử" page: three people ----------------------------------------------------------


def test_the_history_page_for_three_people(bg, hn, staff, staff_client, leader_client):
    outsider_client = client_for(account(hn.committee, access.Role.STAFF, "hn-canbo-2"))
    member = MemberFactory(organization=bg.cell, full_name="Nguyễn Văn Bình")
    member.position = "manager"
    member_services.member_save(member=member, by=staff)
    page = history_page(staff_client, member)
    assert page.status_code == 200
    content = page.content.decode()
    with translation.override("vi"):
        label = capfirst(str(Member._meta.get_field("position").verbose_name))
    assert f"<strong>{label}</strong>: " in content and "→ Cán bộ quản lý" in content
    assert history_page(leader_client, member).status_code == 200  # may look
    assert history_page(outsider_client, member).status_code == 404


def test_the_history_page_reads_a_fixed_number_of_queries(bg, staff, staff_client):
    member = MemberFactory(organization=bg.cell)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert history_page(staff_client, member).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        member.full_name = f"Tên {n}"
        member_services.member_save(member=member, by=staff)
    assert count() == few


# --- The administrators' log ---------------------------------------------------------------------

LOG = "/admin/nhat-ky/"


def test_the_log_lists_the_subtree_and_only_for_administrators(
    bg, hn, bg_admin, staff_client, leader_client
):
    hn_admin = account(hn.committee, access.Role.ADMIN, "hn-quantri")
    assert staff_client.get(LOG).status_code == 403
    assert leader_client.get(LOG).status_code == 403
    content = client_for(bg_admin).get(LOG).content.decode()
    assert bg.enterprise.name in content and hn.enterprise.name not in content
    content = client_for(hn_admin).get(LOG).content.decode()
    assert hn.enterprise.name in content and bg.enterprise.name not in content


def test_the_log_is_searched_by_record_and_account_filtered_by_model_and_dates(bg, staff, bg_admin):
    member = MemberFactory(organization=bg.cell, full_name="Phạm Thị Lan")
    member.full_name = "Phạm Thị Lan Anh"
    member_services.member_save(member=member, by=staff)
    client = client_for(bg_admin)

    def lines(**query):
        response = client.get(LOG, query)
        assert response.status_code == 200
        return response.context["lines"]

    found = lines(q="Lan Anh")
    assert [line["record"] for line in found] == ["Phạm Thị Lan Anh"]
    assert found[0]["who"] == "bg-canbo" and found[0]["kind"] == "Thay đổi"
    assert found[0]["url"] == f"/admin/members/member/{member.pk}/history/"
    assert {line["who"] for line in lines(user="bg-canbo")} == {"bg-canbo"}
    assert {line["model"] for line in lines(model="organizations.enterprise")} == {"Doanh nghiệp"}
    today = datetime.date.today().strftime("%d/%m/%Y")
    assert lines(since=today, q="Lan Anh") and not lines(until="01/01/2020", q="Lan Anh")
    response = client.get(LOG, {"since": "31/02/2026"})
    assert "không phải là một ngày (dd/mm/yyyy)" in response.content.decode()


def test_the_log_reads_a_fixed_number_of_queries(
    bg, staff, bg_admin, django_assert_max_num_queries
):
    client = client_for(bg_admin)
    client.get(LOG)
    for n in range(30):
        MemberFactory(organization=bg.cell, full_name=f"Người {n}")
    with django_assert_max_num_queries(12):
        response = client.get(LOG)
    assert len(response.context["lines"]) == 50
