"""Closed periods (khóa sổ, issue 10 point 3): a closed period's figures are stored and never
change; a later correction shows as an adjustment in the next period, with who made it and
when; the start of a period is the end of the closed one before; only the body above reopens.
"""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kcn_party import actor
from members import services as member_services
from members.models import EventKind, MemberEvent
from organizations import services as org_services
from organizations.access import SYSTEM, Role
from organizations.models import OrganizationKind, PartyOrganization
from reports import closing, figures, monthly, snapshot, tables
from reports.adjustments import adjustments as adjustments_of
from reports.adjustments import adjustments_into
from reports.dashboard import data as dashboard_data
from reports.metrics import metrics
from reports.models import ClosedPeriod, Correction, CorrectionAction
from reports.periods import Period
from reports.services import period_close, period_reopen
from reports.tables import TABLES
from reports.values import Count
from tests.conftest import account
from tests.factories import PartyOrganizationFactory
from tests.reports import builders
from tests.reports.builders import D

pytestmark = pytest.mark.django_db

YEAR = Period.year(2025)


def report(*args) -> dict:
    out = StringIO()
    call_command("report_figures", *args, stdout=out)
    return json.loads(out.getvalue())


def variants():
    return [(m.key, params) for m in metrics() for params in m.variants()]


def test_closing_a_year_stores_every_figure_table_and_the_tree(year_2025, staff):
    tree = year_2025.tree
    before = figures.compute(tree.committee, YEAR)
    closed = period_close(committee=tree.committee, period=YEAR, by=staff)

    assert (closed.kind, closed.start, closed.end) == ("year", D(2025, 1, 1), D(2025, 12, 31))
    assert closed.closed_by == staff and closed.in_force
    # Every metric of the registry with every parameter value, and every table.
    stored = [(m["key"], m["params"]) for m in closed.figures["metrics"]]
    assert stored == [(key, dict(params)) for key, params in variants()]
    assert set(closed.figures["tables"]) == set(TABLES)
    assert closed.figures["breakdown"]["children"] == [c.pk for c in tree.children]
    # A ratio keeps its two counts.
    rated = next(m for m in closed.figures["metrics"] if m["key"] == "members_rated_good")
    assert (rated["numerator"], rated["denominator"]) == (5, 7)

    # The tree and the enterprises as they stood on 31/12/2025.
    organizations = {row["code"]: row for row in snapshot.rows(closed.tree, "organizations")}
    assert set(organizations) == {o.code for o in PartyOrganization.objects.within(tree.committee)}
    assert organizations[tree.cell_a.code]["kind"] == OrganizationKind.GRASSROOTS_CELL
    assert organizations[tree.sub_1.code]["path"] == tree.sub_1.path
    [enterprise] = snapshot.rows(closed.tree, "enterprises")
    assert enterprise["tax_code"] == tree.world.enterprise.tax_code
    assert (enterprise["status"], enterprise["workers"]) == ("active", 1260)
    assert enterprise["covered"] is True and enterprise["union_covered"] is True

    after = figures.compute(tree.committee, YEAR)
    assert after.closed == closed
    assert [(f.key, f.value, f.last_year) for f in after.figures] == [
        (f.key, f.value, f.last_year) for f in before.figures
    ]


def test_a_closed_period_is_read_in_one_query(year_2025, staff, django_assert_num_queries):
    tree = year_2025.tree
    period_close(committee=tree.committee, period=YEAR, by=staff)
    with django_assert_num_queries(1):
        figures.compute(tree.committee, YEAR)
    with django_assert_num_queries(1):
        tables.build(tree.committee, YEAR)
    with django_assert_num_queries(2):  # the closing, and the children it names
        grouped = figures.breakdown(tree.committee, YEAR)
    assert grouped.children == tree.children
    assert grouped.get("members_admitted")[tree.cell_b.pk] == Count(2)


