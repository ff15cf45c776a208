"""The dashboard's content on the hand-built year 2025 (tests/reports/builders.py): the key
figures as the figures layer gives them, kỳ này | cùng kỳ | %, who is behind first, growth
since founding, the charts' data beside their tables, the slot for targets, the selectors and
their Vietnamese messages, and the ways in from the admin and the login."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from reports import figures as figures_module
from reports.dashboard import data as dashboard_data
from reports.dashboard import targets as target_slot
from reports.periods import Period
from reports.values import Count
from tests.conftest import client_for

DASHBOARD = reverse("reports:dashboard")


def get(client, query="org=BG-KCN&year=2025", path=DASHBOARD):
    return client.get(f"{path}?{query}")


@pytest.mark.django_db
def test_key_figures_are_the_figures_layers_beside_last_year(year_2025, leader_client):
    response = get(leader_client)
    assert response.status_code == 200
    board = response.context["board"]
    expected = figures_module.compute(year_2025.tree.committee, Period.year(2025))
    shown = {
        figure.key: figure
        for figure in board.key_figures
        if figure.params.get("of_which", "all") == "all"
    }
    assert shown["members_admitted"].value == expected.get("members_admitted").value == Count(5)
    assert shown["members_admitted"].last_year == Count(2)
    assert shown["members_admitted"].change_percent == Decimal("250.00")
    page = response.content.decode()
    assert "Kết nạp đảng viên" in page and "250,00%" in page
    assert "71,43% (5/7)" in page  # rated HTT or better: the share with both its counts
    assert "Năm 2025 (01/01/2025 – 31/12/2025), số liệu đến ngày 31/12/2025" in page


@pytest.mark.django_db
def test_the_breakdown_shows_who_is_behind_first(year_2025, leader_client):
    tree = year_2025.tree
    board = get(leader_client).context["board"]
    rows = board.breakdown.rows
    assert [row.organization for row in rows] == [tree.cell_a, tree.cell_b, tree.grassroots]
    first = rows[0]
    # Cell A admitted 2 in 2025 as in 2024: 100% of last year, ahead of those without a
    # comparison; the shares of the committee's 5 add up.
    assert (first.value, first.last_year, first.change_percent) == (
        Count(2),
        Count(2),
        Decimal("100.00"),
    )
    assert sum(row.share for row in rows) == Decimal("100.00")
    # A sub-organisation's own breakdown is one click away.
    page = get(leader_client).content.decode()
    assert f"org={tree.grassroots.code}" in page


@pytest.mark.django_db
def test_behind_first_orders_by_the_comparison_with_last_year():
    class Org:
        def __init__(self, path):
            self.path = path

    def row(path, change, target=None):
        return dashboard_data.ChildRow(Org(path), Count(1), None, Count(1), change, target, [])

    ahead, behind, none = row("1/", Decimal("150")), row("2/", Decimal("40")), row("3/", None)
    assert dashboard_data.behind_first([none, ahead, behind]) == [behind, ahead, none]
    assert behind.behind and not ahead.behind and not none.behind


@pytest.mark.django_db
def test_a_sub_organisations_dashboard(year_2025, leader_client):
    tree = year_2025.tree
    response = get(leader_client, f"org={tree.grassroots.code}&year=2025")
    board = response.context["board"]
    assert board.root == tree.grassroots
    assert [row.organization for row in board.breakdown.rows] == [tree.sub_1, tree.sub_2]
    # The way back up: the committee is offered in the organisation selector.
    assert tree.committee in response.context["organizations"]


@pytest.mark.django_db
def test_growth_since_founding_from_the_figures_entered_once(year_2025, leader_client):
    committee = year_2025.tree.committee
    page = get(leader_client).content.decode()
    assert "chưa được nhập" in page  # asks for them until they are entered
    committee.founded_on = datetime.date(2014, 6, 5)
    committee.founding_organizations = 0
    committee.founding_members = 3
    committee.save()
    response = get(leader_client)
    growth = response.context["board"].growth
    # Today: cell A, cell B and the grassroots committee; 11 members counted on 31/12/2025.
    assert (growth.organizations_now, growth.members_now) == (3, 11)
    page = response.content.decode()
    assert "+3</strong> tổ chức cơ sở đảng" in page
    assert "+8</strong> đảng viên" in page
    assert "từ 6/2014" in page


@pytest.mark.django_db
def test_the_monthly_chart_and_its_table_carry_the_same_figures(year_2025, leader_client):
    response = get(leader_client)
    board = response.context["board"]
    points = board.monthly.points
    assert [point.day for point in points][:2] == [
        datetime.date(2025, 1, 31),
        datetime.date(2025, 2, 28),
    ]
    assert len(points) == 12
    # Added up from 1 January: the last point is the year's figure, the same as the key figure.
    assert points[-1].actual == Count(5) and points[-1].last_year == Count(2)
    assert [point.actual.value for point in points] == sorted(p.actual.value for p in points)
    charts = json.loads(response.context["charts"] and json.dumps(board.charts()))
    assert charts["monthly"]["datasets"][0]["data"] == [point.actual.value for point in points]
    page = response.content.decode()
    assert 'id="chart-data"' in page and "vendor/chartjs/chart.umd.min.js" in page
    assert "<caption>Kết nạp đảng viên, cộng dồn theo tháng</caption>" in page
    # No target yet: no target or pace line is drawn.
    assert len(charts["monthly"]["datasets"]) == 2


@pytest.mark.django_db
def test_another_figure_can_be_followed(year_2025, leader_client):
    board = get(leader_client, "org=BG-KCN&year=2025&metric=unions_founded").context["board"]
    assert board.breakdown.key == "unions_founded"
    assert board.monthly.points[-1].actual == Count(1)
    # An unknown one falls back to the admissions.
    board = get(leader_client, "org=BG-KCN&year=2025&metric=nothing").context["board"]
    assert board.breakdown.key == "members_admitted"


def test_month_ends_of_a_year_a_running_year_and_a_term():
    D = datetime.date
    year = Period.year(2025)
    assert dashboard_data.month_ends(year, D(2025, 12, 31))[-1] == D(2025, 12, 31)
    assert dashboard_data.month_ends(year, D(2025, 3, 10)) == [
        D(2025, 1, 31),
        D(2025, 2, 28),
        D(2025, 3, 10),
    ]
    term = Period(D(2020, 1, 1), D(2025, 12, 31), "term", "Nhiệm kỳ 2020–2025")
    points = dashboard_data.month_ends(term, D(2025, 12, 31))
    assert len(points) == 24 and points[0] == D(2020, 3, 31)  # by quarter


# --- the selectors -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=20x5", "Hãy ghi năm bằng bốn chữ số, ví dụ 2025."),
        ("year=1800", "Hãy ghi một năm từ 1930 đến 2100."),
        ("kind=term&term=2025-2020", "Năm kết thúc nhiệm kỳ phải sau năm bắt đầu (2025–2020)."),
        ("kind=term&term=abc", "Hãy ghi nhiệm kỳ bằng hai năm, ví dụ 2020-2025."),
        (
            "kind=custom&from=31/02/2025&to=01/03/2025",
            "Từ ngày: “31/02/2025” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            "kind=custom&from=01/02/2025&to=abc",
            "Đến ngày: “abc” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        ("kind=custom&from=01/03/2025", "Hãy ghi cả ngày bắt đầu và ngày kết thúc của kỳ"),
        (
            "kind=custom&from=01/03/2025&to=01/02/2025",
            "Ngày kết thúc kỳ báo cáo (01/02/2025) trước ngày bắt đầu",
        ),
        ("year=2099", "sau ngày hôm nay: chưa có số liệu"),
    ],
)
def test_a_period_that_cannot_be_is_a_vietnamese_message(query, message, bg, staff_client):
    for path in (
        DASHBOARD,
        reverse("reports:tables"),
        reverse("reports:print"),
        reverse("reports:dashboard_export", args=["xlsx"]),
    ):
        response = get(staff_client, f"org=BG-KCN&{query}", path)
        assert response.status_code == 400
        assert message in response.content.decode()
    response = get(staff_client, f"org=BG-KCN&{query}", reverse("reports:figures_json"))
    assert response.status_code == 400 and message in response.json()["error"]


@pytest.mark.django_db
def test_a_term_and_custom_dates(year_2025, leader_client):
    board = get(leader_client, "org=BG-KCN&kind=term&term=2020-2025").context["board"]
    assert board.figures.period.start == datetime.date(2020, 1, 1)
    board = get(leader_client, "org=BG-KCN&kind=custom&from=01/03/2025&to=30/06/2025").context[
        "board"
    ]
    # a_new_1 (10/03), s1_new (07/04), a_new_2 (02/06).
    assert board.figures.get("members_admitted").value == Count(3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        # "Năm" left checked, its year emptied, a term typed: the term.
        ("kind=year&year=&term=2020-2025", datetime.date(2020, 1, 1), datetime.date(2025, 12, 31)),
        # "Nhiệm kỳ" checked with no term, dates typed: the dates.
        ("kind=term&from=01/03/2025&to=30/06/2025", datetime.date(2025, 3, 1), None),
        # The year button with its year and a term: the button decides.
        ("kind=year&year=2025&term=2020-2025", datetime.date(2025, 1, 1), None),
    ],
)
def test_the_kind_of_period_follows_the_field_filled_in(
    year_2025, leader_client, query, start, end
):
    period = get(leader_client, f"org=BG-KCN&{query}").context["board"].figures.period
    assert period.start == start
    if end:
        assert period.end == end


# --- targets: the slot ----------------------------------------------------------------------


@pytest.mark.django_db
def test_without_the_targets_module_there_are_no_targets(year_2025, leader_client, monkeypatch):
    def absent(path):
        raise ModuleNotFoundError(f"No module named {path!r}", name="reports.targets")

    monkeypatch.setattr(target_slot, "import_string", absent)
    assert target_slot.provider() is None
    board = get(leader_client).context["board"]
    assert board.targets == []


@pytest.mark.django_db
def test_without_targets_the_page_says_so(year_2025, leader_client):
    # None is recorded here, whether or not the targets module is installed.
    response = get(leader_client)
    assert response.context["board"].targets == []
    assert "Chưa có chỉ tiêu" in response.content.decode()


def fake_rows(*, root, figures):
    """What reports.targets.dashboard.target_rows gives, for the slot's test: the admissions
    against 30–50, split between cell A (part 2, met) and cell B (part 4, not met)."""
    actual = figures.get("members_admitted").value
    tree_children = {child.code: child for child in root.children.all()}
    part = lambda minimum, value, status: target_slot.TargetRow(  # noqa: E731
        key="members_admitted",
        params={"of_which": "all"},
        label="Kết nạp đảng viên",
        actual=Count(value),
        minimum=minimum,
        maximum=None,
        target_text=f"≥ {minimum}",
        achieved=Decimal(value * 100 / minimum).quantize(Decimal("0.01")),
        status=status,
    )
    return [
        target_slot.TargetRow(
            key="members_admitted",
            params={"of_which": "all"},
            label="Kết nạp đảng viên",
            actual=actual,
            minimum=30,
            maximum=50,
            target_text="30–50",
            achieved=Decimal("16.67"),
            status=target_slot.BELOW,
            pace=target_slot.BEHIND,
            expected=Decimal("30.00"),
            source="09-NQ/ĐU, 15/01/2025",
            parts={
                tree_children["BG-CB01"].pk: part(2, 2, target_slot.MET),
                tree_children["BG-KCN-CB02"].pk: part(4, 2, target_slot.BELOW),
            },
        )
    ]


@pytest.mark.django_db
def test_the_targets_slot_shows_each_target_with_status_and_pace(
    year_2025, leader_client, monkeypatch
):
    monkeypatch.setattr(target_slot, "provider", lambda: fake_rows)
    response = get(leader_client)
    board = response.context["board"]
    assert [row.target_text for row in board.targets] == ["30–50"]
    # The figure with a target is no longer among those without one.
    assert "members_admitted" not in {
        figure.key for figure in board.key_figures if figure.params.get("of_which", "all") == "all"
    }
    page = response.content.decode()
    assert "light-red" in page and "chưa đạt" in page and "chậm tiến độ" in page
    assert "09-NQ/ĐU, 15/01/2025" in page
    # Split: the furthest from its part first (cell B, 50%), then cell A (100%).
    tree = year_2025.tree
    assert board.breakdown.split
    assert [row.organization for row in board.breakdown.rows][:2] == [tree.cell_b, tree.cell_a]
    # The monthly chart gets the target line and the pace line: 30 × the elapsed share.
    charts = board.charts()["monthly"]
    assert len(charts["datasets"]) == 4
    assert charts["datasets"][2]["data"][-1] == 30.0
    assert board.monthly.points[0].pace == Decimal("2.55")  # 30 × 31/365


def test_the_targets_modules_results_become_rows_with_their_parts():
    """reports.targets.evaluation.evaluate gives TargetResults (target, value, assessment):
    the root's own targets become rows, the parts of a split one go with it by child id."""
    from types import SimpleNamespace as Fake

    from reports.metrics import get

    metric = get("members_admitted")

    def result(pk, organization_id, parent_id, value, status, pace=None, achieved=None):
        target = Fake(
            pk=pk,
            organization_id=organization_id,
            parent_id=parent_id,
            metric="members_admitted",
            params={},
            metric_object=metric,
            label="Kết nạp đảng viên",
            minimum=Decimal(30),
            maximum=Decimal(50),
            range_label="30–50",
            source_id=7 if parent_id is None else None,
            source="09-NQ/ĐU",
        )
        assessment = Fake(
            status=Fake(value=status),
            achieved=achieved,
            pace=Fake(value=pace) if pace else None,
            expected=Decimal("27.53") if pace else None,
        )
        return Fake(target=target, value=Count(value), assessment=assessment)

    root = Fake(pk=1)
    rows = target_slot.rows_from_results(
        [
            result(10, 1, None, 36, "met", "on_pace", Decimal("120.00")),
            result(11, 2, 10, 5, "not_met", achieved=Decimal("50.00")),
            result(12, 3, None, 1, "exceeded"),  # a sub-organisation's own target: not ours
        ],
        root,
    )
    assert len(rows) == 1
    row = rows[0]
    assert (row.status, row.pace, row.light, row.pace_light) == (
        "met",
        "on_track",
        "green",
        "green",
    )
    assert row.params == {"of_which": "all"} and row.actual == Count(36)
    assert (row.target_text, row.source, row.achieved) == ("30–50", "09-NQ/ĐU", Decimal("120.00"))
    assert row.exceeded_by == Decimal("20.00")
    assert list(row.parts) == [2] and row.parts[2].status == target_slot.BELOW


