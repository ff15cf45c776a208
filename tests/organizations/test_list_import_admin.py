"""The organisation and mass organisation lists in the admin (issue 12, points 1, 2, 5, 6):
"Nhập" with a preview, the file of invalid rows, confirm and cancel; "Tải tệp mẫu"; "Xuất" in
the same columns, which imports back unchanged; the record of each import on its records'
pages; the three people; and the commands with their last line."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django import forms
from django.core.management import call_command
from openpyxl import load_workbook

from organizations import access
from organizations.models import (
    EnterpriseLink,
    ListImport,
    MassOrganization,
    MembershipCount,
    OrganizationKind,
    PartyOrganization,
)
from tests.conftest import client_for
from tests.factories import PartyOrganizationFactory, UserFactory
from tests.organizations.list_helpers import import_mass, import_orgs, mass_csv, org_row, orgs_csv

pytestmark = pytest.mark.django_db

ORG = "/admin/organizations/partyorganization/"
MASS = "/admin/organizations/massorganization/"


def upload(client, base, data: bytes, name="to-chuc.csv", **fields):
    file = io.BytesIO(data)
    file.name = name
    return client.post(f"{base}import/", {"import_file": file, **fields})


def counts_of(content: str) -> list[str]:
    table = content.split('id="import-counts"')[1].split("</table>")[0]
    return [cell.split(">")[1].split("<")[0] for cell in table.split("<td")[1:]]


GOOD = org_row(1, "BG-A1", "Chi bộ Công ty A")
BAD = org_row(2, "BG-A2", "Chi bộ sai chỗ", parent="BG-CB01")


def test_staff_preview_errors_file_then_fixed_file_confirmed(bg, staff, staff_client):
    response = upload(staff_client, ORG, orgs_csv([GOOD, BAD]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Xem trước: chưa ghi gì vào hệ thống" in content
    assert counts_of(content) == ["1", "0", "0", "1"]
    assert '<td class="line">3</td><td>Mã tổ chức cấp trên</td>' in content
    assert not PartyOrganization.objects.filter(code="BG-A1").exists()  # a preview writes nothing

    errors = staff_client.get(response.context["errors_url"])
    lines = list(csv.reader(io.StringIO(errors.getvalue().decode("utf-8-sig"))))
    assert lines[0][1] == "Mã tổ chức" and lines[0][-1] == "Lỗi"
    assert [line[1] for line in lines[1:]] == ["BG-A2"]
    assert lines[1][-1].startswith("Dòng 3, Mã tổ chức cấp trên:")

    fixed = [*BAD[:4], "BG-KCN", *BAD[5:]]
    response = upload(staff_client, ORG, orgs_csv([GOOD, fixed]))
    assert counts_of(response.content.decode()) == ["2", "0", "0", "0"]
    token = response.context["token"]
    confirmed = staff_client.post(f"{ORG}process_import/", {"token": token})
    record = ListImport.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/admin/organizations/listimport/{record.pk}/change/"
    assert (record.imported_by, record.created, record.organization) == (staff, 2, bg.committee)
    cell = PartyOrganization.objects.get(code="BG-A2")
    assert cell.parent == bg.committee and cell.created_by_import == record

    page = staff_client.get(f"{ORG}{cell.pk}/change/").content.decode()
    assert f'href="/admin/organizations/listimport/{record.pk}/change/"' in page


def test_confirming_the_valid_rows_and_cancelling(bg, staff_client):
    response = upload(staff_client, ORG, orgs_csv([GOOD, BAD]))
    confirmed = staff_client.post(
        f"{ORG}process_import/", {"token": response.context["token"], "skip_invalid": "on"}
    )
    assert confirmed.status_code == 302
    assert PartyOrganization.objects.filter(code="BG-A1").exists()
    assert not PartyOrganization.objects.filter(code="BG-A2").exists()
    response = upload(staff_client, ORG, orgs_csv([org_row(1, "BG-A3", "Chi bộ A3")]))
    token = response.context["token"]
    assert staff_client.post(f"{ORG}import/cancel/{token}/").status_code == 302
    assert staff_client.post(f"{ORG}process_import/", {"token": token}).status_code == 404
    assert not PartyOrganization.objects.filter(code="BG-A3").exists()


@pytest.mark.parametrize("base", [ORG, MASS])
def test_three_people_on_the_import_pages(base, bg, staff_client, leader_client, outsider_client):
    assert staff_client.get(f"{base}import/").status_code == 200
    assert staff_client.get(f"{base}import/sample/").status_code == 200
    assert leader_client.get(f"{base}import/").status_code == 403
    assert leader_client.get(f"{base}import/sample/").status_code == 403
    listing = leader_client.get(base).content.decode()
    assert f"{base}import/" not in listing
    assert f"{base}import/" in staff_client.get(base).content.decode()
    # The outsider imports into its own committee only; a preview of Bắc Giang's file names
    # nothing of Bắc Giang.
    if base == ORG:
        response = upload(outsider_client, ORG, orgs_csv([org_row(1, "BG-CB01", "Đổi tên")]))
        assert counts_of(response.content.decode()) == ["0", "0", "0", "1"]
        token = response.context["token"]
        assert staff_client.get(f"{ORG}import/errors/{token}/").status_code == 404


def test_the_record_is_404_to_an_outsider_and_read_only_to_a_leader(
    bg, staff, leader_client, outsider_client
):
    record = import_orgs(orgs_csv([GOOD]), by=staff).record
    url = f"/admin/organizations/listimport/{record.pk}/change/"
    assert leader_client.get(url).status_code == 200
    assert outsider_client.get(url).status_code == 404
    cell = PartyOrganization.objects.get(code="BG-A1")
    page = leader_client.get(f"{ORG}{cell.pk}/change/").content.decode()
    assert f'href="{url}"' in page
    # A record page that names an import the account may not open shows it without a link.
    spanning = import_orgs(orgs_csv([org_row(1, "BG-A1", "Chi bộ A đổi tên")]),
                           by=access.SYSTEM).record  # fmt: skip
    assert spanning.organization is None
    page = leader_client.get(f"{ORG}{cell.pk}/change/").content.decode()
    assert f"#{spanning.pk} to-chuc.csv" in page


def test_sample_workbook_has_headers_an_example_and_allowed_values(bg, staff_client):
    response = staff_client.get(f"{ORG}import/sample/")
    book = load_workbook(io.BytesIO(response.content))
    sheet, values = book.worksheets
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Mã", "Tên", "Loại", "Mã tổ chức cấp trên")
    assert rows[1][0] == "BG-KCN-CB09" and rows[1][4] == "15/03/2024"
    assert sheet["A2"].number_format == "@"
    allowed = [cell for column in values.iter_cols(values_only=True) for cell in column]
    assert "Chi bộ cơ sở" in allowed and "Giải thể" in allowed
    # The sample, filled in as it is, is read: only its made-up enterprises are unknown here.
    outcome = import_orgs(response.content, dry_run=True)
    assert outcome.invalid == 1
    [invalid] = outcome.invalid_lines
    assert [column for column, _message in invalid.errors] == ["MST doanh nghiệp phục vụ"]


def export(client, base, fmt="csv"):
    url = f"{base}export/"
    form = client.get(url).context["form"]
    columns = {
        name: "on" for name, field in form.fields.items() if isinstance(field, forms.BooleanField)
    }
    choice = next(value for value, label in form.fields["format"].choices if label == fmt)
    return client.post(url, {"format": choice, "resource": "0", **columns}).content


def _world_records():
    orgs = sorted(
        PartyOrganization.objects.values_list(
            "code", "name", "kind", "parent__code", "founded_on", "founding_decision_no",
            "founding_body", "founding_members", "founding_reason", "chosen_unit_type",
            "ended_on", "end_reason",
        )
    )  # fmt: skip
    links = sorted(
        EnterpriseLink.objects.current().values_list("organization__code", "enterprise__tax_code")
    )
    mass = sorted(
        MassOrganization.objects.values_list(
            "enterprise__tax_code", "kind", "name", "founded_on", "founding_decision_no",
            "founding_members", "ended_on", "end_decision_no",
        )
    )  # fmt: skip
    return orgs, links, mass


def _richer(world):
    """A committee with a grassroots committee, its subordinate cell, a joint cell, an ended
    cell and counts, as the demo's are."""
    grassroots = PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_COMMITTEE, parent=world.committee, code="BG-DB01",
        name="Đảng bộ Công ty B", founded_on=datetime.date(2016, 1, 5), founding_members=31,
        founding_decision_no="7-QĐ/ĐU",
    )  # fmt: skip
    PartyOrganizationFactory(
        kind=OrganizationKind.SUBORDINATE_CELL, parent=grassroots, code="=BG-TT01",
        name="Chi bộ phân xưởng 1", founded_on=datetime.date(2016, 2, 1),
    )  # fmt: skip
    PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_CELL, parent=world.committee, code="BG-CB02",
        name="Chi bộ đã giải thể", founded_on=datetime.date(2015, 1, 1),
        ended_on=datetime.date(2019, 6, 30), end_reason="dissolved",
    )  # fmt: skip
    MembershipCount.objects.create(
        organization=world.mass, counted_on=datetime.date(2025, 12, 31), members=1260, recruited=85
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_imports_back_unchanged(fmt, bg, staff_client):
    _richer(bg)
    for base, run in ((ORG, import_orgs), (MASS, import_mass)):
        data = export(staff_client, base, fmt)
        outcome = run(data, dry_run=True)
        assert outcome.rows and outcome.unchanged == outcome.rows, (
            base,
            [(i.line, i.errors) for i in outcome.invalid_lines],
            [(c.line, c.changes) for c in outcome.changed_lines],
        )


def test_round_trip_into_an_empty_database(bg):
    """Export a committee's lists, remove every record of the tree below the committee (its
    zones hang on it) and every union, import the files as the command would into the
    database left: the same records come back, the committee and its province unchanged."""
    _richer(bg)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = client_for(superuser)
    organizations, unions = export(client, ORG, "xlsx"), export(client, MASS, "xlsx")
    before = _world_records()
    MembershipCount.objects.all().delete()
    MassOrganization.objects.all().delete()
    EnterpriseLink.objects.all().delete()
    for organization in PartyOrganization.objects.filter(depth__gt=1).order_by("-depth"):
        organization.delete()
    assert PartyOrganization.objects.count() == 2
    first = import_orgs(organizations)
    assert first.written and not first.invalid, [(i.line, i.errors) for i in first.invalid_lines]
    assert (first.created, first.unchanged) == (4, 2)
    second = import_mass(unions)
    assert second.written and not second.invalid, [(i.line, i.errors) for i in second.invalid_lines]
    assert _world_records() == before
    assert MembershipCount.objects.get().members == 1260


def test_the_commands_last_lines(bg, tmp_path, capsys):
    path = tmp_path / "to-chuc.csv"
    path.write_bytes(orgs_csv([org_row(1, "BG-K1", "Chi bộ K1", parent="")]))
    call_command("import_organizations", str(path), "--under", "BG-KCN", "--dry-run")
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "created=1 updated=0 unchanged=0 invalid=0"
    call_command("import_organizations", str(path), "--under", "BG-KCN")
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "created=1 updated=0 unchanged=0 invalid=0"
    )
    assert PartyOrganization.objects.get(code="BG-K1").parent == bg.committee
    assert ListImport.objects.get().channel == "command"
    unions = tmp_path / "doan-the.csv"
    unions.write_bytes(mass_csv([["1", bg.enterprise.tax_code, "CĐCS", "Công đoàn K", "01/01/2020",
                                  "", "", ""]]))  # fmt: skip
    call_command("import_mass_organizations", str(unions))
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "created=1 updated=0 unchanged=0 invalid=0"
    )


def test_the_command_with_invalid_rows_writes_nothing_and_exits_1(bg, tmp_path, capsys):
    path = tmp_path / "to-chuc.csv"
    path.write_bytes(orgs_csv([GOOD, BAD]))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_organizations", str(path))
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines()[-1] == "created=1 updated=0 unchanged=0 invalid=1"
    assert "Mã tổ chức cấp trên" in captured.err
    assert not PartyOrganization.objects.filter(code="BG-A1").exists()


def test_the_command_as_a_leader_is_refused(bg, leader, tmp_path):
    from django.core.management import CommandError

    path = tmp_path / "to-chuc.csv"
    path.write_bytes(orgs_csv([GOOD]))
    with pytest.raises(CommandError):
        call_command("import_organizations", str(path), "--user", leader.username)