def test_a_cell_moved_after_its_year_was_closed_leaves_the_closed_year_unchanged(
    year_2025, staff, hn
):
    tree = year_2025.tree
    closed = period_close(committee=tree.committee, period=YEAR, by=staff)
    stored = figures.compute(tree.committee, YEAR)
    stored_by_child = figures.breakdown(tree.committee, YEAR)
    stored_tables = tables.build(tree.committee, YEAR)

    # Sub-cell 1 (with its members) goes to a grassroots committee of another zone committee.
    elsewhere = PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_COMMITTEE, parent=hn.committee, founded_on=D(2016, 1, 1)
    )
    tree.sub_1.parent = elsewhere
    with actor.acting(SYSTEM):
        org_services.organization_save(organization=tree.sub_1, by=SYSTEM)

    live = figures.compute(tree.committee, YEAR, from_records=True)
    assert live.get("members_admitted").value == Count(4)  # s1_new went with the cell
    again = figures.compute(tree.committee, YEAR)
    assert again.get("members_admitted").value == Count(5)
    assert [f.value for f in again.figures] == [f.value for f in stored.figures]
    assert figures.breakdown(tree.committee, YEAR).values == stored_by_child.values
    assert tables.build(tree.committee, YEAR) == stored_tables
    # The tree as it stood: sub-cell 1 under the grassroots committee.
    rows = {r["id"]: r for r in snapshot.rows(closed.tree, "organizations")}
    assert rows[tree.sub_1.pk]["parent_id"] == tree.grassroots.pk
    # The move is on record against the closed year, and the difference shows.
    move = Correction.objects.get(action=CorrectionAction.MOVED)
    assert move.closed == closed and move.record_id == tree.sub_1.pk
    differences = {d.key: d for d in adjustments_of(closed).differences}
    assert differences["members_admitted"].change == -1


def test_a_correction_after_closing_shows_as_an_adjustment_in_the_next_period(year_2025, staff):
    tree = year_2025.tree
    closed = period_close(committee=tree.committee, period=YEAR, by=staff)
    stored_end = tables.build(tree.committee, YEAR)["bieu1"].row("end").this
    assert (
        stored_end == tables.build(tree.committee, YEAR, from_records=True)["bieu1"].row("end").this
    )

    # A death on 01/08/2025, recorded by the staff after the closing.
    member_services.member_event_add(
        event=MemberEvent(
            member=year_2025.a_old_2, kind=EventKind.DEATH, occurred_on=D(2025, 8, 1)
        ),
        by=staff,
    )

    # The closed year does not change.
    assert figures.compute(tree.committee, YEAR).get("members_counted").value == Count(11)
    assert tables.build(tree.committee, YEAR)["bieu1"].row("end").this == stored_end

    # The correction: who, when, what.
    [correction] = closed.corrections.all()
    assert correction.recorded_by == staff and correction.action == CorrectionAction.ADDED
    assert correction.dated == D(2025, 8, 1) and correction.record_type == "members.memberevent"
    assert correction.recorded_at is not None

    # The next period starts from the stored end, and the adjustment balances it.
    next_year = Period.year(2026)
    bieu1 = tables.build(tree.committee, next_year.until(D(2026, 6, 30)))["bieu1"]
    assert [row.key for row in bieu1.rows][:2] == ["start", "adjustment"]
    assert bieu1.row("start").this == stored_end
    assert bieu1.row("adjustment").this == Count(-1)
    assert bieu1.checks["balances"]

    adjustments = adjustments_into(tree.committee, next_year)
    assert adjustments.closed == closed
    assert adjustments.corrections == [correction]
    changes = {d.key: d.change for d in adjustments.differences}
    assert changes["bieu1.died"] == 1 and changes["bieu1.end"] == -1
    assert changes["members_counted"] == -1


def test_this_years_tables_agree_with_last_years_closed_ones(year_2025, staff):
    tree = year_2025.tree
    first = period_close(committee=tree.committee, period=Period.year(2024), by=staff)
    stored_2024 = tables.build(tree.committee, Period.year(2024))["bieu1"]
    # A correction to 2024 after its closing: an admission on 01/06/2024.
    member_services.member_event_add(
        event=MemberEvent(
            member=year_2025.a_old_2, kind=EventKind.DEATH, occurred_on=D(2024, 6, 1)
        ),
        by=staff,
    )
    closed = period_close(committee=tree.committee, period=YEAR, by=staff)
    bieu1 = tables.build(tree.committee, YEAR)["bieu1"]
    assert bieu1.row("start").this == stored_2024.row("end").this
    assert bieu1.row("adjustment").this == Count(-1)
    # Cùng kỳ: the printed 2024, not the records as they are now.
    for row in stored_2024.rows:
        assert bieu1.row(row.key).last_year == row.this
    admitted_2024 = figures.compute(tree.committee, Period.year(2024)).get("members_admitted")
    assert figures.compute(tree.committee, YEAR).get("members_admitted").last_year == (
        admitted_2024.value
    )
    assert first.corrections.count() == 1 and closed.corrections.count() == 0


