"""The admission pipeline: each rule shows its Vietnamese message in the candidate form and
writes nothing; a candidate whose cell has resolved becomes a member in one step."""

import datetime

import pytest

from members import services
from members.models import Candidate, CandidateStage, Member, MemberStatus
from organizations.access import SYSTEM
from tests.factories import MemberFactory, citizen_id

pytestmark = pytest.mark.django_db
D = datetime.date
ADD_URL = "/admin/members/candidate/add/"


@pytest.fixture
def introducers(bg):
    return [
        MemberFactory(organization=bg.cell, full_name="Đỗ Văn Hải"),
        MemberFactory(organization=bg.cell, full_name="Ngô Thị Mai", sex="female"),
    ]


def candidate_data(bg, introducers, **fields):
    data = {
        "organization": bg.cell.pk,
        "full_name": "Phạm Thu Trang",
        "birth_date": "12/05/2000",
        "sex": "female",
        "ethnicity": "Kinh",
        "religion": "Không",
        "citizen_id": citizen_id(77, 2000, female=True),
        "enterprise": bg.enterprise.pk,
        "position": "worker",
        "youth_union_member": "on",
        "identified_on": "10/01/2026",
        "certificate_on": "20/03/2026",
        "dossier_on": "15/05/2026",
        "introducer_1": introducers[0].pk,
        "introducer_2": introducers[1].pk,
        "introducing_body": "",
        "resolution_on": "01/09/2026",
        "votes_for": "5",
        "official_members": "7",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_records_a_candidate_at_the_resolution_stage(bg, introducers, staff_client):
    response = staff_client.post(ADD_URL, candidate_data(bg, introducers))
    assert response.status_code == 302, response.content.decode()[:2000]
    candidate = Candidate.objects.get()
    assert candidate.stage == CandidateStage.CELL_RESOLUTION
    # Due 60 working days after the resolution: weekends, National Day (02/09; the 01/09
    # resolution day itself is a day off too) and Vietnam Culture Day (24/11) skipped.
    assert candidate.decision_due_on == D(2026, 11, 26)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # Age 18–60 at the cell's resolution, counted in whole months.
        (
            {"birth_date": "02/09/2008", "citizen_id": citizen_id(77, 2008, female=True)},
            "Ngày 01/09/2026 quần chúng 17 tuổi 11 tháng",
        ),
        (
            {"birth_date": "01/08/1966", "citizen_id": citizen_id(77, 1966, female=True)},
            "Ngày 01/09/2026 quần chúng 60 tuổi 1 tháng",
        ),
        # The awareness certificate is valid 5 years.
        (
            {"certificate_on": "20/08/2021", "identified_on": "10/01/2021"},
            "đã hết hạn ngày 20/08/2026",
        ),
        # Introducers: two different official members, or a committee and one member.
        ({"introducer_2": ""}, "Hồ sơ cần hai đảng viên chính thức giới thiệu"),
        ({"introducer_2": "same"}, "Hai người giới thiệu phải là hai đảng viên khác nhau."),
        (
            {"introducing_body": "youth_union"},
            "hãy ghi đúng một đảng viên chính thức là người giới thiệu còn lại",
        ),
        ({"introducer_2": "probationary"}, "Người giới thiệu phải là đảng viên chính thức"),
        # The cell resolves with two thirds of its official members.
        ({"votes_for": "4"}, "4 trên 7 đảng viên chính thức là chưa đạt hai phần ba"),
        ({"votes_for": "8"}, "Số phiếu tán thành nhiều hơn số đảng viên chính thức."),
        # Stages in order, none skipped, none in the future.
        ({"dossier_on": ""}, "Chi bộ chỉ xét khi hồ sơ đã hoàn thiện."),
        ({"certificate_on": ""}, "Hồ sơ phải có giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"),
        ({"resolution_on": "10/05/2026"}, "Nghị quyết của chi bộ không thể trước ngày 15/05/2026."),
        ({"resolution_on": "01/09/2099"}, "Ngày không được là ngày trong tương lai."),
        ({"citizen_id": "12345"}, "Số CCCD gồm đúng 12 chữ số; 12345 không đúng."),
        ({"phone": "12345"}, "Hãy nhập số điện thoại gồm 10 chữ số"),
        # Only the account's own active cells are offered.
        ({"organization": "committee"}, "Hãy chọn một lựa chọn hợp lệ."),
        ({"organization": "other-committee"}, "Hãy chọn một lựa chọn hợp lệ."),
        ({"dropped_on": "01/10/2026"}, "Hãy ghi lý do dừng xem xét."),
    ],
)
def test_bad_candidate_is_refused_in_vietnamese(fields, message, bg, hn, introducers, staff_client):
    special = {
        "same": introducers[0].pk,
        "probationary": MemberFactory(organization=bg.cell, probationary=True).pk,
        "committee": bg.committee.pk,
        "other-committee": hn.cell.pk,
    }
    fields = {k: special.get(v, v) for k, v in fields.items()}
    before = Candidate.objects.count()
    response = staff_client.post(ADD_URL, candidate_data(bg, introducers, **fields))
    assert response.status_code == 200, "the form must come back with its errors"
    assert message in response.content.decode()
    assert Candidate.objects.count() == before


