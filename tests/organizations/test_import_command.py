"""python manage.py import_enterprises: what it prints, what it writes, its exit status."""

import getpass
import io

import pytest
from django.core.management import CommandError, call_command

from organizations.models import Enterprise, EnterpriseImport, ImportChannel, Zone
from tests.organizations.import_helpers import SAMPLE, code, csv_bytes, row, sample_zones

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("import_enterprises", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def sample_world(bg):
    sample_zones(bg.committee)
    return bg


def test_invalid_rows_without_skip_invalid_write_nothing_and_fail(sample_world):
    before = Enterprise.objects.count()
    status, out, err = run(SAMPLE)
    assert status == 1
    assert out.splitlines()[-1] == "created=400 updated=0 unchanged=0 invalid=4"
    assert "Dòng 12, Mã số thuế: Mã số thuế 2454773693 sai chữ số kiểm tra" in err
    assert "Dòng 42, Số lao động: Số lao động không được âm (-15)." in err
    assert "4 dòng không hợp lệ: chưa ghi gì." in err
    assert Enterprise.objects.count() == before
    assert not EnterpriseImport.objects.exists()


def test_skip_invalid_writes_the_valid_rows_and_records_who_ran_it(sample_world):
    status, out, _err = run(SAMPLE, "--skip-invalid")
    assert status == 0
    assert out.splitlines()[-1] == "created=400 updated=0 unchanged=0 invalid=4"
    record = EnterpriseImport.objects.get()
    assert (record.imported_by, record.imported_by_name) == (None, getpass.getuser())
    assert (record.channel, record.organization) == (ImportChannel.COMMAND, None)
    assert f"Đã ghi nhận là lần nhập #{record.pk}." in out

    status, out, _err = run(SAMPLE, "--skip-invalid")
    assert out.splitlines()[-1] == "created=0 updated=0 unchanged=400 invalid=4"


def test_dry_run_writes_nothing(sample_world):
    status, out, _err = run(SAMPLE, "--dry-run", "--skip-invalid")
    assert status == 0
    assert "Chạy thử: chưa ghi gì." in out
    assert out.splitlines()[-1] == "created=400 updated=0 unchanged=0 invalid=4"
    assert not EnterpriseImport.objects.exists()
    assert not Enterprise.objects.filter(tax_code="2448375686").exists()


def test_zone_option_fills_a_list_without_zone_column(bg, tmp_path):
    path = tmp_path / "dinh-tram.csv"
    rows = [[str(n), code(200 + n), f"Công ty TNHH Số {n}", "TNHH"] for n in (1, 2)]
    path.write_bytes(csv_bytes(rows, ["STT", "MST", "Tên DN", "Loại hình DN"]))
    status, out, _err = run(path, "--zone", bg.zone.name)
    assert (status, out.splitlines()[-1]) == (0, "created=2 updated=0 unchanged=0 invalid=0")
    assert Enterprise.objects.filter(zone=bg.zone).count() == 3


def test_create_zones_needs_a_committee_without_user(bg, tmp_path):
    path = tmp_path / "hoa-phu.csv"
    path.write_bytes(csv_bytes([row(1, code(301), "Công ty TNHH Mới", "KCN Hòa Phú", "TNHH")]))
    with pytest.raises(CommandError, match="--committee"):
        run(path, "--create-zones")
    status, out, _err = run(path, "--create-zones", "--committee", bg.committee.code)
    assert out.splitlines()[-1] == "created=1 updated=0 unchanged=0 invalid=0"
    assert Zone.objects.get(name="KCN Hòa Phú").committee == bg.committee


def test_unknown_zone_without_create_zones_is_a_row_error(bg, tmp_path):
    path = tmp_path / "hoa-phu.csv"
    path.write_bytes(csv_bytes([row(1, code(301), "Công ty TNHH Mới", "KCN Hòa Phú", "TNHH")]))
    status, out, err = run(path)
    assert status == 1
    assert "Dòng 2, Khu công nghiệp: Chưa có khu “KCN Hòa Phú”." in err
    assert out.splitlines()[-1] == "created=0 updated=0 unchanged=0 invalid=1"


def test_user_option_applies_the_accounts_scope(bg, hn, staff, leader, outsider, tmp_path):
    path = tmp_path / "bac-giang.csv"
    path.write_bytes(csv_bytes([row(1, code(401), "Công ty TNHH Mới", bg.zone.name, "TNHH")]))

    status, out, err = run(path, "--user", outsider.username)
    assert status == 1
    assert "không thuộc các khu do đảng bộ của mình phụ trách" in err
    with pytest.raises(CommandError, match="không được nhập danh sách doanh nghiệp"):
        run(path, "--user", leader.username)
    assert not Enterprise.objects.filter(tax_code=code(401)).exists()

    status, out, _err = run(path, "--user", staff.username)
    assert out.splitlines()[-1] == "created=1 updated=0 unchanged=0 invalid=0"
    assert EnterpriseImport.objects.get().imported_by == staff


def test_unreadable_file_is_a_clear_error(bg, tmp_path):
    path = tmp_path / "cu.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(CommandError, match=r"Excel 97-2003 \(.xls\)"):
        run(path)
    with pytest.raises(CommandError, match="Không có tệp"):
        run(tmp_path / "khong-co.csv")


def test_verbose_run_lists_changes_and_restored_zeros(hn, tmp_path):
    path = tmp_path / "ha-noi.csv"
    rows = [row(1, "100233488", "Công ty TNHH Hà Nội Một", "KCN Hà Nội I", "TNHH", "10")]
    path.write_bytes(csv_bytes(rows))
    run(path)
    rows[0][5] = "12"
    path.write_bytes(csv_bytes(rows))
    status, out, _err = run(path, "-v", "2", "--dry-run")
    assert "Dòng 2: mã số thuế 100233488 được đọc là 0100233488 (đã bổ sung số 0 ở đầu)." in out
    assert "Dòng 2 (0100233488) Số lao động: 10 → 12" in out
    assert out.splitlines()[-1] == "created=0 updated=1 unchanged=0 invalid=0"


# --- --committee without --user stays inside that committee (issue 8, point 8) ----------------

NOT_OURS = "không thuộc các khu do đảng bộ của mình phụ trách"


@pytest.fixture
def across(bg, hn, tmp_path):
    """A list for Hà Nội with one row naming a Bắc Giang zone (in another spelling than the
    record's) and one row giving a Bắc Giang enterprise's tax code under a Hà Nội zone."""
    path = tmp_path / "ha-noi.csv"
    rows = [
        row(1, code(501, "01"), "Công ty TNHH Hà Nội Mới", hn.zone.name),
        row(2, code(502, "01"), "Công ty TNHH Sang Bắc Giang", "Khu công nghiệp Bắc Giang I"),
        row(3, bg.enterprise.tax_code, "Tên do Hà Nội đặt", hn.zone.name),
    ]
    path.write_bytes(csv_bytes(rows))
    return path


def others_data(bg):
    """What a Hà Nội run must never be told of Bắc Giang."""
    return [bg.committee.name, bg.committee.code, bg.province.name, bg.zone.name,
            bg.enterprise.name]  # fmt: skip


def test_committee_without_user_refuses_rows_of_another_committee(bg, hn, across):
    status, out, err = run(across, "--committee", hn.committee.code)
    assert status == 1
    assert out.splitlines()[-1] == "created=1 updated=0 unchanged=0 invalid=2"
    assert f"Dòng 3, Khu công nghiệp: Khu “Khu công nghiệp Bắc Giang I” {NOT_OURS}" in err
    assert f"Dòng 4, Mã số thuế: Mã số thuế {bg.enterprise.tax_code} thuộc một doanh nghiệp" in err
    for told in others_data(bg):
        assert told not in out + err
    assert not Enterprise.objects.filter(tax_code__in=[code(501, "01"), code(502, "01")]).exists()
    assert not EnterpriseImport.objects.exists()


def test_committee_without_user_with_skip_invalid_writes_only_its_zones(bg, hn, across):
    bg_before = list(Enterprise.objects.filter(zone__committee=bg.committee).values())
    status, out, err = run(across, "--committee", hn.committee.code, "--skip-invalid")
    assert status == 0
    assert out.splitlines()[-1] == "created=1 updated=0 unchanged=0 invalid=2"
    assert list(Enterprise.objects.filter(zone__committee=bg.committee).values()) == bg_before
    assert Enterprise.objects.get(tax_code=code(501, "01")).zone == hn.zone
    record = EnterpriseImport.objects.get()
    assert record.organization == hn.committee
    assert list(record.zones.all()) == [hn.zone]
    for told in others_data(bg):
        assert told not in out + err


def test_committee_without_user_finds_the_zone_option_among_its_zones_only(bg, hn, tmp_path):
    path = tmp_path / "khong-cot-khu.csv"
    path.write_bytes(csv_bytes([[str(1), code(503, "01"), "Công ty TNHH Ba", "TNHH"]],
                               ["STT", "MST", "Tên DN", "Loại hình DN"]))  # fmt: skip
    for name in (bg.zone.name, "Bắc Giang I"):
        with pytest.raises(CommandError) as refused:
            run(path, "--committee", hn.committee.code, "--zone", name)
        assert bg.zone.name not in str(refused.value).replace(name, "")
        assert bg.committee.name not in str(refused.value)
    assert not Enterprise.objects.filter(tax_code=code(503, "01")).exists()
    status, out, _err = run(path, "--committee", hn.committee.code, "--zone", "Hà Nội I")
    assert out.splitlines()[-1] == "created=1 updated=0 unchanged=0 invalid=0"


def test_without_committee_nor_user_the_command_still_writes_to_every_zone(bg, hn, across):
    # An operator importing a national list still writes to every zone (a guard: this part of
    # the contract did not change); an enterprise still does not move between committees.
    status, out, err = run(across, "--skip-invalid")
    assert out.splitlines()[-1] == "created=2 updated=0 unchanged=0 invalid=1"
    assert "không chuyển doanh nghiệp giữa các đảng bộ" in err
    assert EnterpriseImport.objects.get().organization is None