def test_a_month_closes_after_the_year_before(year_2025, staff):
    tree = year_2025.tree
    period_close(committee=tree.committee, period=YEAR, by=staff)
    january = period_close(committee=tree.committee, period=Period.month(2026, 1), by=staff)
    assert january.kind == "month"
    quarter = Period.quarter(2026, 1)
    with pytest.raises(ValidationError) as refused:
        period_close(committee=tree.committee, period=quarter, by=staff)
    assert "trùng" in refused.value.messages[0]
    february = period_close(committee=tree.committee, period=Period.month(2026, 2), by=staff)
    assert (
        february.figures["tables"]["bieu1"]["rows"][0]["this"]["value"]
        == (january.figures["tables"]["bieu1"]["rows"][-1]["this"]["value"])
    )


# --- refusals: a Vietnamese message, nothing written ---------------------------------------


@pytest.mark.parametrize(
    "period, message",
    [
        (Period.year(2026), "kết thúc ngày 31/12/2026"),
        (Period.month(2030, 1), "kết thúc ngày 31/01/2030"),
        (Period.term(None, 2020, 2025), "Chỉ khóa sổ tháng, quý, 6 tháng hoặc năm"),
        (Period.between(D(2025, 1, 1), D(2025, 2, 3)), "Chỉ khóa sổ tháng, quý, 6 tháng"),
        (Period.year(2010), "thành lập ngày 01/01/2015"),
    ],
)
def test_a_period_that_cannot_be_closed(tree, staff, period, message):
    with pytest.raises(ValidationError) as refused:
        period_close(committee=tree.committee, period=period, by=staff)
    assert message in refused.value.messages[0]
    assert not ClosedPeriod.objects.exists()


def test_duplicate_overlapping_and_gapped_closings_are_refused(tree, staff):
    period_close(committee=tree.committee, period=Period.year(2024), by=staff)
    cases = [
        (Period.year(2024), "trùng với Năm 2024 (01/01/2024 – 31/12/2024), đã khóa sổ"),
        (Period.half(2024, 2), "trùng với Năm 2024"),
        (Period.month(2025, 3), "bắt đầu từ ngày sau kỳ đã khóa sổ gần nhất"),
        (Period.year(2023), "trùng" if False else "bắt đầu từ ngày sau"),
    ]
    for period, message in cases:
        with pytest.raises(ValidationError) as refused:
            period_close(committee=tree.committee, period=period, by=staff)
        assert message in refused.value.messages[0], period
        assert "01/01/2025" in refused.value.messages[0] or "trùng" in message
    assert ClosedPeriod.objects.count() == 1


def test_who_may_close(tree, staff, leader, outsider, province_admin):
    period = Period.year(2024)
    with pytest.raises(ValidationError) as refused:
        period_close(committee=tree.committee, period=period, by=leader)
    assert "Chỉ cán bộ của" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        period_close(committee=tree.committee, period=period, by=outsider)
    assert refused.value.messages == ["Không có tổ chức này."]
    # The body above reopens; it does not close the committee's books.
    with pytest.raises(ValidationError):
        period_close(committee=tree.committee, period=period, by=province_admin)
    assert not ClosedPeriod.objects.exists()
    assert period_close(committee=tree.committee, period=period, by=staff).closed_by == staff


# --- reopening ---------------------------------------------------------------------------------


