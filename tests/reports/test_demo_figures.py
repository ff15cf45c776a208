"""The figures of the demo agree with the domain guide (§9) where the demo reproduces it, and
report_figures gives the same numbers as the tables, every year, for both committees."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from members.demo.simulation import DEMO_TODAY
from members.selectors import counted_on
from organizations.models import PartyOrganization
from reports import figures, tables
from reports.metrics import get, metrics
from reports.periods import Period
from tests.test_demo import demo  # noqa: F401  (the demo, loaded once for this module)

D = datetime.date


def committee(code):
    return PartyOrganization.objects.get(code=code)


def counted(root, day):
    return get("members_counted")(root, Period.between(day, day))[root.pk].value


@pytest.mark.django_db
def test_bac_giang_counts_about_124_members_35_when_it_was_founded(demo):  # noqa: F811
    root = committee("BG-KCN")
    today = figures.compute(root, Period.year(DEMO_TODAY.year), as_of=DEMO_TODAY)
    members = today.get("members_counted").value.value
    assert 118 <= members <= 130  # "124 members" (domain guide §9)
    assert members == counted_on(root, DEMO_TODAY).count()
    assert counted(root, root.founded_on) == 35  # "+89 members since founding": 35 then
    # Its 8 active cells count them all.
    by_cell = figures.breakdown(root, Period.year(DEMO_TODAY.year), ["members_counted"], DEMO_TODAY)
    values = by_cell.get("members_counted")
    assert len([pk for pk, value in values.items() if value.value]) == 8
    assert sum(value.value for value in values.values()) == members


@pytest.mark.django_db
def test_bac_giang_has_founded_its_25_grassroots_unions(demo):  # noqa: F811
    root = committee("BG-KCN")
    ever = Period.between(D(1930, 1, 1), DEMO_TODAY)
    assert get("unions_founded")(root, ever)[root.pk].value == 25


@pytest.mark.django_db
def test_ha_noi_counts_about_941_members(demo):  # noqa: F811
    root = committee("HN-KCN")
    assert 900 <= counted(root, DEMO_TODAY) <= 980
    assert counted(root, DEMO_TODAY) == counted_on(root, DEMO_TODAY).count()


def report(code, year) -> dict:
    out = StringIO()
    call_command("report_figures", "--committee", code, "--year", str(year), stdout=out)
    return json.loads(out.getvalue())


LINES = {
    "members_admitted": "admitted",
    "members_transferred_in": "transferred_in",
    "members_transferred_out": "transferred_out",
    "members_counted": "end",
}


@pytest.mark.django_db
def test_report_figures_gives_the_numbers_of_biểu_1_every_year(demo):  # noqa: F811
    seen = dict.fromkeys(LINES, 0)
    for code in ("BG-KCN", "HN-KCN"):
        for year in range(2013, DEMO_TODAY.year + 1):
            data = report(code, year)
            table = data["tables"]["bieu1"]
            assert table["checks"] == {"balances": True}, (code, year)
            rows = {row["key"]: row for row in table["rows"]}
            by_key = {
                m["key"]: m
                for m in data["metrics"]
                if all(value == "all" for value in m["params"].values())
            }
            for key, line in LINES.items():
                assert by_key[key]["value"] == rows[line]["this"]["value"], (code, year, key)
                assert by_key[key]["last_year"]["value"] == rows[line]["last_year"]["value"]
                seen[key] += by_key[key]["value"]
            assert rows["start"]["this"]["value"] == rows["end"]["last_year"]["value"] or (
                year == DEMO_TODAY.year  # the running year is compared to the same day
            )
    assert all(seen.values()), seen


@pytest.mark.django_db
def test_the_breakdown_of_ha_noi_by_organisation_is_each_organisation_alone(demo):  # noqa: F811
    root = committee("HN-KCN")
    period = Period.year(DEMO_TODAY.year)
    grouped = figures.breakdown(root, period, as_of=DEMO_TODAY)
    assert len(grouped.children) == 68  # "68 organisations" (domain guide §9)
    for metric in metrics():
        for params in metric.variants():
            values = grouped.get(metric.key, **params)
            for child in grouped.children:
                alone = metric(child, grouped.current, **params)[child.pk]
                assert values[child.pk] == alone, (metric.key, params, child.code)
    counted_by_child = grouped.get("members_counted")
    assert sum(v.value for v in counted_by_child.values()) == counted(root, DEMO_TODAY)


@pytest.mark.django_db
def test_ha_noi_biểu_5_gives_68_grassroots_organisations_41_in_100_percent_foreign(demo):  # noqa: F811
    root = committee("HN-KCN")
    period = Period.year(DEMO_TODAY.year).until(DEMO_TODAY)
    table = tables.build(root, period, keys=["bieu5"])["bieu5"]
    assert table.checks == {"sums": True}
    rows = {row.key: row.this.value for row in table.rows}
    # "68 organisations (4 đảng bộ cơ sở, 64 chi bộ cơ sở) … 3 in administrative agencies, 65
    # in non-state enterprises of which 41 in 100%-foreign enterprises and 1 in a joint
    # venture" (domain guide §9).
    assert rows["grassroots"] == 68
    assert (rows["grassroots.fdi100"], rows["grassroots.jv"]) == (41, 1)
    assert rows["grassroots.agency"] == 3
    assert rows["grassroots.group_non_state"] == 65
    assert rows["grassroots.unrecorded"] == 0
    assert rows["subordinate_cells"] == 12
    assert rows["members"] == counted(root, DEMO_TODAY)


@pytest.mark.django_db
def test_report_figures_gives_the_numbers_of_the_new_tables(demo):  # noqa: F811
    for code in ("BG-KCN", "HN-KCN"):
        data = report(code, DEMO_TODAY.year)
        by_key = {(m["key"], tuple(sorted(m["params"].items()))): m for m in data["metrics"]}
        bieu5 = {row["key"]: row["this"]["value"] for row in data["tables"]["bieu5"]["rows"]}
        assert data["tables"]["bieu5"]["checks"] == {"sums": True}, code
        assert bieu5["members"] == by_key["members_counted", ()]["value"]
        zones = {row["key"]: row["this"] for row in data["tables"]["zones"]["rows"]}
        for key in ("coverage_party", "coverage_union"):
            figure = by_key[key, (("band", "all"), ("group", "all"))]
            assert zones[key]["numerator"] == figure["numerator"], (code, key)
            assert zones[key]["denominator"] == figure["denominator"] > 0, (code, key)
            for band in ("500+", "300-499", "under-300"):
                banded = by_key[key, (("band", band), ("group", "all"))]
                assert zones[f"{key}.band_{band}"]["numerator"] == banded["numerator"]
        per_workers = by_key["members_per_workers", ()]
        assert zones["members_per_workers"]["numerator"] == per_workers["numerator"] > 0
        assert zones["trade_union"]["value"] > 0
