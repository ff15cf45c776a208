"""The sample list of ../shared/data (copied in tests/data) gives exactly what its
expected.json says."""

import json
from collections import Counter

import pytest

from organizations.models import Enterprise, WorkforceSnapshot
from tests.organizations.import_helpers import (
    SAMPLE,
    SAMPLE_DIR,
    SHARED_DIR,
    run_import,
    sample_zones,
)

pytestmark = pytest.mark.django_db

WHY = {
    "tax code check digit": "sai chữ số kiểm tra",
    "tax code repeated in the file": "đã có ở dòng 5",
    "name missing": "Thiếu tên",
    "negative worker count": "không được âm",
}


@pytest.fixture
def expected():
    return json.loads(SAMPLE.with_name(SAMPLE.name + ".expected.json").read_text("utf-8"))


def test_sample_gives_exactly_its_expected_json(bg, staff, expected):
    sample_zones(bg.committee)

    outcome = run_import(SAMPLE.read_bytes(), user=staff, file_name=SAMPLE.name, skip_invalid=True)

    assert outcome.written
    assert outcome.read_as == "CSV, UTF-8 (BOM), dấu phẩy"
    assert outcome.created == expected["valid_rows"] == 400
    assert (outcome.updated, outcome.unchanged) == (0, 0)
    assert [invalid.line for invalid in outcome.invalid_lines] == [
        item["line"] for item in expected["invalid_rows"]
    ]
    for invalid, item in zip(outcome.invalid_lines, expected["invalid_rows"], strict=True):
        messages = " ".join(message for _column, message in invalid.errors)
        assert WHY[item["why"]] in messages, (invalid.line, messages)

    imported = Enterprise.objects.filter(created_by_import=outcome.record)
    assert imported.count() == 400
    assert dict(Counter(imported.values_list("zone__name", flat=True))) == expected["by_zone"]
    assert dict(Counter(imported.values_list("ownership", flat=True))) == expected["by_kind"]
    workers = WorkforceSnapshot.objects.filter(enterprise__in=imported)
    assert sum(workers.values_list("workers", flat=True)) == expected["workers_total"]

    for spot in expected["spot"]:
        enterprise = Enterprise.objects.with_latest_workers().get(tax_code=spot["tax_code"])
        assert {
            "tax_code": enterprise.tax_code,
            "name": enterprise.name,
            "zone": enterprise.zone.name,
            "kind": enterprise.ownership,
            "workers": enterprise.latest_workers,
            "started": enterprise.licensed_on.isoformat(),
            "status": enterprise.status,
        } == spot


def test_the_copy_in_the_repository_is_the_teams_sample():
    """tests/data holds the sample of ../shared/data so the suite runs on any checkout; where
    the shared folder is next to the checkout, the two must be the same bytes."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} is not next to this checkout: nothing to compare with")
    for name in (SAMPLE.name, SAMPLE.name + ".expected.json"):
        assert (SAMPLE_DIR / name).read_bytes() == (SHARED_DIR / name).read_bytes(), name