def test_only_the_body_above_reopens_and_the_reopening_is_recorded(
    year_2025, staff, leader, outsider, bg
):
    tree = year_2025.tree
    closed = period_close(committee=tree.committee, period=YEAR, by=staff)
    province_staff = account(bg.province, Role.STAFF, "tinh-bg-canbo")
    province_leader = account(bg.province, Role.LEADER, "tinh-bg-lanhdao")

    for person, message in [
        (staff, "Chỉ cấp trên của"),
        (leader, "Chỉ cấp trên của"),
        (province_leader, "Chỉ cấp trên của"),
        (outsider, "Không có tổ chức này."),
    ]:
        with pytest.raises(ValidationError) as refused:
            period_reopen(closed=closed, by=person, reason="Sai số liệu")
        assert message in refused.value.messages[0], person
    with pytest.raises(ValidationError) as refused:
        period_reopen(closed=closed, by=province_staff, reason="  ")
    assert refused.value.message_dict == {"reopen_reason": ["Nêu lý do mở lại kỳ đã khóa sổ."]}
    closed.refresh_from_db()
    assert closed.in_force

    reopened = period_reopen(closed=closed, by=province_staff, reason="Sai số liệu tháng 8")
    assert (reopened.reopened_by, reopened.reopen_reason) == (province_staff, "Sai số liệu tháng 8")
    assert reopened.reopened_at is not None and not reopened.in_force
    # The change trail: the closing by the committee's staff, the reopening by the body above.
    closing, reopening = reopened.history.order_by("history_date", "history_id")
    assert (closing.history_type, closing.history_user, closing.reopen_reason) == ("+", staff, "")
    assert (reopening.history_type, reopening.history_user) == ("~", province_staff)
    assert reopening.reopen_reason == "Sai số liệu tháng 8"
    with pytest.raises(ValidationError) as refused:
        period_reopen(closed=reopened, by=province_staff, reason="Lần nữa")
    assert "đã được mở lại ngày" in refused.value.messages[0]

    # Reopened, the year is computed from the records; closed again, it is a new closing.
    assert figures.compute(tree.committee, YEAR).closed is None
    again = period_close(committee=tree.committee, period=YEAR, by=staff)
    history = list(ClosedPeriod.objects.filter(committee=tree.committee).order_by("closed_at"))
    assert history == [reopened, again]


def test_the_demo_loader_and_commands_close_as_system(tree):
    closed = period_close(committee=tree.committee, period=Period.year(2024), by=SYSTEM)
    assert closed.closed_by is None
    # A committee at the top of the tree has no body above: only a superuser or SYSTEM reopens.
    reopened = period_reopen(closed=closed, by=SYSTEM, reason="Chạy lại")
    assert reopened.reopened_by is None and not reopened.in_force


def test_a_correction_outside_any_closed_period_is_not_recorded(year_2025, staff):
    tree = year_2025.tree
    period_close(committee=tree.committee, period=Period.year(2024), by=staff)
    member_services.member_event_add(
        event=MemberEvent(
            member=year_2025.a_old_2, kind=EventKind.DEATH, occurred_on=D(2025, 8, 1)
        ),
        by=staff,
    )
    assert not Correction.objects.exists()


def test_changed_and_deleted_events_are_recorded_against_the_closings_they_touch(
    year_2025, staff, hn
):
    """A change is recorded when its old or its new date lies in the closed period, a deletion
    when its date does; another committee's closed year is not touched."""
    tree = year_2025.tree
    closed = period_close(committee=tree.committee, period=YEAR, by=staff)
    elsewhere = period_close(committee=hn.committee, period=YEAR, by=SYSTEM)
    member_services.member_event_add(
        event=MemberEvent(
            member=year_2025.a_old_2, kind=EventKind.DEATH, occurred_on=D(2026, 1, 10)
        ),
        by=staff,
    )
    assert not Correction.objects.exists()  # 2026 is not closed

    death = MemberEvent.objects.get(member=year_2025.a_old_2, kind=EventKind.DEATH)
    death_id = death.pk
    death.occurred_on = D(2025, 12, 20)  # moved into the closed year
    member_services.member_event_change(event=death, by=staff)
    member_services.member_event_delete(event=death, by=staff)

    corrections = list(closed.corrections.order_by("pk"))
    assert [(c.action, c.dated) for c in corrections] == [
        (CorrectionAction.CHANGED, D(2025, 12, 20)),
        (CorrectionAction.DELETED, D(2025, 12, 20)),
    ]
    assert all(c.recorded_by == staff and c.record_id == death_id for c in corrections)
    assert not elsewhere.corrections.exists()


