"""Demo members for the two demo committees (domain guide §9): their history from each cell's
founding to the autumn of 2026 — members arriving with a new cell, admissions through the
pipeline, recognitions, transfers, temporary stays, deaths, removals, badges, awards — the
candidates now in the pipeline, the classes and the annual ratings.

Bắc Giang ends with about 124 members in its 8 cells (35 when the committee was founded in
2014), Hà Nội with about 941 in its 68 organisations. The history is simulated in memory from
a fixed seed, then written through members.services, every event checked as if staff had
entered it. Loaded once (load_demo records it), possibly into a database people already use:
a citizen ID or card number someone's record holds is never drawn for a demo member.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import transaction

from members import calendar, services
from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    Candidate,
    EventKind,
    IntroducingBody,
    Member,
    MemberEvent,
    MemberRating,
    MemberStatus,
    OrganizationRating,
    Position,
    RatingLevel,
    Sex,
    StudySession,
    TheoryClass,
    TheoryLevel,
)
from members.selectors import attending_on, counted_on, status_on
from members.validators import citizen_id_century_digit
from organizations.models import PartyOrganization
from organizations.models.party import CELL_KINDS

# The demo's "now": every date it writes lies on or before it.
DEMO_TODAY = datetime.date(2026, 11, 1)
RATED_YEARS = range(2019, 2026)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = {
    Sex.MALE: ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân"],
    Sex.FEMALE: ["Thị", "Thu", "Hồng", "Ngọc", "Thanh", "Phương", "Minh", "Kim"],
}
GIVEN = {
    Sex.MALE: ["Hùng", "Dũng", "Tuấn", "Sơn", "Long", "Nam", "Cường", "Hải", "Phong", "Thắng"]
    + ["Quân", "Trung", "Hiếu", "Khánh", "Bình", "Đạt", "Toàn", "Việt", "Tùng", "An"],
    Sex.FEMALE: ["Lan", "Hương", "Mai", "Hà", "Thảo", "Trang", "Yến", "Linh", "Nga", "Vân"]
    + ["Huyền", "Ngân", "Thủy", "Hạnh", "Dung", "Nhung", "Oanh", "Hằng", "Loan", "Quyên"],
}
HOMETOWNS = {
    "024": ["Việt Yên, Bắc Giang", "Yên Dũng, Bắc Giang", "Lạng Giang, Bắc Giang"]
    + ["Tân Yên, Bắc Giang", "Hiệp Hòa, Bắc Giang", "Lục Nam, Bắc Giang"],
    "001": ["Đông Anh, Hà Nội", "Mê Linh, Hà Nội", "Sóc Sơn, Hà Nội", "Gia Lâm, Hà Nội"]
    + ["Thạch Thất, Hà Nội", "Quốc Oai, Hà Nội", "Thanh Trì, Hà Nội"],
    "027": ["Từ Sơn, Bắc Ninh", "Yên Phong, Bắc Ninh"],
    "030": ["Chí Linh, Hải Dương", "Kinh Môn, Hải Dương"],
    "038": ["Thọ Xuân, Thanh Hóa", "Nông Cống, Thanh Hóa"],
    "040": ["Diễn Châu, Nghệ An", "Nghi Lộc, Nghệ An"],
    "036": ["Hải Hậu, Nam Định", "Giao Thủy, Nam Định"],
}
TRADES = ["Kỹ sư điện tử", "Kỹ sư cơ khí", "Cử nhân kế toán", "Trung cấp điện"]
TRADES += ["Cao đẳng may", "Cử nhân quản trị kinh doanh", "Kỹ thuật viên", ""]
AWARDS = ["Giấy khen của Đảng ủy", "Đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền"]
AWARDS += ["Bằng khen của Tỉnh ủy", "Giấy khen của Công đoàn các KCN"]


@dataclass
class Committee:
    code: str
    province_code: str
    target: int  # members counted today
    issued_by: str
    admissions_from: int  # the first year candidates went through the pipeline here


BAC_GIANG = Committee("BG-KCN", "024", 124, "Đảng ủy Các KCN tỉnh Bắc Giang", 2024)
HA_NOI = Committee("HN-KCN", "001", 941, "Đảng ủy Khối các KCN và CX Hà Nội", 2025)
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
class Planned:
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
class Person:
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
    events: list[Planned] = field(default_factory=list)
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
class Cell:
    organization: PartyOrganization
    target: int
    enterprises: list[int]
    founding: int

    @property
    def code(self) -> str:
        return self.organization.code

    def active(self, day: datetime.date) -> bool:
        o = self.organization
        return o.founded_on <= day and (o.ended_on is None or day < o.ended_on)


class MembersDemo:
    def __init__(
        self, *, rng_seed: int = 20141120, organizations: dict[str, PartyOrganization] | None = None
    ):
        self.rng = random.Random(rng_seed)  # fixed: the same members on every machine
        # The demo's organisations by demo code (organizations.demo.DemoBuilder gives them:
        # a code someone else's record held was changed); else found by their codes.
        self.organizations = organizations
        self.demo_codes = {o.pk: code for code, o in (organizations or {}).items()}
        # Identifiers people's records hold already: never drawn for a demo person.
        self.taken_serials = frozenset(
            [*Member.objects.exclude(citizen_id="").values_list("citizen_id", flat=True)]
            + [*Candidate.objects.exclude(citizen_id="").values_list("citizen_id", flat=True)]
        )
        self.taken_cards = frozenset(
            Member.objects.exclude(card_number="").values_list("card_number", flat=True)
        )
        self.serials: set[str] = set(self.taken_serials)
        self.cards: set[str] = set(self.taken_cards)
        self.decisions = 0
        self.changed = 0
        self.adapted: list[str] = []

    def _organization(self, code: str) -> PartyOrganization:
        if self.organizations is not None:
            return self.organizations[code]
        return PartyOrganization.objects.get(code=code)

    def _demo_code(self, organization: PartyOrganization) -> str:
        return self.demo_codes.get(organization.pk, organization.code)

    # --- people ----------------------------------------------------------------------------
    def _citizen_id(self, province: str, birth: datetime.date, sex: str, rng) -> str:
        century = citizen_id_century_digit(birth.year, sex == Sex.FEMALE)
        while True:
            candidate = f"{province}{century}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
            if candidate in self.taken_serials:
                self.adapted.append(f"citizen ID {candidate}: taken, another drawn")
            if candidate not in self.serials:
                self.serials.add(candidate)
                return candidate

    def _card(self) -> str:
        while True:
            card = f"{self.rng.randrange(10**7, 10**8)}"
            if card in self.taken_cards:
                self.adapted.append(f"card number {card}: taken, another drawn")
            if card not in self.cards:
                self.cards.add(card)
                return card

    def _date(self, start: datetime.date, end: datetime.date, rng=None) -> datetime.date:
        if end <= start:
            return start
        rng = rng or self.rng
        return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))

    def _person(self, committee: Committee, cell: Cell, *, born: tuple[int, int], rng=None):
        rng = rng or self.rng
        sex = Sex.FEMALE if rng.random() < 0.46 else Sex.MALE
        birth = self._date(datetime.date(born[0], 1, 1), datetime.date(born[1], 12, 28), rng)
        province = committee.province_code if rng.random() < 0.7 else rng.choice(list(HOMETOWNS))
        age_2026 = 2026 - birth.year
        position = rng.choices(
            [Position.WORKER, Position.EMPLOYEE, Position.MANAGER, Position.OWNER],
            weights=[58, 24, 17, 1],
        )[0]
        if cell.organization.name.startswith(("Chi bộ Ban", "Chi bộ Công an", "Chi bộ Trung tâm")):
            position = Position.OFFICIAL
        return Person(
            citizen_id=self._citizen_id(province, birth, sex, rng),
            full_name=(f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"),
            birth_date=birth,
            sex=sex,
            hometown=rng.choice(HOMETOWNS[province]),
            education="12/12",
            professional_level=rng.choice(TRADES),
            political_theory=rng.choice(
                [TheoryLevel.ELEMENTARY] * 6 + [TheoryLevel.INTERMEDIATE] * 2 + [""] * 3
            ),
            position=position,
            youth_union_member=age_2026 < 32,
            trade_union_member=rng.random() < 0.9,
            enterprise_id=rng.choice(cell.enterprises) if cell.enterprises else None,
        )

    def _decision(self, suffix="QĐ/ĐU") -> str:
        self.decisions += 1
        return f"{self.decisions % 900 + 10}-{suffix}"

    def _outside(self, committee: Committee) -> str:
        rng = self.rng
        if committee.province_code == "024":
            places = ["xã Tân Dĩnh", "xã Hồng Thái", "phường Đình Trám", "xã Nội Hoàng"]
            bodies = ["Đảng bộ Khối Doanh nghiệp tỉnh Bắc Ninh", "Đảng bộ huyện Việt Yên"]
        else:
            places = ["xã Kim Chung", "xã Quang Minh", "phường Phúc Lợi", "xã Phú Nghĩa"]
            bodies = ["Đảng bộ Khối Doanh nghiệp Hà Nội", "Đảng bộ huyện Đông Anh"]
        if rng.random() < 0.6:
            return f"Chi bộ thôn {rng.randint(1, 9)}, Đảng bộ {rng.choice(places)}"
        return rng.choice(bodies)

    # --- the simulation --------------------------------------------------------------------
    def _add(self, person: Person, planned: Planned) -> bool:
        """Append an event if it can stand after the person's last one and before today."""
        if planned.on <= person.last_on and person.events:
            planned.on = person.last_on + datetime.timedelta(days=1)
        if planned.on > DEMO_TODAY:
            return False
        person.events.append(planned)
        return True

    def _arrive(self, committee: Committee, cell: Cell, day: datetime.date, *, older=False):
        """A member who worked here but was registered where they live transfers in."""
        rng = self.rng
        born = (day.year - 58, day.year - 45) if older else (day.year - 44, day.year - 25)
        person = self._person(committee, cell, born=born)
        earliest = person.birth_date + relativedelta(years=20)
        admitted = self._date(
            earliest, min(day - relativedelta(years=2), datetime.date(2022, 1, 1))
        )
        if admitted >= day - relativedelta(months=14) or admitted < earliest:
            admitted = earliest
        place = self._outside(committee)
        ceremony = admitted + datetime.timedelta(days=rng.randint(10, 30))
        person.events = [
            Planned(EventKind.ADMISSION, admitted, counterpart=place, ceremony_on=ceremony),
            Planned(
                EventKind.RECOGNITION,
                ceremony + relativedelta(years=1, days=rng.randint(0, 20)),
                counterpart=place,
            ),
        ]
        person.events.append(
            Planned(
                EventKind.TRANSFER_IN,
                day,
                cell=cell.code,
                counterpart=place,
                decision_no=self._decision("GGT"),
                issued_by=committee.issued_by,
            )
        )
        person.card_number = self._card()
        person.events.insert(
            2,
            Planned(
                EventKind.CARD,
                person.events[1].on + datetime.timedelta(days=rng.randint(30, 90)),
                counterpart=place,
            ),
        )
        person.events.sort(key=lambda e: e.on)
        person.cell, person.counted, person.standing = cell.code, True, MemberStatus.OFFICIAL
        person.admitted_on, person.ceremony_on = admitted, ceremony
        person.recognized_on = person.events[1].on
        return person

    def _admit(self, committee: Committee, cell: Cell, year: int) -> Person | None:
        rng = self.rng
        start = max(
            datetime.date(year, 1, 15), cell.organization.founded_on + datetime.timedelta(days=90)
        )
        end = min(datetime.date(year, 12, 20), DEMO_TODAY - datetime.timedelta(days=20))
        if start > end:
            return None
        decided = self._date(start, end)
        person = self._person(committee, cell, born=(year - 36, year - 21))
        person.youth_union_member = year - person.birth_date.year < 31
        ceremony = calendar.add_working_days(decided, rng.randint(6, 26))
        person.events = [
            Planned(
                EventKind.ADMISSION,
                decided,
                cell=cell.code,
                ceremony_on=ceremony if ceremony <= DEMO_TODAY else None,
                decision_no=self._decision(),
                issued_by=committee.issued_by,
            )
        ]
        person.cell, person.counted, person.standing = cell.code, True, MemberStatus.PROBATIONARY
        person.admitted_on = decided
        person.ceremony_on = person.events[0].ceremony_on
        if year >= committee.admissions_from:
            person.pipeline = self._pipeline(person, decided)
        return person

    def _pipeline(self, person: Person, decided: datetime.date) -> dict:
        rng = self.rng
        resolution = decided - datetime.timedelta(days=rng.randint(20, 70))
        dossier = resolution - datetime.timedelta(days=rng.randint(10, 40))
        certificate = dossier - datetime.timedelta(days=rng.randint(20, 200))
        identified = certificate - datetime.timedelta(days=rng.randint(30, 150))
        return {
            "identified_on": identified,
            "certificate_on": certificate,
            "dossier_on": dossier,
            "resolution_on": resolution,
        }

    def _year_of(self, committee, cells, people, year):
        rng = self.rng
        year_start, year_end = (
            datetime.date(year, 1, 1),
            min(datetime.date(year, 12, 31), DEMO_TODAY),
        )
        for cell in cells:
            founded = cell.organization.founded_on
            if founded.year != year:
                continue
            # A new cell gathers members who worked in the enterprise but attended a joint
            # cell of the committee, or were registered where they live.
            movable = [
                p
                for p in people
                if p.counted
                and not p.away
                and p.standing == MemberStatus.OFFICIAL
                and p.last_on < founded
                and p.enterprise_id in cell.enterprises
            ] + [
                p
                for p in people
                if p.counted
                and not p.away
                and p.standing == MemberStatus.OFFICIAL
                and p.last_on < founded
                and rng.random() < 0.02
            ]
            for _ in range(cell.founding):
                mover = movable.pop(0) if movable and rng.random() < 0.55 else None
                if mover is not None and mover.cell != cell.code and mover.counted:
                    move = Planned(
                        EventKind.TRANSFER_IN,
                        founded,
                        cell=cell.code,
                        decision_no=self._decision("QĐ/ĐU"),
                        issued_by=committee.issued_by,
                    )
                    if self._add(mover, move):
                        mover.cell = cell.code
                        mover.enterprise_id = (
                            rng.choice(cell.enterprises) if cell.enterprises else None
                        )
                        continue
                people.append(self._arrive(committee, cell, founded, older=rng.random() < 0.2))
        by_cell: dict[str, list[Person]] = {}
        for person in people:
            if person.counted:
                by_cell.setdefault(person.cell, []).append(person)

        for cell in cells:
            if not cell.active(year_start) and cell.organization.founded_on.year != year:
                continue
            here = by_cell.get(cell.code, [])
            ended = cell.organization.ended_on
            if ended and ended.year == year:
                # Dissolved: every member moves to a cell that goes on.
                others = [c for c in cells if c is not cell and c.active(ended)]
                for person in here:
                    target = rng.choice(others)
                    if self._add(
                        person,
                        Planned(
                            EventKind.TRANSFER_IN,
                            ended - datetime.timedelta(days=5),
                            cell=target.code,
                            decision_no=self._decision("QĐ/ĐU"),
                            issued_by=committee.issued_by,
                        ),
                    ):
                        person.cell = target.code
                continue
            # Grow steadily from the founding members to the cell's size today.
            founded_year = cell.organization.founded_on.year
            share = (year - founded_year + 1) / (DEMO_TODAY.year - founded_year + 1)
            expected = cell.founding + (cell.target - cell.founding) * share
            leaving = len(here) * 0.03
            wanted = max(0, round(expected - len(here) + leaving + rng.uniform(-0.6, 0.6)))
            if year == DEMO_TODAY.year:
                wanted = max(0, cell.target - len(here) + round(leaving))
            for _ in range(wanted):
                person = self._admit(committee, cell, year)
                if person is not None:
                    people.append(person)

        for person in list(people):
            if not person.is_member:
                continue
            self._life(committee, cells, people, person, year, year_start, year_end)

        # Members of other organisations attending here for a while.
        for _ in range(rng.choice([0, 1, 1, 2])):
            active = [c for c in cells if c.active(year_start) and c.target]
            if not active or year_end < year_start:
                continue
            cell = rng.choice(active)
            guest = self._arrive(committee, cell, self._date(year_start, year_end))
            guest.events[-1].kind = EventKind.TEMPORARY_IN
            guest.events[-1].decision_no = self._decision("GGT-TT")
            guest.counted = False
            leaves = guest.events[-1].on + datetime.timedelta(days=rng.randint(150, 500))
            if self._add(guest, Planned(EventKind.TEMPORARY_OUT, leaves)):
                guest.cell = None
                guest.standing = MemberStatus.TRANSFERRED_OUT
            people.append(guest)

    def _life(self, committee, cells, people, person, year, year_start, year_end):
        rng = self.rng
        if not person.counted:
            return
        # Recognition, or removal when probation goes badly; then the card.
        if person.standing == MemberStatus.PROBATIONARY and person.ceremony_on:
            due = person.ceremony_on + relativedelta(years=1)
            if due.year == year:
                if rng.random() < 0.03:
                    if self._add(
                        person,
                        Planned(
                            EventKind.REMOVAL,
                            due + datetime.timedelta(days=30),
                            decision_no=self._decision(),
                            note="Không đủ tư cách đảng viên chính thức",
                        ),
                    ):
                        self._leave(person, MemberStatus.REMOVED)
                    return
                on = due + datetime.timedelta(days=rng.randint(0, 25))
                if self._add(
                    person,
                    Planned(
                        EventKind.RECOGNITION,
                        on,
                        decision_no=self._decision(),
                        issued_by=committee.issued_by,
                    ),
                ):
                    person.standing, person.recognized_on = MemberStatus.OFFICIAL, on
                    person.card_number = self._card()
                    self._add(
                        person,
                        Planned(
                            EventKind.CARD,
                            on + datetime.timedelta(days=rng.randint(40, 120)),
                            decision_no=self._decision("QĐ/TW"),
                        ),
                    )
            return
        if person.standing != MemberStatus.OFFICIAL or person.last_on >= year_end:
            return
        day = self._date(max(year_start, person.last_on + datetime.timedelta(days=1)), year_end)
        age = year - person.birth_date.year
        roll = rng.random()
        if roll < 0.025:
            if self._add(
                person,
                Planned(
                    EventKind.TRANSFER_OUT,
                    day,
                    counterpart=self._outside(committee),
                    decision_no=self._decision("GGT"),
                    issued_by=committee.issued_by,
                ),
            ):
                self._leave(person, MemberStatus.TRANSFERRED_OUT)
        elif roll < 0.035:
            others = [c for c in cells if c.code != person.cell and c.active(day) and c.target]
            if others:
                target = rng.choice(others)
                if self._add(
                    person,
                    Planned(
                        EventKind.TRANSFER_IN,
                        day,
                        cell=target.code,
                        decision_no=self._decision("GGT"),
                        issued_by=committee.issued_by,
                    ),
                ):
                    person.cell = target.code
        elif roll < 0.045 and not person.away:
            place = self._outside(committee)
            if self._add(
                person,
                Planned(
                    EventKind.TEMPORARY_OUT,
                    day,
                    counterpart=place,
                    decision_no=self._decision("GGT-TT"),
                ),
            ):
                person.away = True
                back = day + datetime.timedelta(days=rng.randint(90, 270))
                if self._add(person, Planned(EventKind.TEMPORARY_IN, back)):
                    person.away = False
        elif roll < 0.047 + (0.02 if age > 58 else 0):
            if self._add(person, Planned(EventKind.DEATH, day)):
                self._leave(person, MemberStatus.DECEASED)
        elif roll < 0.049:
            if self._add(person, Planned(EventKind.RESIGNATION, day, decision_no=self._decision())):
                self._leave(person, MemberStatus.RESIGNED)
        elif roll < 0.075:
            self._add(
                person,
                Planned(
                    EventKind.AWARD,
                    day,
                    note=rng.choice(AWARDS),
                    decision_no=self._decision("QĐ/KT"),
                ),
            )
        elif roll < 0.078:
            self._add(
                person,
                Planned(
                    EventKind.DISCIPLINE,
                    day,
                    note="Khiển trách",
                    decision_no=self._decision("QĐ/KL"),
                ),
            )
        elif roll < 0.0795:
            expelled = Planned(EventKind.EXPULSION, day, decision_no=self._decision("QĐ/KL"))
            if self._add(person, expelled):
                cell = person.cell
                self._leave(person, MemberStatus.EXPELLED)
                if rng.random() < 0.5:  # annulled on appeal: membership restored
                    back = day + datetime.timedelta(days=rng.randint(120, 300))
                    restored = Planned(
                        EventKind.RESTORATION,
                        back,
                        cell=cell,
                        decision_no=self._decision("QĐ/UBKT"),
                        issued_by=committee.issued_by,
                    )
                    if self._add(person, restored):
                        person.standing, person.counted, person.cell = (
                            MemberStatus.OFFICIAL,
                            True,
                            cell,
                        )
            return
        if not person.counted:
            return
        exempt_on = day + datetime.timedelta(days=3)
        exemption = Planned(EventKind.EXEMPTION, exempt_on, decision_no=self._decision())
        if age >= 62 and not person.exempt and rng.random() < 0.3 and self._add(person, exemption):
            person.exempt = True
        if person.admitted_on:
            for years in (30, 40, 45, 50):
                due = datetime.date(person.admitted_on.year + years, 2, 3)
                if due.year == year and due >= person.admitted_on + relativedelta(years=years):
                    self._add(
                        person,
                        Planned(
                            EventKind.BADGE,
                            due,
                            badge_years=years,
                            decision_no=self._decision("QĐ/TU"),
                        ),
                    )

    def _leave(self, person: Person, status: str) -> None:
        person.standing = status
        person.counted = False
        person.cell = None

    def simulate(self, committee: Committee, cells: list[Cell]) -> list[Person]:
        people: list[Person] = []
        first = min(c.organization.founded_on.year for c in cells)
        for year in range(first, DEMO_TODAY.year + 1):
            self._year_of(committee, cells, people, year)
        return people

    # --- writing ---------------------------------------------------------------------------
    def cells_of(self, committee: Committee) -> list[Cell]:
        root = self._organization(committee.code)
        organizations = list(
            PartyOrganization.objects.within(root)
            .filter(kind__in=CELL_KINDS)
            .prefetch_related("enterprises")
            .order_by("path")
        )
        parents = {
            o.pk: o for o in PartyOrganization.objects.within(root).prefetch_related("enterprises")
        }
        cells = []
        targets = self._targets(committee, organizations)
        for organization in organizations:
            enterprises = [e.pk for e in organization.enterprises.all()]
            holder = organization
            while not enterprises and holder.parent_id in parents:
                holder = parents[holder.parent_id]
                enterprises = [e.pk for e in holder.enterprises.all()]
            cells.append(
                Cell(
                    organization,
                    targets[organization.code],
                    enterprises,
                    organization.founding_members or self.rng.randint(3, 8),
                )
            )
        return cells

    def _targets(self, committee: Committee, organizations) -> dict[str, int]:
        """Members counted today in each cell: the founding members, and a share of the rest
        of the committee's figure by a random weight."""
        if committee is BAC_GIANG:
            return {o.code: BAC_GIANG_TARGETS[self._demo_code(o)] for o in organizations}
        rng = self.rng
        founding = {o.code: o.founding_members or 0 for o in organizations if not o.ended_on}
        weights = {code: rng.lognormvariate(0, 0.6) for code in founding}
        extra = max(0, committee.target - sum(founding.values()))
        scale = extra / sum(weights.values())
        targets = {code: founding[code] + round(weights[code] * scale) for code in founding}
        targets |= {o.code: 0 for o in organizations if o.ended_on}
        return targets

    @transaction.atomic
    def build(self) -> int:
        for committee in (BAC_GIANG, HA_NOI):
            self.build_committee(committee)
        return self.changed

    def build_committee(self, committee: Committee) -> None:
        cells = self.cells_of(committee)
        people = self.simulate(committee, cells)
        by_code = {cell.code: cell.organization for cell in cells}
        existing = set(
            Member.objects.filter(citizen_id__in=[p.citizen_id for p in people]).values_list(
                "citizen_id", flat=True
            )
        )
        for person in people:
            if person.citizen_id not in existing:
                self.write_person(committee, person, by_code)
        self.write_pipeline(committee, cells)
        self.write_classes(committee, cells, people)
        self.write_ratings(cells)

    def _event(self, planned: Planned, by_code) -> MemberEvent:
        return MemberEvent(
            kind=planned.kind,
            occurred_on=planned.on,
            organization=by_code[planned.cell] if planned.cell else None,
            counterpart=planned.counterpart
            if not planned.cell or planned.kind in (EventKind.TRANSFER_IN, EventKind.TEMPORARY_IN)
            else "",
            ceremony_on=planned.ceremony_on,
            badge_years=planned.badge_years,
            note=planned.note,
            decision_no=planned.decision_no,
            issued_by=planned.issued_by,
        )

    @staticmethod
    def _record(person: Person) -> dict:
        """What a member's and a candidate's records share, from the simulated person."""
        return {
            "full_name": person.full_name,
            "birth_date": person.birth_date,
            "sex": person.sex,
            "hometown": person.hometown,
            "citizen_id": person.citizen_id,
            "education": person.education,
            "professional_level": person.professional_level,
            "enterprise_id": person.enterprise_id,
            "position": person.position,
            "youth_union_member": person.youth_union_member,
            "trade_union_member": person.trade_union_member,
        }

    def _member(self, person: Person) -> Member:
        return Member(
            **self._record(person),
            political_theory=person.political_theory,
            card_number=person.card_number,
        )

    def write_person(self, committee: Committee, person: Person, by_code) -> None:
        self.changed += 1
        candidate = self._candidate_of(person, by_code) if person.pipeline else None
        if candidate is None:
            services.member_history_load(
                member=self._member(person),
                events=[self._event(planned, by_code) for planned in person.events],
            )
            return
        # Admitted through the pipeline: the candidate, the admission, then what followed.
        admission, *later = person.events
        services.candidate_save(candidate=candidate)
        member, _warnings = services.member_admit(
            member=self._member(person),
            organization=by_code[admission.cell],
            decided_on=admission.on,
            decision_no=admission.decision_no,
            issued_by=admission.issued_by,
            ceremony_on=admission.ceremony_on,
            candidate=candidate,
        )
        if later:
            services.member_events_add(
                member=member, events=[self._event(planned, by_code) for planned in later]
            )

    def _candidate_of(self, person: Person, by_code) -> Candidate | None:
        cell = by_code[person.events[0].cell]
        candidate = Candidate(
            **self._record(person),
            organization=cell,
            introducing_body=IntroducingBody.YOUTH_UNION if person.youth_union_member else "",
            **person.pipeline,
        )
        return candidate if self._introduce(candidate, cell) else None

    def _introduce(self, candidate: Candidate, cell) -> bool:
        """Introducers: official members of the cell on the day the dossier was complete,
        or, without two of them, the Youth Union committee and one. False if none."""
        day = candidate.dossier_on
        counted = list(counted_on(cell, day).order_by("pk")[:40])
        statuses = status_on([m.pk for m in counted], day)
        official = [m for m in counted if statuses[m.pk] == MemberStatus.OFFICIAL]
        if not official:
            return False
        if len(official) < 2:
            candidate.introducing_body = IntroducingBody.YOUTH_UNION
        wanted = 1 if candidate.introducing_body else 2
        chosen = random.Random(candidate.citizen_id).sample(official, wanted)
        candidate.introducer_1 = chosen[0]
        candidate.introducer_2 = chosen[1] if wanted == 2 else None
        return True

    def write_pipeline(self, committee: Committee, cells: list[Cell]) -> None:
        """Candidates in the pipeline today, at every stage, some of them overdue."""
        for cell in cells:
            if not cell.active(DEMO_TODAY) or not cell.target:
                continue
            rng = random.Random(f"pipeline-{cell.code}")
            for index in range(rng.choice([0, 1, 1, 2, 3])):
                person = self._person(committee, cell, born=(1990, 2006), rng=rng)
                identified = self._date(datetime.date(2025, 9, 1), datetime.date(2026, 7, 1), rng)
                stage = rng.choice(["identified", "class", "dossier", "resolution", "resolution"])
                resolution_after = rng.choice([120, 200, 300])
                if Candidate.objects.filter(citizen_id=person.citizen_id).exists():
                    continue
                dates = {"identified_on": identified}
                if stage != "identified":
                    dates["certificate_on"] = identified + datetime.timedelta(days=60)
                if stage in ("dossier", "resolution"):
                    dates["dossier_on"] = identified + datetime.timedelta(days=100)
                if stage == "resolution":
                    dates["resolution_on"] = identified + datetime.timedelta(days=resolution_after)
                if any(value > DEMO_TODAY for value in dates.values()):
                    continue
                person.youth_union_member = person.trade_union_member = True
                candidate = Candidate(
                    **self._record(person),
                    organization=cell.organization,
                    introducing_body=IntroducingBody.YOUTH_UNION,
                    **dates,
                )
                if "dossier_on" in dates and not self._introduce(candidate, cell.organization):
                    continue
                if index == 2 and "resolution_on" not in dates:
                    candidate.dropped_on = identified + datetime.timedelta(days=45)
                    candidate.drop_reason = "Chuyển nơi làm việc"
                services.candidate_save(candidate=candidate)
                self.changed += 1

    def write_classes(self, committee: Committee, cells: list[Cell], people) -> None:
        """Yearly awareness classes for the candidates, theory classes for new members and
        resolution study sessions with their attendance."""
        root = self._organization(committee.code)
        admitted: dict[int, list[Person]] = {}
        for person in people:
            first = person.events[0] if person.events else None
            if first is not None and first.kind == EventKind.ADMISSION and first.cell:
                admitted.setdefault(first.on.year, []).append(person)
        for year in range(max(2015, root.founded_on.year + 1), DEMO_TODAY.year + 1):
            title = f"Lớp bồi dưỡng nhận thức về Đảng năm {year}"
            if AwarenessClass.objects.filter(organization=root, title=title).exists():
                continue
            rng = random.Random(f"classes-{committee.code}-{year}")
            started = datetime.date(year, 3, 10)
            course = AwarenessClass(
                organization=root,
                title=title,
                started_on=started,
                ended_on=started + datetime.timedelta(days=4),
                certificate_on=started + datetime.timedelta(days=10),
            )
            services.course_save(course=course)
            names = [p.full_name for p in admitted.get(year + 1, []) + admitted.get(year, [])]
            names += [
                self._person(committee, rng.choice(cells), born=(1992, 2004), rng=rng).full_name
                for _ in range(rng.randint(5, 25))
            ]
            services.awareness_participants_add(
                course=course,
                participants=[AwarenessParticipant(full_name=name) for name in names],
            )
            theory = TheoryClass(
                organization=root,
                title=f"Lớp lý luận chính trị cho đảng viên mới năm {year}",
                started_on=datetime.date(year, 9, 8),
                ended_on=datetime.date(year, 9, 19),
                certificate_on=datetime.date(year, 9, 19),
            )
            if theory.certificate_on <= DEMO_TODAY:
                services.course_save(course=theory)
                new_members = Member.objects.filter(
                    citizen_id__in=[p.citizen_id for p in admitted.get(year - 1, [])]
                )
                services.theory_participants_add(course=theory, members=list(new_members))
            for number, month in enumerate((4, 10), start=1):
                held = datetime.date(year, month, 15)
                if held > DEMO_TODAY:
                    continue
                invited = counted_on(root, held).count()
                services.course_save(
                    course=StudySession(
                        organization=root,
                        title=f"Học tập, quán triệt nghị quyết (đợt {number}/{year})",
                        started_on=held,
                        invited=invited,
                        attended=round(invited * rng.uniform(0.9, 0.97)),
                    )
                )
            self.changed += 1

    def write_ratings(self, cells: list[Cell]) -> None:
        """Each year's ratings of the members of every cell, and of the cell."""
        for year in RATED_YEARS:
            year_end = datetime.date(year, 12, 31)
            for cell in cells:
                organization = cell.organization
                if not cell.active(year_end):
                    continue
                members = list(attending_on(organization, year_end).order_by("pk"))
                if not members:
                    continue
                stored = set(
                    MemberRating.objects.filter(year=year, member__in=members).values_list(
                        "member_id", flat=True
                    )
                )
                rated = OrganizationRating.objects.filter(organization=organization, year=year)
                if stored >= {m.pk for m in members} and rated.exists():
                    continue
                rng = random.Random(f"ratings-{cell.code}-{year}")
                levels = {}
                for member in members:
                    roll = rng.random()
                    if not services.rateable(member, year):
                        level = RatingLevel.NOT_RATED
                    elif roll < 0.14:
                        level = RatingLevel.EXCELLENT
                    elif roll < 0.9:
                        level = RatingLevel.GOOD
                    elif roll < 0.985:
                        level = RatingLevel.FULFILLED
                    else:
                        level = RatingLevel.NOT_FULFILLED
                    if member.pk not in stored:
                        levels[member] = (level, "")
                services.ratings_save(
                    organization=organization,
                    year=year,
                    levels=levels,
                    organization_level=rng.choice([RatingLevel.EXCELLENT] + [RatingLevel.GOOD] * 4),
                )
                self.changed += 1
