"""Past ratings from a sheet (issue 12, point 4): member ratings by citizen ID or card number,
organisation ratings by code, with the rules and warnings of the ratings screen."""

import csv
import io

import pytest
from django.core.management import call_command

from members.imports.running import rating_list_import
from members.models import MemberRating, OrganizationRating
from organizations import access
from organizations.models import ListImport
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def sheet(headers, *rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run(data, committee, **options):
    return rating_list_import(
        source=data, file_name="xep-loai.csv", committee=committee, by=access.SYSTEM, **options
    )


def messages(outcome):
    return [f"{c}: {m}" for line in outcome.invalid_lines for c, m in line.errors]


def test_member_ratings_by_citizen_id_or_card_number(bg):
    one = MemberFactory(organization=bg.cell, full_name="A", card_number="11110000")
    two = MemberFactory(organization=bg.cell, full_name="B", card_number="22220000")
    data = sheet(
        ["Họ tên", "Số CCCD", "Số thẻ đảng viên", "Năm", "Xếp loại"],
        ["A", one.citizen_id, "", "2024", "HTT"],
        ["B", "", "22220000", "2024", "Hoàn thành xuất sắc nhiệm vụ"],
        ["B", "", "22220000", "2023", "không xếp loại"],
    )
    outcome = run(data, bg.committee)
    assert outcome.summary == "created=3 updated=0 unchanged=0 invalid=0", messages(outcome)
    assert MemberRating.objects.get(member=one, year=2024).level == "good"
    rating = MemberRating.objects.get(member=two, year=2024)
    assert (rating.level, rating.organization) == ("excellent", bg.cell)
    assert rating.created_by_import == ListImport.objects.get(kind="member_ratings")
    assert run(data, bg.committee).summary == "created=0 updated=0 unchanged=3 invalid=0"
    changed = sheet(["Số CCCD", "Năm", "Xếp loại"], [one.citizen_id, "2024", "HT"])
    assert run(changed, bg.committee).summary == "created=0 updated=1 unchanged=0 invalid=0"


def test_the_screens_rules_are_row_errors_and_its_warnings_are_warnings(bg, hn):
    members = [MemberFactory(organization=bg.cell, full_name=f"M{n}") for n in range(3)]
    stranger = MemberFactory(organization=hn.cell, full_name="Người Hà Nội")
    data = sheet(
        ["Số CCCD", "Năm", "Xếp loại"],
        [members[0].citizen_id, "2024", "HTXS"],
        [members[1].citizen_id, "2024", "HTXS"],
        [members[2].citizen_id, "2024", "HTT"],
        [members[0].citizen_id, "2099", "HTT"],
        [members[0].citizen_id, "2010", "HTT"],
        [stranger.citizen_id, "2024", "HTT"],
        [members[1].citizen_id, "2024", "HTT"],
        [members[2].citizen_id, "2023", "giỏi"],
    )
    outcome = run(data, bg.committee)
    found = messages(outcome)
    assert outcome.invalid == 5 and not outcome.written
    assert "năm chưa đến" in found[0].lower()
    assert "2010" in found[1]
    assert stranger.citizen_id in found[2] and "Người Hà Nội" not in found[2]
    assert "dòng 3" in found[3]
    assert "giỏi" in found[4]
    assert not MemberRating.objects.exists()
    valid = sheet(["Số CCCD", "Năm", "Xếp loại"], *(r for r in [
        [members[0].citizen_id, "2024", "HTXS"], [members[1].citizen_id, "2024", "HTXS"],
        [members[2].citizen_id, "2024", "HTT"]]))  # fmt: skip
    preview = run(valid, bg.committee, dry_run=True)
    assert any("20%" in warning for warning in preview.warnings)
    assert not MemberRating.objects.exists()


def test_organisation_ratings_by_code(bg, hn):
    data = sheet(
        ["Mã tổ chức", "Tên tổ chức", "Năm", "Xếp loại"],
        [bg.cell.code, bg.cell.name, "2024", "HTT"],
        [bg.committee.code, bg.committee.name, "2024", "Hoàn thành tốt nhiệm vụ"],
        [hn.cell.code, hn.cell.name, "2024", "HTT"],
    )
    outcome = run(data, bg.committee)
    assert outcome.invalid == 1 and hn.cell.code in messages(outcome)[0], messages(outcome)
    outcome = run(data, bg.committee, skip_invalid=True)
    assert outcome.summary == "created=2 updated=0 unchanged=0 invalid=1"
    assert OrganizationRating.objects.get(organization=bg.cell, year=2024).level == "good"


def test_the_command_prints_the_summary_last(bg, tmp_path):
    member = MemberFactory(organization=bg.cell)
    path = tmp_path / "xep-loai.csv"
    path.write_bytes(sheet(["CCCD", "Năm", "Xếp loại"], [member.citizen_id, "2024", "HT"]))
    out = io.StringIO()
    call_command("import_ratings", str(path), "--committee", bg.committee.code, stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "created=1 updated=0 unchanged=0 invalid=0"