def test_exactly_sixty_years_is_still_admissible(bg, introducers, staff_client):
    fields = {"birth_date": "01/09/1966", "citizen_id": citizen_id(77, 1966, female=True)}
    response = staff_client.post(ADD_URL, candidate_data(bg, introducers, **fields))
    assert response.status_code == 302


def test_an_introducer_must_have_been_official_on_the_dossier_date(bg, introducers, staff_client):
    # Official since 2019 — the dossier of 2018 predates that.
    fields = {
        "identified_on": "01/01/2018",
        "certificate_on": "01/02/2018",
        "dossier_on": "01/03/2018",
        "resolution_on": "",
        "votes_for": "",
        "official_members": "",
    }
    response = staff_client.post(ADD_URL, candidate_data(bg, introducers, **fields))
    assert "phải là đảng viên chính thức vào ngày 01/03/2018" in response.content.decode()
    assert not Candidate.objects.exists()


def candidate(bg, introducers, **fields):
    values = {
        "organization": bg.cell,
        "full_name": "Phạm Thu Trang",
        "birth_date": D(2000, 5, 12),
        "sex": "female",
        "citizen_id": citizen_id(77, 2000, female=True),
        "identified_on": D(2026, 1, 10),
        "certificate_on": D(2026, 3, 20),
        "dossier_on": D(2026, 5, 15),
        "introducer_1": introducers[0],
        "introducer_2": introducers[1],
        "resolution_on": D(2026, 9, 1),
    }
    values.update(fields)
    record = Candidate(**values)
    services.candidate_save(candidate=record, by=SYSTEM)
    return record


def test_admission_turns_the_candidate_into_a_probationary_member(bg, introducers):
    record = candidate(bg, introducers)
    member, warnings = services.member_admit(
        member=Member(
            full_name=record.full_name,
            birth_date=record.birth_date,
            sex=record.sex,
            citizen_id=record.citizen_id,
        ),
        organization=bg.cell,
        decided_on=D(2026, 10, 5),
        decision_no="215-QĐ/ĐU",
        candidate=record,
        by=SYSTEM,
    )
    assert warnings == []
    record.refresh_from_db()
    assert record.member == member and record.decided_on == D(2026, 10, 5)
    assert record.stage == CandidateStage.UPPER_DECISION  # the ceremony is still to come
    assert member.status == MemberStatus.PROBATIONARY and member.counted_in == bg.cell

    admission = member.events.get()
    admission.ceremony_on = D(2026, 10, 20)
    services.member_event_change(event=admission, by=SYSTEM)
    record.refresh_from_db()
    assert record.stage == CandidateStage.ADMITTED


def test_a_late_decision_is_recorded_with_a_warning(bg, introducers):
    record = candidate(bg, introducers, resolution_on=D(2026, 6, 1))
    _member, warnings = services.member_admit(
        member=Member(full_name=record.full_name, birth_date=record.birth_date, sex="female"),
        organization=bg.cell,
        decided_on=D(2026, 10, 5),
        candidate=record,
        by=SYSTEM,
    )
    assert len(warnings) == 1
    assert "sau 87 ngày làm việc" in warnings[0] and "không quá 60 ngày" in warnings[0]


def test_a_candidate_before_the_resolution_cannot_be_admitted(bg, introducers, staff_client):
    record = candidate(bg, introducers, resolution_on=None, votes_for=None)
    response = staff_client.post(
        f"/admin/members/member/admit/?candidate={record.pk}",
        {
            "candidate": record.pk,
            "organization": bg.cell.pk,
            "decided_on": "05/10/2026",
            "full_name": record.full_name,
            "birth_date": "12/05/2000",
            "sex": "female",
            "ethnicity": "Kinh",
            "religion": "Không",
            "position": "worker",
        },
    )
    assert response.status_code == 200
    assert "chỉ ghi nhận kết nạp sau khi chi bộ ra nghị quyết" in response.content.decode()
    assert not Member.objects.filter(full_name=record.full_name).exists()
