"""Targets on hand-built records: their checks, where each stands for a period (figures from
reports.figures), a split target and its parts, copying last year's."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organizations.access import SYSTEM
from reports import figures
from reports.periods import Period
from reports.targets import services
from reports.targets.evaluation import evaluate
from reports.targets.models import SourceDocument, Target
from reports.targets.status import Pace, Status
from reports.values import Count, Ratio

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = Period.year(2025)


def target(organization, metric, minimum, maximum=None, *, year=2025, **fields) -> Target:
    fields.setdefault("unit", "percent" if metric.endswith("_good") else "count")
    return services.target_save(
        target=Target(organization=organization, metric=metric, minimum=minimum,
                      maximum=maximum, first_year=year, last_year=year, **fields),
        by=SYSTEM,
    )  # fmt: skip


def messages(error: ValidationError) -> dict:
    return {field: list(values) for field, values in error.message_dict.items()}


def test_a_target_is_checked_with_vietnamese_messages(bg):
    committee = bg.committee
    cases = [
        ({"metric": "members_admitted", "minimum": 50, "maximum": 30},
         {"maximum": ["Mức tối đa (30) thấp hơn mức tối thiểu (50)."]}),
        ({"metric": "members_rated_good", "unit": "percent", "minimum": Decimal("100.5")},
         {"minimum": ["Tỷ lệ không thể vượt quá 100%."]}),
        ({"metric": "members_rated_good", "unit": "percent", "minimum": 85, "maximum": 120},
         {"maximum": ["Tỷ lệ không thể vượt quá 100%."]}),
        ({"metric": "members_admitted", "minimum": Decimal("2.5")},
         {"minimum": ["Chỉ tiêu số lượng phải là số nguyên."]}),
        ({"metric": "no_such_figure", "minimum": 1},
         {"metric": ["Không có số liệu nào mang mã no_such_figure."]}),
        ({"metric": "members_admitted", "parameters": "of_which=nobody", "minimum": 1},
         {"parameters": ["nobody không phải là giá trị của tham số of_which"]}),
        ({"metric": "members_admitted", "unit": "percent", "minimum": 1},
         {"unit": ["Số liệu “Kết nạp đảng viên” có đơn vị là số lượng: đơn vị của chỉ tiêu "
                   "cũng phải vậy."]}),
        ({"metric": "members_admitted", "minimum": 1, "period_kind": "term", "last_year": 2025,
              "first_year": 2025},
         {"last_year": ["Năm kết thúc nhiệm kỳ phải sau năm bắt đầu (2025–2025)."]}),
    ]  # fmt: skip
    for values, expected in cases:
        values = {"first_year": 2025, "last_year": 2025, "unit": "count", **values}
        with pytest.raises(ValidationError) as caught:
            services.target_save(target=Target(organization=committee, **values), by=SYSTEM)
        got = messages(caught.value)
        for field, texts in expected.items():
            assert field in got, (values, got)
            assert any(text in message for text in texts for message in got[field]), got
    assert not Target.objects.exists()


def test_parameters_are_stored_one_way_however_typed(bg):
    default = target(bg.committee, "members_admitted", 1, parameters="of_which=all")
    assert default.parameters == ""  # the default is the figure itself
    again = target(bg.committee, "members_admitted", 1, parameters=" of_which = readmitted ")
    assert again.parameters == "of_which=readmitted"
    assert again.label == "Kết nạp đảng viên: trong đó kết nạp lại"


def test_the_issues_example_on_records(year_2025):
    """3 founded against ≥ 2, 8 against ≥ 10, 36 against 30–50, 88% against > 85%: here the same
    rule on the records of 2025 (5 admitted, 1 union founded, 5 of 7 rated HTT or better)."""
    committee = year_2025.tree.committee
    target(committee, "members_admitted", 4, 6)  # 5: within the range
    target(committee, "unions_founded", 2)  # 1 of 2
    target(committee, "youth_union_founded", 0)  # 1 above 0: vượt, no %
    target(committee, "members_rated_good", 70, comparison="more_than")  # 71.43% > 70%
    target(committee, "members_admitted", 1, parameters="of_which=readmitted")  # 1 = 1
    results = {(r.target.metric, r.target.parameters): r for r in evaluate(committee, YEAR)}
    admitted = results["members_admitted", ""]
    assert admitted.value == Count(5)
    assert (admitted.assessment.status, admitted.assessment.achieved) == (
        Status.MET, Decimal("125.00"))  # fmt: skip
    unions = results["unions_founded", ""]
    assert (unions.value, unions.assessment.status, unions.assessment.achieved) == (
        Count(1), Status.NOT_MET, Decimal("50.00"))  # fmt: skip
    youth = results["youth_union_founded", ""].assessment
    assert (youth.status, youth.achieved) == (Status.EXCEEDED, None)
    rated = results["members_rated_good", ""]
    assert rated.value == Ratio(5, 7) and rated.assessment.status == Status.MET
    assert rated.assessment.achieved == Decimal("102.04")  # 71.428…% ÷ 70 × 100
    assert results["members_admitted", "of_which=readmitted"].assessment.status == Status.MET
    # A past year has no pace.
    assert all(r.assessment.pace is None for r in results.values())


def test_which_targets_apply_to_a_period(bg):
    committee = bg.committee
    yearly = target(committee, "members_admitted", 30, 50)
    each = services.target_save(target=Target(
        organization=committee, metric="unions_founded", minimum=10, period_kind="each_year",
        first_year=2025, last_year=2030), by=SYSTEM)  # fmt: skip
    term = services.target_save(target=Target(
        organization=committee, metric="members_admitted", minimum=150, period_kind="term",
        first_year=2020, last_year=2025), by=SYSTEM)  # fmt: skip
    earlier = target(committee, "members_admitted", 30, 50, year=2024)

    def applying(period):
        return {r.target for r in evaluate(committee, period)}

    assert applying(Period.year(2025)) == {yearly, each}
    assert applying(Period.year(2024)) == {earlier}  # before the term of `each`
    assert applying(Period.term(committee, 2020, 2025)) == {term}
    assert applying(Period.between(D(2025, 1, 1), D(2025, 3, 31))) == set()


def test_the_pace_of_the_running_year(bg, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: D(2025, 7, 1))
    target(bg.committee, "members_admitted", 10)
    (result,) = evaluate(bg.committee, YEAR)
    assert result.value == Count(0)
    assert result.assessment.expected_share == Decimal("49.86")
    assert (result.assessment.status, result.assessment.pace) == (Status.NOT_MET, Pace.BEHIND)


def test_a_split_target_its_parts_and_the_check_of_the_whole(year_2025):
    tree = year_2025.tree
    whole = target(tree.committee, "members_admitted", 5, 8)
    check = services.target_split(
        target=whole,
        parts=[(tree.cell_a, Decimal(2), None), (tree.cell_b, Decimal(1), Decimal(2)),
               (tree.grassroots, Decimal(1), None)],
        by=SYSTEM,
    )  # fmt: skip
    assert check.total == 4 and check.short_by == 1
    assert check.warnings == [
        "Các phần cộng lại được 4, còn thiếu 1 so với chỉ tiêu chung 5: các tổ chức trực thuộc "
        "có thể đạt phần của mình mà đảng bộ vẫn không đạt chỉ tiêu."
    ]
    parts = {p.organization: p for p in whole.parts.all()}
    assert set(parts) == {tree.cell_a, tree.cell_b, tree.grassroots}
    assert all(p.metric == "members_admitted" and p.first_year == 2025 for p in parts.values())

    # Raised to cover the whole, the warning goes; a part left empty is removed.
    check = services.target_split(
        target=whole, parts=[(tree.cell_a, Decimal(3), None), (tree.grassroots, None, None)],
        by=SYSTEM)  # fmt: skip
    assert check.total == 4 + 0 and check.warnings  # cell B's 1 and cell A's 3
    check = services.target_split(target=whole, parts=[(tree.cell_b, Decimal(2), None)], by=SYSTEM)
    assert check.total == 5 and check.warnings == []
    assert {p.organization for p in whole.parts.all()} == {tree.cell_a, tree.cell_b}

    # Each part stands on its sub-organisation's own figure (cell A 2, cell B 2 admitted).
    results = {r.target.organization: r for r in evaluate(tree.committee, YEAR)}
    assert results[tree.committee].assessment.status == Status.MET  # 5 in 5–8
    assert (results[tree.cell_a].value, results[tree.cell_a].assessment.status) == (
        Count(2), Status.NOT_MET)  # fmt: skip
    assert (results[tree.cell_b].value, results[tree.cell_b].assessment.status) == (
        Count(2), Status.MET)  # fmt: skip
    assert results[tree.cell_a].is_part and not results[tree.committee].is_part


def test_a_split_goes_only_to_direct_sub_organisations_and_writes_nothing_else(year_2025):
    tree = year_2025.tree
    whole = target(tree.committee, "members_admitted", 5)
    with pytest.raises(ValidationError) as caught:
        services.target_split(
            target=whole,
            parts=[(tree.cell_a, Decimal(3), None), (tree.sub_1, Decimal(2), None)],
            by=SYSTEM,
        )
    assert "không trực thuộc" in caught.value.messages[0]
    assert not whole.parts.exists()
    with pytest.raises(ValidationError) as caught:
        services.target_split(target=whole, parts=[(tree.cell_a, Decimal(3), Decimal(1))],
                              by=SYSTEM)  # fmt: skip
    assert "Mức tối đa (1) thấp hơn mức tối thiểu (3)" in caught.value.messages[0]
    assert not whole.parts.exists()


def test_a_split_percentage_warns_of_a_part_below_the_whole(year_2025):
    tree = year_2025.tree
    whole = target(tree.committee, "members_rated_good", 85)
    check = services.target_split(
        target=whole, parts=[(tree.cell_a, Decimal(80), None), (tree.cell_b, Decimal(90), None)],
        by=SYSTEM)  # fmt: skip
    assert len(check.warnings) == 1 and tree.cell_a.name in check.warnings[0]


def test_copying_last_years_targets(year_2025, staff):
    tree = year_2025.tree
    document = SourceDocument.objects.create(
        organization=tree.committee, number="09-NQ/ĐU", issued_on=D(2024, 12, 20),
        issuer="Đảng ủy Các KCN", title="Nghị quyết nhiệm vụ năm 2025")  # fmt: skip
    whole = target(tree.committee, "members_admitted", 30, 50, source=document)
    services.target_split(target=whole, parts=[(tree.cell_a, Decimal(10), None)], by=SYSTEM)
    target(tree.committee, "unions_founded", 10)
    target(tree.committee, "unions_founded", 12, year=2026)  # set for 2026 already
    target(tree.committee, "members_admitted", 99, year=2023)  # not last year's

    outcome = services.targets_copy_year(organization=tree.committee, year=2026, by=staff)
    assert outcome.existing == 1
    copied = {(t.organization, t.metric): t for t in outcome.created}
    assert set(copied) == {(tree.committee, "members_admitted"), (tree.cell_a, "members_admitted")}
    new_whole = copied[tree.committee, "members_admitted"]
    assert (new_whole.first_year, new_whole.minimum, new_whole.maximum, new_whole.source) == (
        2026, 30, 50, document)  # fmt: skip
    assert copied[tree.cell_a, "members_admitted"].parent == new_whole
    assert Target.objects.get(metric="unions_founded", first_year=2026).minimum == 12
    # Copying again changes nothing.
    again = services.targets_copy_year(organization=tree.committee, year=2026, by=staff)
    assert (again.created, again.existing) == ([], 3)


def test_leaders_and_outsiders_change_no_target(year_2025, leader, outsider):
    tree = year_2025.tree
    whole = target(tree.committee, "members_admitted", 5)
    before = Target.objects.count()
    for person in (leader, outsider):
        with pytest.raises(PermissionDenied):
            services.target_save(target=Target(organization=tree.committee, metric="unions_founded",
                                               minimum=1, first_year=2025, last_year=2025),
                                 by=person)  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.targets_copy_year(organization=tree.committee, year=2026, by=person)
        with pytest.raises(PermissionDenied):
            services.target_split(target=whole, parts=[(tree.cell_a, Decimal(1), None)], by=person)
    assert Target.objects.count() == before


def test_evaluating_takes_a_fixed_number_of_queries(year_2025, django_assert_num_queries):
    tree = year_2025.tree
    whole = target(tree.committee, "members_admitted", 5)
    target(tree.committee, "unions_founded", 2)
    target(tree.committee, "members_rated_good", 85)
    services.target_split(target=whole, parts=[(c, Decimal(1), None) for c in tree.children],
                          by=SYSTEM)  # fmt: skip
    computed = figures.compute(tree.committee, YEAR)
    # The targets, the sub-organisations, one grouped query for the parts' figure.
    with django_assert_num_queries(3):
        results = evaluate(tree.committee, YEAR, figures=computed)
    assert len(results) == 6
    # Without the figures: one query more per figure of the committee's own targets.
    with django_assert_num_queries(6):
        evaluate(tree.committee, YEAR)
