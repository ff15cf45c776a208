"""A generated member register of a large committee: Vietnamese names, valid citizen IDs and
card numbers, admissions here or elsewhere with recognitions, transfers in from outside and
leavings — about three events a member. Fixed seed: the same file every run."""

from __future__ import annotations

import csv
import datetime
import io
import random

from members.validators import citizen_id_century_digit

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Thu", "Quang", "Ngọc", "Xuân", "Thanh")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Long", "Mai",
         "Nam", "Ngân", "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vân", "Yến")  # fmt: skip
HEADERS = [
    "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Số thẻ đảng viên",
    "Chi bộ", "Ngày vào Đảng", "Nơi kết nạp", "Ngày chính thức", "Ngày chuyển đến",
    "Chuyển từ", "Ngày ra khỏi", "Lý do", "Chuyển đến đâu",
]  # fmt: skip
CELLS = 40
FOUNDED = datetime.date(1975, 1, 1)


def cell_code(n: int) -> str:
    return f"BENCH-CB{n:03d}"


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def generate(members: int, seed: int = 12) -> bytes:
    """A register of `members` rows, as CSV in UTF-8 with a BOM."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for n in range(1, members + 1):
        female = rng.random() < 0.4
        born = datetime.date(rng.randint(1960, 1994), rng.randint(1, 12), rng.randint(1, 28))
        century = citizen_id_century_digit(born.year, female)
        citizen_id = f"024{century}{born.year % 100:02d}{n:06d}"
        admitted = born + datetime.timedelta(days=365 * rng.randint(20, 24) + rng.randint(0, 300))
        recognized = admitted + datetime.timedelta(days=380 + rng.randint(0, 60))
        elsewhere = rng.random() < 0.7
        arrived = recognized + datetime.timedelta(days=rng.randint(30, 1500))
        leaving = rng.random() < 0.3
        left = arrived + datetime.timedelta(days=rng.randint(30, 600))
        reason = rng.choice(["Chuyển đi", "Chuyển đi", "Từ trần", "Xin ra khỏi Đảng"])
        origin = f"Đảng bộ xã {rng.choice(GIVEN)} {rng.randint(1, 30)}"
        name = f"{rng.choice(FAMILY)} {'Thị' if female else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        writer.writerow([
            n, name, _date(born), "Nữ" if female else "Nam", "Kinh", citizen_id, f"{n:08d}",
            cell_code(n % CELLS + 1), _date(admitted), origin if elsewhere else "",
            _date(recognized), _date(arrived) if elsewhere else "", origin if elsewhere else "",
            _date(left) if leaving else "", reason if leaving else "",
            "Đảng bộ tỉnh Bắc Ninh" if leaving and reason == "Chuyển đi" else "",
        ])  # fmt: skip
    return out.getvalue().encode("utf-8-sig")
