"""Each metric on hand-built records (tests/reports/builders.py: what happened in 2025, each
figure known by hand), its grouped form, and the queries it takes."""

import datetime

import pytest

from members.selectors import balance, counted_on
from organizations.models import OrganizationKind, PartyOrganization
from reports import figures
from reports.metrics import REGISTRY, MetricError, children_in, get, metrics
from reports.periods import Period
from reports.values import Count, Ratio
from tests.factories import EnterpriseFactory, PartyOrganizationFactory, ZoneFactory
from tests.reports import builders
from tests.reports.builders import D

YEAR = Period.year(2025)
# The kinds of record the figures read, one query each (reports.metrics.batch).
FAMILIES = 7


def value(key, root, period=YEAR, **params):
    return get(key)(root, period, **params)[root.pk]


def by_child(key, root, period=YEAR, **params):
    return get(key)(root, period, by_child=True, **params)


# --- members -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admitted_counts_our_admissions_in_the_period_not_history_from_elsewhere(year_2025):
    tree = year_2025.tree
    assert value("members_admitted", tree.committee) == Count(5)
    # The arrival's admission elsewhere on 10/01/2025 is in the period but is not ours.
    assert value("members_admitted", tree.cell_b) == Count(2)
    assert value("members_admitted", tree.committee, Period.year(2024)) == Count(2)
    assert value("members_admitted", tree.committee, Period.year(2026)) == Count(1)


@pytest.mark.django_db
def test_a_readmission_is_admitted_and_an_of_which_line(year_2025):
    tree = year_2025.tree
    assert value("members_admitted", tree.committee, of_which="readmitted") == Count(1)
    assert value("members_admitted", tree.cell_b, of_which="readmitted") == Count(1)
    assert value("members_admitted", tree.cell_a, of_which="readmitted") == Count(0)
    # The first admission of the same member, in 2016, was no re-admission.
    first = Period.year(2016)
    assert value("members_admitted", tree.cell_b, first) == Count(1)
    assert value("members_admitted", tree.cell_b, first, of_which="readmitted") == Count(0)


@pytest.mark.django_db
def test_recognitions_of_members_counted_in_the_subtree(year_2025):
    tree = year_2025.tree
    assert value("members_recognized", tree.committee) == Count(1)
    assert value("members_recognized", tree.cell_a) == Count(1)
    assert value("members_recognized", tree.grassroots) == Count(0)


@pytest.mark.django_db
def test_a_move_between_cells_is_no_flow_of_the_subtree_and_a_flow_of_each_cell(year_2025):
    tree = year_2025.tree
    # The committee: only the arrival from outside and the departure to outside.
    assert value("members_transferred_in", tree.committee) == Count(1)
    assert value("members_transferred_out", tree.committee) == Count(1)
    # a_old_1 moved from cell A to sub-cell 2: out of cell A, into the grassroots committee.
    assert value("members_transferred_out", tree.cell_a) == Count(1)
    assert value("members_transferred_in", tree.grassroots) == Count(1)
    # s1_old moved within the grassroots committee: no flow of it, a flow of each sub-cell.
    assert value("members_transferred_out", tree.grassroots) == Count(0)
    assert value("members_transferred_out", tree.sub_1) == Count(1)
    assert value("members_transferred_in", tree.sub_2) == Count(2)
    assert by_child("members_transferred_in", tree.committee) == {
        tree.cell_a.pk: Count(0),
        tree.cell_b.pk: Count(1),
        tree.grassroots.pk: Count(1),
    }
    assert by_child("members_transferred_out", tree.grassroots) == {
        tree.sub_1.pk: Count(1),
        tree.sub_2.pk: Count(0),
    }


