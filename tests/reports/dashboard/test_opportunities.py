"""Where to work next: large enterprises with a union but no party organisation, enterprises
where our members work without an organisation of their own, and members working in the
zones' enterprises but counted elsewhere; each with its counts and an export."""

import csv
import datetime
import io

import pytest
from django.test.utils import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member
from organizations.models import EnterpriseStatus, MassKind
from reports import selectors
from tests.factories import (
    EnterpriseFactory,
    MassOrganizationFactory,
    MemberFactory,
    WorkforceSnapshotFactory,
)

PAGE = reverse("reports:opportunities")
D = datetime.date


def enterprise(zone, name, workers, *, union=True, status=EnterpriseStatus.ACTIVE):
    made = EnterpriseFactory(zone=zone, name=name, status=status)
    WorkforceSnapshotFactory(enterprise=made, counted_on=D(2025, 6, 30), workers=workers)
    if union:
        MassOrganizationFactory(enterprise=made, kind=MassKind.TRADE_UNION)
    return made


@pytest.fixture
def zone_records(bg, hn):
    zone = bg.zone
    made = {
        "large": enterprise(zone, "Công ty TNHH May Lớn", 1200),
        "at_threshold": enterprise(zone, "Công ty TNHH Đúng 300", 300),
        "small": enterprise(zone, "Công ty TNHH Nhỏ", 299),
        "no_union": enterprise(zone, "Công ty TNHH Chưa Công Đoàn", 900, union=False),
        "closed": enterprise(zone, "Công ty TNHH Đã Giải Thể", 900, status="closed"),
        "other_zone": enterprise(hn.zone, "Công ty TNHH Hà Nội Lớn", 5000),
    }
    # Two of our members work at the large enterprise, one at the one of 300; one works at
    # the enterprise our cell serves (not an opportunity).
    for employer in (made["large"], made["large"], made["at_threshold"], bg.enterprise):
        MemberFactory(organization=bg.cell, enterprise=employer)
    # Three Hà Nội members work in Bắc Giang's zone: recorded there before the rule that an
    # employer lies in the committee's zones (as data carried over may be).
    for _ in range(3):
        member = MemberFactory(organization=hn.cell)
        Member.objects.filter(pk=member.pk).update(enterprise=made["large"])
    return made


@pytest.mark.django_db
def test_large_enterprises_with_a_union_and_no_party_organisation(zone_records, bg):
    found = list(selectors.large_without_party(bg.committee, min_workers=300))
    assert [e.name for e in found] == ["Công ty TNHH May Lớn", "Công ty TNHH Đúng 300"]
    assert found[0].latest_workers == 1200
    # The enterprise our cell serves (1.260 workers, a union) is not listed.
    found = list(selectors.large_without_party(bg.committee, min_workers=1000))
    assert [e.name for e in found] == ["Công ty TNHH May Lớn"]


@pytest.mark.django_db
def test_enterprises_where_members_work_without_an_organisation(zone_records, bg):
    rows = selectors.employers_without_organization(bg.committee)
    assert [(row.name, row.members) for row in rows] == [
        ("Công ty TNHH May Lớn", 2),
        ("Công ty TNHH Đúng 300", 1),
    ]


@pytest.mark.django_db
def test_members_counted_elsewhere_by_enterprise_and_organisation(zone_records, bg, hn):
    rows = selectors.counted_elsewhere(bg.committee)
    assert [(row.name, row.counted_in, row.members) for row in rows] == [
        ("Công ty TNHH May Lớn", hn.cell.name, 3)
    ]
    # Seen from Hà Nội, none of theirs is in their own zones' enterprises.
    assert selectors.counted_elsewhere(hn.committee) == []


@pytest.mark.django_db
def test_the_page_lists_each_with_its_counts(zone_records, leader_client):
    response = leader_client.get(f"{PAGE}?org=BG-KCN")
    assert response.status_code == 200
    assert response.context["totals"] == {"large": 2, "employers": 3, "elsewhere": 3}
    page = response.content.decode()
    assert "Doanh nghiệp đang hoạt động có từ 300 lao động trở lên" in page
    assert "Công ty TNHH Hà Nội Lớn" not in page
    assert "(3 đảng viên)" in page


@pytest.mark.django_db
def test_the_size_is_configurable(zone_records, leader_client):
    response = leader_client.get(f"{PAGE}?org=BG-KCN&min_workers=1000")
    assert response.context["totals"]["large"] == 1
    with override_settings(REPORTS={"OPPORTUNITY_MIN_WORKERS": 200}):
        response = leader_client.get(f"{PAGE}?org=BG-KCN")
    assert response.context["min_workers"] == 200
    assert response.context["totals"]["large"] == 3  # the one of 299 too


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["abc", "0", "-5", "2000000"])
def test_a_bad_size_is_a_message_and_the_default_is_used(text, zone_records, leader_client):
    response = leader_client.get(f"{PAGE}?org=BG-KCN&min_workers={text}")
    assert response.status_code == 200
    assert "Hãy ghi số lao động là một số nguyên từ 1 đến 1.000.000." in response.content.decode()
    assert response.context["min_workers"] == 300


@pytest.mark.django_db
def test_each_list_exports(zone_records, staff_client):
    url = reverse("reports:opportunities_export", args=["large", "xlsx"])
    sheet = load_workbook(io.BytesIO(staff_client.get(f"{url}?org=BG-KCN").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[3][:4] == ("Doanh nghiệp", "Mã số thuế", "Khu công nghiệp", "Số lao động")
    assert rows[4][0] == "Công ty TNHH May Lớn" and rows[4][3] == 1200
    url = reverse("reports:opportunities_export", args=["elsewhere", "csv"])
    body = staff_client.get(f"{url}?org=BG-KCN").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[-1][3:] == ["Chi bộ Công ty TNHH Điện tử Hà Nội", "3"]
