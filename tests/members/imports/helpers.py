"""Registers written as committees keep them, for the member imports' tests."""

from __future__ import annotations

import csv
import io

from organizations import access

HEADERS = [
    "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Số thẻ đảng viên", "Chi bộ",
    "Ngày vào Đảng", "Nơi kết nạp", "Ngày chính thức", "Ngày chuyển đến", "Chuyển từ",
    "Ngày chuyển chi bộ", "Từ chi bộ", "MST nơi làm việc", "Vị trí công việc", "Đoàn viên",
    "Công đoàn viên", "Ngày ra khỏi", "Lý do", "Chuyển đến đâu", "Sinh hoạt tạm thời",
    "Ngày phục hồi đảng tịch",
]  # fmt: skip


def row(**values) -> dict:
    """A register row of a member admitted in the BG cell in 2015, recognised in 2016."""
    base = {
        "Họ và tên": "Lê Văn Tám",
        "Ngày sinh": "12/03/1985",
        "Giới tính": "Nam",
        "Dân tộc": "Kinh",
        "Số CCCD": "024085000101",
        "Số thẻ đảng viên": "",
        "Chi bộ": "BG-CB01",
        "Ngày vào Đảng": "10/05/2018",
        "Ngày chính thức": "10/05/2019",
    }
    base.update(values)
    return base


def register(*rows: dict, headers=HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(h, "") for h in headers])
    return out.getvalue().encode("utf-8-sig")


def run(data: bytes, committee, *, by=access.SYSTEM, **options):
    from members.imports.running import member_list_import

    return member_list_import(
        source=data, file_name="dang-vien.csv", committee=committee, by=by, **options
    )


def errors(outcome) -> list[str]:
    return [
        f"{column}: {message}" for line in outcome.invalid_lines for column, message in line.errors
    ]