@pytest.mark.django_db
def test_members_counted_at_the_end_of_the_period(year_2025):
    tree = year_2025.tree
    assert value("members_counted", tree.committee) == Count(11)
    assert by_child("members_counted", tree.committee) == {
        tree.cell_a.pk: Count(5),
        tree.cell_b.pk: Count(3),
        tree.grassroots.pk: Count(3),
    }
    for day in (D(2024, 12, 31), D(2025, 5, 1), D(2025, 12, 31), D(2026, 1, 1)):
        for organization in PartyOrganization.objects.within(tree.committee):
            counted = value("members_counted", organization, Period.between(D(2024, 1, 1), day))
            assert counted == Count(counted_on(organization, day).count()), (organization, day)


@pytest.mark.django_db
def test_the_member_flows_are_the_lines_of_biểu_1_and_balance(year_2025):
    tree = year_2025.tree
    lines = {
        "members_admitted": "admitted",
        "members_transferred_in": "transferred_in",
        "members_transferred_out": "transferred_out",
        "members_counted": "end",
    }
    for organization in PartyOrganization.objects.within(tree.committee):
        for period in (Period.year(2024), YEAR, Period.half(2025, 1)):
            result = balance(organization, period.start, period.end)
            assert result.balances
            for key, line in lines.items():
                assert value(key, organization, period) == Count(getattr(result, line))
    assert balance(tree.committee, YEAR.start, YEAR.end).start == 6


# --- mass organisations and classes ------------------------------------------------------------


def second_committee(world):
    """Another zone committee under the same province, with a union founded in 2025."""
    committee = PartyOrganizationFactory(
        kind=OrganizationKind.UPPER_GRASSROOTS, parent=world.province, code="BG-KKT"
    )
    enterprise = EnterpriseFactory(zone=ZoneFactory(committee=committee))
    builders.mass(
        enterprise, "trade_union", D(2025, 5, 5), [(D(2025, 8, 1), 10, 5), (D(2026, 2, 1), 12, 7)]
    )
    return committee


@pytest.mark.django_db
def test_mass_organisations_founded_and_recruited_in_the_committees_zones(year_2025):
    tree = year_2025.tree
    assert value("unions_founded", tree.committee) == Count(1)
    assert value("youth_union_founded", tree.committee) == Count(1)
    assert value("veterans_founded", tree.committee) == Count(1)
    # 40 and 12 from trade unions' counts dated in 2025, not the Youth Union's 30.
    assert value("union_members_recruited", tree.committee) == Count(52)
    assert value("union_members_recruited", tree.committee, Period.year(2024)) == Count(10)
    # Zones are in the care of the zone committee: nothing below it.
    assert value("unions_founded", tree.cell_a) == Count(0)
    other = second_committee(tree.world)
    province = tree.world.province
    assert value("unions_founded", province) == Count(2)
    assert value("union_members_recruited", province) == Count(57)
    assert by_child("union_members_recruited", province) == {
        tree.committee.pk: Count(52),
        other.pk: Count(5),
    }


@pytest.mark.django_db
def test_awareness_participants_of_classes_that_start_in_the_period(year_2025):
    tree = year_2025.tree
    assert value("awareness_participants", tree.committee) == Count(5)
    assert value("awareness_participants", tree.committee, Period.year(2024)) == Count(4)
    # By child: the committee's own classes are no child's.
    assert by_child("awareness_participants", tree.committee) == {
        tree.cell_a.pk: Count(0),
        tree.cell_b.pk: Count(0),
        tree.grassroots.pk: Count(2),
    }


# --- ratings -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_members_rated_good_over_those_rated_not_rated_left_out(year_2025):
    tree = year_2025.tree
    # HTXS + HTT = 5 of the 7 rated HT or better or KHT; "not rated" is in neither count.
    shares = value("members_rated_good", tree.committee)
    assert shares == Ratio(5, 7)
    assert str(shares.percent) == "71.43"
    assert value("members_rated_good", tree.cell_a) == Ratio(2, 3)
    assert by_child("members_rated_good", tree.committee)[tree.grassroots.pk] == Ratio(2, 2)
    # The year the period ends in: a term 2020-2025 reads the ratings of 2025.
    term = Period.term(tree.committee, 2020, 2025)
    assert value("members_rated_good", tree.committee, term) == Ratio(5, 7)
    assert value("members_rated_good", tree.committee, Period.year(2024)) == Ratio(0, 1)
    nothing = value("members_rated_good", tree.committee, Period.year(2023))
    assert nothing == Ratio(0, 0) and nothing.percent is None