def test_the_actor_of_a_write_outside_the_members_services(year_2025, staff):
    tree = year_2025.tree
    closed = period_close(committee=tree.committee, period=YEAR, by=staff)
    with actor.acting(staff):
        org_services.enterprise_record_workers(
            enterprise=tree.world.enterprise, counted_on=datetime.date(2025, 6, 30), workers=1300
        )
    [correction] = closed.corrections.all()
    assert correction.recorded_by == staff
    assert correction.record_type == "organizations.workforcesnapshot"
    # Without an account acting (a command), nobody is named.
    org_services.enterprise_record_workers(
        enterprise=tree.world.enterprise, counted_on=datetime.date(2025, 7, 31), workers=1310
    )
    assert closed.corrections.order_by("pk").last().recorded_by is None


def test_the_command_gives_the_stored_year_and_the_adjustments_of_the_next(year_2025, staff):
    tree = year_2025.tree
    before = report("--committee", tree.committee.code, "--year", "2025")
    period_close(committee=tree.committee, period=YEAR, by=staff)
    member_services.member_event_add(
        event=MemberEvent(
            member=year_2025.a_old_2, kind=EventKind.DEATH, occurred_on=D(2025, 8, 1)
        ),
        by=staff,
    )
    closed = report("--committee", tree.committee.code, "--year", "2025")
    assert closed["closed"]["closed_by"] == "bg-canbo"
    assert closed["metrics"] == before["metrics"] and closed["tables"] == before["tables"]
    assert closed["adjustments"] is None

    following = report("--committee", tree.committee.code, "--year", "2026")
    assert following["closed"] is None
    [correction] = following["adjustments"]["corrections"]
    assert (correction["made_by"], correction["dated"]) == ("bg-canbo", "2025-08-01")
    counted = next(
        d for d in following["adjustments"]["differences"] if d["key"] == "members_counted"
    )
    assert counted["now"]["value"] == counted["stored"]["value"] - 1
    start, adjustment = following["tables"]["bieu1"]["rows"][:2]
    assert start["this"]["value"] == closed["tables"]["bieu1"]["rows"][-1]["this"]["value"]
    assert adjustment["key"] == "adjustment" and adjustment["this"]["value"] == -1


# --- the dashboard's monthly points ------------------------------------------------------------


def chart(root, period, focus):
    """The dashboard's monthly points of `focus` for `period`: (day, this, last year) each."""
    return chart_of(figures.compute(root, period), focus)


def from_records(root, period, focus):
    """The same points, each from the metric's own query on the records (its reference)."""
    days = monthly.month_ends(period, period.end)
    this, last = monthly.spans(period, days)
    params = focus.checked({})
    return [
        (day, focus(root, now, **params)[root.pk], focus(root, before, **params)[root.pk])
        for day, now, before in zip(days, this, last, strict=True)
    ]


def test_closing_stores_the_monthly_points_of_every_figure_followed(year_2025, history, staff):
    tree = year_2025.tree
    root = tree.committee
    followed = monthly.followed()
    live = {metric.key: chart(root, YEAR, metric) for metric in followed}
    for metric in followed:
        assert live[metric.key] == from_records(root, YEAR, metric), metric.key
    # The records move from month to month, this year and last.
    year = figures.compute(root, YEAR)
    for key in ("members_admitted", "organizations_founded", "members_counted"):
        assert len({this for _day, this, _last in live[key]}) > 2, key
        assert live[key][-1][1] == year.get(key).value, key
    assert live["members_admitted"][-1][2] == year.get("members_admitted").last_year != Count(0)

    closed = period_close(committee=root, period=YEAR, by=staff)
    stored = closed.figures["monthly"]
    assert stored["days"] == [day.isoformat() for day in monthly.month_ends(YEAR, YEAR.end)]
    assert [(item["key"], item["params"]) for item in stored["values"]] == [
        (metric.key, metric.checked({})) for metric in followed
    ]
    assert figures.compute(root, YEAR).closed == closed
    for metric in followed:
        # Read from the closing, the same points as from the records.
        assert chart(root, YEAR, metric) == live[metric.key], metric.key


