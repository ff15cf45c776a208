"""The member register's and the ratings' "Nhập", "Tải tệp mẫu" and "Xuất" in the admin, with
the three people: staff import, a leader only looks (403), an outsider gets 404."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member, MemberRating
from organizations.models import ListImport
from tests.factories import MemberFactory
from tests.members.imports.helpers import register, row

pytestmark = pytest.mark.django_db

IMPORT = "admin:members_member_list_import"


def upload(client, data, name="dang-vien.csv", url=IMPORT):
    return client.post(reverse(url), {"import_file": SimpleUploadedFile(name, data)})


def test_staff_preview_then_confirm(staff_client, bg):
    response = upload(staff_client, register(row()))
    assert response.status_code == 200
    assert not Member.objects.exists()  # a preview writes nothing
    outcome = response.context["outcome"]
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=0"
    confirmed = staff_client.post(reverse(IMPORT), {"token": response.context["token"]})
    record = ListImport.objects.get()
    assert confirmed.url == reverse("admin:organizations_listimport_change", args=[record.pk])
    member = Member.objects.get()
    page = staff_client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert f"#{record.pk} dang-vien.csv" in page.content.decode()


def test_invalid_rows_download_and_cancel(staff_client, bg):
    bad = row(**{"Ngày chính thức": "01/06/2018"})
    response = upload(staff_client, register(row(**{"Số CCCD": "024085000111"}), bad))
    token = response.context["token"]
    assert response.context["outcome"].invalid == 1
    errors = staff_client.get(reverse("admin:members_member_list_import_errors", args=[token]))
    text = b"".join(errors.streaming_content).decode("utf-8-sig")
    assert "Lê Văn Tám" in text and "12 tháng" in text
    assert (
        staff_client.post(
            reverse("admin:members_member_list_import_cancel", args=[token])
        ).status_code
        == 302
    )
    assert staff_client.post(reverse(IMPORT), {"token": token}).status_code == 404
    assert not Member.objects.exists()


def test_a_leader_looks_and_may_not_import(leader_client, bg):
    assert leader_client.get(reverse("admin:members_member_changelist")).status_code == 200
    assert leader_client.get(reverse(IMPORT)).status_code == 403
    assert upload(leader_client, register(row())).status_code == 403
    assert leader_client.get(reverse("admin:members_memberrating_list_import")).status_code == 403
    assert leader_client.get(reverse("admin:members_member_list_template")).status_code == 200
    assert not Member.objects.exists()


def test_an_outsider_finds_nothing_of_another_committee(outsider_client, staff_client, bg, hn):
    preview = upload(staff_client, register(row()))
    token = preview.context["token"]
    # Another committee's preview, its invalid rows and its confirmation do not exist for it.
    assert outsider_client.post(reverse(IMPORT), {"token": token}).status_code == 404
    assert (
        outsider_client.get(
            reverse("admin:members_member_list_import_errors", args=[token])
        ).status_code
        == 404
    )
    # A register naming Bắc Giang's cell is a row error in its own committee.
    response = upload(outsider_client, register(row()))
    assert response.context["outcome"].invalid == 1
    assert "BG-CB01" in response.context["outcome"].invalid_lines[0].errors[0][1]
    member = MemberFactory(organization=bg.cell)
    assert outsider_client.get(
        reverse("admin:members_member_change", args=[member.pk])
    ).status_code in (302, 404)
    export = outsider_client.get(reverse("admin:members_member_list_export", args=["csv"]))
    assert member.full_name not in export.content.decode("utf-8-sig")


def test_the_template_has_headers_an_example_and_the_allowed_values(staff_client, bg):
    response = staff_client.get(reverse("admin:members_member_list_template"))
    book = load_workbook(io.BytesIO(response.content))
    first, allowed = book.worksheets
    header = [c.value for c in first[1]]
    assert header[:3] == ["Họ và tên", "Ngày sinh", "Giới tính"]
    example = [c.value for c in first[2]]
    assert example[4] == "024090000123" and example[1] == "15/04/1990"
    assert first.cell(2, 5).number_format == "@"
    values = [c.value for column in allowed.columns for c in column]
    assert "Nữ" in values and "Chủ doanh nghiệp" in values
    assert any(str(v).startswith(bg.cell.code) for v in values if v)
    for url in ("admin:members_memberrating_list_template",
                "admin:members_organizationrating_list_template"):  # fmt: skip
        book = load_workbook(io.BytesIO(staff_client.get(reverse(url)).content))
        assert "HTXS" in [c.value for column in book.worksheets[1].columns for c in column]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_then_import_reports_everything_unchanged(staff_client, bg, file_format):
    MemberFactory(organization=bg.cell, full_name="=Công thức", card_number="00123456")
    MemberFactory(organization=bg.cell, full_name="Nguyễn Thị Hoa", citizen_id="001190000007",
                  sex="female")  # fmt: skip
    export = staff_client.get(
        reverse("admin:members_member_list_export", args=[file_format]) + "?presence=all"
    )
    assert export.status_code == 200
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
        cells = {c.value for r in sheet.iter_rows() for c in r}
        assert {"001190000007", "00123456", "'=Công thức", "17/05/1990"} <= cells
    response = upload(staff_client, export.content, name=f"so-dang-vien.{file_format}")
    assert response.context["outcome"].summary == "created=0 updated=0 unchanged=2 invalid=0"


def test_ratings_export_then_import_unchanged(staff_client, bg):
    member = MemberFactory(organization=bg.cell)
    MemberRating.objects.create(member=member, year=2024, level="good", organization=bg.cell)
    export = staff_client.get(reverse("admin:members_memberrating_list_export", args=["xlsx"]))
    response = upload(
        staff_client, export.content, "xep-loai.xlsx", "admin:members_memberrating_list_import"
    )
    assert response.context["outcome"].summary == "created=0 updated=0 unchanged=1 invalid=0"
