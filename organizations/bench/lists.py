"""Enterprise lists generated as boards send them, for the benchmarks and for tests that need a
large list: Vietnamese names (2% in decomposed Unicode with stray spaces), valid tax codes of 18
provinces with 3% branches, the ownership spellings the sample uses, "." thousands separators,
dd/mm/yyyy dates, addresses with commas."""

from __future__ import annotations

import csv
import datetime
import io
import random
import unicodedata

from openpyxl import Workbook
from stdnum.vn import mst

PROVINCES = ["01", "22", "24", "27", "31", "36", "37", "38", "40", "46", "48", "56", "70", "74",
             "75", "77", "79", "80"]  # fmt: skip
PLACES = [
    "Đình Trám", "Quang Châu", "Vân Trung", "Việt Hàn", "Hòa Phú", "Song Khê - Nội Hoàng",
    "Yên Lư", "Thăng Long", "Nội Bài", "Quang Minh", "Bắc Thăng Long", "Sài Đồng B",
    "Phú Nghĩa", "Tân Thuận", "Linh Trung", "Nhơn Trạch", "Long Hậu", "Hiệp Phước",
    "Tràng Duệ", "Đình Vũ", "Yên Phong", "Quế Võ", "Tiên Sơn", "Phố Nối A", "Mỹ Phước",
    "Bàu Bàng", "Điện Nam - Điện Ngọc", "Hòa Khánh", "Phú Bài", "Sóng Thần",
]  # fmt: skip
KINDS = [  # (spellings as boards write them, name prefix)
    (["FDI", "100% vốn nước ngoài", "DN 100% vốn FDI"], "Công ty TNHH"),
    (["Liên doanh", "Liên doanh với nước ngoài"], "Công ty TNHH"),
    (["TNHH", "Công ty TNHH"], "Công ty TNHH"),
    (["Cổ phần", "Công ty cổ phần"], "Công ty Cổ phần"),
    (["DNTN", "Doanh nghiệp tư nhân"], "Doanh nghiệp tư nhân"),
    (["Nhà nước", "DN nhà nước"], "Công ty TNHH MTV"),
]
SECTORS = ["Điện tử", "May mặc", "Cơ khí", "Nhựa", "Bao bì", "Thực phẩm", "Dược phẩm",
           "Gỗ nội thất", "Logistics", "Vật liệu mới", "Xây dựng", "Dầu khí"]  # fmt: skip
BRANDS = ["Việt Tiến", "Hòa Bình", "Nam Việt", "Đông Á", "An Khang", "Phương Đông",
          "Trường Sơn", "Lạc Hồng", "Bình Minh", "Sao Mai", "Hanshin", "Jinwoo", "Chenghong",
          "Northfield", "Hokuriku", "Lionbridge", "Xinda", "Longsheng"]  # fmt: skip
COUNTRIES = ["Việt Nam", "Hàn Quốc", "Nhật Bản", "Trung Quốc", "Đài Loan", "Singapore",
             "Hoa Kỳ"]  # fmt: skip
HEADERS = ["STT", "Mã số thuế", "Tên doanh nghiệp", "Khu công nghiệp", "Loại hình doanh nghiệp",
           "Quốc gia đầu tư", "Ngành nghề", "Số lao động", "Ngày cấp GCN đầu tư", "Địa chỉ",
           "Trạng thái"]  # fmt: skip


def zone_names(rows: int) -> list[str]:
    """Seven zones for a province's list; about a hundred for a national one."""
    if rows <= 5000:
        return [f"KCN {place}" for place in PLACES[:7]]
    return [f"KCN {place}{suffix}" for suffix in ("", " II", " III") for place in PLACES] + [
        f"KCN {place} IV" for place in PLACES[:10]
    ]


def generate(rows: int, seed: int = 2025, next_year: bool = False) -> bytes:
    """A list as a board sends it, as Excel's "CSV UTF-8" (BOM, CRLF). `next_year`: the same
    enterprises a year later, every worker count changed."""
    rnd = random.Random(seed)
    zones = zone_names(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    used: set[str] = set()
    heads: list[str] = []
    number = 0
    while number < rows:
        if heads and rnd.random() < 0.03:  # a branch of an enterprise already listed
            tax_code = f"{rnd.choice(heads)}-{rnd.randint(1, 30):03d}"
            prefix = "Chi nhánh Công ty TNHH"
        else:
            body = f"{rnd.choice(PROVINCES)}{rnd.randint(1, 9_999_999):07d}"
            tax_code = body + mst.calc_check_digit(body)
            prefix = None
            if len(tax_code) != 10:  # no valid code has this body
                continue
        if tax_code in used:
            continue
        used.add(tax_code)
        if prefix is None:
            heads.append(tax_code)
        number += 1
        spellings, name_prefix = rnd.choice(KINDS)
        name = (
            f"{prefix or name_prefix} {rnd.choice(SECTORS)} {rnd.choice(BRANDS)} "
            f"{rnd.choice(PLACES)} {number}"
        )
        if rnd.random() < 0.02:  # decomposed Unicode and stray spaces, as pasted from the web
            name = f"  {unicodedata.normalize('NFD', name)} "
        zone = rnd.choice(zones)
        workers = rnd.choice([rnd.randint(5, 300), rnd.randint(300, 3000), rnd.randint(3000, 9000)])
        workers += 7 if next_year else 0
        status = rnd.choices(
            ["Đang hoạt động", "Tạm ngừng hoạt động", "Giải thể"], weights=[94, 4, 2]
        )[0]
        writer.writerow(
            [
                number,
                tax_code,
                name,
                zone,
                rnd.choice(spellings),
                rnd.choice(COUNTRIES),
                rnd.choice(SECTORS),
                f"{workers:,}".replace(",", "."),
                f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{rnd.randint(2000, 2024)}",
                f"Lô {rnd.choice('ABCDEFGH')}{rnd.randint(1, 40)}, {zone}",
                status,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(data: bytes) -> bytes:
    """The same list saved from Excel as a workbook: numbers as numbers (tax codes too, their
    leading zeros lost, as Excel does), dates as dates."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    for number, row in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig")))):
        if number:
            row[0], row[7] = int(row[0]), int(row[7].replace(".", ""))
            if "-" not in row[1]:
                row[1] = int(row[1])
            day, month, year = map(int, row[8].split("/"))
            row[8] = datetime.date(year, month, day)
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