@pytest.mark.django_db
def test_grassroots_organisations_rated_good(year_2025):
    tree = year_2025.tree
    # Cell A HTT, the grassroots committee HT, cell B not rated; the subordinate cell's HTXS
    # is no grassroots organisation's.
    assert value("organizations_rated_good", tree.committee) == Ratio(1, 2)
    assert value("organizations_rated_good", tree.committee).percent == 50
    assert value("organizations_rated_good", tree.grassroots) == Ratio(0, 1)


# --- the grouped form --------------------------------------------------------------------------


def variants():
    return [(metric, params) for metric in metrics() for params in metric.variants()]


@pytest.mark.django_db
def test_each_child_in_the_grouped_form_is_that_child_computed_alone(year_2025):
    tree = year_2025.tree
    other = second_committee(tree.world)
    periods = [YEAR, Period.year(2024), Period.between(D(2025, 4, 1), D(2026, 3, 31))]
    for root in (tree.committee, tree.grassroots, tree.world.province):
        for period in periods:
            children = children_in(root, period)
            assert children, root
            for metric, params in variants():
                grouped = metric(root, period, by_child=True, **params)
                alone = {child.pk: metric(child, period, **params)[child.pk] for child in children}
                assert grouped == alone, (metric.key, params, root, period)
    assert other in children_in(tree.world.province, YEAR)


@pytest.mark.django_db
def test_the_children_are_those_active_in_the_period(tree):
    ended = PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_CELL,
        parent=tree.committee,
        founded_on=D(2016, 1, 1),
        ended_on=D(2020, 5, 1),
        end_reason="dissolved",
    )
    later = PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_CELL, parent=tree.committee, founded_on=D(2026, 2, 1)
    )
    assert ended in children_in(tree.committee, Period.year(2020))
    assert ended not in children_in(tree.committee, YEAR)
    assert later not in children_in(tree.committee, YEAR)
    assert list(by_child("members_counted", tree.committee)) == [
        child.pk for child in tree.children
    ]


# --- the registry ------------------------------------------------------------------------------


def test_every_metric_has_its_label_unit_kind_and_definition():
    assert set(REGISTRY) == {
        "organizations_founded",
        "organizations_reorganised",
        "members_admitted",
        "members_recognized",
        "members_transferred_in",
        "members_transferred_out",
        "members_counted",
        "unions_founded",
        "youth_union_founded",
        "veterans_founded",
        "union_members_recruited",
        "awareness_participants",
        "members_rated_good",
        "organizations_rated_good",
        "coverage_party",
        "coverage_union",
        "members_per_workers",
    }
    for metric in metrics():
        assert str(metric.label) and len(str(metric.definition)) > 60
        assert metric.unit in ("count", "percent") and metric.kind in ("period", "date")


@pytest.mark.django_db
def test_an_unknown_metric_or_parameter_is_refused_with_a_message(tree):
    with pytest.raises(MetricError, match="Không có số liệu nào mang mã members_elected"):
        get("members_elected")
    with pytest.raises(MetricError, match="không có tham số group"):
        get("members_admitted")(tree.committee, YEAR, group="fdi")
    with pytest.raises(MetricError, match="bosses"):
        get("members_admitted")(tree.committee, YEAR, of_which="bosses")


# --- queries -----------------------------------------------------------------------------------


