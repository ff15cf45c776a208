"""The demo's members simulated in memory: each person's history from their cell's founding to
the autumn of 2026 — members arriving with a new cell, admissions, recognitions, transfers,
temporary stays, deaths, removals, badges, awards — the candidates now in the pipeline, the
classes of each year and the annual ratings.

Pure: it reads no database and writes nothing. It takes the cells as plain `CellPlan`s and the
identifiers people's records already hold, draws everything else from fixed seeds (the same
members on every machine) and returns plans that `members.demo.loading` writes through the
services. Bắc Giang ends with about 124 members in its 8 cells (35 when the committee was
founded in 2014), Hà Nội with about 941 in its 68 organisations.
"""

from __future__ import annotations

import datetime
import random

from dateutil.relativedelta import relativedelta

from members import calendar
from members.demo.plans import (
    BAC_GIANG,
    BAC_GIANG_TARGETS,
    CellPlan,
    CommitteePlan,
    PlannedCandidate,
    PlannedClasses,
    PlannedCourse,
    PlannedEvent,
    PlannedSession,
    SimulatedPerson,
)
from members.models.events import EventKind
from members.models.members import MemberStatus, Position, Sex, TheoryLevel
from members.models.ratings import RatingLevel
from members.validators import citizen_id_century_digit

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


