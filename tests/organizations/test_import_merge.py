"""Merging a list into the records: upsert by tax code, worker counts as dated snapshots,
nothing deleted, nothing duplicated, invalid rows stopping everything unless skipped, every
import recorded."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from organizations.imports import ImportRefused
from organizations.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseState,
    EnterpriseStatus,
    Ownership,
    WorkforceSnapshot,
    Zone,
)
from tests.factories import ZoneFactory
from tests.organizations.import_helpers import (
    COUNTED_ON,
    code,
    csv_bytes,
    row,
    run_import,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(bg):
    return bg.zone  # "KCN Bắc Giang I"


def three(zone_name="KCN Bắc Giang I", workers=("120", "1.260", "45")):
    return [
        row(1, code(101), "Công ty TNHH Một", zone_name, "TNHH", workers[0]),
        row(2, code(102), "Công ty Cổ phần Hai", zone_name, "Cổ phần", workers[1]),
        row(3, code(103), "Công ty TNHH Ba Việt Nam", zone_name, "FDI", workers[2]),
    ]


def test_new_rows_are_created_with_their_worker_counts_and_the_record(bg, staff):
    data = csv_bytes(three())
    outcome = run_import(data, user=staff, file_name="kcn-bac-giang.csv")

    assert outcome.summary == "created=3 updated=0 unchanged=0 invalid=0"
    record = outcome.record
    assert record == EnterpriseImport.objects.get()
    assert (record.imported_by, record.imported_by_name) == (staff, "bg-canbo")
    assert record.organization == bg.committee
    assert record.file_name == "kcn-bac-giang.csv"
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert (record.created, record.updated, record.unchanged, record.invalid) == (3, 0, 0, 0)
    assert list(record.zones.all()) == [bg.zone]
    second = Enterprise.objects.get(tax_code=code(102))
    assert (second.name, second.zone, second.ownership) == (
        "Công ty Cổ phần Hai",
        bg.zone,
        Ownership.JSC,
    )
    assert second.created_by_import == second.last_changed_by_import == record
    assert list(second.workforce.values_list("counted_on", "workers")) == [(COUNTED_ON, 1260)]
    assert list(record.not_in_list.all()) == [bg.enterprise]  # in the zone, not in the list


def test_reimporting_the_same_file_changes_nothing(bg, staff):
    data = csv_bytes(three())
    run_import(data, user=staff)
    before = list(Enterprise.objects.order_by("pk").values())
    snapshots = WorkforceSnapshot.objects.count()

    outcome = run_import(data, user=staff)
    assert outcome.summary == "created=0 updated=0 unchanged=3 invalid=0"
    assert list(Enterprise.objects.order_by("pk").values()) == before
    assert WorkforceSnapshot.objects.count() == snapshots
    # Even a day later: the counts in force are the same.
    later = run_import(data, user=staff, counted_on=COUNTED_ON + datetime.timedelta(days=1))
    assert later.summary == "created=0 updated=0 unchanged=3 invalid=0"
    assert EnterpriseImport.objects.count() == 3  # every import is recorded


def test_changed_rows_show_old_and_new_values_and_keep_the_worker_history(bg, staff):
    first = run_import(csv_bytes(three()), user=staff)
    rows = three(workers=("120", "1.300", "45"))
    rows[0][2] = "Công ty TNHH Một Thành Viên"
    rows[2][4] = "Liên doanh"
    next_year = COUNTED_ON.replace(year=COUNTED_ON.year + 1)

    preview = run_import(csv_bytes(rows), user=staff, dry_run=True, counted_on=next_year)
    assert preview.summary == "created=0 updated=3 unchanged=0 invalid=0"
    assert [(c.line, c.changes) for c in preview.changed_lines] == [
        (2, [("Tên doanh nghiệp", "Công ty TNHH Một", "Công ty TNHH Một Thành Viên")]),
        (3, [("Số lao động", "1.260", "1.300")]),
        (4, [("Loại hình doanh nghiệp", "100% vốn nước ngoài", "Liên doanh với nước ngoài")]),
    ]
    assert Enterprise.objects.get(tax_code=code(101)).name == "Công ty TNHH Một"  # dry run

    outcome = run_import(csv_bytes(rows), user=staff, counted_on=next_year)
    assert outcome.summary == "created=0 updated=3 unchanged=0 invalid=0"
    second = Enterprise.objects.get(tax_code=code(102))
    assert list(second.workforce.order_by("counted_on").values_list("counted_on", "workers")) == [
        (COUNTED_ON, 1260),
        (next_year, 1300),
    ]
    assert second.created_by_import == first.record
    assert second.last_changed_by_import == outcome.record
    # Only changed counts become snapshots.
    assert WorkforceSnapshot.objects.filter(counted_on=next_year).count() == 1


def test_a_blank_cell_keeps_what_the_records_hold(bg, staff):
    run_import(csv_bytes(three()), user=staff)
    rows = three()
    rows[1][4] = ""  # ownership
    rows[1][5] = ""  # workers
    rows[1][6] = ""  # licensed on
    outcome = run_import(csv_bytes(rows), user=staff)
    assert outcome.summary == "created=0 updated=0 unchanged=3 invalid=0"
    second = Enterprise.objects.get(tax_code=code(102))
    assert (second.ownership, second.licensed_on) == (Ownership.JSC, datetime.date(2019, 2, 1))


def test_enterprises_missing_from_the_list_are_shown_never_deleted(bg, staff):
    run_import(csv_bytes(three()), user=staff)
    outcome = run_import(csv_bytes(three()[:1]), user=staff)
    missing = {bg.enterprise.tax_code, code(102), code(103)}
    assert {a.tax_code for a in outcome.not_in_list} == missing
    assert Enterprise.objects.count() == 4
    assert set(outcome.record.not_in_list.values_list("tax_code", flat=True)) == {
        bg.enterprise.tax_code,
        code(102),
        code(103),
    }
    # A closed enterprise is not asked about again.
    Enterprise.objects.filter(tax_code=code(103)).update(status=EnterpriseStatus.CLOSED)
    again = run_import(csv_bytes(three()[:1]), user=staff, dry_run=True)
    assert {a.tax_code for a in again.not_in_list} == {bg.enterprise.tax_code, code(102)}


def bad_rows():
    rows = three()
    rows[1][1] = code(101)  # repeats line 2
    rows[2][4] = "Tập đoàn"  # unknown ownership
    return rows


def test_without_skip_invalid_one_bad_row_means_nothing_is_written(bg, staff):
    before = Enterprise.objects.count()
    outcome = run_import(csv_bytes(bad_rows()), user=staff)
    assert not outcome.written
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=2"
    assert [(i.line, i.errors) for i in outcome.invalid_lines] == [
        (3, [("Mã số thuế", f"Mã số thuế {code(101)} đã có ở dòng 2 của tệp này.")]),
        (4, [("Loại hình doanh nghiệp", outcome.invalid_lines[1].errors[0][1])]),
    ]
    assert outcome.invalid_lines[1].errors[0][1].startswith("Không rõ loại hình doanh nghiệp")
    assert Enterprise.objects.count() == before
    assert not EnterpriseImport.objects.exists()
    assert not WorkforceSnapshot.objects.exclude(enterprise=bg.enterprise).exists()


def test_with_skip_invalid_the_valid_rows_are_written_and_the_bad_ones_reported(bg, staff):
    outcome = run_import(csv_bytes(bad_rows()), user=staff, skip_invalid=True)
    assert outcome.written
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=2"
    assert outcome.record.invalid == 2
    assert list(Enterprise.objects.filter(created_by_import=outcome.record)) == [
        Enterprise.objects.get(tax_code=code(101))
    ]


def test_every_error_of_a_row_is_reported_with_its_column(bg, staff):
    rows = [row(1, "2454773693", "", "KCN Không Có", "Tập đoàn", "-5", "31/02/2020", "Đang xây")]
    outcome = run_import(csv_bytes(rows), user=staff, dry_run=True)
    (invalid,) = outcome.invalid_lines
    assert invalid.line == 2
    assert [column for column, _message in invalid.errors] == [
        "Mã số thuế",
        "Tên doanh nghiệp",
        "Khu công nghiệp",
        "Loại hình doanh nghiệp",
        "Số lao động",
        "Ngày cấp GCN đầu tư",
        "Trạng thái",
    ]


def test_restored_leading_zeros_are_reported(hn, outsider):
    rows = [row(1, "100233488", "Công ty TNHH Hà Nội Một", "KCN Hà Nội I", "TNHH")]
    outcome = run_import(csv_bytes(rows), user=outsider)
    assert [(r.line, r.typed, r.tax_code) for r in outcome.restored] == [
        (2, "100233488", "0100233488")
    ]
    assert Enterprise.objects.filter(tax_code="0100233488").exists()


def test_the_zone_option_fills_lists_without_a_zone_column(bg, staff):
    headers = ["STT", "MST", "Tên DN", "Loại hình", "Lao động"]
    rows = [[str(n), code(100 + n), f"Công ty TNHH Số {n}", "TNHH", "10"] for n in (1, 2)]
    outcome = run_import(csv_bytes(rows, headers), user=staff, zone=bg.zone)
    assert outcome.created == 2
    assert set(
        Enterprise.objects.filter(created_by_import=outcome.record).values_list("zone", flat=True)
    ) == {bg.zone.pk}


def test_without_zone_column_or_option_the_file_is_refused(bg, staff):
    headers = ["STT", "MST", "Tên DN", "Loại hình"]
    with pytest.raises(ImportRefused) as refused:
        run_import(csv_bytes([["1", code(101), "A", "TNHH"]], headers), user=staff)
    assert "Khu công nghiệp (KCN)" in str(refused.value)
    assert "“MST”, “Tên DN”, “Loại hình”" in str(refused.value)


def test_unknown_zone_is_a_row_error_unless_zones_may_be_created(bg, staff):
    rows = three(zone_name="KCN Hòa Phú")
    outcome = run_import(csv_bytes(rows), user=staff, dry_run=True)
    assert outcome.invalid == 3
    assert outcome.invalid_lines[0].errors == [
        (
            "Khu công nghiệp",
            "Chưa có khu “KCN Hòa Phú”. Hãy thêm khu trước, hoặc nhập với lựa chọn tạo các khu "
            "có trong danh sách.",
        )
    ]

    preview = run_import(csv_bytes(rows), user=staff, dry_run=True, create_zones=True)
    assert (preview.created, preview.new_zones) == (3, ["KCN Hòa Phú"])
    assert not Zone.objects.filter(name="KCN Hòa Phú").exists()

    outcome = run_import(csv_bytes(rows), user=staff, create_zones=True)
    created = Zone.objects.get(name="KCN Hòa Phú")
    assert (created.committee, created.province, created.kind) == (bg.committee, "Bắc Giang", "kcn")
    assert outcome.created == 3


def test_zone_names_match_loosely(bg, staff):
    ZoneFactory(name="KCN Đình Trám", province="Bắc Giang", committee=bg.committee)
    rows = three(zone_name="Khu công nghiệp Đình Trám")
    rows[1][3] = "dinh tram"
    outcome = run_import(csv_bytes(rows), user=staff)
    assert outcome.created == 3
    assert outcome.zones == ["KCN Đình Trám"]


def test_new_enterprises_need_an_ownership_type(bg, staff):
    rows = three()
    rows[0][4] = ""
    outcome = run_import(csv_bytes(rows), user=staff, dry_run=True)
    assert outcome.invalid_lines[0].errors == [
        ("Loại hình doanh nghiệp", "Doanh nghiệp mới phải có loại hình doanh nghiệp.")
    ]


def test_a_leader_cannot_import(bg, leader):
    with pytest.raises(PermissionDenied):
        run_import(csv_bytes(three()), user=leader)
    assert not EnterpriseImport.objects.exists()


def test_statuses_are_set_from_the_list(bg, staff):
    rows = three()
    rows[0][7] = "Tạm ngừng hoạt động"
    rows[1][7] = "Giải thể"
    run_import(csv_bytes(rows), user=staff)
    statuses = dict(Enterprise.objects.values_list("tax_code", "status"))
    assert (statuses[code(101)], statuses[code(102)], statuses[code(103)]) == (
        EnterpriseStatus.SUSPENDED,
        EnterpriseStatus.CLOSED,
        EnterpriseStatus.ACTIVE,
    )


def test_a_status_or_ownership_the_list_changes_holds_from_the_lists_date(bg, staff):
    first = run_import(csv_bytes(three()), user=staff, counted_on=datetime.date(2024, 6, 30))
    rows = three()
    rows[0][7] = "Tạm ngừng hoạt động"
    rows[1][4] = "TNHH"
    second = run_import(csv_bytes(rows), user=staff)
    history = {
        tax_code: list(
            EnterpriseState.objects.filter(enterprise__tax_code=tax_code)
            .order_by("valid_from")
            .values_list("valid_from", "valid_to", "status", "ownership", "import_record")
        )
        for tax_code in (code(101), code(102), code(103))
    }
    opened = datetime.date(2019, 2, 1)  # the licence date: the history starts there
    assert history[code(101)] == [
        (opened, COUNTED_ON, "active", "llc", first.record.pk),
        (COUNTED_ON, None, "suspended", "llc", second.record.pk),
    ]
    assert history[code(102)] == [
        (opened, COUNTED_ON, "active", "jsc", first.record.pk),
        (COUNTED_ON, None, "active", "llc", second.record.pk),
    ]
    assert history[code(103)] == [(opened, None, "active", "fdi100", first.record.pk)]
    suspended_on = Enterprise.objects.active_on(COUNTED_ON - datetime.timedelta(days=1))
    assert suspended_on.filter(tax_code=code(101)).exists()
    assert not Enterprise.objects.active_on(COUNTED_ON).filter(tax_code=code(101)).exists()


def test_an_existing_count_of_the_same_day_is_replaced(bg, staff):
    run_import(csv_bytes(three()), user=staff)
    outcome = run_import(csv_bytes(three(workers=("121", "1.260", "45"))), user=staff)
    assert outcome.summary == "created=0 updated=1 unchanged=2 invalid=0"
    first = Enterprise.objects.get(tax_code=code(101))
    assert list(first.workforce.values_list("counted_on", "workers")) == [(COUNTED_ON, 121)]


def test_an_excel_list_with_numeric_tax_codes_and_date_cells(hn, outsider):
    rows = [
        [1, 100233488, "Công ty TNHH Hà Nội Một", hn.zone.name, "TNHH", 1260,
         datetime.datetime(2009, 11, 22), "Đang hoạt động"],
        [2, 314409058002, "Chi nhánh Công ty Cổ phần Hai", hn.zone.name, "Cổ phần", "85",
         datetime.date(2019, 2, 1), "Tạm ngừng hoạt động"],
    ]  # fmt: skip
    outcome = run_import(xlsx_bytes(rows, title="DANH SÁCH DOANH NGHIỆP"), user=outsider,
                         file_name="ha-noi.xlsx")  # fmt: skip
    assert outcome.summary == "created=2 updated=0 unchanged=0 invalid=0"
    assert outcome.read_as == "Excel (.xlsx), Danh sách"
    assert [(r.line, r.tax_code) for r in outcome.restored] == [
        (4, "0100233488"),
        (5, "0314409058-002"),
    ]
    first = Enterprise.objects.get(tax_code="0100233488")
    assert first.licensed_on == datetime.date(2009, 11, 22)
    assert first.workforce.get().workers == 1260
    branch = Enterprise.objects.get(tax_code="0314409058-002")
    assert (branch.status, branch.licensed_on) == (
        EnterpriseStatus.SUSPENDED,
        datetime.date(2019, 2, 1),
    )


@pytest.mark.parametrize("encoding", ["utf-16", "cp1258-like"])
def test_lists_in_other_encodings_import_the_same(bg, staff, encoding):
    from tests.organizations.test_import_reading import to_cp1258

    text = csv_bytes(three(), delimiter="\t", encoding="utf-8").decode("utf-8")
    data = text.encode("utf-16") if encoding == "utf-16" else to_cp1258(text)
    outcome = run_import(data, user=staff)
    assert outcome.summary == "created=3 updated=0 unchanged=0 invalid=0"
    assert Enterprise.objects.get(tax_code=code(103)).name == "Công ty TNHH Ba Việt Nam"
