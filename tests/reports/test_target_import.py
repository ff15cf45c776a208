"""Target sheets: `manage.py import_targets` and its bad rows (clear Vietnamese messages,
nothing written unless --skip-invalid)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from reports.targets.models import PeriodKind, SourceDocument, Target

pytestmark = pytest.mark.django_db

HEADER = (
    "Mã tổ chức,Chỉ tiêu,Thời gian,Tối thiểu,Tối đa,Đơn vị tính,Số văn bản,Ngày ban hành,"
    "Cơ quan ban hành,Trích yếu"
)


def sheet(tmp_path, *rows, header=HEADER, name="chitieu.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("import_targets", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


GOOD = [
    "BG-KCN,Kết nạp đảng viên,2025,30,50,số lượng,09-NQ/ĐU,15/01/2025,Đảng ủy Các KCN tỉnh Bắc Giang,Nghị quyết về công tác phát triển đảng viên",  # noqa: E501
    "BG-KCN,unions_founded,mỗi năm 2025-2030,10,,,09-NQ/ĐU,,,",
    "BG-KCN,members_rated_good,2025,85,,%,,,,",
]


def test_a_sheet_imports_and_imports_again_unchanged(bg, tmp_path):
    path = sheet(tmp_path, *GOOD)
    status, out, err = run(path)
    assert status == 0, err
    assert out.splitlines()[-1] == "created=3 updated=0 unchanged=0 invalid=0"
    admitted = Target.objects.get(metric="members_admitted")
    assert (admitted.organization, admitted.minimum, admitted.maximum) == (
        bg.committee, Decimal(30), Decimal(50))  # fmt: skip
    assert admitted.period_kind == PeriodKind.YEAR and admitted.first_year == 2025
    assert admitted.source.number == "09-NQ/ĐU" and admitted.source.issuer.startswith("Đảng ủy")
    unions = Target.objects.get(metric="unions_founded")
    assert (unions.period_kind, unions.first_year, unions.last_year) == ("each_year", 2025, 2030)
    assert unions.source == admitted.source  # one document, cited twice
    assert SourceDocument.objects.count() == 1
    assert Target.objects.get(metric="members_rated_good").unit == "percent"

    status, out, _err = run(path)
    assert out.splitlines()[-1] == "created=0 updated=0 unchanged=3 invalid=0"
    changed = sheet(tmp_path, GOOD[0].replace(",30,50,", ",35,50,"), name="doi.csv")
    status, out, _err = run(changed)
    assert out.splitlines()[-1] == "created=0 updated=1 unchanged=0 invalid=0"
    assert Target.objects.get(metric="members_admitted").minimum == 35


BAD = {
    "XX-999,members_admitted,2026,30,,,,,,": "Không có tổ chức mã XX-999",
    "BG-KCN,Số cây trồng được,2026,30,,,,,,": "không phải là chỉ tiêu",
    "BG-KCN,members_admitted,năm nay,30,,,,,,": "không phải là thời gian",
    "BG-KCN,members_admitted,2025-2020,30,,,,,,": "Năm kết thúc nhiệm kỳ phải sau năm bắt đầu",
    "BG-KCN,members_admitted,2026,50,30,,,,,": "Mức tối đa (30) thấp hơn mức tối thiểu (50)",
    "BG-KCN,members_rated_good,2026,120,,%,,,,": "Tỷ lệ không thể vượt quá 100",
    "BG-KCN,members_admitted,2026,ba mươi,,,,,,": "“ba mươi” không phải là số",
    "BG-KCN,members_admitted,2026,2.5,,,,,,": "Chỉ tiêu số lượng phải là số nguyên",
    "BG-KCN,members_admitted,2026,,,,,,,": "Thiếu mức tối thiểu",
    "BG-KCN,members_admitted,2026,30,,%,,,,": "đơn vị của chỉ tiêu cũng phải vậy",
    "BG-KCN,members_admitted,2026,30,,,01-NQ/ĐU,,,": "Văn bản 01-NQ/ĐU chưa có",
    "BG-KCN,members_admitted: nhom=abc,2026,30,,,,,,": "không có tham số nhom",
}


@pytest.mark.parametrize(("line", "message"), list(BAD.items()))
def test_a_bad_row_is_a_clear_message_and_nothing_is_written(bg, tmp_path, line, message):
    path = sheet(tmp_path, GOOD[0], line)
    status, out, err = run(path)
    assert status == 1
    assert out.splitlines()[-1] == "created=1 updated=0 unchanged=0 invalid=1"
    assert "Dòng 3" in err and message in err, err
    assert "chưa ghi gì" in err
    assert not Target.objects.exists() and not SourceDocument.objects.exists()


def test_a_repeated_row_is_named_with_its_first_line(bg, tmp_path):
    status, _out, err = run(sheet(tmp_path, GOOD[2], GOOD[2]))
    assert status == 1 and "đã có chỉ tiêu này cho thời gian này ở dòng 2" in err
    assert not Target.objects.exists()


def test_skip_invalid_writes_the_valid_rows(bg, tmp_path):
    status, out, err = run(sheet(tmp_path, *GOOD, "XX-999,members_admitted,2025,30,,,,,,"),
                           "--skip-invalid")  # fmt: skip
    assert status == 0
    assert out.splitlines()[-1] == "created=3 updated=0 unchanged=0 invalid=1"
    assert Target.objects.count() == 3


def test_dry_run_writes_nothing(bg, tmp_path):
    status, out, _err = run(sheet(tmp_path, *GOOD), "--dry-run")
    assert status == 0 and out.splitlines()[-1] == "created=3 updated=0 unchanged=0 invalid=0"
    assert not Target.objects.exists() and not SourceDocument.objects.exists()


def test_user_option_applies_the_accounts_scope_and_role(bg, hn, staff, leader, outsider,
                                                         tmp_path):  # fmt: skip
    path = sheet(tmp_path, *GOOD)
    # The outsider does not see Bắc Giang's committee: its rows are unknown codes.
    status, out, err = run(path, "--user", outsider.username)
    assert status == 1 and "Không có tổ chức mã BG-KCN" in err
    assert out.splitlines()[-1] == "created=0 updated=0 unchanged=0 invalid=3"
    # A leader only looks.
    with pytest.raises(CommandError, match="không được thay đổi chỉ tiêu"):
        run(path, "--user", leader.username)
    assert not Target.objects.exists()
    status, out, _err = run(path, "--user", staff.username)
    assert status == 0 and out.splitlines()[-1] == "created=3 updated=0 unchanged=0 invalid=0"


def test_a_sheet_without_a_required_column_is_refused(bg, tmp_path):
    path = sheet(tmp_path, "BG-KCN,members_admitted,30", header="Mã tổ chức,Chỉ tiêu,Tối thiểu")
    with pytest.raises(CommandError, match="Không tìm thấy cột bắt buộc"):
        run(path)