def test_an_error_inside_the_targets_module_is_not_hidden(monkeypatch):
    def broken(path):
        raise ModuleNotFoundError("No module named 'openpyxl_missing'", name="openpyxl_missing")

    monkeypatch.setattr(target_slot, "import_string", broken)
    with pytest.raises(ModuleNotFoundError):
        target_slot.provider()


# --- the ways in ------------------------------------------------------------------------------


PASSWORD = "correct horse battery"


def sign_in(client, username, next_url="/admin/"):
    return client.post(
        f"{reverse('admin:login')}?next={next_url}",
        {"username": username, "password": PASSWORD, "next": next_url},
    )


@pytest.mark.django_db
def test_a_leader_lands_on_the_dashboard_and_staff_on_the_admin(client, leader, staff):
    assert sign_in(client, leader.username)["Location"] == DASHBOARD
    client.logout()
    assert sign_in(client, staff.username)["Location"] == "/admin/"
    client.logout()
    # A page asked for is where anyone goes.
    wanted = reverse("admin:organizations_partyorganization_changelist")
    assert sign_in(client, leader.username, wanted)["Location"] == wanted


@pytest.mark.django_db
def test_the_site_root_leads_a_leader_to_the_dashboard(leader_client, staff_client):
    assert leader_client.get("/")["Location"] == DASHBOARD
    assert staff_client.get("/")["Location"] == "/admin/"


@pytest.mark.django_db
def test_links_both_ways_between_the_admin_and_the_dashboard(bg, staff_client, leader_client):
    admin_home = staff_client.get(reverse("admin:index")).content.decode()
    assert f'href="{DASHBOARD}"' in admin_home
    page = get(leader_client).content.decode()
    assert 'href="/admin/"' in page


@pytest.mark.django_db
def test_an_outsider_admin_home_links_to_their_own_dashboard(bg, outsider):
    client = client_for(outsider)
    assert client.get(reverse("admin:index")).status_code == 200
    assert get(client, "year=2025").context["selection"].root.code == "HN-KCN"


@pytest.mark.django_db
def test_the_founding_figures_are_entered_once_on_the_committee(bg, staff_client):
    from django.core.exceptions import ValidationError

    page = staff_client.get(
        reverse("admin:organizations_partyorganization_change", args=[bg.committee.pk])
    ).content.decode()
    assert 'name="founding_organizations"' in page
    assert "Số tổ chức cơ sở đảng khi thành lập" in page
    bg.committee.founding_organizations = -1
    with pytest.raises(ValidationError) as refused:
        bg.committee.full_clean()
    assert "founding_organizations" in refused.value.message_dict
