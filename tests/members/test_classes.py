"""Classes: awareness classes give their certificate to the candidates who took part, theory
classes list new members, study sessions show their attendance; bad dates are refused."""

import datetime

import pytest

from members import services
from members.models import AwarenessClass, StudySession
from tests.factories import MemberFactory
from tests.members.records import identified_candidate

pytestmark = pytest.mark.django_db
D = datetime.date


def inline(prefix, rows=()):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def candidate(bg):
    return identified_candidate(bg)


def test_an_awareness_class_gives_its_certificate_to_the_candidates(bg, candidate, staff_client):
    data = {
        "organization": bg.committee.pk,
        "title": "Lớp bồi dưỡng nhận thức về Đảng đợt 1 năm 2026",
        "started_on": "09/03/2026",
        "ended_on": "13/03/2026",
        "certificate_on": "20/03/2026",
        **inline(
            "participants",
            [
                {"full_name": "Vũ Thị Lan", "candidate": candidate.pk, "certified": "on"},
                {"full_name": "Nguyễn Văn Bình", "certified": "on"},
            ],
        ),
    }
    response = staff_client.post("/admin/members/awarenessclass/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    candidate.refresh_from_db()
    assert candidate.certificate_on == D(2026, 3, 20)
    assert candidate.stage == "awareness_class"
    listing = staff_client.get("/admin/members/awarenessclass/").content.decode()
    assert "Lớp bồi dưỡng nhận thức về Đảng đợt 1 năm 2026" in listing


@pytest.mark.parametrize(
    ("url", "fields", "message"),
    [
        (
            "/admin/members/awarenessclass/add/",
            {"ended_on": "01/03/2026"},
            "Lớp học không thể kết thúc trước khi bắt đầu.",
        ),
        (
            "/admin/members/awarenessclass/add/",
            {"certificate_on": "01/03/2026"},
            "Giấy chứng nhận được cấp khi kết thúc lớp, không thể trước ngày khai giảng.",
        ),
        (
            "/admin/members/theoryclass/add/",
            {"started_on": "09/03/2099", "ended_on": ""},
            "Ngày không được là ngày trong tương lai.",
        ),
        (
            "/admin/members/studysession/add/",
            {"invited": "40", "attended": "41"},
            "Số đảng viên tham dự (41) nhiều hơn số phải tham dự (40).",
        ),
        (
            "/admin/members/studysession/add/",
            {"invited": "40", "attended": "-1"},
            "Đảm bảo giá trị này lớn hơn hoặc bằng với 0",
        ),
    ],
)
def test_bad_class_is_refused(url, fields, message, bg, staff_client):
    data = {
        "organization": bg.committee.pk,
        "title": "Lớp học",
        "started_on": "09/03/2026",
        "ended_on": "13/03/2026",
        "certificate_on": "",
        "invited": "40",
        "attended": "38",
        **inline("participants"),
        **fields,
    }
    before = AwarenessClass.objects.count() + StudySession.objects.count()
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AwarenessClass.objects.count() + StudySession.objects.count() == before


def test_study_sessions_show_their_attendance_rate(bg, staff_client):
    services.course_save(
        course=StudySession(
            organization=bg.committee,
            title="Quán triệt Nghị quyết Đại hội XIV",
            started_on=D(2026, 3, 20),
            invited=66,
            attended=62,
        )
    )
    assert "93,9 %" in staff_client.get("/admin/members/studysession/").content.decode()


def test_a_theory_class_lists_new_members(bg, staff_client):
    member = MemberFactory(organization=bg.cell, probationary=True, admitted_on=D(2025, 9, 1))
    data = {
        "organization": bg.committee.pk,
        "title": "Lớp lý luận chính trị cho đảng viên mới năm 2026",
        "started_on": "07/09/2026",
        "ended_on": "18/09/2026",
        "certificate_on": "18/09/2026",
        **inline("participants", [{"member": member.pk, "completed": "on"}]),
    }
    response = staff_client.post("/admin/members/theoryclass/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert member.theory_classes.get().completed
