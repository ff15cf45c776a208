"""Importing in the admin as staff do: upload, preview (nothing written), download the invalid
rows, confirm; the record of each import and the enterprises a list no longer names."""

import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError

from organizations.imports import writing
from organizations.models import Enterprise, EnterpriseImport, EnterpriseStatus, WorkforceSnapshot
from tests.conftest import client_for
from tests.organizations.import_helpers import (
    HEADERS,
    SAMPLE,
    code,
    csv_bytes,
    row,
    run_import,
    sample_zones,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/organizations/enterprise/import/"
CONFIRM_URL = "/admin/organizations/enterprise/process_import/"


def upload(client, data: bytes, name="danh-sach.csv", **fields):
    file = io.BytesIO(data)
    file.name = name
    return client.post(IMPORT_URL, {"import_file": file, "counted_on": "30/06/2025", **fields})


def three(zone_name):
    return [
        row(1, code(501), "Công ty TNHH Một", zone_name, "TNHH", "120"),
        row(2, code(502), "Công ty Cổ phần Hai", zone_name, "Cổ phần", "1.260"),
        row(3, code(503), "Công ty TNHH Ba", zone_name, "FDI", "45"),
    ]


def counts_of(content: str) -> list[str]:
    table = content.split('id="import-counts"')[1].split("</table>")[0]
    return [cell.split(">")[1].split("<")[0] for cell in table.split("<td")[1:]]


def test_staff_previews_the_sample_downloads_the_errors_and_confirms(bg, staff_client):
    sample_zones(bg.committee)
    before = Enterprise.objects.count()

    response = upload(staff_client, SAMPLE.read_bytes(), SAMPLE.name)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Xem trước: chưa ghi gì vào hệ thống" in content
    assert counts_of(content) == ["400", "0", "0", "4"]
    for line, column, message in [
        (12, "Mã số thuế", "Mã số thuế 2454773693 sai chữ số kiểm tra"),
        (22, "Mã số thuế", "Mã số thuế 2472253914 đã có ở dòng 5 của tệp này."),
        (32, "Tên doanh nghiệp", "Thiếu tên doanh nghiệp."),
        (42, "Số lao động", "Số lao động không được âm (-15)."),
    ]:
        assert f'<td class="line">{line}</td><td>{column}</td><td>{message}' in content
    assert Enterprise.objects.count() == before  # a preview writes nothing

    errors = staff_client.get(response.context["errors_url"])
    assert errors["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="enterprises-bac-giang-2024-loi.csv"' in errors["Content-Disposition"]
    content = errors.getvalue()  # streamed from the preview's file
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["STT", "Mã số thuế", "Tên doanh nghiệp"] and lines[0][-1] == "Lỗi"
    assert [line[1] for line in lines[1:]] == [
        "2454773693",
        "2472253914",
        "2460918392",
        "2435946043",
    ]
    assert lines[4][-1] == "Dòng 42, Số lao động: Số lao động không được âm (-15)."

    confirmed = staff_client.post(
        CONFIRM_URL, {"token": response.context["token"], "skip_invalid": "on"}
    )
    record = EnterpriseImport.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/admin/organizations/enterpriseimport/{record.pk}/change/"
    assert (record.created, record.invalid) == (400, 4)
    page = staff_client.get(confirmed["Location"]).content.decode()
    assert "Đã nhập xong: 400 mới, 0 thay đổi, 0 không đổi, bỏ qua 4 dòng không hợp lệ." in page
    assert "KCN Hòa Phú" in page and record.sha256 in page

    enterprise = Enterprise.objects.get(tax_code="2448375686")
    page = staff_client.get(f"/admin/organizations/enterprise/{enterprise.pk}/change/")
    assert f"#{record.pk} {SAMPLE.name}" in page.content.decode()
    # The token is spent: confirming twice does not import twice.
    again = staff_client.post(CONFIRM_URL, {"token": response.context["token"]})
    assert again.status_code == 404
    assert EnterpriseImport.objects.count() == 1


def test_preview_shows_changes_restored_zeros_and_what_is_not_in_the_list(hn, outsider):
    client = client_for(outsider)
    rows = [
        row(1, "100233488", "Công ty TNHH Hà Nội Một", hn.zone.name, "TNHH", "10"),
        row(2, code(601, "01"), "Công ty TNHH Hà Nội Hai", hn.zone.name, "TNHH", "20"),
    ]
    run_import(csv_bytes(rows), user=outsider)
    rows[0][2] = "Công ty TNHH Hà Nội Một Thành Viên"
    rows[0][5] = "1.260"

    response = upload(client, csv_bytes(rows[:1]))
    content = response.content.decode()
    assert counts_of(content) == ["0", "1", "0", "0"]
    assert '<td class="old">Công ty TNHH Hà Nội Một</td>' in content
    assert '<td class="new">Công ty TNHH Hà Nội Một Thành Viên</td>' in content
    assert '<td class="old">10</td><td class="new">1.260</td>' in content
    assert "<td>100233488</td><td>0100233488</td>" in content  # restored zero
    section = content.split('id="not-in-list"')[1]
    assert "Không có trong danh sách này: 2 doanh nghiệp" in section
    assert hn.enterprise.name in section and "Công ty TNHH Hà Nội Hai" in section
    assert 'id="download-errors"' not in content
    assert 'value="Xác nhận nhập"' in content


def test_a_file_that_cannot_be_read_is_refused_on_the_form(bg, staff_client):
    tcvn3 = [row(1, code(701), "C«ng ty TNHH §iÖn tö", "KCN Th¨ng Long", "TNHH"),
             row(2, code(702), "C«ng ty Cæ phÇn Hai", "KCN Th¨ng Long", "Cæ phÇn")]  # fmt: skip
    response = upload(staff_client, csv_bytes(tcvn3))
    assert response.status_code == 200
    form_errors = response.context["form"].errors["import_file"]
    assert "phông chữ tiếng Việt cũ" in form_errors[0]
    assert "import-preview" not in response.content.decode()


def test_the_fixed_file_of_invalid_rows_imports_as_it_is(bg, staff_client):
    rows = three(bg.zone.name)
    rows[1][5] = "-4"
    response = upload(staff_client, csv_bytes(rows))
    errors = staff_client.get(response.context["errors_url"]).getvalue().decode("utf-8-sig")
    fixed = errors.replace(",-4,", ",4,")

    response = upload(staff_client, fixed.encode("utf-8-sig"), "danh-sach-loi.csv")
    assert counts_of(response.content.decode()) == ["1", "0", "0", "0"]
    staff_client.post(CONFIRM_URL, {"token": response.context["token"]})
    assert Enterprise.objects.get(tax_code=code(502)).workforce.get().workers == 4


def test_a_database_error_on_confirm_writes_nothing_and_says_so(bg, staff_client, monkeypatch):
    response = upload(staff_client, csv_bytes(three(bg.zone.name)))

    def broken(self, enterprises, *args):
        raise DatabaseError("disk full")

    monkeypatch.setattr(writing.BatchWriter, "_enterprise_rows", broken)
    confirmed = staff_client.post(CONFIRM_URL, {"token": response.context["token"]}, follow=True)
    assert "Nhập không thành công do lỗi cơ sở dữ liệu: chưa có gì được ghi." in (
        confirmed.content.decode()
    )
    assert not Enterprise.objects.filter(tax_code=code(501)).exists()
    assert not EnterpriseImport.objects.exists()


def test_enterprises_not_in_the_list_are_marked_from_the_record(bg, staff_client):
    outcome = run_import(csv_bytes(three(bg.zone.name)[:1]), user=bg_staff(bg))
    record_page = staff_client.get(
        f"/admin/organizations/enterpriseimport/{outcome.record.pk}/change/"
    ).content.decode()
    link = f"/admin/organizations/enterprise/?not_in_import={outcome.record.pk}"
    assert link in record_page
    listing = staff_client.get(link).content.decode()
    assert bg.enterprise.name in listing and "Công ty TNHH Một" not in listing

    response = staff_client.post(
        link,
        {"action": "mark_suspended", "_selected_action": [bg.enterprise.pk]},
    )
    assert response.status_code == 302
    bg.enterprise.refresh_from_db()
    assert bg.enterprise.status == EnterpriseStatus.SUSPENDED
    assert Enterprise.objects.filter(pk=bg.enterprise.pk).exists()  # never deleted


def bg_staff(bg):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="bg-canbo")


def test_upload_form_offers_only_the_accounts_zones(bg, hn, staff_client):
    form = staff_client.get(IMPORT_URL).context["form"]
    assert list(form.fields["zone"].queryset) == [bg.zone]
    assert "create_zones" in form.fields


def test_a_zone_of_another_committee_cannot_be_forced(bg, hn, staff_client):
    headers = ["MST", "Tên DN", "Loại hình"]
    data = csv_bytes([[code(801), "Công ty TNHH X", "TNHH"]], headers)
    response = upload(staff_client, data, zone=hn.zone.pk)
    assert "zone" in response.context["form"].errors
    assert not Enterprise.objects.filter(tax_code=code(801)).exists()


# --- Pinned queries ---------------------------------------------------------------------------

PAGES = {
    "/admin/organizations/enterpriseimport/": 11,
    "/admin/organizations/enterpriseimport/{record}/change/": 8,
    "/admin/organizations/enterprise/import/": 6,
}


@pytest.mark.parametrize(("template", "queries"), PAGES.items())
def test_import_pages_render_in_pinned_queries(
    template, queries, bg, hn, staff, outsider, django_assert_num_queries
):
    def grow(n):
        for k in range(n):
            rows = [row(1, code(900 + k), f"Công ty TNHH Thêm {k}", bg.zone.name, "TNHH")]
            outcome = run_import(csv_bytes(rows), user=staff, file_name=f"them-{k}.csv")
            run_import(csv_bytes([row(1, code(950 + k, "01"), "Công ty HN", hn.zone.name,
                                      "TNHH")]), user=outsider)  # fmt: skip
        return outcome.record

    record = grow(1)
    for step in ("as is", "with more rows"):
        if step == "with more rows":
            grow(6)
        client = client_for(staff)
        ContentType.objects.clear_cache()
        with django_assert_num_queries(queries):
            response = client.get(template.format(record=record.pk))
        assert response.status_code == 200


def test_worker_history_is_kept_across_imports_in_the_admin(bg, staff_client):
    first = upload(staff_client, csv_bytes(three(bg.zone.name)))
    staff_client.post(CONFIRM_URL, {"token": first.context["token"]})
    rows = three(bg.zone.name)
    rows[0][5] = "150"
    second = staff_client.post(
        IMPORT_URL,
        {
            "import_file": _file(csv_bytes(rows)),
            "counted_on": "31/12/2025",
        },
    )
    assert counts_of(second.content.decode()) == ["0", "1", "2", "0"]
    staff_client.post(CONFIRM_URL, {"token": second.context["token"]})
    history = WorkforceSnapshot.objects.filter(enterprise__tax_code=code(501))
    assert sorted(history.values_list("workers", flat=True)) == [120, 150]


def _file(data):
    file = io.BytesIO(data)
    file.name = "danh-sach.csv"
    return file


def test_headers_of_the_preview_form_are_known_columns(bg, staff_client):
    content = staff_client.get(IMPORT_URL).content.decode()
    assert "viết tắt như MST, Tên DN, KCN" in content and "Mã số thuế (MST)" in content
    assert HEADERS[1] == "Mã số thuế"


def test_the_file_of_invalid_rows_keeps_a_vietnamese_file_name(bg, staff_client):
    rows = [row(1, "123", "Công ty TNHH Lỗi", bg.zone.name, "TNHH")]
    response = upload(staff_client, csv_bytes(rows), "Danh sách KCN Đình Trám.csv")
    errors = staff_client.get(response.context["errors_url"])
    assert errors["Content-Disposition"] == (
        "attachment; filename*=utf-8''Danh%20s%C3%A1ch%20KCN%20%C4%90%C3%ACnh%20Tr%C3%A1m-loi.csv"
    )
