"""The mass organisation list (issue 12, point 2): spellings, merge by enterprise, kind and
name, a count becoming a dated count, rules as row errors, re-import."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from organizations.models import ListImport, ListKind, MassKind, MassOrganization, MembershipCount
from tests.organizations.list_helpers import errors_of, import_mass, mass_csv

pytestmark = pytest.mark.django_db


def _row(tax_code, kind="Công đoàn cơ sở", name="Công đoàn cơ sở Công ty A", founded="20/05/2019",
         members="1.260", counted="31/12/2025", recruited="85"):  # fmt: skip
    return ["1", tax_code, kind, name, founded, members, counted, recruited]


def _snapshot():
    return (
        sorted(MassOrganization.objects.values_list("enterprise__tax_code", "kind", "name",
                                                    "founded_on", "ended_on")),
        sorted(MembershipCount.objects.values_list("organization__name", "counted_on", "members",
                                                   "recruited")),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("spelling", "kind"),
    [
        ("Công đoàn cơ sở", MassKind.TRADE_UNION),
        ("CĐCS", MassKind.TRADE_UNION),
        ("cong doan", MassKind.TRADE_UNION),
        ("Đoàn TNCS Hồ Chí Minh", MassKind.YOUTH_UNION),
        ("Chi đoàn", MassKind.YOUTH_UNION),
        ("Hội Cựu chiến binh", MassKind.VETERANS),
        ("CCB", MassKind.VETERANS),
        ("Hội Phụ nữ", MassKind.WOMEN),
        ("hoi lhpn", MassKind.WOMEN),
    ],
)
def test_kind_spellings(bg, spelling, kind):
    outcome = import_mass(mass_csv([_row(bg.enterprise.tax_code, kind=spelling, name="Tổ chức X")]))
    assert outcome.created == 1, errors_of(outcome)
    assert MassOrganization.objects.get(name="Tổ chức X").kind == kind


@pytest.mark.parametrize(
    "headers",
    [
        ["STT", "Mã số thuế", "Loại", "Tên", "Ngay thanh lap", "So doan vien", "Tinh den ngay",
         "Phat trien doan vien"],
        ["No", "Tax code", "Kind", "Name", "Founding date", "Members", "Counted on", "Recruited"],
    ],
    ids=["bare", "english"],
)  # fmt: skip
def test_header_spellings_and_a_dated_count(bg, headers):
    outcome = import_mass(mass_csv([_row(bg.enterprise.tax_code)], headers=headers))
    assert outcome.created == 1 and not outcome.ignored_columns, errors_of(outcome)
    union = MassOrganization.objects.get(name="Công đoàn cơ sở Công ty A")
    assert union.enterprise == bg.enterprise and union.founded_on == datetime.date(2019, 5, 20)
    count = union.counts.get()
    assert (count.counted_on, count.members, count.recruited) == (
        datetime.date(2025, 12, 31),
        1260,
        85,
    )
    assert union.created_by_import == outcome.record == union.last_changed_by_import
    assert outcome.record.kind == ListKind.MASS_ORGANIZATIONS


def test_merge_by_enterprise_kind_and_name_and_reimport_is_a_no_op(bg):
    rows = [_row(bg.enterprise.tax_code), _row(bg.enterprise.tax_code, kind="Chi đoàn",
                                               name="Chi đoàn Công ty A", members="")]  # fmt: skip
    rows[1][6] = rows[1][7] = ""
    first = import_mass(mass_csv(rows))
    assert first.summary == "created=2 updated=0 unchanged=0 invalid=0", errors_of(first)
    union = MassOrganization.objects.get(name="Công đoàn cơ sở Công ty A")
    snapshot = _snapshot()
    again = import_mass(mass_csv(rows))
    assert again.summary == "created=0 updated=0 unchanged=2 invalid=0", errors_of(again)
    assert _snapshot() == snapshot
    # The same union, spelled another way, with a later count: a second dated count.
    later = _row(bg.enterprise.tax_code, kind="CĐCS", name="công đoàn cơ sở công ty a",
                 members="1.300", counted="30/06/2026", recruited="40")  # fmt: skip
    third = import_mass(mass_csv([later]))
    assert third.summary == "created=0 updated=1 unchanged=0 invalid=0", errors_of(third)
    union.refresh_from_db()
    assert union.name == "công đoàn cơ sở công ty a"  # as the list now spells it
    assert list(union.counts.order_by("counted_on").values_list("members", flat=True)) == [
        1260,
        1300,
    ]
    assert union.last_changed_by_import == third.record
    assert union.created_by_import == first.record


def test_the_existing_union_of_the_fixture_is_merged(bg):
    row = _row(bg.enterprise.tax_code, name=bg.mass.name, founded="", members="", counted="",
               recruited="")  # fmt: skip
    outcome = import_mass(mass_csv([row]))
    assert outcome.summary == "created=0 updated=0 unchanged=1 invalid=0", errors_of(outcome)


def _refused(data, **kwargs):
    before, records = _snapshot(), ListImport.objects.count()
    outcome = import_mass(data, **kwargs)
    assert not outcome.written and outcome.invalid
    assert _snapshot() == before and ListImport.objects.count() == records
    return errors_of(outcome)


def test_rules_as_rowerrors_of(bg, hn, staff):
    future = (datetime.date.today() + datetime.timedelta(days=40)).strftime("%d/%m/%Y")
    errors = _refused(
        mass_csv([
            _row(bg.enterprise.tax_code, name="Một", counted="01/01/2018"),  # before founding
            _row(bg.enterprise.tax_code, name="Hai", members="10", recruited="20"),
            _row(bg.enterprise.tax_code, name="Ba", counted=""),
            _row(hn.enterprise.tax_code, name="Bốn"),  # another committee's enterprise
            _row(bg.enterprise.tax_code, name="Năm", founded=future),
            _row(bg.enterprise.tax_code, kind="Hội đồng hương", name="Sáu"),
            _row("1234", name="Bảy"),
            _row(bg.enterprise.tax_code, name="Một"),  # repeated
        ]),
        by=staff,
    )  # fmt: skip
    assert "thành lập" in errors[(2, "Ngày số liệu")]
    assert (3, "") in errors or (3, "Kết nạp mới") in errors
    assert (4, "Ngày số liệu") in errors
    assert hn.enterprise.tax_code in errors[(5, "MST")] and "Hà Nội" not in errors[(5, "MST")]
    assert (6, "Ngày thành lập") in errors
    assert "Hội đồng hương" in errors[(7, "Loại đoàn thể")]
    assert (8, "MST") in errors
    assert "dòng 2" in errors[(9, "MST")]


def test_a_leader_may_not_import(bg, leader):
    with pytest.raises(PermissionDenied):
        import_mass(mass_csv([_row(bg.enterprise.tax_code)]), by=leader)
    assert not MassOrganization.objects.filter(name="Công đoàn cơ sở Công ty A").exists()


def test_a_dry_run_writes_nothing(bg):
    before = _snapshot()
    outcome = import_mass(mass_csv([_row(bg.enterprise.tax_code)]), dry_run=True)
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=0"
    assert _snapshot() == before and not ListImport.objects.exists()
