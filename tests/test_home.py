"""The admin's home page by role (issue 14, point 1): staff start each task in one click, see
what is due and overdue and the latest imports; a leader sees it without the tasks that write;
an outsider sees none of the committee's; no "View site" that leads nowhere."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from members import services
from members.models import Member
from organizations.access import SYSTEM, Role
from tests.conftest import account, client_for
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
