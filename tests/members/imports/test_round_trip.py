"""A committee's register and ratings exported, then imported into a database without them:
the same members counted and the same balances (Biểu 1) every year (issue 12, point 8)."""

import datetime

import pytest

from members import selectors
from members.imports import exports
from members.imports.ratings import MEMBER_RATINGS
from members.imports.register import MEMBERS
from members.imports.running import member_list_import, rating_list_import
from members.models import Member, MemberRating
from organizations.access import SYSTEM
from tests.members.imports.helpers import register, row, run

pytestmark = pytest.mark.django_db


def figures(committee):
    counts = {"counted": selectors.counted_on(committee, datetime.date(2026, 6, 1)).count()}
    for year in range(2015, 2026):
        balance = selectors.balance(
            committee, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        )
        counts[year] = (balance.start, balance.end, balance.balances)
    return counts


def test_export_then_import_into_an_empty_committee_gives_the_same_figures(bg, cell2):
    rows = [row(**{"Họ và tên": f"Đảng viên {n}", "Số CCCD": f"0240850{n:05d}",
                   "Chi bộ": bg.cell.code if n % 2 else cell2.code,
                   "Ngày vào Đảng": f"10/05/{2018 + n % 5}",
                   "Ngày chính thức": f"20/05/{2019 + n % 5}"})
            for n in range(1, 13)]  # fmt: skip
    rows += [
        row(**{"Họ và tên": "Chuyển đến", "Số CCCD": "024085000901", "Nơi kết nạp": "Xã A",
               "Ngày vào Đảng": "01/01/2010", "Ngày chính thức": "01/02/2011",
               "Ngày chuyển đến": "01/03/2019", "Chuyển từ": "Đảng bộ xã A"}),
        row(**{"Họ và tên": "Chuyển đi", "Số CCCD": "024085000902", "Ngày ra khỏi": "01/04/2022",
               "Lý do": "Chuyển đi", "Chuyển đến đâu": "Đảng bộ tỉnh Bắc Ninh"}),
        row(**{"Họ và tên": "Từ trần", "Số CCCD": "024085000903", "Ngày ra khỏi": "01/04/2023",
               "Lý do": "Từ trần"}),
        row(**{"Họ và tên": "Chuyển chi bộ", "Số CCCD": "024085000904", "Chi bộ": cell2.code,
               "Ngày chuyển đến": "01/01/2021", "Chuyển từ": bg.cell.code}),
    ]  # fmt: skip
    assert run(register(*rows), bg.committee).invalid == 0
    member = Member.objects.get(citizen_id="024085000901")
    MemberRating.objects.create(member=member, year=2024, level="good", organization=bg.cell)
    before = figures(bg.committee)
    data = exports.csv_bytes(exports.headers(MEMBERS), exports.register_rows(Member.objects.all()))
    ratings = exports.xlsx_bytes(
        "x", exports.headers(MEMBER_RATINGS), exports.member_rating_rows(MemberRating.objects.all())
    )
    Member.objects.all().delete()
    assert figures(bg.committee)["counted"] == 0
    imported = member_list_import(source=data, file_name="x.csv", committee=bg.committee, by=SYSTEM)
    assert imported.summary == f"created={len(rows)} updated=0 unchanged=0 invalid=0"
    assert (
        rating_list_import(
            source=ratings, file_name="x.xlsx", committee=bg.committee, by=SYSTEM
        ).summary
        == "created=1 updated=0 unchanged=0 invalid=0"
    )
    assert figures(bg.committee) == before
