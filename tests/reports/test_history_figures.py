"""The figures that read the history of organisations and enterprises, on hand-built records
(builders.build_history: what happened in the Bắc Giang zone in 2025, each figure known by
hand): organisations founded and reorganised, the facts at admission, coverage, members as a
percentage of workers, Biểu 5 and the zone table; each grouped form, and the queries."""

import pytest

from members import services
from members.models import Member
from organizations.access import SYSTEM
from organizations.models import Ownership
from organizations.models.ownership import NON_STATE_OWNERSHIP
from reports import figures, tables
from reports.metrics import children_in, get, metrics
from reports.periods import Period
from reports.values import Count, Ratio
from tests.reports.builders import D
from tests.reports.test_metrics import FAMILIES, second_committee

YEAR = Period.year(2025)
NEW_METRICS = (
    "organizations_founded",
    "organizations_reorganised",
    "members_admitted",
    "coverage_party",
    "coverage_union",
    "members_per_workers",
)


def value(key, root, period=YEAR, **params):
    return get(key)(root, period, **params)[root.pk]


def on(day):
    """The figures of a date: a period ending that day."""
    return Period.between(D(2025, 1, 1), day)


# --- ownership groups --------------------------------------------------------------------------


def test_cooperatives_are_a_row_of_their_own_not_non_state():
    assert Ownership.COOPERATIVE not in NON_STATE_OWNERSHIP
    assert {Ownership.JSC, Ownership.LLC, Ownership.FDI100, Ownership.JV} <= NON_STATE_OWNERSHIP


def test_coverage_lists_each_parameter_alone_and_takes_any_combination():
    variants = get("coverage_party").variants()
    assert variants[0] == {"group": "all", "band": "all"}
    assert len(variants) == 1 + 8 + 3
    assert {"group": "fdi", "band": "all"} in variants and {
        "group": "all",
        "band": "500+",
    } in variants
    assert get("coverage_party").checked({"group": "fdi", "band": "500+"}) == {
        "group": "fdi",
        "band": "500+",
    }
    # of_which has one parameter: every value.
    assert len(get("members_admitted").variants()) == 6


# --- organisations founded -----------------------------------------------------------------------


@pytest.mark.django_db
def test_founded_counts_the_new_ones_by_kind_and_ownership_group(history):
    committee = history.tree.committee
    # e1's, e2's and the joint cell, and the third subordinate cell: not the grassroots
    # committee formed by a reorganisation nor the cell formed by a merger.
    assert value("organizations_founded", committee) == Count(4)
    assert value("organizations_founded", committee, kind="grassroots") == Count(3)
    assert value("organizations_founded", committee, kind="subordinate_cell") == Count(1)
    assert value("organizations_founded", committee, kind="partial_committee") == Count(0)
    expected = {
        "non_state": 3,  # e1's (100% foreign), e2's (a joint venture now), the joint cell (LLC)
        "domestic_non_state": 1,  # §9's "non-state": the joint cell only
        "fdi": 2,
        "fdi100": 1,
        "state": 0,  # the reorganised committee is not new
        "cooperative": 1,  # the subordinate cell takes its committee's row
        "agency": 0,
        "public_service": 0,
    }
    for group, number in expected.items():
        assert value("organizations_founded", committee, group=group) == Count(number), group
    both = value("organizations_founded", committee, kind="grassroots", group="fdi")
    assert both == Count(2)
    assert value("organizations_founded", committee, Period.year(2024)) == Count(0)


@pytest.mark.django_db
def test_merged_split_and_reorganised_are_counted_apart_never_as_founded(history):
    committee = history.tree.committee
    assert value("organizations_reorganised", committee) == Count(2)
    assert value("organizations_reorganised", committee, reason="merger") == Count(1)
    assert value("organizations_reorganised", committee, reason="reorganisation") == Count(1)
    assert value("organizations_reorganised", committee, reason="split") == Count(0)
    grouped = get("organizations_founded")(committee, YEAR, by_child=True)
    assert grouped[history.reorganised.pk] == grouped[history.merged.pk] == Count(0)
    assert grouped[history.tree.grassroots.pk] == Count(1)  # its new subordinate cell


