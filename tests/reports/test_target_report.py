"""report_figures gains each target in scope: its value, status, % achieved and pace (the
README documents the JSON)."""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from organizations.access import SYSTEM
from reports.targets import services
from reports.targets.models import SourceDocument, Target
from tests.reports.builders import D

pytestmark = pytest.mark.django_db


def with_targets(tree):
    """The committee's targets for 2025 (admitted 30–50 split among its cells, > 70% rated
    HTT or better) and one of 2024."""
    document = SourceDocument.objects.create(
        organization=tree.committee, number="09-NQ/ĐU", issued_on=D(2024, 12, 20),
        issuer="Đảng ủy Các KCN", title="Nghị quyết nhiệm vụ năm 2025")  # fmt: skip

    def save(**values):
        values.setdefault("first_year", 2025)
        values.setdefault("last_year", values["first_year"])
        return services.target_save(target=Target(organization=tree.committee, **values),
                                    by=SYSTEM)  # fmt: skip

    admitted = save(metric="members_admitted", minimum=4, maximum=6, source=document)
    services.target_split(target=admitted, parts=[(tree.cell_a, Decimal(2), None)], by=SYSTEM)
    save(metric="members_rated_good", unit="percent", minimum=70, comparison="more_than")
    save(metric="unions_founded", minimum=3, first_year=2024)
    return admitted


def report(*args) -> str:
    out = StringIO()
    call_command("report_figures", *args, stdout=out)
    return out.getvalue()


def test_the_json_has_each_target_with_its_value_status_and_pace(year_2025):
    with_targets(year_2025.tree)
    data = json.loads(report("--committee", "BG-KCN", "--year", "2025"))
    targets = {(t["organization"]["code"], t["key"]): t for t in data["targets"]}
    assert set(targets) == {("BG-KCN", "members_admitted"), ("BG-KCN", "members_rated_good"),
                            ("BG-CB01", "members_admitted")}  # fmt: skip
    admitted = targets["BG-KCN", "members_admitted"]
    assert admitted == {
        "organization": {"code": "BG-KCN", "name": "Đảng bộ Các KCN Bắc Giang"},
        "key": "members_admitted",
        "params": {},
        "label": "Kết nạp đảng viên",
        "unit": "count",
        "period": {"kind": "year", "first_year": 2025, "last_year": 2025, "label": "Năm 2025"},
        "comparison": "at_least",
        "minimum": "4.00",
        "maximum": "6.00",
        "source": {"number": "09-NQ/ĐU", "issued_on": "2024-12-20", "issuer": "Đảng ủy Các KCN",
                   "title": "Nghị quyết nhiệm vụ năm 2025"},
        "part_of": None,
        "value": 5, "numerator": None, "denominator": None, "percent": None,
        "status": "met",
        "status_label": "đạt",
        "achieved_percent": "125.00",
        "exceeded_percent": "25.00",
        "pace": None, "pace_label": None, "expected_share_percent": None, "expected": None,
    }  # fmt: skip
    rated = targets["BG-KCN", "members_rated_good"]
    assert (rated["value"], rated["numerator"], rated["denominator"]) == ("71.43", 5, 7)
    assert (rated["status"], rated["achieved_percent"]) == ("met", "102.04")
    part = targets["BG-CB01", "members_admitted"]
    assert (part["part_of"], part["value"], part["status"]) == ("BG-KCN", 2, "met")
    # A term has no yearly target.
    data = json.loads(report("--committee", "BG-KCN", "--term", "2021-2025"))
    assert data["targets"] == []


def test_the_table_lists_the_targets(year_2025):
    with_targets(year_2025.tree)
    text = report("--committee", "BG-KCN", "--year", "2025", "--format", "table")
    section = text[text.index("\nChỉ tiêu\n") :]
    rows = [re.split(r"\s{2,}", line) for line in section.splitlines()[2:]]
    assert ["BG-KCN: Kết nạp đảng viên (Năm 2025)", "4–6", "5", "đạt 125,00%"] in rows
    assert ["BG-CB01: Kết nạp đảng viên (Năm 2025)", "≥ 2", "2", "đạt 100,00%"] in rows
    assert any(row[1] == "> 70%" and row[3] == "đạt 102,04%" for row in rows)
