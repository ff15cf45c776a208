"""The admin's home page by role (issue 14, point 1): staff start each task in one click, see
what is due and overdue and the latest imports; a leader sees it without the tasks that write;
an outsider sees none of the committee's; no "View site" that leads nowhere."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members import services
from members.models import Member, MemberRating
from organizations.access import SYSTEM, Role
from tests.conftest import account, client_for
from tests.factories import MemberFactory
from tests.forms import admission, ratings_screen
from tests.organizations.import_helpers import code, csv_bytes, row, run_import
from tests.test_fuzz import enterprise_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def bg_home(bg, tmp_path):
    staff = account(bg.committee, Role.STAFF, "bg-canbo")
    services.member_admit(
        member=Member(
            full_name="Phạm Thị Muộn", birth_date=datetime.date(1995, 4, 2), sex="female"
        ),
        organization=bg.cell,
        decided_on=timezone.localdate() - datetime.timedelta(days=200),
        by=SYSTEM,
    )
    path = tmp_path / "danh-sach-kcn.csv"
    path.write_bytes(enterprise_list())
    call_command(
        "import_enterprises", str(path), "--user", "bg-canbo", "--counted-on", "30/06/2025",
        stdout=io.StringIO(),
    )  # fmt: skip
    return staff


def test_staff_start_each_task_from_the_home_page_and_see_what_is_due(bg_home):
    page = client_for(bg_home).get("/admin/").content.decode()
    tasks = page[page.index('id="home-tasks"') : page.index("</section>", page.index("home-tasks"))]
    for task, url in (
        ("Ghi nhận kết nạp", "/admin/members/member/admit/"),
        ("Ghi nhận chuyển sinh hoạt đến", "/admin/members/member/transfer-in/"),
        ("Nhập kết quả xếp loại của chi bộ", "/admin/members/memberrating/enter/"),
        ("Nhập danh sách doanh nghiệp", "/admin/organizations/enterprise/import/"),
        ("Nhập danh sách đảng viên", "/admin/members/member/nhap/"),
    ):
        assert f'href="{url}">{task}</a>' in tasks
    assert "1 việc của quy trình kết nạp" in page and "1 việc quá hạn" in page
    assert "danh-sach-kcn.csv" in page  # the latest import
    assert "Xem trang web" not in page


def test_a_leader_sees_the_home_page_without_the_tasks_that_write(bg, bg_home):
    page = client_for(account(bg.committee, Role.LEADER, "bg-lanhdao")).get("/admin/")
    content = page.content.decode()
    assert "Ghi nhận kết nạp" not in content
    assert "Nhập danh sách doanh nghiệp" not in content
    assert "1 việc quá hạn" in content  # the deadlines are theirs to follow too


def test_an_outsider_sees_none_of_the_committees_deadlines_or_imports(bg_home, outsider_client):
    content = outsider_client.get("/admin/").content.decode()
    assert "danh-sach-kcn.csv" not in content
    assert "0 việc của quy trình kết nạp" in content and "việc quá hạn" not in content


# --- "Hoạt động của tôi": the account's own changes, from the change trail -----------------


def _activity(client) -> str:
    page = client.get("/admin/").content.decode()
    start = page.index('id="my-activity"')
    return page[start : page.index("</div>", start)]


def _rate_cell(client, bg):
    url, _formset, data = ratings_screen(client, bg.cell, 2025)
    assert client.post(url, data).status_code == 302


def test_my_activity_shows_the_journeys_the_ratings_screen_and_the_imports(bg, staff, outsider):
    client = client_for(staff)
    assert "Bạn chưa thay đổi bản ghi nào." in _activity(client)

    assert client.post("/admin/members/member/admit/", admission(bg)).status_code == 302
    member = Member.objects.get(full_name="Hoàng Văn Nam")
    rated = MemberFactory(organization=bg.cell, admitted_on=datetime.date(2018, 3, 1))
    _rate_cell(client, bg)
    rows = [row(n, code(n), f"Công ty {n}", bg.zone.name) for n in range(1, 4)]
    imported = run_import(csv_bytes(rows), user=staff)
    assert imported.written

    activity = _activity(client)
    assert "Hoạt động của tôi" in activity and "Hoạt động gần đây" not in activity
    # The admission: the member, linked to its page, "thêm".
    assert f'<a href="/admin/members/member/{member.pk}/change/">Hoàng Văn Nam</a>' in activity
    assert "Thêm:" in activity and "Đảng viên ·" in activity
    # The rating entered on the screen, linked.
    rating = MemberRating.objects.get(member=rated, year=2025)
    assert f'href="/admin/members/memberrating/{rating.pk}/change/"' in activity
    # The import: its record, and the three enterprises it created, one line.
    assert f'href="/admin/organizations/enterpriseimport/{imported.record.pk}/change/"' in activity
    assert '<a href="/admin/organizations/enterprise/">3 doanh nghiệp</a>' in activity
    # Newest first: the import's lines before the admission's.
    assert activity.index("3 doanh nghiệp") < activity.index("Hoàng Văn Nam")

    # Not in another account's, of the same committee or another.
    colleague = client_for(account(bg.committee, Role.STAFF, "bg-canbo-2"))
    for other in (colleague, client_for(outsider)):
        theirs = _activity(other)
        assert "Hoàng Văn Nam" not in theirs and "doanh nghiệp" not in theirs


def test_my_activity_links_only_what_the_account_still_sees(bg, hn, staff):
    """A record the account changed that has since left its subtree keeps its line, unlinked."""
    client = client_for(staff)
    assert client.post("/admin/members/member/admit/", admission(bg)).status_code == 302
    member = Member.objects.get(full_name="Hoàng Văn Nam")
    Member.objects.filter(pk=member.pk).update(organization=hn.cell)  # moved away since
    activity = _activity(client)
    assert "Hoàng Văn Nam" in activity
    assert f"/admin/members/member/{member.pk}/change/" not in activity


def test_my_activity_reads_a_fixed_number_of_queries(bg, staff, django_assert_num_queries):
    client = client_for(staff)
    client.get("/admin/")  # the session and the account's profile read once

    def activity_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/admin/")
        return len(queries)

    empty = activity_queries()
    assert client.post("/admin/members/member/admit/", admission(bg)).status_code == 302
    run_import(
        csv_bytes([row(n, code(n), f"Công ty {n}", bg.zone.name) for n in range(1, 4)]),
        user=staff,
    )
    # The entries, then which of their records the account still sees: one query more than
    # with nothing to show, however many entries and models.
    assert activity_queries() == empty + 1
