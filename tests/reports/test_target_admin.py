"""Targets in the admin, with three people: Bắc Giang's staff enter, copy, split and import
targets; its leader only looks (403 on every change); Hà Nội's staff (the outsider) gets 404 on
Bắc Giang's targets and never sees one in a list or a choice."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.access import SYSTEM
from reports.targets import services
from reports.targets.models import SourceDocument, Target
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def bg_target(bg):
    return services.target_save(
        target=Target(organization=bg.committee, metric="members_admitted", minimum=30,
                      maximum=50, first_year=2025, last_year=2025),
        by=SYSTEM,
    )  # fmt: skip


@pytest.fixture
def hn_target(hn):
    return services.target_save(
        target=Target(organization=hn.committee, metric="unions_founded", minimum=7,
                      first_year=2025, last_year=2025),
        by=SYSTEM,
    )  # fmt: skip


def form_data(organization, **values):
    return {
        "organization": organization.pk,
        "metric": "members_admitted",
        "parameters": "",
        "period_kind": "year",
        "first_year": 2026,
        "last_year": 2026,
        "unit": "count",
        "comparison": "at_least",
        "minimum": "30",
        "maximum": "50",
        "source": "",
        "parent": "",
        "note": "",
        **values,
    }


ADD = reverse("admin:reports_target_add")
LIST = reverse("admin:reports_target_changelist")
COPY = reverse("admin:reports_target_copy_year")
IMPORT = reverse("admin:reports_target_import")


def test_staff_enter_a_target_and_see_the_messages_of_a_bad_one(bg, staff_client):
    response = staff_client.post(ADD, form_data(bg.committee, minimum="50", maximum="30"))
    assert response.status_code == 200
    assert "Mức tối đa (30) thấp hơn mức tối thiểu (50)." in response.content.decode()
    response = staff_client.post(
        ADD, form_data(bg.committee, metric="members_rated_good", unit="percent", minimum="120",
                       maximum=""))  # fmt: skip
    assert "Tỷ lệ không thể vượt quá 100%." in response.content.decode()
    assert not Target.objects.exists()
    response = staff_client.post(ADD, form_data(bg.committee, last_year=""))
    assert response.status_code == 302
    saved = Target.objects.get()
    assert (saved.organization, saved.minimum, saved.maximum) == (bg.committee, 30, 50)
    assert (saved.first_year, saved.last_year) == (2026, 2026)  # a year's last year is itself
    # A term needs its last year.
    response = staff_client.post(
        ADD, form_data(bg.committee, period_kind="term", first_year=2025, last_year="")
    )
    assert response.status_code == 200 and "last_year" in response.context["adminform"].form.errors


def test_the_list_shows_each_committee_its_own(bg_target, hn_target, staff_client, leader_client,
                                               outsider_client):  # fmt: skip
    for client, shown, hidden in (
        (staff_client, bg_target, hn_target),
        (leader_client, bg_target, hn_target),
        (outsider_client, hn_target, bg_target),
    ):
        page = client.get(LIST).content.decode()
        assert shown.organization.name in page and hidden.organization.name not in page
    # Staff get the copy and import links; the leader does not.
    assert COPY in staff_client.get(LIST).content.decode()
    assert COPY not in leader_client.get(LIST).content.decode()


def test_the_leader_looks_and_changes_nothing(bg, bg_target, leader_client):
    change = reverse("admin:reports_target_change", args=[bg_target.pk])
    page = leader_client.get(change)
    assert page.status_code == 200 and 'name="minimum"' not in page.content.decode()
    assert leader_client.post(change, form_data(bg.committee, minimum="1")).status_code == 403
    assert leader_client.post(ADD, form_data(bg.committee)).status_code == 403
    delete = reverse("admin:reports_target_delete", args=[bg_target.pk])
    assert leader_client.post(delete, {"post": "yes"}).status_code == 403
    assert leader_client.post(COPY, {"organization": bg.committee.pk, "year": 2026}
                              ).status_code == 403  # fmt: skip
    assert leader_client.get(IMPORT).status_code == 403
    split = reverse("admin:reports_target_split", args=[bg_target.pk])
    assert leader_client.get(split).status_code == 200  # the parts, to look at
    assert leader_client.post(split, {f"part_{bg.cell.pk}_min": "3"}).status_code == 403
    bg_target.refresh_from_db()
    assert bg_target.minimum == 30 and not bg_target.parts.exists()
    assert Target.objects.count() == 1


def test_the_outsider_gets_404_on_bắc_giangs_targets(bg, bg_target, outsider_client):
    for name in ("change", "delete", "split"):
        url = reverse(f"admin:reports_target_{name}", args=[bg_target.pk])
        assert outsider_client.get(url).status_code == 404, name
        assert outsider_client.post(url, {}).status_code == 404, name
    # Nor can it choose Bắc Giang's committee to add or copy into.
    response = outsider_client.post(ADD, form_data(bg.committee))
    assert response.status_code == 200 and not Target.objects.exclude(pk=bg_target.pk).exists()
    response = outsider_client.post(COPY, {"organization": bg.committee.pk, "year": 2026})
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    assert Target.objects.count() == 1


def test_staff_copy_last_years_targets(bg, bg_target, staff_client):
    response = staff_client.post(COPY, {"organization": bg.committee.pk, "year": 2026})
    assert response.status_code == 302
    copied = Target.objects.get(first_year=2026)
    assert (copied.metric, copied.minimum, copied.maximum) == ("members_admitted", 30, 50)
    page = staff_client.get(response["Location"]).content.decode()
    assert "Đã sao chép 1 chỉ tiêu năm 2025 sang năm 2026" in page
    # The change trail names who copied it; its history page shows it.
    (entry,) = copied.history.all()
    assert (entry.history_type, entry.history_user.username) == ("+", "bg-canbo")
    history = staff_client.get(reverse("admin:reports_target_history", args=[copied.pk]))
    assert "Tạo mới" in history.content.decode() and "bg-canbo" in history.content.decode()


def test_staff_split_a_target_and_are_warned_of_a_shortfall(bg, bg_target, staff_client):
    split = reverse("admin:reports_target_split", args=[bg_target.pk])
    page = staff_client.get(split).content.decode()
    assert bg.cell.name in page
    response = staff_client.post(split, {f"part_{bg.cell.pk}_min": "20"}, follow=True)
    page = response.content.decode()
    assert "còn thiếu 10 so với chỉ tiêu chung 30" in page
    part = bg_target.parts.get()
    assert (part.organization, part.minimum) == (bg.cell, 20)
    # The target's page shows its parts and the warning.
    change = staff_client.get(reverse("admin:reports_target_change", args=[bg_target.pk]))
    assert "còn thiếu 10" in change.content.decode()


def test_staff_import_a_sheet_after_its_preview(bg, staff_client):
    sheet = (
        "Mã tổ chức,Chỉ tiêu,Thời gian,Tối thiểu,Tối đa,Số văn bản,Ngày ban hành,"
        "Cơ quan ban hành,Trích yếu\n"
        "BG-KCN,Kết nạp đảng viên,2026,30,50,09-NQ/ĐU,15/01/2026,Đảng ủy Các KCN,Nghị quyết\n"
        "BG-KCN,unions_founded,2026,abc,,,,,\n"
    ).encode()
    upload = SimpleUploadedFile("chitieu.csv", sheet, content_type="text/csv")
    response = staff_client.post(IMPORT, {"import_file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and "“abc” không phải là số." in page
    assert not Target.objects.exists()  # a preview writes nothing
    token = response.context["token"]
    response = staff_client.post(IMPORT, {"token": token, "skip_invalid": "on"}, follow=True)
    assert "created=1 updated=0 unchanged=0 invalid=1" in response.content.decode()
    assert Target.objects.get().source == SourceDocument.objects.get(number="09-NQ/ĐU")
    # The preview is used once.
    assert staff_client.post(IMPORT, {"token": token}).status_code == 404


def test_the_outsider_imports_nothing_into_bắc_giang(bg, outsider_client):
    sheet = "Mã tổ chức,Chỉ tiêu,Thời gian,Tối thiểu\nBG-KCN,members_admitted,2026,30\n".encode()
    upload = SimpleUploadedFile("chitieu.csv", sheet, content_type="text/csv")
    response = outsider_client.post(IMPORT, {"import_file": upload})
    assert "Không có tổ chức mã BG-KCN trong đảng bộ của bạn." in response.content.decode()
    response = outsider_client.post(IMPORT, {"token": response.context["token"]}, follow=True)
    assert not Target.objects.exists()


def test_documents_are_scoped_like_targets(bg, hn, staff_client, leader_client, outsider_client):
    document = SourceDocument.objects.create(
        organization=bg.committee, number="09-NQ/ĐU", issued_on=D(2025, 1, 15),
        issuer="Đảng ủy Các KCN", title="Nghị quyết")  # fmt: skip
    url = reverse("admin:reports_sourcedocument_change", args=[document.pk])
    assert staff_client.get(url).status_code == 200
    assert leader_client.get(url).status_code == 200
    assert outsider_client.get(url).status_code == 404


def test_a_staff_member_of_a_cell_sees_only_its_own_part(bg, bg_target):
    from organizations.access import Role
    from tests.conftest import account

    services.target_split(target=bg_target, parts=[(bg.cell, Decimal(20), None)], by=SYSTEM)
    cell_staff = client_for(account(bg.cell, Role.STAFF, "bg-cb01"))
    page = cell_staff.get(LIST).content.decode()
    assert page.count(f'href="/admin/reports/target/{bg_target.pk}/change/') == 0
    assert cell_staff.get(reverse("admin:reports_target_change", args=[bg_target.pk])
                         ).status_code == 404  # fmt: skip