def more_records(tree, n: int):
    """`n` more members in each cell, admitted and rated in 2025, some moved, more unions
    and classes: the same figures need the same queries."""
    from members.models import RatingLevel

    for cell in (tree.cell_a, tree.cell_b, tree.sub_1, tree.sub_2):
        members = [builders.admitted(cell, D(2019, 1, 7), probationary=False) for _ in range(n)]
        for member in members[: n // 2]:
            builders.moved(
                member, tree.cell_b if cell != tree.cell_b else tree.cell_a, D(2025, 2, 3)
            )
        builders.rate_members(cell, 2025, dict.fromkeys(members[n // 2 :], RatingLevel.GOOD))
        builders.awareness_class(cell, D(2025, 9, 1), n)
    for _ in range(n):
        builders.mass(tree.world.enterprise, "trade_union", D(2025, 3, 3), [(D(2025, 4, 4), 9, 9)])


@pytest.mark.django_db
def test_all_figures_take_one_query_per_kind_of_record_whatever_the_data(
    year_2025, django_assert_num_queries
):
    tree = year_2025.tree
    # Every figure, this period and the same period last year, at once (reports.metrics.batch):
    # one query per kind of record (organisations, events, counted intervals, mass
    # organisations, classes, ratings, enterprises); by child, the same and one for the
    # children. And one for the closed periods either form may be read from (reports.closing).
    with django_assert_num_queries(1 + FAMILIES):
        small = figures.compute(tree.committee, YEAR)
    with django_assert_num_queries(2 + FAMILIES):
        figures.breakdown(tree.committee, YEAR)
    more_records(tree, 6)
    with django_assert_num_queries(1 + FAMILIES):
        large = figures.compute(tree.committee, YEAR)
    with django_assert_num_queries(2 + FAMILIES):
        figures.breakdown(tree.committee, YEAR)
    grown = large.get("members_counted").value.value - small.get("members_counted").value.value
    assert grown == 24


@pytest.mark.django_db
def test_the_figures_of_a_running_year_stop_at_the_date_of_the_figures(year_2025):
    tree = year_2025.tree
    result = figures.compute(tree.committee, YEAR, as_of=D(2025, 6, 30))
    assert result.current == Period(D(2025, 1, 1), D(2025, 6, 30), "year")
    assert result.last_year == Period(D(2024, 1, 1), D(2024, 6, 30), "year")
    # a_new_1 (10/03), s1_new (07/04) and a_new_2 (02/06); a year earlier, a_2024 (01/03).
    assert result.get("members_admitted").value == Count(3)
    assert result.get("members_admitted").last_year == Count(1)
    assert result.get("members_admitted").change_percent == 300
    assert result.get("members_counted").value == Count(
        counted_on(tree.committee, D(2025, 6, 30)).count()
    )


def test_today_is_what_the_figures_of_a_running_period_are_taken_on(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 3, 15))
    assert figures.as_of_date(Period.year(2026)) == D(2026, 3, 15)
    assert figures.as_of_date(Period.year(2025)) == D(2025, 12, 31)


@pytest.mark.django_db
def test_adding_a_metric_is_writing_one_function(year_2025, monkeypatch):
    """One function, and the figures, the grouped form and the command have it."""
    from django.db.models import Count as CountRows

    from reports.metrics import COUNT, PERIOD, metric, registry

    monkeypatch.setattr(registry, "REGISTRY", dict(registry.REGISTRY))

    @metric(key="cells_founded", label="Cells founded", unit=COUNT, definition="…", kind=PERIOD)
    def cells_founded(groups, period):
        rows = (
            PartyOrganization.objects.filter(
                groups.within("path"), founded_on__gte=period.start, founded_on__lte=period.end
            )
            .values(group=groups.key("path"))
            .annotate(number=CountRows("pk"))
            .values_list("group", "number")
        )
        return groups.collect(rows, Count)

    tree = year_2025.tree
    # The grassroots committee and its two cells, and cell B, were founded in 2016.
    assert figures.compute(tree.committee, Period.year(2016)).get("cells_founded").value == Count(4)
    # Cell A, founded in 2018, is no child of 2016.
    assert by_child("cells_founded", tree.committee, Period.year(2016)) == {
        tree.cell_b.pk: Count(1),
        tree.grassroots.pk: Count(3),
    }