# --- members admitted, of which ----------------------------------------------------------------


@pytest.mark.django_db
def test_of_which_counts_the_member_as_at_admission(history):
    committee = history.tree.committee
    assert value("members_admitted", committee) == Count(2)
    for of_which, number in (("women", 1), ("youth_union", 1), ("direct_workers", 1)):
        assert value("members_admitted", committee, of_which=of_which) == Count(number)
    assert value("members_admitted", committee, of_which="owners") == Count(1)
    # The owner's record says what they are today: the figure keeps what they were.
    Member.objects.filter(position="owner").update(position="manager")
    Member.objects.filter(sex="female").update(youth_union_member=False)
    assert value("members_admitted", committee, of_which="owners") == Count(1)
    assert value("members_admitted", committee, of_which="youth_union") == Count(1)
    assert value("members_admitted", history.cell_e2, of_which="owners") == Count(1)
    assert value("members_admitted", history.cell_e1, of_which="owners") == Count(0)


@pytest.mark.django_db
def test_a_readmission_counts_as_the_member_was_when_admitted_again(tree):
    from tests.reports import builders

    member = builders.admitted(tree.cell_b, D(2016, 6, 1), probationary=False, position="worker")
    builders.event(member, "resignation", D(2020, 2, 1))
    member.position = "owner"  # an owner by the time they are admitted again
    services.member_save(member=member, by=SYSTEM)
    builders.event(
        member, "admission", D(2025, 9, 1), organization=tree.cell_b, ceremony_on=D(2025, 9, 9)
    )
    committee = tree.committee
    assert value("members_admitted", committee, of_which="readmitted") == Count(1)
    assert value("members_admitted", committee, of_which="owners") == Count(1)
    assert value("members_admitted", committee, of_which="direct_workers") == Count(0)
    first = Period.year(2016)
    assert value("members_admitted", committee, first, of_which="direct_workers") == Count(1)
    assert value("members_admitted", committee, first, of_which="owners") == Count(0)


# --- coverage ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coverage_on_the_last_day_of_the_year(history):
    committee = history.tree.committee
    # Active: all but e6 (suspended on 01/07); served: e0-e5, not e7 (nothing) nor e8 (its
    # cell dissolved on 01/09).
    assert value("coverage_party", committee) == Ratio(6, 8)
    assert str(value("coverage_party", committee).percent) == "75.00"
    bands = {"500+": Ratio(2, 2), "300-499": Ratio(2, 2), "under-300": Ratio(2, 3)}
    for band, ratio in bands.items():
        assert value("coverage_party", committee, band=band) == ratio, band
    groups = {
        "non_state": Ratio(5, 6),
        "domestic_non_state": Ratio(2, 3),  # e0, e3, e8
        "fdi": Ratio(3, 3),  # e1, e4 and e2, a joint venture since 01/09
        "fdi100": Ratio(2, 2),
        "state": Ratio(1, 1),
        "cooperative": Ratio(0, 1),
        "agency": Ratio(0, 0),
    }
    for group, ratio in groups.items():
        assert value("coverage_party", committee, group=group) == ratio, group
    assert value("coverage_party", committee, group="fdi", band="300-499") == Ratio(2, 2)
    # Unions: e0's and e2's; e6's enterprise is suspended, e8's union ended.
    assert value("coverage_union", committee) == Ratio(2, 8)


