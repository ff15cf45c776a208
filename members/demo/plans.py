"""What the demo's simulation takes and gives: the committees it simulates, the cells as it sees
them, and its plans — the people with their events, today's candidates, each year's
classes — which members.demo.loading writes. Plain data: nothing here reads or writes the
database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from members.models.members import MemberStatus


@dataclass
class CommitteePlan:
    """What the simulation needs of a demo committee (organizations.demo builds the rest)."""

    code: str
    province_code: str
    target: int  # members counted today
    issued_by: str
    admissions_from: int  # the first year candidates went through the pipeline here


BAC_GIANG = CommitteePlan("BG-KCN", "024", 124, "Đảng ủy Các KCN tỉnh Bắc Giang", 2024)
HA_NOI = CommitteePlan("HN-KCN", "001", 941, "Đảng ủy Khối các KCN và CX Hà Nội", 2025)
# Bắc Giang's cells by code: members counted today (the 8 active ones make 124).
BAC_GIANG_TARGETS = {
    "BG-KCN-CB01": 18,
    "BG-KCN-CB02": 14,
    "BG-KCN-CB03": 24,
    "BG-KCN-CB04": 20,
    "BG-KCN-CB05": 12,
    "BG-KCN-CB06": 16,
    "BG-KCN-CB07": 12,
    "BG-KCN-CB08": 8,
    "BG-KCN-CB09": 0,
}


@dataclass
class PlannedEvent:
    """An event to write: what staff would enter, the cell named by its code."""

    kind: str
    on: datetime.date
    cell: str | None = None
    counterpart: str = ""
    ceremony_on: datetime.date | None = None
    badge_years: int | None = None
    note: str = ""
    decision_no: str = ""
    issued_by: str = ""


@dataclass
class SimulatedPerson:
    """A member (or candidate) as the simulation follows them: the record to write, the events
    planned so far, and where they stand after them."""

    citizen_id: str
    full_name: str
    birth_date: datetime.date
    sex: str
    hometown: str
    education: str
    professional_level: str
    political_theory: str
    position: str
    youth_union_member: bool
    trade_union_member: bool
    enterprise_id: int | None
    events: list[PlannedEvent] = field(default_factory=list)
    card_number: str = ""
    # The admission's pipeline, for members admitted since the committee kept it here.
    pipeline: dict | None = None
    # Simulation state.
    cell: str | None = None  # the cell attended now
    counted: bool = False
    standing: str = ""
    admitted_on: datetime.date | None = None
    ceremony_on: datetime.date | None = None
    recognized_on: datetime.date | None = None
    away: bool = False
    exempt: bool = False

    @property
    def last_on(self) -> datetime.date:
        return self.events[-1].on if self.events else self.birth_date

    @property
    def is_member(self) -> bool:
        return self.standing in (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)


@dataclass
class CellPlan:
    """A cell of a demo committee as the simulation sees it: what the records say of it, and
    the sizes the simulation gives it (`plan_cells`)."""

    code: str  # as recorded (a code people held is replaced by a free one)
    demo_code: str  # as the demo named it
    name: str
    founded_on: datetime.date
    ended_on: datetime.date | None
    founding_members: int | None  # as recorded
    enterprises: list[int]  # ids of the enterprises it serves (or its committee serves)
    founding: int = 0  # members at its founding
    target: int = 0  # members counted today

    def active(self, day: datetime.date) -> bool:
        return self.founded_on <= day and (self.ended_on is None or day < self.ended_on)


@dataclass
class PlannedCandidate:
    """A candidate in the pipeline today, at the stage its dates make."""

    cell: str
    person: SimulatedPerson
    dates: dict[str, datetime.date]
    dropped_on: datetime.date | None = None
    drop_reason: str = ""


@dataclass
class PlannedCourse:
    title: str
    started_on: datetime.date
    ended_on: datetime.date
    certificate_on: datetime.date | None = None


@dataclass
class PlannedSession:
    """A resolution study session; who was invited is read from the records of the day."""

    title: str
    held_on: datetime.date
    attendance: float  # the share of those invited who attended


@dataclass
class PlannedClasses:
    """A year's classes of a committee: the awareness class with its participants, the theory
    class for the members admitted the year before (None until it is held), the study
    sessions held so far."""

    awareness: PlannedCourse
    participants: list[str]  # full names
    theory: PlannedCourse | None
    theory_citizen_ids: list[str]  # the members who attend it
    sessions: list[PlannedSession]
