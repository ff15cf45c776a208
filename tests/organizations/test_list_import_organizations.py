"""The organisation list (issue 12, point 1): spellings, the tree's rules as row errors, merge
and re-import, parents after children, where rows without a parent go, a failure halfway."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError

from organizations import access, services
from organizations.models import (
    EnterpriseLink,
    FoundingReason,
    ListImport,
    ListKind,
    OrganizationKind,
    PartyOrganization,
)
from organizations.models.party import EndReason
from tests.factories import EnterpriseFactory, valid_tax_code
from tests.organizations.import_helpers import xlsx_bytes
from tests.organizations.list_helpers import ORG_HEADERS, errors_of, import_orgs, org_row, orgs_csv

pytestmark = pytest.mark.django_db


def _snapshot():
    return sorted(
        PartyOrganization.objects.values_list(
            "code", "name", "kind", "parent__code", "founded_on", "founding_decision_no",
            "founding_body", "founding_members", "founding_reason", "ended_on", "end_reason",
            "chosen_unit_type",
        )
    )  # fmt: skip


# --- spellings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "kind"),
    [
        ("Chi bộ cơ sở", OrganizationKind.GRASSROOTS_CELL),
        ("CBCS", OrganizationKind.GRASSROOTS_CELL),
        ("chi bo co so", OrganizationKind.GRASSROOTS_CELL),
        ("Đảng bộ cơ sở", OrganizationKind.GRASSROOTS_COMMITTEE),
        ("ĐBCS", OrganizationKind.GRASSROOTS_COMMITTEE),
        ("dbcs", OrganizationKind.GRASSROOTS_COMMITTEE),
        ("Grassroots committee", OrganizationKind.GRASSROOTS_COMMITTEE),
    ],
)
def test_kind_spellings(bg, spelling, kind):
    outcome = import_orgs(orgs_csv([org_row(1, "BG-X1", "Tổ chức X", kind=spelling)]))
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=0", errors_of(outcome)
    assert PartyOrganization.objects.get(code="BG-X1").kind == kind


def test_subordinate_cell_spellings_under_a_grassroots_committee(bg):
    rows = [org_row(1, "BG-DB1", "Đảng bộ cơ sở Công ty A", kind="Đảng bộ cơ sở")]
    rows += [
        org_row(n, f"BG-TT{n}", f"Chi bộ phân xưởng {n}", kind=spelling, parent="BG-DB1")
        for n, spelling in enumerate(["Chi bộ trực thuộc", "CBTT", "chi bo truc thuoc"], start=2)
    ]
    outcome = import_orgs(orgs_csv(rows))
    assert outcome.created == 4 and not outcome.invalid, errors_of(outcome)
    kinds = set(
        PartyOrganization.objects.filter(parent__code="BG-DB1").values_list("kind", flat=True)
    )
    assert kinds == {OrganizationKind.SUBORDINATE_CELL}


HEADER_SPELLINGS = [
    ["Ma to chuc", "Ten to chuc", "Loai", "Ma cap tren", "Ngay thanh lap", "So QD", "Noi ban hanh",
     "Dang vien khi thanh lap", "MST"],
    ["MÃ TỔ CHỨC", "TÊN CHI BỘ", "LOẠI TỔ CHỨC", "TRỰC THUỘC", "NGÀY QUYẾT ĐỊNH THÀNH LẬP",
     "SỐ QUYẾT ĐỊNH THÀNH LẬP", "CƠ QUAN RA QUYẾT ĐỊNH", "SỐ ĐẢNG VIÊN KHI THÀNH LẬP",
     "MÃ SỐ THUẾ DOANH NGHIỆP"],
    ["Code", "Name", "Kind", "Parent code", "Founding date", "Decision number", "Issuing body",
     "Founding members", "Tax codes"],
]  # fmt: skip


@pytest.mark.parametrize("headers", HEADER_SPELLINGS, ids=["bare", "upper", "english"])
def test_header_spellings(bg, headers):
    other = EnterpriseFactory(zone=bg.zone, tax_code=valid_tax_code(77, "24"))
    row = org_row(1, "BG-H1", "Chi bộ Công ty H", tax_codes=f"{other.tax_code}")[1:]
    outcome = import_orgs(orgs_csv([row], headers=headers))
    assert outcome.created == 1 and not outcome.ignored_columns, errors_of(outcome)
    cell = PartyOrganization.objects.get(code="BG-H1")
    assert (cell.parent.code, cell.founded_on, cell.founding_decision_no) == (
        "BG-KCN",
        datetime.date(2020, 3, 1),
        "12-QĐ/ĐU",
    )
    assert (cell.founding_body, cell.founding_members) == ("Đảng ủy Các KCN", 3)
    assert list(cell.enterprises.values_list("tax_code", flat=True)) == [other.tax_code]


def test_optional_columns_reasons_unit_type_and_end(bg):
    headers = ["Mã tổ chức", "Tên", "Loại", "Cấp trên", "Ngày thành lập", "Hình thức thành lập",
               "Loại hình đơn vị", "Ngày giải thể", "Lý do kết thúc"]  # fmt: skip
    rows = [
        ["BG-E1", "Chi bộ cũ", "CBCS", "BG-KCN", "01/01/2015", "Sáp nhập", "TNHH", "31/12/2019",
         "Giải thể"],
        ["BG-E2", "Chi bộ mới", "CBCS", "BG-KCN", "1/6/2020", "Tổ chức lại", "cổ phần", "", ""],
    ]  # fmt: skip
    outcome = import_orgs(orgs_csv(rows, headers=headers))
    assert outcome.created == 2, errors_of(outcome)
    old, new = (
        PartyOrganization.objects.get(code="BG-E1"),
        PartyOrganization.objects.get(code="BG-E2"),
    )
    assert (old.founding_reason, old.ended_on, old.end_reason) == (
        FoundingReason.MERGER,
        datetime.date(2019, 12, 31),
        EndReason.DISSOLVED,
    )
    assert (old.chosen_unit_type, new.chosen_unit_type) == ("llc", "jsc")
    assert new.founding_reason == FoundingReason.REORGANISATION


def test_several_tax_codes_separated_by_semicolons_or_commas_leading_zero_restored(hn):
    first = EnterpriseFactory(zone=hn.zone, tax_code=valid_tax_code(31, "01"))
    second = EnterpriseFactory(zone=hn.zone, tax_code=valid_tax_code(32, "01"))
    typed = f"{first.tax_code.lstrip('0')}, {second.tax_code}"
    rows = [org_row(1, "HN-J1", "Chi bộ ghép", parent="HN-KCN", tax_codes=typed)]
    headers = [*ORG_HEADERS[:-1], "MST doanh nghiệp"]
    data = orgs_csv(rows, headers=headers)
    rows_semi = [org_row(1, "HN-J1", "Chi bộ ghép", parent="HN-KCN",
                         tax_codes=f"{first.tax_code}; {second.tax_code}")]  # fmt: skip
    outcome = import_orgs(data)
    assert outcome.created == 1, errors_of(outcome)
    served = set(
        PartyOrganization.objects.get(code="HN-J1").enterprises.values_list("tax_code", flat=True)
    )
    assert served == {first.tax_code, second.tax_code}
    again = import_orgs(orgs_csv(rows_semi, headers=headers))
    assert again.summary == "created=0 updated=0 unchanged=1 invalid=0", errors_of(again)


def test_an_excel_workbook_with_codes_as_numbers_and_date_cells(bg):
    rows = [["1", "0105", "Chi bộ số 5", "Chi bộ cơ sở", "BG-KCN", datetime.date(2021, 4, 2), "",
             "", 3, ""]]  # fmt: skip
    outcome = import_orgs(xlsx_bytes(rows, headers=ORG_HEADERS))
    assert outcome.created == 1, errors_of(outcome)
    cell = PartyOrganization.objects.get(code="0105")
    assert cell.founded_on == datetime.date(2021, 4, 2) and cell.founding_members == 3


# --- the tree's rules, as row errors with nothing written ---------------------------------------


def _refused(data, by=access.SYSTEM, **kwargs):
    before, records = _snapshot(), ListImport.objects.count()
    outcome = import_orgs(data, by=by, **kwargs)
    assert not outcome.written and outcome.invalid
    assert _snapshot() == before and ListImport.objects.count() == records
    return errors_of(outcome)


def test_a_kind_under_a_parent_it_may_not_sit_under(bg):
    errors = _refused(orgs_csv([
        org_row(1, "BG-OK", "Chi bộ đúng"),
        org_row(2, "BG-BAD", "Chi bộ sai chỗ", parent="BG-CB01"),
    ]))  # fmt: skip
    assert list(errors) == [(3, "Mã tổ chức cấp trên")]
    assert "đảng bộ cấp trên trực tiếp cơ sở" in errors[(3, "Mã tổ chức cấp trên")]


def test_a_cycle_among_the_rows(bg):
    errors = _refused(orgs_csv([
        org_row(1, "BG-D1", "Đảng bộ 1", kind="ĐBCS", parent="BG-P2"),
        org_row(2, "BG-P2", "Đảng bộ bộ phận 2", kind="Đảng bộ bộ phận", parent="BG-D1"),
    ]))  # fmt: skip
    assert "chu trình" in errors[(2, "Mã tổ chức cấp trên")]
    assert "chu trình" in errors[(3, "Mã tổ chức cấp trên")]


def test_a_cycle_with_the_records(bg):
    import_orgs(orgs_csv([
        org_row(1, "BG-D1", "Đảng bộ 1", kind="ĐBCS"),
        org_row(2, "BG-B2", "Đảng bộ bộ phận 2", kind="Đảng bộ bộ phận", parent="BG-D1"),
    ]))  # fmt: skip
    errors = _refused(orgs_csv([
        org_row(1, "BG-B2", "Đảng bộ bộ phận 2", kind="Đảng bộ bộ phận", parent="BG-B3"),
        org_row(2, "BG-B3", "Đảng bộ bộ phận 3", kind="Đảng bộ bộ phận", parent="BG-B2"),
    ]))  # fmt: skip
    assert len(errors) == 2


def test_a_parent_of_a_row_witherrors_of(bg):
    errors = _refused(orgs_csv([
        org_row(1, "BG-C1", "Chi bộ con", kind="CBTT", parent="BG-D9"),
        org_row(2, "BG-D9", "Đảng bộ sai", kind="ĐBCS", founded="31/02/2020"),
    ]))  # fmt: skip
    assert "không phải là ngày" in errors[(3, "Ngày thành lập")]
    assert "dòng 3" in errors[(2, "Mã tổ chức cấp trên")]


def test_dates_in_the_future_or_an_end_before_founding(bg):
    future = (datetime.date.today() + datetime.timedelta(days=40)).strftime("%d/%m/%Y")
    headers = [*ORG_HEADERS, "Ngày kết thúc", "Lý do kết thúc"]
    errors = _refused(orgs_csv([
        [*org_row(1, "BG-F1", "Chi bộ tương lai", founded=future), "", ""],
        [*org_row(2, "BG-F2", "Chi bộ đảo ngày", founded="01/01/2020"), "01/01/2019", "Giải thể"],
    ], headers=headers))  # fmt: skip
    assert "tương lai" in errors[(2, "Ngày thành lập")]
    assert (3, "Ngày kết thúc") in errors


def test_enterprises_of_another_committee(bg, hn):
    errors = _refused(
        orgs_csv([org_row(1, "BG-Z1", "Chi bộ lạ", tax_codes=hn.enterprise.tax_code)]),
        by=account_of(bg),
    )
    message = errors[(2, "MST doanh nghiệp")]
    assert hn.enterprise.tax_code in message and "Hà Nội" not in message


def test_a_code_of_another_committee_is_not_named_or_changed(bg, hn):
    errors = _refused(orgs_csv([org_row(1, "HN-CB01", "Đổi tên")]), by=account_of(bg))
    assert "ngoài Đảng bộ" in errors[(2, "Mã tổ chức")] or "ngoài" in errors[(2, "Mã tổ chức")]
    assert PartyOrganization.objects.get(code="HN-CB01").name != "Đổi tên"


def test_a_parent_of_another_committee_is_not_found(bg, hn):
    errors = _refused(
        orgs_csv([org_row(1, "BG-Y1", "Chi bộ Y", parent="HN-KCN")]), by=account_of(bg)
    )
    assert "HN-KCN" in errors[(2, "Mã tổ chức cấp trên")]


def test_staff_cannot_change_their_own_committee(bg):
    errors = _refused(orgs_csv([org_row(1, "BG-KCN", "Tên khác", kind="Đảng bộ cấp trên cơ sở",
                                        parent="BG-P")]), by=account_of(bg))  # fmt: skip
    assert (2, "Mã tổ chức") in errors


def test_a_repeated_code(bg):
    errors = _refused(orgs_csv([org_row(1, "BG-R1", "Một"), org_row(2, "BG-R1", "Hai")]))
    assert "dòng 2" in errors[(3, "Mã tổ chức")]


def test_missing_name_kind_and_founding_date_of_a_new_row(bg):
    errors = _refused(orgs_csv([org_row(1, "BG-M1", "", kind="", founded="")]))
    assert set(errors) == {(2, "Tên tổ chức"), (2, "Loại tổ chức"), (2, "Ngày thành lập")}


def test_skip_invalid_writes_the_valid_rows(bg):
    outcome = import_orgs(
        orgs_csv([org_row(1, "BG-V1", "Hợp lệ"), org_row(2, "BG-V2", "Sai", parent="BG-CB01")]),
        skip_invalid=True,
    )
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=1"
    assert PartyOrganization.objects.filter(code="BG-V1").exists()
    assert not PartyOrganization.objects.filter(code="BG-V2").exists()


# --- merge, re-import, order, where rows go ------------------------------------------------------


def test_merge_by_code_and_reimport_is_a_no_op(bg):
    rows = [
        org_row(1, "BG-S1", "Chi bộ trực thuộc S1", kind="CBTT", parent="BG-D5"),
        org_row(2, "BG-D5", "Đảng bộ cơ sở D5", kind="ĐBCS", tax_codes=bg.enterprise.tax_code),
        org_row(3, "BG-CB01", bg.cell.name, founded="01/03/2018", members=""),
    ]
    first = import_orgs(orgs_csv(rows))
    assert first.summary == "created=2 updated=1 unchanged=0 invalid=0", errors_of(first)
    record = first.record
    assert (record.kind, record.created, record.updated) == (ListKind.ORGANIZATIONS, 2, 1)
    d5 = PartyOrganization.objects.get(code="BG-D5")
    assert d5.created_by_import == record == d5.last_changed_by_import
    # The cell's enterprise moved to the new grassroots committee, from its founding date.
    assert list(d5.enterprises.all()) == [bg.enterprise]
    snapshot = _snapshot()
    again = import_orgs(orgs_csv(rows))
    assert again.summary == "created=0 updated=0 unchanged=3 invalid=0", errors_of(again)
    assert _snapshot() == snapshot
    assert PartyOrganization.objects.get(code="BG-D5").last_changed_by_import == record
    changed = import_orgs(orgs_csv([org_row(1, "BG-D5", "Đảng bộ cơ sở D5 mới", kind="ĐBCS")]))
    assert changed.summary == "created=0 updated=1 unchanged=0 invalid=0"
    d5.refresh_from_db()
    assert d5.name == "Đảng bộ cơ sở D5 mới" and d5.last_changed_by_import == changed.record
    assert d5.created_by_import == record


def test_a_blank_cell_keeps_what_the_records_hold(bg):
    outcome = import_orgs(orgs_csv([org_row(1, "BG-CB01", "", kind="", parent="", founded="",
                                            decision="", body="", members="")]))  # fmt: skip
    assert outcome.summary == "created=0 updated=0 unchanged=1 invalid=0", errors_of(outcome)


def test_rows_without_a_parent_go_under_the_organisation_named(bg, staff):
    outcome = import_orgs(orgs_csv([org_row(1, "BG-U1", "Chi bộ U1", parent="")]), by=staff,
                          under=bg.committee)  # fmt: skip
    assert outcome.created == 1
    assert PartyOrganization.objects.get(code="BG-U1").parent == bg.committee


def test_rows_without_a_parent_need_one_for_staff(bg, staff):
    errors = _refused(orgs_csv([org_row(1, "BG-U2", "Chi bộ U2", parent="")]), by=staff)
    assert (2, "Mã tổ chức cấp trên") in errors


def test_a_new_installation_gets_its_first_committee_from_the_command(db):
    rows = [
        org_row(1, "T-KCN", "Đảng bộ Các KCN tỉnh T", kind="Đảng bộ cấp trên cơ sở", parent=""),
        org_row(2, "T-CB1", "Chi bộ 1", parent="T-KCN"),
    ]
    outcome = import_orgs(orgs_csv(rows))
    assert outcome.created == 2, errors_of(outcome)
    top = PartyOrganization.objects.get(code="T-KCN")
    assert top.parent is None and top.path == f"{top.pk:07d}/"
    assert outcome.record.reach == top


# --- access, and a failure halfway --------------------------------------------------------------


def account_of(world):
    from organizations.access import Role
    from tests.conftest import account

    return account(world.committee, Role.STAFF, f"staff-{world.committee.code.lower()}")


def test_a_leader_may_not_import(bg, leader):
    with pytest.raises(PermissionDenied):
        import_orgs(orgs_csv([org_row(1, "BG-L1", "Chi bộ L1")]), by=leader)
    assert not PartyOrganization.objects.filter(code="BG-L1").exists()


def test_under_outside_the_account_is_refused(bg, hn, staff):
    with pytest.raises(PermissionDenied):
        import_orgs(orgs_csv([org_row(1, "BG-L2", "Chi bộ L2", parent="")]), by=staff,
                    under=hn.committee)  # fmt: skip


def test_a_failure_halfway_leaves_nothing(bg, monkeypatch):
    real = services.organization_save
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["organization"].code)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "organization_save", failing)
    before = _snapshot()
    links = EnterpriseLink.objects.count()
    with pytest.raises(DatabaseError):
        import_orgs(orgs_csv([org_row(1, "BG-H1", "Một"), org_row(2, "BG-H2", "Hai")]))
    assert calls == ["BG-H1", "BG-H2"]
    assert _snapshot() == before and EnterpriseLink.objects.count() == links
    assert not ListImport.objects.exists()


def test_a_dry_run_writes_nothing_but_checks_every_rule(bg):
    data = orgs_csv([org_row(1, "BG-N1", "Một"), org_row(2, "BG-N2", "Hai", parent="BG-CB01")])
    before = _snapshot()
    outcome = import_orgs(data, dry_run=True)
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=1"
    assert _snapshot() == before and not ListImport.objects.exists()
