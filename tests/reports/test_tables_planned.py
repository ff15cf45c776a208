"""The statistical tables computed through plans (reports.tables.base): every line of Biểu 1,
Biểu 5 and the zone table is what the tables' own statements gave before (kept here as the
reference, `_reference`), for many subtrees and periods of hand-built and generated records,
on both databases; and each state the tables' lines read says which rows may change between
two days (`Term.changed`), as reports.summary needs to read a day from the month before."""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections import Counter

import pytest
from django.db.models import Count as CountRows
from django.db.models import Exists, OuterRef, Sum

from members.models import CountedInterval
from members.selectors import balance
from organizations.models import MassOrganization, MembershipCount, PartyOrganization
from organizations.models.party import UNIT_TYPE_KINDS
from reports import tables
from reports.bench.generate import generate
from reports.metrics import REGISTRY, batch, get
from reports.metrics.batch import FLOW, STATE, Plan
from reports.metrics.coverage import (
    COMMITTEE,
    active_on,
    band_in_force,
    enterprises_on,
    party_served_on,
    union_on,
)
from reports.metrics.grouping import Groups
from reports.metrics.members import counted_rows
from reports.metrics.ownership import OWNERSHIP_GROUPS
from reports.periods import Period
from reports.tables import bieu1, bieu5, zones
from reports.tables.base import HIDDEN
from reports.values import Count, Ratio
from tests.reports import builders
from tests.reports.builders import D
from tests.reports.test_metrics import more_records, second_committee

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
# The zone table's lines that are figures of the registry, asked when the figures are not given.
COVERAGE = ("coverage_party", "coverage_union", "members_per_workers")


# --- the reference: the tables as their own statements computed them ---------------------------


def _bieu1(root, period: Period) -> tuple[dict, dict]:
    result = balance(root, period.start, period.end)
    lines = {key: Count(getattr(result, key)) for key, _label in bieu1.BIEU1_LINES}
    return lines, {"balances": result.balances}


def _bieu5(root, period: Period) -> tuple[dict, dict]:
    day, groups = period.end, Groups(root)
    by_type = {key: Counter() for key in bieu5.COLUMNS}
    totals = dict.fromkeys(bieu5.COLUMNS, 0)
    organizations = (
        PartyOrganization.objects.filter(groups.within("path"), kind__in=UNIT_TYPE_KINDS)
        .active(day)
        .values("kind", "unit_type")
        .annotate(number=CountRows("pk"))
        .values_list("kind", "unit_type", "number")
    )
    for kind, unit_type, number in organizations:
        column = next(
            (key for key, (_l, kinds) in bieu5.COLUMNS.items() if kinds and kind in kinds), None
        )
        if column is not None:
            by_type[column][unit_type] += number
            totals[column] += number
    members = (
        counted_rows(groups, day)
        .values("organization__unit_type")
        .annotate(number=CountRows("pk"))
        .values_list("organization__unit_type", "number")
    )
    for unit_type, number in members:
        by_type["members"][unit_type] += number
        totals["members"] += number
    lines, sums = {}, True
    for key in bieu5.COLUMNS:
        lines[key] = Count(totals[key])
        for ownership in bieu5.TYPES:
            lines[f"{key}.{ownership.value}"] = Count(by_type[key][ownership.value])
        lines[f"{key}.{bieu5.UNRECORDED}"] = Count(by_type[key][""])
        for group in bieu5.SUBTOTALS:
            types = OWNERSHIP_GROUPS[group][1]
            lines[f"{key}.group_{group}"] = Count(sum(by_type[key][value] for value in types))
        sums = sums and sum(by_type[key][v] for v in [*bieu5.TYPES, ""]) == totals[key]
    return lines, {"sums": sums}