@pytest.mark.django_db
def test_coverage_on_a_date_reads_status_ownership_links_and_workers_as_they_were(history):
    committee = history.tree.committee
    mid_year = on(D(2025, 6, 30))
    # e6 is still active, e8's cell still serves it, e5's committee is not formed yet.
    assert value("coverage_party", committee, mid_year) == Ratio(6, 9)
    # e2 was still joint-stock: domestic non-state then (e0, e2, e3, e6, e8).
    assert value("coverage_party", committee, mid_year, group="domestic_non_state") == Ratio(4, 5)
    assert value("coverage_party", committee, mid_year, group="fdi") == Ratio(2, 2)
    assert value("coverage_union", committee, mid_year) == Ratio(3, 9)
    # On 01/03, e4 still had 600 workers; e0 had no count in force (its count is of 31/12).
    march = on(D(2025, 3, 1))
    assert value("coverage_party", committee, march, band="500+") == Ratio(0, 3)
    assert value("coverage_party", committee, march, band="under-300") == Ratio(1, 3)
    # Below a zone committee there are no zones: no figure.
    assert value("coverage_party", history.cell_e1) == Ratio(0, 0)


@pytest.mark.django_db
def test_members_as_a_percentage_of_the_workers_in_force(history):
    committee = history.tree.committee
    # 3 members; 1,260 + 350 + 120 + 80 + 450 + 1,000 + 200 workers (not suspended e6's).
    assert value("members_per_workers", committee) == Ratio(3, 3460)
    assert str(value("members_per_workers", committee).percent) == "0.09"
    # On 30/06: e0 has no count in force yet, e6 is active, e4 had 450 since 01/06.
    assert value("members_per_workers", committee, on(D(2025, 6, 30))) == Ratio(3, 2700)
    assert value("members_per_workers", history.cell_e1) == Ratio(1, 0)


# --- the grouped form --------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_new_metric_by_child_is_each_child_alone_and_adds_up(history):
    tree = history.tree
    other = second_committee(tree.world)
    periods = [YEAR, on(D(2025, 6, 30)), Period.year(2024)]
    for root in (tree.committee, tree.grassroots, tree.world.province):
        for period in periods:
            for key in NEW_METRICS:
                metric = get(key)
                for params in metric.variants():
                    grouped = metric(root, period, by_child=True, **params)
                    alone = {
                        child.pk: metric(child, period, **params)[child.pk]
                        for child in children_in(root, period)
                    }
                    assert grouped == alone, (key, params, root.code, period)
                    whole = metric(root, period, **params)[root.pk]
                    if root == tree.world.province or metric.unit == "count":
                        assert _sum(grouped.values()) == whole, (key, params, root.code)
    assert other.pk in get("coverage_party")(tree.world.province, YEAR, by_child=True)


def _sum(values):
    values = list(values)
    if values and isinstance(values[0], Ratio):
        return Ratio(sum(v.numerator for v in values), sum(v.denominator for v in values))
    return Count(sum(v.value for v in values))


# --- Biểu 5 ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_biểu_5_counts_organisations_and_members_by_unit_type(history):
    table = tables.build(history.tree.committee, YEAR, keys=["bieu5"])["bieu5"]
    assert table.checks == {"sums": True}
    rows = {row.key: (row.this.value, row.last_year.value) for row in table.rows}
    # Active on 31/12/2025: the world's cell and the joint cell (LLC, its type chosen), e1's
    # (100% foreign), e2's (a joint venture since 01/09), the grassroots committee (a
    # cooperative, chosen), the reorganised committee (state), cell B and the merged cell
    # (nothing served: no type); the dissolved cell was active on 31/12/2024.
    assert rows["grassroots"] == (8, 4)
    assert (rows["grassroots.llc"], rows["grassroots.fdi100"]) == ((2, 2), (1, 0))
    assert (rows["grassroots.jv"], rows["grassroots.state"]) == ((1, 0), (1, 0))
    assert (rows["grassroots.coop"], rows["grassroots.unrecorded"]) == ((1, 1), (2, 1))
    assert rows["grassroots.group_non_state"] == (4, 2)
    assert rows["grassroots.group_domestic_non_state"] == (2, 2)
    assert rows["grassroots.group_fdi"] == (2, 0)
    # The subordinate cells take their committee's row; no partial committee.
    assert rows["subordinate_cells"] == rows["subordinate_cells.coop"] == (3, 2)
    assert rows["partial_committees"] == (0, 0)
    # Members by their cell's type: the mover went from the world's cell (LLC) to sub-cell 1.
    assert rows["members"] == (3, 1)
    assert rows["members.coop"] == (1, 0) and rows["members.llc"] == (0, 1)
    assert (rows["members.fdi100"], rows["members.jv"]) == ((1, 0), (1, 0))
    for column in ("grassroots", "partial_committees", "subordinate_cells", "members"):
        for this in (0, 1):
            parts = [
                value[this]
                for key, value in rows.items()
                if key.startswith(f"{column}.") and ".group_" not in key
            ]
            assert sum(parts) == rows[column][this], column
    assert rows["members"][0] == value("members_counted", history.tree.committee).value


