"""Helpers shared by the import tests: the sample's zones, small files written the way boards
write them (CSV in several encodings, .xlsx through openpyxl), and a quick way to import."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

from django.conf import settings

from organizations import services
from organizations.models import Zone
from tests.factories import ZoneFactory, valid_tax_code

# The team's sample list (../shared/data), copied into the repository byte for byte so that
# the suite runs wherever it is checked out; test_import_sample checks the copy is the same.
SHARED_DIR = Path(settings.BASE_DIR).parent / "shared" / "data"
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data"
SAMPLE = SAMPLE_DIR / "enterprises-bac-giang-2024.csv"
SAMPLE_ZONES = [
    "KCN Hòa Phú",
    "KCN Đình Trám",
    "KCN Vân Trung",
    "KCN Việt Hàn",
    "KCN Quang Châu",
    "KCN Song Khê - Nội Hoàng",
    "KCN Yên Lư",
]
HEADERS = ["STT", "Mã số thuế", "Tên doanh nghiệp", "Khu công nghiệp", "Loại hình doanh nghiệp",
           "Số lao động", "Ngày cấp GCN đầu tư", "Trạng thái"]  # fmt: skip
COUNTED_ON = datetime.date(2025, 6, 30)


def sample_zones(committee) -> list[Zone]:
    return [
        ZoneFactory(name=name, province="Bắc Giang", committee=committee) for name in SAMPLE_ZONES
    ]


def code(n: int, prefix: str = "24") -> str:
    return valid_tax_code(n, prefix)


def row(n, tax_code, name, zone, kind="TNHH", workers="120", licensed="01/02/2019",
        status="Đang hoạt động"):  # fmt: skip
    return [str(n), tax_code, name, zone, kind, workers, licensed, status]


def csv_bytes(rows, headers=HEADERS, *, encoding="utf-8-sig", delimiter=",", newline="\r\n"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=HEADERS, title=None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_import(data: bytes, *, user=None, dry_run=False, file_name="danh-sach.csv", **options):
    options.setdefault("counted_on", COUNTED_ON)
    return services.enterprise_list_import(
        source=data, file_name=file_name, user=user, dry_run=dry_run, **options
    )