class Simulation:
    """Draws the demo's people and what happens to them. One instance for a whole load: the
    random draws follow one another in a fixed order, so the same calls give the same
    members."""

    def __init__(
        self,
        *,
        rng_seed: int = 20141120,
        taken_citizen_ids: frozenset[str] = frozenset(),
        taken_cards: frozenset[str] = frozenset(),
    ):
        self.rng = random.Random(rng_seed)  # fixed: the same members on every machine
        # Identifiers people's records hold already: never drawn for a demo person.
        self.taken_serials = taken_citizen_ids
        self.taken_cards = taken_cards
        self.serials: set[str] = set(taken_citizen_ids)
        self.cards: set[str] = set(taken_cards)
        self.decisions = 0
        self.adapted: list[str] = []

    # --- people ----------------------------------------------------------------------------
    def _free(self, draw, held: set[str], taken: frozenset[str], what: str) -> str:
        """The first value `draw()` gives that no one holds: neither a person's record
        (`taken`, said in `adapted`) nor the demo so far (`held`)."""
        while True:
            value = draw()
            if value in taken:
                self.adapted.append(f"{what} {value}: taken, another drawn")
            if value not in held:
                held.add(value)
                return value

    def _citizen_id(self, province: str, birth: datetime.date, sex: str, rng) -> str:
        century = citizen_id_century_digit(birth.year, sex == Sex.FEMALE)
        return self._free(
            lambda: f"{province}{century}{birth.year % 100:02d}{rng.randrange(10**6):06d}",
            self.serials,
            self.taken_serials,
            "citizen ID",
        )

    def _card(self) -> str:
        return self._free(
            lambda: f"{self.rng.randrange(10**7, 10**8)}",
            self.cards,
            self.taken_cards,
            "card number",
        )

    def _date(self, start: datetime.date, end: datetime.date, rng=None) -> datetime.date:
        if end <= start:
            return start
        rng = rng or self.rng
        return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))

    def _person(self, committee: CommitteePlan, cell: CellPlan, *, born: tuple[int, int], rng=None):
        rng = rng or self.rng
        sex = Sex.FEMALE if rng.random() < 0.46 else Sex.MALE
        birth = self._date(datetime.date(born[0], 1, 1), datetime.date(born[1], 12, 28), rng)
        province = committee.province_code if rng.random() < 0.7 else rng.choice(list(HOMETOWNS))
        age_2026 = 2026 - birth.year
        position = rng.choices(
            [Position.WORKER, Position.EMPLOYEE, Position.MANAGER, Position.OWNER],
            weights=[58, 24, 17, 1],
        )[0]
        if cell.name.startswith(("Chi bộ Ban", "Chi bộ Công an", "Chi bộ Trung tâm")):
            position = Position.OFFICIAL
        return SimulatedPerson(
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

    def _decided(self, kind, on, suffix="QĐ/ĐU", *, committee=None, **details) -> PlannedEvent:
        """An event with the number of its paper (`suffix` says which kind), issued by
        `committee` when the committee decides it."""
        issued_by = committee.issued_by if committee else ""
        return PlannedEvent(
            kind, on, decision_no=self._decision(suffix), issued_by=issued_by, **details
        )

    def _outside(self, committee: CommitteePlan) -> str:
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
    def _add(self, person: SimulatedPerson, planned: PlannedEvent) -> bool:
        """Append an event if it can stand after the person's last one and before today."""
        if planned.on <= person.last_on and person.events:
            planned.on = person.last_on + datetime.timedelta(days=1)
        if planned.on > DEMO_TODAY:
            return False
        person.events.append(planned)
        return True

    def _arrive(self, committee: CommitteePlan, cell: CellPlan, day: datetime.date, *, older=False):
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
            PlannedEvent(EventKind.ADMISSION, admitted, counterpart=place, ceremony_on=ceremony),
            PlannedEvent(
                EventKind.RECOGNITION,
                ceremony + relativedelta(years=1, days=rng.randint(0, 20)),
                counterpart=place,
            ),
        ]
        person.events.append(
            self._decided(
                EventKind.TRANSFER_IN,
                day,
                "GGT",
                committee=committee,
                cell=cell.code,
                counterpart=place,
            )
        )
        person.card_number = self._card()
        person.events.insert(
            2,
            PlannedEvent(
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

    def _admit(self, committee: CommitteePlan, cell: CellPlan, year: int) -> SimulatedPerson | None:
        rng = self.rng
        start = max(datetime.date(year, 1, 15), cell.founded_on + datetime.timedelta(days=90))
        end = min(datetime.date(year, 12, 20), DEMO_TODAY - datetime.timedelta(days=20))
        if start > end:
            return None
        decided = self._date(start, end)
        person = self._person(committee, cell, born=(year - 36, year - 21))
        person.youth_union_member = year - person.birth_date.year < 31
        ceremony = calendar.add_working_days(decided, rng.randint(6, 26))
        person.events = [
            self._decided(
                EventKind.ADMISSION,
                decided,
                committee=committee,
                cell=cell.code,
                ceremony_on=ceremony if ceremony <= DEMO_TODAY else None,
            )
        ]
        person.cell, person.counted, person.standing = cell.code, True, MemberStatus.PROBATIONARY
        person.admitted_on = decided
        person.ceremony_on = person.events[0].ceremony_on
        if year >= committee.admissions_from:
            person.pipeline = self._pipeline(person, decided)
        return person

    def _pipeline(self, person: SimulatedPerson, decided: datetime.date) -> dict:
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
            founded = cell.founded_on
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
                    move = self._decided(
                        EventKind.TRANSFER_IN, founded, committee=committee, cell=cell.code
                    )
                    if self._add(mover, move):
                        mover.cell = cell.code
                        mover.enterprise_id = (
                            rng.choice(cell.enterprises) if cell.enterprises else None
                        )
                        continue
                people.append(self._arrive(committee, cell, founded, older=rng.random() < 0.2))
        by_cell: dict[str, list[SimulatedPerson]] = {}
        for person in people:
            if person.counted:
                by_cell.setdefault(person.cell, []).append(person)

        for cell in cells:
            if not cell.active(year_start) and cell.founded_on.year != year:
                continue
            here = by_cell.get(cell.code, [])
            ended = cell.ended_on
            if ended and ended.year == year:
                # Dissolved: every member moves to a cell that goes on.
                others = [c for c in cells if c is not cell and c.active(ended)]
                for person in here:
                    target = rng.choice(others)
                    moved = ended - datetime.timedelta(days=5)
                    move = self._decided(
                        EventKind.TRANSFER_IN, moved, committee=committee, cell=target.code
                    )
                    if self._add(person, move):
                        person.cell = target.code
                continue
            # Grow steadily from the founding members to the cell's size today.
            founded_year = cell.founded_on.year
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
            if self._add(guest, PlannedEvent(EventKind.TEMPORARY_OUT, leaves)):
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
                    removal = self._decided(
                        EventKind.REMOVAL,
                        due + datetime.timedelta(days=30),
                        note="Không đủ tư cách đảng viên chính thức",
                    )
                    if self._add(person, removal):
                        self._leave(person, MemberStatus.REMOVED)
                    return
                on = due + datetime.timedelta(days=rng.randint(0, 25))
                if self._add(person, self._decided(EventKind.RECOGNITION, on, committee=committee)):
                    person.standing, person.recognized_on = MemberStatus.OFFICIAL, on
                    person.card_number = self._card()
                    issued = on + datetime.timedelta(days=rng.randint(40, 120))
                    self._add(person, self._decided(EventKind.CARD, issued, "QĐ/TW"))
            return
        if person.standing != MemberStatus.OFFICIAL or person.last_on >= year_end:
            return
        day = self._date(max(year_start, person.last_on + datetime.timedelta(days=1)), year_end)
        age = year - person.birth_date.year
        roll = rng.random()
        if roll < 0.025:
            place = self._outside(committee)
            departure = self._decided(
                EventKind.TRANSFER_OUT, day, "GGT", committee=committee, counterpart=place
            )
            if self._add(person, departure):
                self._leave(person, MemberStatus.TRANSFERRED_OUT)
        elif roll < 0.035:
            others = [c for c in cells if c.code != person.cell and c.active(day) and c.target]
            if others:
                target = rng.choice(others)
                move = self._decided(
                    EventKind.TRANSFER_IN, day, "GGT", committee=committee, cell=target.code
                )
                if self._add(person, move):
                    person.cell = target.code
        elif roll < 0.045 and not person.away:
            place = self._outside(committee)
            away = self._decided(EventKind.TEMPORARY_OUT, day, "GGT-TT", counterpart=place)
            if self._add(person, away):
                person.away = True
                back = day + datetime.timedelta(days=rng.randint(90, 270))
                if self._add(person, PlannedEvent(EventKind.TEMPORARY_IN, back)):
                    person.away = False
        elif roll < 0.047 + (0.02 if age > 58 else 0):
            if self._add(person, PlannedEvent(EventKind.DEATH, day)):
                self._leave(person, MemberStatus.DECEASED)
        elif roll < 0.049:
            if self._add(person, self._decided(EventKind.RESIGNATION, day)):
                self._leave(person, MemberStatus.RESIGNED)
        elif roll < 0.075:
            award = rng.choice(AWARDS)
            self._add(person, self._decided(EventKind.AWARD, day, "QĐ/KT", note=award))
        elif roll < 0.078:
            self._add(person, self._decided(EventKind.DISCIPLINE, day, "QĐ/KL", note="Khiển trách"))
        elif roll < 0.0795:
            expelled = self._decided(EventKind.EXPULSION, day, "QĐ/KL")
            if self._add(person, expelled):
                cell = person.cell
                self._leave(person, MemberStatus.EXPELLED)
                if rng.random() < 0.5:  # annulled on appeal: membership restored
                    back = day + datetime.timedelta(days=rng.randint(120, 300))
                    restored = self._decided(
                        EventKind.RESTORATION, back, "QĐ/UBKT", committee=committee, cell=cell
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
        exemption = self._decided(EventKind.EXEMPTION, exempt_on)
        if age >= 62 and not person.exempt and rng.random() < 0.3 and self._add(person, exemption):
            person.exempt = True
        if person.admitted_on:
            for years in (30, 40, 45, 50):
                due = datetime.date(person.admitted_on.year + years, 2, 3)
                if due.year == year and due >= person.admitted_on + relativedelta(years=years):
                    badge = self._decided(EventKind.BADGE, due, "QĐ/TU", badge_years=years)
                    self._add(person, badge)

    def _leave(self, person: SimulatedPerson, status: str) -> None:
        person.standing = status
        person.counted = False
        person.cell = None

    def simulate(self, committee: CommitteePlan, cells: list[CellPlan]) -> list[SimulatedPerson]:
        people: list[SimulatedPerson] = []
        first = min(c.founded_on.year for c in cells)
        for year in range(first, DEMO_TODAY.year + 1):
            self._year_of(committee, cells, people, year)
        return people

    # --- the cells, today's pipeline, the classes, the ratings -----------------------------
    def plan_cells(self, committee: CommitteePlan, cells: list[CellPlan]) -> list[CellPlan]:
        """Give each cell its members at its founding (as recorded, or drawn) and its members
        counted today."""
        targets = self._targets(committee, cells)
        for cell in cells:
            cell.target = targets[cell.code]
            cell.founding = cell.founding_members or self.rng.randint(3, 8)
        return cells

    def _targets(self, committee: CommitteePlan, cells: list[CellPlan]) -> dict[str, int]:
        """Members counted today in each cell: the founding members, and a share of the rest
        of the committee's figure by a random weight."""
        if committee is BAC_GIANG:
            return {cell.code: BAC_GIANG_TARGETS[cell.demo_code] for cell in cells}
        rng = self.rng
        founding = {c.code: c.founding_members or 0 for c in cells if not c.ended_on}
        weights = {code: rng.lognormvariate(0, 0.6) for code in founding}
        extra = max(0, committee.target - sum(founding.values()))
        scale = extra / sum(weights.values())
        targets = {code: founding[code] + round(weights[code] * scale) for code in founding}
        targets |= {c.code: 0 for c in cells if c.ended_on}
        return targets

    def pipeline(self, committee: CommitteePlan, cells: list[CellPlan]) -> list[PlannedCandidate]:
        """Candidates in the pipeline today, at every stage, some of them overdue."""
        planned = []
        for cell in cells:
            if not cell.active(DEMO_TODAY) or not cell.target:
                continue
            rng = random.Random(f"pipeline-{cell.code}")
            for index in range(rng.choice([0, 1, 1, 2, 3])):
                person = self._person(committee, cell, born=(1990, 2006), rng=rng)
                identified = self._date(datetime.date(2025, 9, 1), datetime.date(2026, 7, 1), rng)
                stage = rng.choice(["identified", "class", "dossier", "resolution", "resolution"])
                resolution_after = rng.choice([120, 200, 300])
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
                candidate = PlannedCandidate(cell.code, person, dates)
                if index == 2 and "resolution_on" not in dates:
                    candidate.dropped_on = identified + datetime.timedelta(days=45)
                    candidate.drop_reason = "Chuyển nơi làm việc"
                planned.append(candidate)
        return planned

    @staticmethod
    def introducers(citizen_id: str, official: list, wanted: int) -> list:
        """`wanted` of the cell's official members, drawn for the candidate of `citizen_id`."""
        return random.Random(citizen_id).sample(official, wanted)

    def classes(
        self,
        committee: CommitteePlan,
        cells: list[CellPlan],
        people: list[SimulatedPerson],
        founded_on: datetime.date,
    ) -> list[PlannedClasses]:
        """Each year's awareness class for the candidates (those admitted that year or the
        next, and others), theory class for the members admitted the year before and
        resolution study sessions, from the year after the committee's founding."""
        admitted: dict[int, list[SimulatedPerson]] = {}
        for person in people:
            first = person.events[0] if person.events else None
            if first is not None and first.kind == EventKind.ADMISSION and first.cell:
                admitted.setdefault(first.on.year, []).append(person)
        planned = []
        for year in range(max(2015, founded_on.year + 1), DEMO_TODAY.year + 1):
            rng = random.Random(f"classes-{committee.code}-{year}")
            started = datetime.date(year, 3, 10)
            names = [p.full_name for p in admitted.get(year + 1, []) + admitted.get(year, [])]
            names += [
                self._person(committee, rng.choice(cells), born=(1992, 2004), rng=rng).full_name
                for _ in range(rng.randint(5, 25))
            ]
            theory = PlannedCourse(
                f"Lớp lý luận chính trị cho đảng viên mới năm {year}",
                datetime.date(year, 9, 8),
                datetime.date(year, 9, 19),
                certificate_on=datetime.date(year, 9, 19),
            )
            sessions = []
            for number, month in enumerate((4, 10), start=1):
                held = datetime.date(year, month, 15)
                if held <= DEMO_TODAY:
                    title = f"Học tập, quán triệt nghị quyết (đợt {number}/{year})"
                    sessions.append(PlannedSession(title, held, rng.uniform(0.9, 0.97)))
            planned.append(
                PlannedClasses(
                    awareness=PlannedCourse(
                        f"Lớp bồi dưỡng nhận thức về Đảng năm {year}",
                        started,
                        started + datetime.timedelta(days=4),
                        certificate_on=started + datetime.timedelta(days=10),
                    ),
                    participants=names,
                    theory=theory if theory.certificate_on <= DEMO_TODAY else None,
                    theory_citizen_ids=[p.citizen_id for p in admitted.get(year - 1, [])],
                    sessions=sessions,
                )
            )
        return planned

    @staticmethod
    def rating_levels(code: str, year: int, rateable: list[bool]) -> tuple[list[str], str]:
        """A year's ratings of a cell's members (in the order of `rateable`: whether each is
        normally rated that year) and of the cell itself."""
        rng = random.Random(f"ratings-{code}-{year}")
        levels = []
        for normally_rated in rateable:
            roll = rng.random()
            if not normally_rated:
                level = RatingLevel.NOT_RATED
            elif roll < 0.14:
                level = RatingLevel.EXCELLENT
            elif roll < 0.9:
                level = RatingLevel.GOOD
            elif roll < 0.985:
                level = RatingLevel.FULFILLED
            else:
                level = RatingLevel.NOT_FULFILLED
            levels.append(level)
        return levels, rng.choice([RatingLevel.EXCELLENT] + [RatingLevel.GOOD] * 4)