@pytest.mark.django_db
def test_biểu_5_check_fails_when_a_row_is_lost(history, monkeypatch):
    from reports.tables import bieu5

    monkeypatch.setattr(bieu5, "TYPES", [o for o in Ownership if o != Ownership.LLC])
    table = tables.build(history.tree.committee, YEAR, keys=["bieu5"])["bieu5"]
    assert table.checks == {"sums": False}


# --- the zone table ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_zone_table_gives_the_coverage_figures_and_the_mass_organisations(history):
    committee = history.tree.committee
    table = tables.build(committee, YEAR, keys=["zones"])["zones"]
    rows = {row.key: row for row in table.rows}
    for key in ("coverage_party", "coverage_union"):
        for params in get(key).variants():
            (name, param_value), *_ = [item for item in params.items() if item[1] != "all"] or [
                ("", "all")
            ]
            line = key if param_value == "all" else f"{key}.{name}_{param_value}"
            assert rows[line].this == value(key, committee, **params), line
            assert rows[line].last_year == value(key, committee, Period.year(2024), **params)
    assert rows["members_per_workers"].this == Ratio(3, 3460)
    # Unions active on 31/12/2025: e0's, e2's and suspended e6's (e8's ended); their members
    # by the latest count.
    assert (rows["trade_union"].this, rows["trade_union.members"].this) == (Count(3), Count(390))
    assert rows["trade_union"].last_year == Count(3)  # e0's, e6's, e8's
    assert rows["trade_union.members"].last_year == Count(450)
    assert rows["youth_union"].this == rows["veterans.members"].this == Count(0)


@pytest.mark.django_db
def test_tables_take_the_same_queries_whatever_the_data(history, django_assert_num_queries):
    committee = history.tree.committee
    # Every line of both periods at once, one statement per kind of record: the events, the
    # counted intervals by unit type, the party organisations, the mass organisations, the
    # enterprises (coverage), the counted intervals and workers (members per workers); and
    # one for the closed periods the tables may be read from (reports.closing).
    with django_assert_num_queries(1 + 6):
        tables.build(committee, YEAR)
    from tests.reports import builders

    for n in range(3):
        builders.enterprise(
            history.tree.world, Ownership.JSC, f"Công ty thêm {n}", [(D(2025, 2, 2), 40)]
        )
        builders.admitted(history.cell_e1, D(2025, 7, 7))
    with django_assert_num_queries(1 + 6):
        tables.build(committee, YEAR)


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", [None, D(2025, 9, 30)])
def test_tables_given_the_figures_take_their_lines_from_them_and_agree(
    history, as_of, django_assert_num_queries
):
    committee = history.tree.committee
    result = figures.compute(committee, YEAR, as_of=as_of)
    alone = tables.build(committee, result.current, result.last_year)
    # The zone table's coverage and members per workers are figures: the statements of the
    # enterprises and of the counted intervals with the workers are saved.
    with django_assert_num_queries(1 + 4):
        given = tables.build(committee, result.current, result.last_year, figures=result)
    assert given == alone
    zones = given["zones"]
    assert zones.row("coverage_party").this == result.get("coverage_party").value
    assert zones.row("members_per_workers").last_year == result.get("members_per_workers").last_year