def _zones(root, period: Period) -> tuple[dict, dict]:
    day, groups = period.end, Groups(root)
    covered_by = {"coverage_party": party_served_on, "coverage_union": union_on}
    rows = (
        enterprises_on(groups, day)
        .annotate(band=band_in_force(day), **{k: covered(day) for k, covered in covered_by.items()})
        .values("ownership", "band", *covered_by)
        .annotate(number=CountRows("pk"))
        .values_list("ownership", "band", *covered_by, "number")
    )
    counted = [(o, b, dict(zip(covered_by, c, strict=True)), n) for o, b, *c, n in rows]
    lines = {}
    for key, param, value, line_key, _label in zones._variants():
        if param == "band":
            chosen = [row for row in counted if value == "all" or row[1] == value]
        else:
            types = OWNERSHIP_GROUPS[value][1]
            chosen = [row for row in counted if types is None or row[0] in types]
        lines[line_key] = Ratio(
            sum(n for _o, _b, covered, n in chosen if covered[key]), sum(r[-1] for r in chosen)
        )
    lines["members_per_workers"] = get("members_per_workers")(root, period)[root.pk]
    active = MassOrganization.objects.filter(
        groups.within(COMMITTEE), active_on(day), kind__in=zones.MASS_KINDS
    )
    organizations = dict(
        active.values("kind").annotate(n=CountRows("pk")).order_by().values_list("kind", "n")
    )
    later = MembershipCount.objects.filter(
        organization=OuterRef("organization"),
        counted_on__lte=day,
        counted_on__gt=OuterRef("counted_on"),
    )
    members = dict(
        MembershipCount.objects.filter(organization__in=active.values("pk"), counted_on__lte=day)
        .exclude(Exists(later))
        .values("organization__kind")
        .annotate(n=Sum("members"))
        .order_by()
        .values_list("organization__kind", "n")
    )
    for kind in zones.MASS_KINDS:
        lines[kind] = Count(organizations.get(kind, 0))
        lines[f"{kind}.members"] = Count(members.get(kind) or 0)
    return lines, {}


REFERENCE = {"bieu1": _bieu1, "bieu5": _bieu5, "zones": _zones}


def _check(root, current: Period):
    """The tables of `root` for `current` (from the records) are the reference's, both
    columns, lines in the same order, and the same checks."""
    last_year = current.same_period_last_year()
    built = tables.build(root, current, last_year, from_records=True)
    assert list(built) == list(REFERENCE)
    for key, table in built.items():
        this, this_checks = REFERENCE[key](root, current)
        last, last_checks = REFERENCE[key](root, last_year)
        assert [row.key for row in table.rows] == list(this), (key, root, current)
        assert {row.key: row.this for row in table.rows} == this, (key, root, current)
        assert {row.key: row.last_year for row in table.rows} == last, (key, root, current)
        checks = {name: held and last_checks[name] for name, held in this_checks.items()}
        assert table.checks == checks, (key, root, current)


PERIODS = [
    Period.year(2025),
    Period.year(2024),
    Period.half(2025, 1),
    Period.quarter(2025, 3),
    Period.month(2025, 2),
    Period.between(D(2024, 7, 15), D(2025, 8, 31)),
    Period.year(2025).until(D(2025, 9, 30)),
]


def test_the_planned_tables_are_the_tables_of_their_own_statements_on_hand_built_records(history):
    tree = history.tree
    more_records(tree, 4)
    second_committee(tree.world)
    roots = list(PartyOrganization.objects.order_by("path"))
    assert len(roots) > 8
    for root in roots:
        for period in PERIODS:
            _check(root, period)


def test_the_planned_tables_are_the_tables_of_their_own_statements_on_generated_records():
    generate("tiny", seed=7, today=D(2026, 11, 29))
    roots = list(PartyOrganization.objects.exclude(kind__in=UNIT_TYPE_KINDS).order_by("path"))
    roots += random.Random(7).sample(
        list(PartyOrganization.objects.filter(kind__in=UNIT_TYPE_KINDS)), 5
    )
    assert len(roots) > 5
    periods = [Period.year(2026).until(D(2026, 11, 29)), Period.year(2025), Period.month(2026, 3)]
    for root in roots:
        for period in periods:
            _check(root, period)


def test_given_the_figures_the_zone_table_takes_them_and_computes_the_rest_the_same(history):
    from reports import figures

    committee = history.tree.committee
    result = figures.compute(committee, Period.year(2025))
    given = tables.build(committee, result.current, result.last_year, figures=result)
    assert given == tables.build(committee, result.current, result.last_year)


def test_the_hidden_metrics_variants_are_every_number_the_tables_ask_for():
    """What reports.summary would keep of the tables (each hidden metric's variants) is what
    they read, no more, no less."""
    asked = {
        (metric.key, params)
        for metric, params in _asked()
        if metric.key not in COVERAGE  # figures of the registry
    }
    variants = {
        (metric.key, tuple(params.items())) for metric in HIDDEN for params in metric.variants()
    }
    assert asked == variants
    assert len(HIDDEN) == len({metric.key for metric in HIDDEN}) == 5


# --- what changes between two days ---------------------------------------------------------------


def _asked():
    """Each metric of the tables' lines with each of its parameters' values the tables ask
    for (the figures' own among them: coverage and members per workers)."""
    asked = {}
    for spec in tables.TABLES.values():
        for metric, params, _period in spec.planned(Period.year(2025)).requests:
            asked[metric.key, tuple(params.items())] = metric
    return [(metric, params) for (_key, params), metric in sorted(asked.items())]