def test_closing_stores_the_breakdown_last_year_of_every_figure_followed(year_2025, staff):
    """The dashboard's breakdown of a closed year compares each child with the same period
    last year as it stood at the closing, as the closed year's own figures do."""
    tree = year_2025.tree
    root = tree.committee
    followed = monthly.followed()
    last_year = figures.breakdown(root, Period.year(2024), keys=[m.key for m in followed])
    assert last_year.get("members_admitted")[tree.cell_a.pk] == Count(2)
    period_close(committee=root, period=YEAR, by=staff)
    closed = figures.compute(root, YEAR).closed
    for metric in followed:
        stored = closing.stored_last_year_breakdown(closed, metric)
        assert stored == last_year.get(metric.key), metric.key

    # An admission in 2024 recorded after 2025 was closed.
    builders.admitted(tree.cell_a, D(2024, 5, 6))
    now = figures.breakdown(root, Period.year(2024), keys=["members_admitted"])
    assert now.get("members_admitted")[tree.cell_a.pk] == Count(3)
    board = figures.compute(root, YEAR)
    focus = metrics(["members_admitted"])[0]
    rows = dashboard_data.build_breakdown(board, focus, []).rows
    row = next(row for row in rows if row.organization == tree.cell_a)
    assert row.last_year == Count(2)
    assert board.get("members_admitted").last_year == Count(2)  # the key figure's cùng kỳ


def test_a_correction_after_closing_leaves_the_stored_monthly_points(year_2025, staff):
    tree = year_2025.tree
    counted = metrics(["members_counted"])[0]
    stored = chart(tree.committee, YEAR, counted)
    period_close(committee=tree.committee, period=YEAR, by=staff)
    member_services.member_event_add(
        event=MemberEvent(
            member=year_2025.a_old_2, kind=EventKind.DEATH, occurred_on=D(2025, 8, 1)
        ),
        by=staff,
    )
    now = from_records(tree.committee, YEAR, counted)
    # The records now give one member fewer from August; the closed year's chart does not move.
    change = [now[i][1].value - stored[i][1].value for i in range(len(stored))]
    assert change == [0] * 7 + [-1] * 5
    assert chart(tree.committee, YEAR, counted) == stored
    assert figures.compute(tree.committee, YEAR).get("members_counted").value == stored[-1][1]


def test_a_closing_without_stored_points_gives_them_from_the_records(
    year_2025, staff, django_assert_num_queries
):
    """A closing made before the points were stored, or a figure added to the registry since,
    has no stored points for it: they are computed (one query), without failing."""
    tree = year_2025.tree
    admitted = metrics(["members_admitted"])[0]
    founded = metrics(["unions_founded"])[0]
    expected = {m.key: chart(tree.committee, YEAR, m) for m in (admitted, founded)}
    closed = period_close(committee=tree.committee, period=YEAR, by=staff)
    board = figures.compute(tree.committee, YEAR)
    with django_assert_num_queries(0):
        dashboard_data.build_monthly(board, admitted, [])

    # A figure added after the closing: not among the stored points.
    closed.figures["monthly"]["values"] = [
        item for item in closed.figures["monthly"]["values"] if item["key"] != "unions_founded"
    ]
    closed.save(update_fields=["figures"])
    board = figures.compute(tree.committee, YEAR)
    with django_assert_num_queries(1):
        assert chart_of(board, founded) == expected["unions_founded"]
    with django_assert_num_queries(0):
        assert chart_of(board, admitted) == expected["members_admitted"]

    # A closing made before the points were stored.
    del closed.figures["monthly"]
    closed.save(update_fields=["figures"])
    board = figures.compute(tree.committee, YEAR)
    with django_assert_num_queries(1):
        assert chart_of(board, admitted) == expected["members_admitted"]


def test_a_period_cut_before_the_closings_end_computes_its_points(year_2025, staff):
    """Only the closed period itself is read from the closing: a date of the figures inside
    it is another period, computed from the records."""
    tree = year_2025.tree
    admitted = metrics(["members_admitted"])[0]
    period_close(committee=tree.committee, period=YEAR, by=staff)
    board = figures.compute(tree.committee, YEAR, as_of=D(2025, 6, 15))
    assert board.closed is None
    points = chart_of(board, admitted)
    assert [day for day, _this, _last in points][-2:] == [D(2025, 5, 31), D(2025, 6, 15)]
    assert points[-1][1] == Count(3)


def chart_of(board, focus):
    points = dashboard_data.build_monthly(board, focus, []).points
    return [(point.day, point.actual, point.last_year) for point in points]