@pytest.mark.django_db
def test_figures_of_other_periods_or_another_root_are_not_taken(history):
    committee = history.tree.committee
    other = figures.compute(committee, Period.year(2024))
    assert tables.build(committee, YEAR, figures=other) == tables.build(committee, YEAR)
    cell = figures.compute(history.cell_e1, YEAR)
    assert tables.build(committee, YEAR, figures=cell) == tables.build(committee, YEAR)


@pytest.mark.django_db
def test_report_figures_gives_the_same_numbers_as_the_tables(history):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("report_figures", "--committee", "BG-KCN", "--year", "2025", stdout=out)
    data = json.loads(out.getvalue())
    by_key = {(m["key"], tuple(sorted(m["params"].items()))): m for m in data["metrics"]}
    zone_rows = {row["key"]: row for row in data["tables"]["zones"]["rows"]}
    party = by_key["coverage_party", (("band", "all"), ("group", "all"))]
    assert (party["numerator"], party["denominator"]) == (6, 8)
    assert zone_rows["coverage_party"]["this"] == {
        "value": "75.00",
        "numerator": 6,
        "denominator": 8,
        "percent": "75.00",
    }
    bieu5 = {row["key"]: row for row in data["tables"]["bieu5"]["rows"]}
    counted = by_key["members_counted", ()]
    assert bieu5["members"]["this"]["value"] == counted["value"] == 3
    assert data["tables"]["bieu5"]["checks"] == {"sums": True}
    founded = by_key["organizations_founded", (("group", "all"), ("kind", "all"))]
    assert founded["value"] == 4
    computed = figures.compute(history.tree.committee, YEAR)
    assert (
        len(data["metrics"]) == len(computed.figures) == sum(len(m.variants()) for m in metrics())
    )


# --- queries -----------------------------------------------------------------------------------


def more_history(history, n: int):
    """`n` more enterprises of each kind, with workers, cells serving them (a joint one among
    them), unions and members: the same figures need the same queries."""
    from tests.reports import builders

    world, committee = history.tree.world, history.tree.committee
    for i in range(n):
        firms = [
            builders.enterprise(
                world, ownership, f"Công ty thêm {i} {ownership}", [(D(2025, 2, 2), 40 * (i + 1))]
            )
            for ownership in (Ownership.FDI100, Ownership.JSC, Ownership.STATE)
        ]
        builders.organization(
            committee,
            "grassroots_cell",
            D(2025, 3, 3),
            firms,
            chosen_unit_type=Ownership.JSC,
        )
        builders.mass(firms[0], "trade_union", D(2025, 4, 4), [(D(2025, 5, 5), 20, 20)])
        builders.admitted(history.cell_e1, D(2025, 7, 7), position="owner")


@pytest.mark.django_db
def test_all_figures_take_one_query_per_kind_of_record_whatever_the_history(
    history, django_assert_num_queries
):
    committee = history.tree.committee
    # Every figure this period and the same period last year: one query per kind of record
    # (reports.metrics.batch); by child, the same and one for the children; and one for the
    # closed periods (reports.closing).
    with django_assert_num_queries(1 + FAMILIES):
        small = figures.compute(committee, YEAR)
    with django_assert_num_queries(2 + FAMILIES):
        figures.breakdown(committee, YEAR)
    more_history(history, 4)
    with django_assert_num_queries(1 + FAMILIES):
        large = figures.compute(committee, YEAR)
    with django_assert_num_queries(2 + FAMILIES):
        figures.breakdown(committee, YEAR)
    assert large.get("coverage_party").value == Ratio(6 + 12, 8 + 12)
    assert (
        large.get("organizations_founded").value.value
        == small.get("organizations_founded").value.value + 4
    )
