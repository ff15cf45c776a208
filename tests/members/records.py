"""One of everything the members admin shows, built through the services, for the tests of
pages and access."""

import datetime
import itertools
from dataclasses import dataclass

from members import services
from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    Candidate,
    EventKind,
    Member,
    MemberEvent,
    MemberRating,
    RatingLevel,
    StudySession,
    TheoryClass,
)
from organizations.access import SYSTEM
from tests.factories import MemberFactory, citizen_id

D = datetime.date


@dataclass
class Records:
    """One of everything the members admin shows, in one committee."""

    member: Member
    introducers: list
    event: MemberEvent
    candidate: Candidate
    awareness: AwarenessClass
    theory: TheoryClass
    study: StudySession
    rating: MemberRating


_serial = itertools.count(1)


def identified_candidate(world) -> Candidate:
    """A candidate of the world's cell only just identified."""
    record = Candidate(
        organization=world.cell,
        full_name="Vũ Thị Lan",
        birth_date=D(2001, 4, 2),
        sex="female",
        citizen_id=citizen_id(9, 2001, female=True),
        identified_on=D(2026, 1, 5),
    )
    services.candidate_save(candidate=record, by=SYSTEM)
    return record


def candidate_at_resolution(world, introducers, full_name="") -> Candidate:
    """A candidate whose cell has resolved to admit them, waiting for the upper committee."""
    candidate = Candidate(
        full_name=full_name or f"Phạm Thị Ứng Viên {next(_serial)}",
        birth_date=D(2000, 1, 2),
        sex="female",
        organization=world.cell,
        enterprise=world.enterprise,
        identified_on=D(2024, 9, 1),
        certificate_on=D(2024, 11, 20),
        dossier_on=D(2025, 1, 10),
        introducer_1=introducers[0],
        introducer_2=introducers[1],
        resolution_on=D(2026, 10, 1),
        votes_for=3,
        official_members=4,
    )
    services.candidate_save(candidate=candidate, by=SYSTEM)
    return candidate


def member_without_ceremony(world) -> Member:
    """Admitted by the upper committee, the ceremony still to hold: due on the due list."""
    member, _warnings = services.member_admit(
        member=Member(
            full_name=f"Đỗ Văn Chờ Kết Nạp {next(_serial)}",
            birth_date=D(1998, 4, 9),
            sex="male",
        ),
        organization=world.cell,
        decided_on=D(2026, 10, 20),
        decision_no="88-QĐ/ĐU",
        by=SYSTEM,
    )
    return member


def award(member, on) -> MemberEvent:
    return services.member_event_add(
        event=MemberEvent(
            member=member, kind=EventKind.AWARD, occurred_on=on, note="Giấy khen", issued_by="ĐU"
        ),
        by=SYSTEM,
    )


def rate(world, members, level=RatingLevel.GOOD):
    services.ratings_save(
        organization=world.cell,
        year=2025,
        levels=dict.fromkeys(members, (level, "")),
        organization_level=RatingLevel.GOOD,
        by=SYSTEM,
    )


def build_records(world, member_name="", candidate_name="") -> Records:
    """Members of the committee's cell with their events, candidates (one waiting for the
    decision, one admitted), members waiting for their ceremony and their recognition, an
    awareness class, a theory class, a study session and the cell's ratings of 2025."""
    province = world.zone.province
    named = {"full_name": member_name} if member_name else {}
    member = MemberFactory(organization=world.cell, enterprise=world.enterprise, **named)
    introducers = [MemberFactory(organization=world.cell) for _ in range(2)]
    event = award(member, D(2024, 9, 2))
    candidate = candidate_at_resolution(world, introducers, candidate_name)
    # One candidate already admitted: its page links to the member record.
    admitted = candidate_at_resolution(world, introducers)
    services.member_admit(
        member=Member(full_name=admitted.full_name, birth_date=admitted.birth_date, sex="female"),
        organization=world.cell,
        decided_on=D(2026, 10, 15),
        ceremony_on=D(2026, 10, 29),
        candidate=admitted,
        by=SYSTEM,
    )
    MemberFactory(organization=world.cell, probationary=True, admitted_on=D(2025, 6, 2))
    member_without_ceremony(world)
    awareness = services.course_save(
        course=AwarenessClass(
            organization=world.committee,
            title=f"Lớp bồi dưỡng nhận thức về Đảng khóa 1, {province}",
            started_on=D(2024, 11, 4),
            ended_on=D(2024, 11, 15),
            certificate_on=D(2024, 11, 20),
        )
    )
    services.awareness_participants_add(
        course=awareness,
        participants=[
            AwarenessParticipant(
                full_name=candidate.full_name, enterprise=world.enterprise, candidate=candidate
            )
        ],
    )
    theory = services.course_save(
        course=TheoryClass(
            organization=world.committee,
            title=f"Lớp lý luận chính trị cho đảng viên mới, {province}",
            started_on=D(2025, 8, 4),
            ended_on=D(2025, 8, 15),
            certificate_on=D(2025, 8, 20),
        )
    )
    services.theory_participants_add(course=theory, members=[member])
    study = services.course_save(
        course=StudySession(
            organization=world.cell,
            title=f"Quán triệt Nghị quyết Đại hội, {province}",
            started_on=D(2025, 3, 10),
            invited=20,
            attended=18,
        )
    )
    rate(world, [member, *introducers])
    return Records(
        member=member,
        introducers=introducers,
        event=event,
        candidate=candidate,
        awareness=awareness,
        theory=theory,
        study=study,
        rating=MemberRating.objects.get(member=member, year=2025),
    )
