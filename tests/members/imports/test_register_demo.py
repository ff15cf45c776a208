"""The round trip of issue 12 on the demo (points 5 and 8): each demo committee's member register
and member ratings, exported from the admin ("Xuất") by a superuser (an account that sees
personal details), import back unchanged; imported where none of the members exist (the
organisations and enterprises present, the members, their events, counted intervals, ratings
and the candidates pointing at them gone), every row is created and the members, where each is
counted, the member figures of `report_figures` and Biểu 1 for 2024, 2025 and the running year
are the same.

What the register carries for that (README, "Member registers"): an admission in another cell
of the committee ("Nơi kết nạp" = its code), the move between cells ("Ngày chuyển chi bộ",
"Từ chi bộ"; a member who moved more than once is written as moving from their first cell on
the date of the last move, so the committee's figures stay the same), a member of another
organisation attending for a while ("Sinh hoạt tạm thời"), and a leaving undone by a
restoration ("Ngày phục hồi đảng tịch"). The committees' per-cell history of members who moved
more than once is the one thing a row cannot hold; the figures compared are the committee's."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.imports.running import member_list_import, rating_list_import
from members.models import Candidate, EventKind, Member, MemberEvent, MemberRating
from organizations.access import SYSTEM
from organizations.models import PartyOrganization
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.members.imports.helpers import errors
from tests.test_demo import demo  # noqa: F401 - the demo, loaded once for the module

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(demo):  # noqa: F811
    return client_for(UserFactory(is_superuser=True, is_staff=True, username="root-register"))


def _export(client, name: str, query: str = "") -> tuple[list[str], list[list[str]]]:
    """The header and rows of a list's CSV export, as the admin gives it."""
    response = client.get(reverse(f"admin:{name}_list_export", args=["csv"]) + query)
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return table[0], table[1:]


def _csv(header, rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")


def _figures(committee) -> dict:
    """The member figures and Biểu 1 of `report_figures` for 2024, 2025 and the running year."""
    found = {}
    for year in (2024, 2025, timezone.localdate().year):
        out = StringIO()
        call_command(
            "report_figures", "--committee", committee.code, "--year", str(year), stdout=out
        )
        data = json.loads(out.getvalue())
        metrics = [
            (m["key"], m["params"], m["value"], m["numerator"], m["denominator"])
            for m in data["metrics"]
            if m["key"].startswith("members_")
        ]
        found[year] = (metrics, data["tables"]["bieu1"])
    return found


def _members(committee) -> list:
    """Each member: who, their standing, where they attend and are counted, their dates."""
    return sorted(
        Member.objects.within(committee).values_list(
            "citizen_id", "full_name", "status", "organization__code", "counted_in__code",
            "admitted_on", "recognized_on", "enterprise__tax_code", "position",
        )
    )  # fmt: skip


@pytest.mark.parametrize(("code", "total"), [("BG-KCN", 157), ("HN-KCN", 1171)])
def test_the_demos_register_round_trips(superuser_client, code, total):
    committee = PartyOrganization.objects.get(code=code)
    cells = set(PartyOrganization.objects.within(committee).values_list("code", flat=True))
    header, rows = _export(superuser_client, "members_member", "?presence=all")
    rows = [r for r in rows if r[header.index("Chi bộ")] in cells]
    assert len(rows) == Member.objects.within(committee).count() == total
    # What the register needs beyond one admission and one arrival, all on the demo.
    column = {name: [r[header.index(name)] for r in rows] for name in header}
    assert any(c in cells for c in column["Nơi kết nạp"])
    assert sum(bool(v) for v in column["Ngày chuyển chi bộ"]) > 5
    assert "Có" in column["Sinh hoạt tạm thời"]
    assert any(column["Ngày phục hồi đảng tịch"])
    members = Member.objects.within(committee)
    ids = set(members.values_list("citizen_id", flat=True))
    rating_header, rating_rows = _export(superuser_client, "members_memberrating")
    rating_rows = [r for r in rating_rows if r[rating_header.index("Số CCCD")] in ids]
    ratings = MemberRating.objects.filter(member__in=members)
    assert len(rating_rows) == ratings.count() > 0

    # (a) Imported back: everything unchanged.
    back = member_list_import(
        source=_csv(header, rows), file_name="dang-vien.csv", committee=committee, by=SYSTEM,
        dry_run=True,
    )  # fmt: skip
    assert back.summary == f"created=0 updated=0 unchanged={total} invalid=0", errors(back)

    # (b) Into a database without the members: every row is created, the figures the same.
    before = (_members(committee), _figures(committee))
    ratings_before = sorted(ratings.values_list("member__citizen_id", "year", "level"))
    Candidate.objects.within(committee).delete()  # they point at members
    members.delete()  # with their events, counted intervals and ratings
    assert not MemberEvent.objects.filter(organization__in=committee.subtree()).exists()
    imported = member_list_import(
        source=_csv(header, rows), file_name="dang-vien.csv", committee=committee, by=SYSTEM
    )
    assert imported.summary == f"created={total} updated=0 unchanged=0 invalid=0", errors(imported)
    rated = rating_list_import(
        source=_csv(rating_header, rating_rows), file_name="xep-loai.csv", committee=committee,
        by=SYSTEM,
    )  # fmt: skip
    assert rated.summary == f"created={len(rating_rows)} updated=0 unchanged=0 invalid=0"
    assert _members(committee) == before[0]
    after = _figures(committee)
    for year, (metrics, bieu1) in before[1].items():
        differ = [(m, a) for m, a in zip(metrics, after[year][0], strict=True) if m != a]
        assert differ == [], year
        assert after[year][1] == bieu1, year
        assert bieu1["checks"] == {"balances": True}
    assert sorted(ratings.values_list("member__citizen_id", "year", "level")) == ratings_before
    guests = Member.objects.within(committee).filter(events__kind=EventKind.TEMPORARY_IN)
    assert guests.filter(counted_in=None).exists()  # guests are back, counted elsewhere
    # And the records made export as the demo's did: the same rows, but for a ceremony still
    # to come, which the import puts on the decision's date (probation counts from it).
    again_header, again = _export(superuser_client, "members_member", "?presence=all")
    assert again_header == header
    admitted, ceremony = header.index("Ngày vào Đảng"), header.index("Ngày lễ kết nạp")
    expected = [[*r[:ceremony], r[ceremony] or r[admitted], *r[ceremony + 1 :]] for r in rows]
    assert sorted(r for r in again if r[header.index("Chi bộ")] in cells) == sorted(expected)