def _terms(metric, params, root):
    return metric.plan(Groups(root), Period.year(2025), **dict(params)).terms


def _restricted(metric, since, until):
    """`metric` whose terms read only the rows `changed(since, until)` names (not one of the
    tables' hidden metrics: not made by `hidden`)."""

    def plan(groups, period, **params):
        made = metric.plan(groups, period, **params)
        terms = tuple(
            dataclasses.replace(term, where=term.where & term.changed(since, until))
            for term in made.terms
        )
        return Plan(terms, made.make)

    return dataclasses.replace(metric, key=f"{metric.key}.changed", plan=plan)


def _number(value) -> tuple[int, ...]:
    """A value's numbers: a ratio's two (each a term's)."""
    if isinstance(value, Ratio):
        return (value.numerator, value.denominator)
    return (value.value,)


def test_every_state_of_the_tables_names_the_rows_that_change_between_two_days(
    history, monkeypatch
):
    from kcn_party import statements

    monkeypatch.setattr(statements, "TEMPLATES", {})  # the restricted plans are kept by none
    tree = history.tree
    more_records(tree, 2)
    second_committee(tree.world)
    asked = _asked()
    # The tables' own numbers are no figures of the registry.
    hidden_keys = {metric.key for metric, _params in asked if metric.key not in COVERAGE}
    assert hidden_keys and not hidden_keys & set(REGISTRY)
    # Every term of every line says how it accrues; a state, which rows change.
    for metric, params in asked:
        for term in _terms(metric, params, tree.committee):
            assert term.accrues in (FLOW, STATE), metric.key
            assert (term.changed is not None) == (term.accrues == STATE), metric.key
    states = [
        (metric, params)
        for metric, params in asked
        if all(term.accrues == STATE for term in _terms(metric, params, tree.committee))
    ]
    # A few parameter values of each, every column's total among them (the statements of
    # restricted terms are built every time, and a type of unit is tested like any other).
    chosen = random.Random(3)
    by_key = {}
    for metric, params in states:
        by_key.setdefault(metric.key, []).append((metric, params))
    states = []
    for items in by_key.values():
        every = [item for item in items if ("types", "all") in item[1]] or items[:1]
        rest = [item for item in items if item not in every]
        states += every + chosen.sample(rest, min(3, len(rest)))
    assert {metric.key for metric, _params in states} == {
        "tables.members_counted",
        "bieu5.organizations",
        "zones.mass",
        "zones.mass_members",
        "coverage_party",
        "coverage_union",
        "members_per_workers",
    }
    chance = random.Random(11)
    roots = [tree.world.province, tree.committee, tree.grassroots]
    # A branch counted again and again: each count replaces the one before.
    counts = [(D(year, 6, 1), 20 + year % 10, 5) for year in range(2019, 2027)]
    builders.mass(tree.world.enterprise, "youth_union", D(2018, 3, 3), counts)
    # Days on either side of the records' own dates, where the states change (each kind of
    # record as likely), and any days.
    dated = [
        MembershipCount.objects.values_list("counted_on", flat=True),
        MassOrganization.objects.values_list("founded_on", flat=True),
        MassOrganization.objects.exclude(ended_on=None).values_list("ended_on", flat=True),
        PartyOrganization.objects.values_list("founded_on", flat=True),
        PartyOrganization.objects.exclude(ended_on=None).values_list("ended_on", flat=True),
        CountedInterval.objects.values_list("counted_from", flat=True),
    ]
    dated = [sorted({day + DAY * step for day in days for step in (-1, 0)}) for days in dated]
    first, last = D(2015, 1, 1).toordinal(), D(2026, 12, 31).toordinal()

    def a_day():
        if chance.random() < 0.2:
            return D.fromordinal(chance.randint(first, last))
        return chance.choice(chance.choice([days for days in dated if days]))

    for _round in range(16):
        since, until = sorted((a_day(), a_day()))
        for root in roots:
            requests = []
            for metric, params in states:
                restricted = _restricted(metric, since, until)
                for one in (metric, restricted):
                    requests += [(one, dict(params), Period(day, day)) for day in (since, until)]
            got = [_number(result[root.pk]) for result in batch.values(root, requests)]
            for index, (metric, params) in enumerate(states):
                at_since, at_until, changed_since, changed_until = got[4 * index : 4 * index + 4]
                parts = zip(at_since, changed_until, changed_since, strict=True)
                expected = tuple(s + u - c for s, u, c in parts)
                assert at_until == expected, (metric.key, params, root, since, until)
