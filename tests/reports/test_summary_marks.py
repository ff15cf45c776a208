"""Every write to the records marks stale exactly the kept figures it may change
(reports.summary_marks): the months holding its dates, of the kept organisations above it.

The tree: a nation above two provinces (the kept kind); in the first, two zone committees with
a zone each, an enterprise in the first zone served by a cell; in the other, one committee, a
zone and an enterprise. Every organisation of the kept kind keeps the months of 2025 to
October 2026 and the years 2024 to 2026, fresh; each test writes through the real path and
reads which rows became stale."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import services as member_services
from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    EventKind,
    MemberEvent,
    RatingLevel,
)
from organizations import services
from organizations.access import SYSTEM
from organizations.models import (
    EndReason,
    EnterpriseStatus,
    MassKind,
    MassOrganization,
    OrganizationKind,
    Ownership,
    PartyOrganization,
)
from reports import summary_marks
from reports.models import Summary, SummaryKind
from tests.factories import (
    EnterpriseFactory,
    MemberFactory,
    PartyOrganizationFactory,
    ZoneFactory,
)
from tests.organizations.import_helpers import code, csv_bytes, row, run_import

pytestmark = pytest.mark.django_db
D = datetime.date
KIND = OrganizationKind
MONTHS = [D(year, month, 1) for year in (2025, 2026) for month in range(1, 13)][:22]
YEARS = [2024, 2025, 2026]


@dataclass
class Tree:
    nation: PartyOrganization
    province: PartyOrganization
    other: PartyOrganization
    committee: PartyOrganization
    committee2: PartyOrganization
    far: PartyOrganization  # the other province's committee
    zone: object
    zone2: object
    far_zone: object
    enterprise: object
    far_enterprise: object
    cell: PartyOrganization


FOUNDED = datetime.date(2015, 1, 1)


def _organization(kind, parent, code_, founded_on=FOUNDED):
    return PartyOrganizationFactory(
        kind=kind, parent=parent, code=code_, name=f"Tổ chức {code_}", founded_on=founded_on
    )


@pytest.fixture
def tree(db) -> Tree:
    nation = _organization(KIND.PROVINCE, None, "VN")
    province = _organization(KIND.PROVINCE, nation, "P1")
    other = _organization(KIND.PROVINCE, nation, "P2")
    committee = _organization(KIND.UPPER_GRASSROOTS, province, "P1-KCN")
    committee2 = _organization(KIND.UPPER_GRASSROOTS, province, "P1-KKT")
    far = _organization(KIND.UPPER_GRASSROOTS, other, "P2-KCN")
    zone = ZoneFactory(name="KCN Một", committee=committee)
    zone2 = ZoneFactory(name="KKT Hai", committee=committee2)
    far_zone = ZoneFactory(name="KCN Xa", committee=far)
    enterprise = EnterpriseFactory(zone=zone, tax_code=code(1))
    far_enterprise = EnterpriseFactory(zone=far_zone, tax_code=code(2))
    cell = _organization(KIND.GRASSROOTS_CELL, committee, "P1-CB01", D(2018, 3, 1))
    services.organization_save(organization=cell, enterprises=[enterprise], links_on=D(2018, 3, 1))
    return Tree(
        nation, province, other, committee, committee2, far, zone, zone2, far_zone, enterprise,
        far_enterprise, cell,
    )  # fmt: skip


@pytest.fixture
def kept(tree):
    """Fresh kept rows of the nation and both provinces."""
    Summary.objects.bulk_create(
        [
            Summary(organization=organization, kind=SummaryKind.MONTH, start=month)
            for organization in (tree.nation, tree.province, tree.other)
            for month in MONTHS
        ]
        + [
            Summary(organization=organization, kind=SummaryKind.YEAR, start=D(year, 1, 1))
            for organization in (tree.nation, tree.province, tree.other)
            for year in YEARS
        ]
    )
    return tree


def stale(kind=SummaryKind.MONTH) -> set[tuple[str, str]]:
    rows = Summary.objects.filter(kind=kind, stale=True).select_related("organization")
    shown = "%Y-%m" if kind == SummaryKind.MONTH else "%Y"
    return {(row.organization.code, row.start.strftime(shown)) for row in rows}


def months(codes, *shown) -> set[tuple[str, str]]:
    return {(code_, month) for code_ in codes for month in shown}


def everything(*codes) -> tuple[set, set]:
    return (
        months(codes, *(month.strftime("%Y-%m") for month in MONTHS)),
        months(codes, *(str(year) for year in YEARS)),
    )


def fresh() -> None:
    Summary.objects.update(stale=False)


OURS = ("VN", "P1")  # the province written in, and the nation above it
THEIRS = ("VN", "P2")


# --- the cost -------------------------------------------------------------------------------


def test_nothing_kept_nothing_marked_in_one_query(tree):
    with CaptureQueriesContext(connection) as queries:
        services.enterprise_record_workers(
            enterprise=tree.enterprise, counted_on=D(2025, 5, 31), workers=300
        )
    summary_table = Summary._meta.db_table
    touching = [q["sql"] for q in queries.captured_queries if summary_table in q["sql"]]
    assert len(touching) == 1 and touching[0].lstrip().upper().startswith("SELECT")


def test_a_write_is_one_query_for_what_is_kept_one_for_its_rows_one_update(kept):
    with CaptureQueriesContext(connection) as queries:
        services.enterprise_record_workers(
            enterprise=kept.enterprise, counted_on=D(2025, 5, 31), workers=300
        )
    summary_table = Summary._meta.db_table
    touching = [q["sql"] for q in queries.captured_queries if summary_table in q["sql"]]
    assert len(touching) == 2  # what is kept; the UPDATE
    assert stale() == months(OURS, "2025-05")


# --- enterprises: worker counts, states, links, zones ----------------------------------------


def test_a_worker_count_marks_its_month_in_its_province_only(kept):
    services.enterprise_record_workers(
        enterprise=kept.far_enterprise, counted_on=D(2026, 2, 28), workers=80
    )
    assert stale() == months(THEIRS, "2026-02")
    assert stale(SummaryKind.YEAR) == set()


def test_a_day_before_the_first_kept_month_marks_the_first(kept):
    services.enterprise_record_workers(
        enterprise=kept.enterprise, counted_on=D(2024, 6, 30), workers=250
    )
    assert stale() == months(OURS, "2025-01")


def test_a_count_corrected_marks_its_month_before_and_after(kept):
    count = services.enterprise_record_workers(
        enterprise=kept.enterprise, counted_on=D(2025, 3, 31), workers=250
    )
    fresh()
    count.counted_on = D(2025, 9, 30)
    count.save()
    assert stale() == months(OURS, "2025-03", "2025-09")
    fresh()
    count.delete()
    assert stale() == months(OURS, "2025-09")


def test_a_status_change_marks_the_month_it_holds_from(kept):
    services.enterprises_set_status(
        enterprises=[kept.enterprise], status=EnterpriseStatus.SUSPENDED, on=D(2026, 4, 10)
    )
    assert stale() == months(OURS, "2026-04")


def test_the_status_admin_action_marks_the_month_it_holds_from(kept, client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/organizations/enterprise/",
        {
            "action": "mark_closed",
            "_selected_action": [kept.far_enterprise.pk],
            "changed_on": "15/08/2025",
        },
    )
    assert response.status_code == 302
    assert stale() == months(THEIRS, "2025-08")


def test_a_new_enterprise_marks_the_month_its_history_starts(kept):
    enterprise = EnterpriseFactory.build(
        zone=kept.zone2, tax_code=code(3), licensed_on=D(2025, 11, 20), ownership=Ownership.LLC
    )
    services.enterprise_save(enterprise=enterprise)
    assert stale() == months(OURS, "2025-11")


def test_the_enterprise_list_import_marks_its_counts_and_new_histories(kept):
    data = csv_bytes(
        [
            row(1, kept.enterprise.tax_code, kept.enterprise.name, kept.zone.name, workers="999"),
            row(2, code(4), "Công ty TNHH Mới", kept.zone.name, licensed="15/03/2025"),
        ]
    )
    outcome = run_import(data, zone=kept.zone, committee=kept.committee)
    assert outcome.written and not outcome.invalid
    # The counts of the list's date (30/06/2025); the new enterprise's history from its
    # licence; the far province untouched.
    assert stale() == months(OURS, "2025-03", "2025-06")


def test_a_link_marks_its_start_and_the_organisation_served(kept):
    other = EnterpriseFactory(zone=kept.zone, tax_code=code(5))
    fresh()
    services.organization_save(
        organization=kept.cell, enterprises=[kept.enterprise, other], links_on=D(2025, 10, 1)
    )
    assert stale() == months(OURS, "2025-10")


def test_an_enterprise_moved_to_another_committee_of_the_province_marks_nothing(kept):
    kept.enterprise.zone = kept.zone2
    kept.enterprise.save()
    assert stale() == set() and stale(SummaryKind.YEAR) == set()


def test_an_enterprise_moved_to_another_province_marks_both_provinces(kept):
    kept.enterprise.zone = kept.far_zone
    kept.enterprise.save()
    month_rows, year_rows = everything("P1", "P2")
    assert stale() == month_rows and stale(SummaryKind.YEAR) == year_rows


def test_a_zone_given_to_another_committee(kept):
    kept.zone.committee = kept.committee2
    kept.zone.save()
    assert stale() == set()
    kept.zone.committee = kept.far
    kept.zone.save()
    month_rows, year_rows = everything("P1", "P2")
    assert stale() == month_rows and stale(SummaryKind.YEAR) == year_rows


# --- party organisations ---------------------------------------------------------------------


def test_a_new_organisation_marks_its_founding_month(kept):
    cell = PartyOrganization(
        kind=KIND.GRASSROOTS_CELL,
        parent=kept.far,
        code="P2-CB09",
        name="Chi bộ mới",
        founded_on=D(2025, 7, 1),
    )
    services.organization_save(organization=cell, enterprises=[kept.far_enterprise])
    assert stale() == months(THEIRS, "2025-07")


def test_an_end_and_its_correction_mark_the_months_before_and_after(kept):
    kept.cell.ended_on, kept.cell.end_reason = D(2026, 2, 15), EndReason.DISSOLVED
    services.organization_save(organization=kept.cell)
    assert stale() == months(OURS, "2026-02")
    fresh()
    cell = PartyOrganization.objects.get(pk=kept.cell.pk)
    cell.ended_on = D(2026, 4, 10)
    services.organization_save(organization=cell)
    assert stale() == months(OURS, "2026-02", "2026-04")


def _unlinked(tree) -> PartyOrganization:
    """A cell serving no enterprise (one that does moves only within its zones' committee)."""
    cell = _organization(KIND.GRASSROOTS_CELL, tree.committee, "P1-CB03", D(2025, 9, 1))
    fresh()
    return PartyOrganization.objects.get(pk=cell.pk)


def test_a_move_between_committees_of_the_province_leaves_it_fresh(kept):
    cell = _unlinked(kept)
    cell.parent = kept.committee2
    services.organization_save(organization=cell)
    assert stale() == set() and stale(SummaryKind.YEAR) == set()


def test_a_move_to_another_province_marks_both_and_not_the_nation(kept):
    cell = _unlinked(kept)
    cell.parent = kept.far
    services.organization_save(organization=cell)
    month_rows, year_rows = everything("P1", "P2")
    assert stale() == month_rows and stale(SummaryKind.YEAR) == year_rows


def test_a_unit_type_marks_the_organisation_and_its_members_counted(kept):
    cell = _organization(KIND.GRASSROOTS_CELL, kept.committee2, "P1-CB02", D(2025, 4, 1))
    MemberFactory(organization=cell, probationary=True, admitted_on=D(2025, 6, 10))
    fresh()
    cell.chosen_unit_type = Ownership.FDI100
    services.organization_save(organization=cell)
    # Founded in April; its member counted from June.
    assert stale() == months(OURS, "2025-04", "2025-06")


def test_a_kind_changed_marks_its_ratings_years(kept):
    member = MemberFactory(organization=kept.cell, admitted_on=D(2018, 3, 1))
    member_services.ratings_save(
        organization=kept.cell,
        year=2025,
        levels={member: (RatingLevel.GOOD, "")},
        organization_level=RatingLevel.GOOD,
        by=SYSTEM,
    )
    fresh()
    cell = PartyOrganization.objects.get(pk=kept.cell.pk)
    cell.kind = KIND.GRASSROOTS_COMMITTEE
    cell.save()
    # Founded before the first month kept; the member counted since then; rated in 2025.
    assert stale() == months(OURS, "2025-01")
    assert stale(SummaryKind.YEAR) == months(OURS, "2025")


# --- mass organisations ----------------------------------------------------------------------


def test_a_mass_organisation_and_its_counts(kept):
    union = MassOrganization(
        kind=MassKind.TRADE_UNION,
        name="Công đoàn cơ sở Xa",
        enterprise=kept.far_enterprise,
        founded_on=D(2025, 8, 1),
    )
    services.mass_organization_save(organization=union)
    assert stale() == months(THEIRS, "2025-08")
    fresh()
    services.mass_organization_record_count(
        organization=union, counted_on=D(2025, 11, 30), members=40, recruited=12
    )
    assert stale() == months(THEIRS, "2025-11")
    fresh()
    union.kind = MassKind.YOUTH_UNION
    services.mass_organization_save(organization=union)
    assert stale() == months(THEIRS, "2025-08", "2025-11")


# --- classes and ratings ---------------------------------------------------------------------


def test_a_class_and_its_participants(kept):
    course = member_services.course_save(
        course=AwarenessClass(
            organization=kept.cell, title="Lớp nhận thức về Đảng", started_on=D(2026, 3, 2)
        )
    )
    assert stale() == months(OURS, "2026-03")
    fresh()
    member_services.awareness_participants_add(
        course=course, participants=[AwarenessParticipant(full_name="Trần Thị Học")]
    )
    assert stale() == months(OURS, "2026-03")
    fresh()
    AwarenessParticipant.objects.get(course=course).delete()
    assert stale() == months(OURS, "2026-03")


def test_the_ratings_screen_marks_the_year_only(kept):
    member = MemberFactory(organization=kept.cell, admitted_on=D(2018, 3, 1))
    fresh()
    member_services.ratings_save(
        organization=kept.cell, year=2025, levels={member: (RatingLevel.GOOD, "")}, by=SYSTEM
    )
    assert stale() == set()
    assert stale(SummaryKind.YEAR) == months(OURS, "2025")


# --- members' events and their counted intervals ---------------------------------------------


def test_an_admission_marks_its_month(kept):
    MemberFactory(organization=kept.cell, probationary=True, admitted_on=D(2025, 5, 5))
    assert stale() == months(OURS, "2025-05")


def test_an_event_corrected_marks_every_date_of_the_member(kept):
    member = MemberFactory(organization=kept.cell, probationary=True, admitted_on=D(2025, 5, 5))
    member_services.member_event_add(
        event=MemberEvent(
            member=member, kind=EventKind.RECOGNITION, occurred_on=D(2026, 5, 19), decision_no="3"
        ),
        by=SYSTEM,
    )
    fresh()
    admission = member.events.get(kind=EventKind.ADMISSION)
    admission.occurred_on = D(2025, 4, 28)
    member_services.member_event_change(event=admission, by=SYSTEM)
    # Before (May) and after (April), and the member's other event (May 2026).
    assert stale() == months(OURS, "2025-04", "2025-05", "2026-05")


# --- the demo loader ---------------------------------------------------------------------------


def test_deferred_marks_everything_once_at_the_end_when_anything_was_written(kept):
    with summary_marks.deferred():
        services.enterprise_record_workers(
            enterprise=kept.enterprise, counted_on=D(2025, 5, 31), workers=300
        )
        assert stale() == set()
    month_rows, year_rows = everything("VN", "P1", "P2")
    assert stale() == month_rows and stale(SummaryKind.YEAR) == year_rows
    fresh()
    with summary_marks.deferred():
        pass
    assert stale() == set()


# --- the imports of members' registers and of ratings ----------------------------------------


def test_the_register_import_marks_every_date_of_the_members_written(kept):
    from tests.members.imports.helpers import register
    from tests.members.imports.helpers import row as member_row
    from tests.members.imports.helpers import run as import_members

    data = register(
        member_row(**{"Chi bộ": "P1-CB01", "Ngày vào Đảng": "10/05/2025", "Ngày chính thức": ""})
    )
    outcome = import_members(data, kept.committee)
    assert not outcome.invalid_lines, outcome.invalid_lines
    assert stale() == months(OURS, "2025-05")


def test_the_ratings_import_marks_the_years_it_writes(kept):
    import csv
    import io

    from members.imports.running import rating_list_import

    member = MemberFactory(organization=kept.cell, admitted_on=D(2018, 3, 1))
    fresh()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Số CCCD", "Năm", "Xếp loại"])
    writer.writerow([member.citizen_id, "2024", "HTT"])
    outcome = rating_list_import(
        source=out.getvalue().encode("utf-8"),
        file_name="xep-loai.csv",
        committee=kept.committee,
        by=SYSTEM,
    )
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=0"
    assert stale() == set()
    assert stale(SummaryKind.YEAR) == months(OURS, "2024")


def test_a_member_deleted_marks_every_date_of_theirs(kept):
    member = MemberFactory(organization=kept.cell, probationary=True, admitted_on=D(2025, 5, 5))
    fresh()
    member.delete()
    assert stale() == months(OURS, "2025-05")


def test_a_link_ended_marks_its_end(kept):
    services.organization_save(organization=kept.cell, enterprises=[], links_on=D(2026, 1, 15))
    # And the cell, serving none now, has no unit type: an attribute without a date, its own
    # since its founding (before the first month kept).
    assert stale() == months(OURS, "2025-01", "2026-01")


# --- the lists of organisations and of mass organisations -------------------------------------


def test_the_organisation_list_marks_the_founding_months(kept):
    from tests.organizations.list_helpers import import_orgs, org_row, orgs_csv

    data = orgs_csv([org_row(1, "P2-CB05", "Chi bộ Năm", parent="P2-KCN", founded="12/09/2025")])
    outcome = import_orgs(data)
    assert outcome.created == 1, outcome.invalid_lines
    assert stale() == months(THEIRS, "2025-09")


def test_the_mass_organisation_list_marks_its_founding_and_its_count(kept):
    from tests.organizations.list_helpers import import_mass, mass_csv

    data = mass_csv(
        [["1", kept.enterprise.tax_code, "Công đoàn cơ sở", "Công đoàn Một", "20/05/2025",
          "120", "31/12/2025", "30"]]
    )  # fmt: skip
    outcome = import_mass(data)
    assert outcome.created == 1, outcome.invalid_lines
    assert stale() == months(OURS, "2025-05", "2025-12")


def test_the_ratings_screen_post_marks_the_year(kept, admin_user, client):
    from tests.forms import ratings_data

    MemberFactory(organization=kept.cell, admitted_on=D(2018, 3, 1))
    fresh()
    client.force_login(admin_user)
    url = "/admin/members/memberrating/enter/"
    response = client.get(url, {"organization": kept.cell.pk, "year": 2024})
    data = ratings_data(response.context["formset"], ["good"], "good")
    response = client.post(f"{url}?organization={kept.cell.pk}&year=2024", data)
    assert response.status_code == 302
    assert stale() == set()
    assert stale(SummaryKind.YEAR) == months(OURS, "2024")


def test_a_rating_moved_to_another_cell_marks_the_year_where_it_was_and_is(kept):
    member = MemberFactory(organization=kept.cell, admitted_on=D(2018, 3, 1))
    far_cell = _organization(KIND.GRASSROOTS_CELL, kept.far, "P2-CB01", D(2018, 3, 1))
    levels = {member: (RatingLevel.GOOD, "")}
    member_services.ratings_save(organization=kept.cell, year=2025, levels=levels, by=SYSTEM)
    fresh()
    member_services.ratings_save(organization=far_cell, year=2025, levels=levels, by=SYSTEM)
    assert stale(SummaryKind.YEAR) == months(("VN", "P1", "P2"), "2025")


def test_a_transfer_corrected_to_another_province_marks_both_on_every_date(kept):
    member = MemberFactory(organization=kept.cell, admitted_on=D(2024, 1, 10))
    cell2 = _organization(KIND.GRASSROOTS_CELL, kept.committee, "P1-CB04", D(2018, 3, 1))
    far_cell = _organization(KIND.GRASSROOTS_CELL, kept.far, "P2-CB02", D(2018, 3, 1))
    transfer = member_services.member_event_add(
        event=MemberEvent(
            member=member, kind=EventKind.TRANSFER_IN, occurred_on=D(2025, 6, 1), organization=cell2
        ),
        by=SYSTEM,
    )
    fresh()
    transfer.organization = far_cell
    member_services.member_event_change(event=transfer, by=SYSTEM)
    # The admission (2024, before the first month kept) and the recognition (January 2025),
    # and the transfer (June), where the member was and is counted.
    assert stale() == months(("VN", "P1", "P2"), "2025-01", "2025-06")
