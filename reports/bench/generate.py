"""Records generated for the figures' benchmark (`manage.py bench_figures`): a province, or the
nation, with ten years of members' events, written straight into an empty database.

The rows follow the models' rules closely enough that every figure means what it says:

- the tree: province-level bodies, zone committees (each with its zones), grassroots cells and
  grassroots committees with subordinate cells, founded on dates the members' events respect;
- enterprises in the zones, with their dated status (some suspended or dissolved in the ten
  years), worker counts, unions and Youth Union branches; each grassroots organisation serves
  an enterprise of its committee's zones by a dated link, one in ten a joint cell serving two
  (with a unit type chosen when their ownership differs); subordinate cells take their
  committee's unit type;
- members admitted in our cells (ceremony, recognition 12 months later) or admitted elsewhere
  and transferred in; some moved to another cell of their committee, some transferred out,
  dead or resigned; each event with the state `members.timeline` would store after it
  (sequence, status, organisation, counted before and after), the member's record the last
  state, admissions with their facts at admission; ratings of the last two closed years;
  awareness classes;
- the counted intervals rebuilt from the events (`members.models.intervals.rebuild`), as
  `manage.py rebuild_counted_intervals` does.

The nation is one subtree: the generated province-level bodies sit under one national node
(of the province-level kind), which the interface's tree rules have no place for (a
province-level body sits at the top); it is the root the national figures are computed for.

Speed and memory: nothing goes through the ORM's model instances. Rows are tuples written a
chunk at a time (COPY on PostgreSQL, executemany on SQLite) with ids chosen here, so that
paths and links need no read back; a chunk of members and their events is the most held at
once. One random generator with a fixed seed: the same scale gives the same records.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone
from stdnum.vn import mst

from members.calendar import add_months
from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    EventKind,
    Member,
    MemberEvent,
    MemberRating,
    MemberStatus,
    OrganizationRating,
    Position,
    RatingLevel,
    Sex,
)
from members.models.intervals import rebuild
from organizations.models import (
    Enterprise,
    EnterpriseLink,
    EnterpriseState,
    EnterpriseStatus,
    MassKind,
    MassOrganization,
    MembershipCount,
    OrganizationKind,
    Ownership,
    PartyOrganization,
    WorkforceSnapshot,
    Zone,
)

D = datetime.date
K = OrganizationKind
CHUNK = 20_000  # members generated and written at once


@dataclass(frozen=True)
class Scale:
    name: str
    provinces: int
    committees: int  # zone committees per province
    zones: int  # per committee
    enterprises: int
    members: int
    organizations: int  # every party organisation, roots included


SCALES = {
    "tiny": Scale("tiny", 1, 2, 2, 200, 600, 45),  # for tests
    "province": Scale("province", 1, 3, 3, 3_000, 10_000, 650),
    "national": Scale("national", 60, 3, 4, 300_000, 1_000_000, 50_000),
}

OWNERSHIP_WEIGHTS = [
    (Ownership.FDI100, 35), (Ownership.JV, 5), (Ownership.FDI_OTHER, 3), (Ownership.LLC, 25),
    (Ownership.JSC, 20), (Ownership.PRIVATE, 5), (Ownership.STATE, 2),
    (Ownership.STATE_MAJORITY, 2), (Ownership.COOPERATIVE, 1), (Ownership.AGENCY, 1),
    (Ownership.PUBLIC_SERVICE, 1),
]  # fmt: skip
POSITIONS = [(Position.WORKER, 50), (Position.EMPLOYEE, 30), (Position.MANAGER, 10),
             (Position.OWNER, 2), (Position.OFFICIAL, 3), (Position.OTHER, 5)]  # fmt: skip
LEVELS = [(RatingLevel.EXCELLENT, 12), (RatingLevel.GOOD, 60), (RatingLevel.FULFILLED, 22),
          (RatingLevel.NOT_FULFILLED, 2), (RatingLevel.NOT_RATED, 4)]  # fmt: skip
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Thanh", "Quốc", "Ngọc", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
         "Trang", "Tuấn", "Yến"]  # fmt: skip
PLACES = ["Đình Trám", "Quang Châu", "Vân Trung", "Việt Hàn", "Hòa Phú", "Yên Lư", "Thăng Long",
          "Nội Bài", "Quang Minh", "Tân Thuận", "Linh Trung", "Nhơn Trạch", "Đình Vũ", "Quế Võ",
          "Mỹ Phước", "Hòa Khánh", "Sóng Thần", "Tiên Sơn"]  # fmt: skip


def _weighted(rnd: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return lambda: rnd.choices(values, weights)[0]


def _next_id(model) -> int:
    """The first id after those on record (the records may be added to others, in tests)."""
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


class Writer:
    """Rows of a model written in chunks: COPY on PostgreSQL, executemany on SQLite. A row is
    the values of `fields` in order; every other column takes its field's default (the time
    of the load for the dates kept by Django)."""

    def __init__(self):
        self.postgresql = connection.vendor == "postgresql"
        self.now = timezone.now()
        self.rows = 0

    def _constants(self, model, fields):
        constants = {}
        for field in model._meta.concrete_fields:
            if field.attname in fields or field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = self.now
            else:
                value = field.get_default()
            constants[field.column] = value
        return constants

    def write(self, model, fields: list[str], rows: Iterable[tuple]) -> None:
        meta = model._meta
        constants = self._constants(model, fields)
        columns = [meta.get_field(name).column for name in fields] + list(constants)
        extra = tuple(constants.values())
        table = meta.db_table
        if self.postgresql:
            with connection.cursor() as cursor:
                names = ", ".join(f'"{column}"' for column in columns)
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row + extra)
                        self.rows += 1
            return
        names = ", ".join(f'"{column}"' for column in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 - our names
        batch = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(self._sqlite(row + extra))
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    self.rows += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                self.rows += len(batch)

    @staticmethod
    def _sqlite(row: tuple) -> tuple:
        return tuple(
            value.isoformat(" ")
            if isinstance(value, datetime.datetime)
            else value.isoformat()
            if isinstance(value, D)
            else str(value)
            if isinstance(value, str)
            else value
            for value in row
        )


@dataclass
class Cell:
    id: int
    committee: int  # index of its zone committee
    founded_on: D
    enterprise_id: int | None


class Generator:
    def __init__(self, scale: Scale, seed: int = 2026, today: D | None = None):
        self.scale = scale
        self.rnd = random.Random(seed)
        self.today = today or timezone.localdate()
        self.first_year = self.today.year - 10
        self.writer = Writer()
        self.next_org = _next_id(PartyOrganization)
        self.cells: list[Cell] = []
        self.cells_of: dict[int, list[Cell]] = {}  # committee index → cells
        self.grassroots: list[tuple[int, D]] = []  # (id, founded) for ratings
        self.committee_ids: list[int] = []
        self.province_ids: list[int] = []
        self.national_id: int | None = None

    # --- dates ----------------------------------------------------------------------------
    def day_between(self, start: D, end: D) -> D:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rnd.randint(0, (end - start).days))

    # --- the tree, zones and enterprises ---------------------------------------------------
    def run(self) -> dict:
        if self.writer.postgresql:
            # The ids and references are chosen here, each parent written before its rows: no
            # foreign-key trigger per row while loading (the database's superuser only).
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
        self.organizations()
        self.members()
        self.classes()
        if self.writer.postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        intervals = rebuild()
        self.finish()
        return {"rows": self.writer.rows + intervals, "intervals": intervals}

    def _org(self, rows, kind, parent_path, code, name, founded, unit_type="", chosen=""):
        pk = self.next_org
        self.next_org += 1
        path = f"{parent_path}{pk:07d}/"
        parent = int(parent_path[-8:-1]) if parent_path else None
        rows.append(
            (pk, kind, parent, code, name, founded, unit_type, chosen, path, path.count("/") - 1)
        )
        return pk, path

    def organizations(self) -> None:
        s, rnd = self.scale, self.rnd
        orgs, zones, enterprises, states, workforce, links, mass, counts = ([] for _ in range(8))
        ownership = _weighted(rnd, OWNERSHIP_WEIGHTS)
        roots = s.provinces + (1 if s.provinces > 1 else 0) + s.provinces * s.committees
        per_committee = (s.organizations - roots) / (s.provinces * s.committees)
        enterprise_per_committee = s.enterprises // (s.provinces * s.committees)
        national_path = ""
        if s.provinces > 1:
            self.national_id, national_path = self._org(
                orgs, K.PROVINCE, "", "TQ", "Toàn quốc (đo hiệu năng)", D(2005, 1, 1)
            )
        next_enterprise, next_zone = _next_id(Enterprise), _next_id(Zone)
        next_mass = _next_id(MassOrganization)
        for p in range(s.provinces):
            province_id, province_path = self._org(
                orgs, K.PROVINCE, national_path, f"T{p:02d}", f"Tỉnh ủy {p:02d}", D(2006, 1, 1)
            )
            self.province_ids.append(province_id)
            for c in range(s.committees):
                index = len(self.committee_ids)
                committee_id, committee_path = self._org(
                    orgs,
                    K.UPPER_GRASSROOTS,
                    province_path,
                    f"T{p:02d}-K{c}",
                    f"Đảng bộ Các KCN {p:02d}-{c}",
                    D(2008, 1, 1),
                )
                self.committee_ids.append(committee_id)
                zone_ids = []
                for _ in range(s.zones):
                    zone_ids.append(next_zone)
                    zones.append(
                        (
                            next_zone,
                            f"KCN {rnd.choice(PLACES)} {next_zone}",
                            f"Tỉnh {p:02d}",
                            committee_id,
                        )
                    )
                    next_zone += 1
                # The committee's enterprises: (id, ownership, licensed, active on today).
                mine = []
                for _ in range(enterprise_per_committee):
                    pk = next_enterprise
                    next_enterprise += 1
                    kind = ownership()
                    licensed = self.day_between(D(2000, 1, 1), D(self.today.year - 1, 12, 31))
                    body = f"{(p % 90) + 1:02d}{pk:07d}"
                    status = EnterpriseStatus.ACTIVE
                    roll = rnd.random()
                    if roll < 0.07:  # suspended or dissolved in the ten years
                        status = (
                            EnterpriseStatus.SUSPENDED if roll < 0.05 else EnterpriseStatus.CLOSED
                        )
                        since = self.day_between(
                            max(licensed + datetime.timedelta(days=1), D(self.first_year, 1, 1)),
                            self.today,
                        )
                        states.append((pk, EnterpriseStatus.ACTIVE, kind, licensed, since))
                        states.append((pk, status, kind, since, None))
                    else:
                        states.append((pk, status, kind, licensed, None))
                    enterprises.append(
                        (
                            pk,
                            body + mst.calc_check_digit(body),
                            f"Công ty {rnd.choice(PLACES)} {pk}",
                            rnd.choice(zone_ids),
                            kind,
                            licensed,
                            status,
                        )
                    )
                    for year in (self.today.year - 2, self.today.year - 1):
                        counted = D(year, 12, 31)
                        if counted > licensed:
                            workers = rnd.choice(
                                [rnd.randint(5, 299), rnd.randint(300, 499), rnd.randint(500, 6000)]
                            )
                            workforce.append((pk, counted, workers))
                    for kind_, share in ((MassKind.TRADE_UNION, 0.6), (MassKind.YOUTH_UNION, 0.2)):
                        if rnd.random() < share:
                            founded = self.day_between(licensed, self.today)
                            mass.append((next_mass, kind_, f"Công đoàn {pk}", pk, founded))
                            for year in (self.today.year - 1, self.today.year):
                                counted = D(year, 6, 30)
                                if founded < counted <= self.today:
                                    members = rnd.randint(10, 2000)
                                    counts.append(
                                        (next_mass, counted, members, rnd.randint(0, members // 5))
                                    )
                            next_mass += 1
                    mine.append((pk, kind, licensed, status == EnterpriseStatus.ACTIVE))
                self._committee_tree(
                    orgs, links, index, committee_path, f"T{p:02d}-K{c}", per_committee, mine
                )
            self._flush(orgs, zones, enterprises, states, workforce, links, mass, counts)
        self.organization_ratings()

    def _flush(self, orgs, zones, enterprises, states, workforce, links, mass, counts) -> None:
        """Write a province's rows, parents first, and forget them."""
        w = self.writer
        w.write(PartyOrganization, ORGANIZATION_FIELDS, orgs)
        w.write(Zone, ["id", "name", "province", "committee_id"], zones)
        w.write(Enterprise, ENTERPRISE_FIELDS, enterprises)
        w.write(EnterpriseState, STATE_FIELDS, states)
        w.write(WorkforceSnapshot, ["enterprise_id", "counted_on", "workers"], workforce)
        w.write(EnterpriseLink, ["organization_id", "enterprise_id", "started_on"], links)
        w.write(MassOrganization, ["id", "kind", "name", "enterprise_id", "founded_on"], mass)
        w.write(MembershipCount, ["organization_id", "counted_on", "members", "recruited"], counts)
        for rows in (orgs, zones, enterprises, states, workforce, links, mass, counts):
            rows.clear()

    def _committee_tree(self, orgs, links, index, path, code, budget, enterprises) -> None:
        """Grassroots cells and committees (with three subordinate cells each) under a zone
        committee, about `budget` organisations, each grassroots one serving an active
        enterprise of the committee's zones (a joint cell, two)."""
        rnd = self.rnd
        units = max(1, round(budget / 1.3))
        served = [e for e in enterprises if e[3]]
        rnd.shuffle(served)
        cells = self.cells_of.setdefault(index, [])
        for number in range(units):
            founded = (
                self.day_between(D(2008, 1, 1), D(self.first_year - 1, 12, 31))
                if rnd.random() < 0.7
                else self.day_between(D(self.first_year, 1, 1), D(self.today.year - 1, 6, 30))
            )
            joint = rnd.random() < 0.1
            mine = [served.pop() for _ in range(2 if joint else 1) if served]
            types = {e[1] for e in mine}
            unit_type = mine[0][1] if mine else Ownership.LLC
            chosen = unit_type if len(types) > 1 or not mine else ""
            committee = rnd.random() < 0.1
            kind = K.GRASSROOTS_COMMITTEE if committee else K.GRASSROOTS_CELL
            label = "Đảng bộ" if committee else "Chi bộ"
            pk, unit_path = self._org(
                orgs, kind, path, f"{code}-{number:04d}", f"{label} cơ sở {code}-{number}",
                founded, unit_type, chosen,
            )  # fmt: skip
            self.grassroots.append((pk, founded))
            for enterprise in mine:
                links.append((pk, enterprise[0], max(founded, enterprise[2])))
            employer = mine[0][0] if mine else None
            if committee:
                for sub in range(3):
                    sub_pk, _ = self._org(
                        orgs, K.SUBORDINATE_CELL, unit_path, f"{code}-{number:04d}-{sub}",
                        f"Chi bộ {sub + 1}, {code}-{number}", founded, unit_type,
                    )  # fmt: skip
                    cell = Cell(sub_pk, index, founded, employer)
                    cells.append(cell)
                    self.cells.append(cell)
            else:
                cell = Cell(pk, index, founded, employer)
                cells.append(cell)
                self.cells.append(cell)

    def organization_ratings(self) -> None:
        level = _weighted(self.rnd, LEVELS)
        rows = [
            (year, level(), pk)
            for year in (self.today.year - 2, self.today.year - 1)
            for pk, founded in self.grassroots
            if founded <= D(year, 12, 31)
        ]
        self.writer.write(OrganizationRating, ["year", "level", "organization_id"], rows)

    # --- members --------------------------------------------------------------------------
    def members(self) -> None:
        total = self.scale.members
        first = _next_id(Member)
        for start in range(first, first + total, CHUNK):
            members, events, ratings = [], [], []
            for pk in range(start, min(start + CHUNK, first + total)):
                self._member(pk, members, events, ratings)
            self.writer.write(Member, MEMBER_FIELDS, members)
            self.writer.write(MemberEvent, EVENT_FIELDS, events)
            self.writer.write(
                MemberRating, ["year", "level", "member_id", "organization_id"], ratings
            )

    def _member(self, pk: int, members: list, events: list, ratings: list) -> None:
        rnd, today = self.rnd, self.today
        cell = rnd.choice(self.cells)
        position = rnd.choices(*zip(*POSITIONS, strict=True))[0]
        sex = Sex.FEMALE if rnd.random() < 0.45 else Sex.MALE
        youth = rnd.random() < 0.4
        timeline: list[tuple] = []  # (kind, day, organization, counterpart, ceremony)
        joined = self.day_between(cell.founded_on, today - datetime.timedelta(days=3))
        if rnd.random() < 0.7:  # admitted in our cell
            ceremony = min(joined + datetime.timedelta(days=20), today)
            timeline.append((EventKind.ADMISSION, joined, cell.id, "", ceremony))
            admitted, recognition_from = joined, add_months(ceremony, 12)
            if recognition_from < today:
                recognized = self.day_between(
                    recognition_from, min(today, recognition_from + datetime.timedelta(days=40))
                )
                timeline.append((EventKind.RECOGNITION, recognized, None, "", None))
        else:  # admitted elsewhere, then transferred in
            admitted = joined - datetime.timedelta(days=rnd.randint(400, 9000))
            elsewhere = f"Đảng bộ xã {rnd.choice(PLACES)}"
            timeline.append((EventKind.ADMISSION, admitted, None, elsewhere, None))
            timeline.append(
                (EventKind.RECOGNITION, add_months(admitted, 13), None, elsewhere, None)
            )
            timeline.append((EventKind.TRANSFER_IN, joined, cell.id, elsewhere, None))
        birth = admitted - datetime.timedelta(days=365 * 18 + rnd.randint(200, 9000))
        last = timeline[-1][1]
        roll = rnd.random()
        if roll < 0.08 and last < today - datetime.timedelta(days=2):
            day = self.day_between(last + datetime.timedelta(days=1), today)
            if roll < 0.05:  # moved to another cell of the committee
                near = self.cells_of[cell.committee]
                others = [
                    c
                    for c in rnd.sample(near, min(5, len(near)))
                    if c.id != cell.id and c.founded_on <= day
                ]
                if others:
                    timeline.append((EventKind.TRANSFER_IN, day, others[0].id, "", None))
            else:
                kind = rnd.choice([EventKind.TRANSFER_OUT, EventKind.DEATH, EventKind.RESIGNATION])
                counterpart = "Đảng bộ phường Hòa Bình" if kind == EventKind.TRANSFER_OUT else ""
                timeline.append((kind, day, None, counterpart, None))
        # Replay (the states members.timeline gives these events).
        standing, organization, counted, last_org = None, None, None, None
        ceremony_on = recognized_on = None
        for sequence, (kind, day, org, counterpart, ceremony) in enumerate(timeline, start=1):
            before = counted
            facts = (None, None, None, None)
            if kind == EventKind.ADMISSION:
                standing, organization, counted = MemberStatus.PROBATIONARY, org, org
                last_org, ceremony_on = org or last_org, ceremony
                if org:
                    facts = (
                        position == Position.OWNER,
                        position == Position.WORKER,
                        youth,
                        sex == Sex.FEMALE,
                    )
            elif kind == EventKind.RECOGNITION:
                standing, recognized_on = MemberStatus.OFFICIAL, day
            elif kind == EventKind.TRANSFER_IN:
                organization = counted = last_org = org
            elif kind == EventKind.TRANSFER_OUT:
                organization = counted = None
            else:  # death, resignation
                standing = (
                    MemberStatus.DECEASED if kind == EventKind.DEATH else MemberStatus.RESIGNED
                )
                organization = counted = None
            status = standing
            if (
                standing in (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)
                and organization is None
                and last_org
            ):
                status = MemberStatus.TRANSFERRED_OUT
            events.append(
                (pk, kind, day, org, counterpart, ceremony, sequence, status, organization,
                 before, counted, *facts)
            )  # fmt: skip
        for year in (today.year - 2, today.year - 1):
            place = self._counted_at(timeline, D(year, 12, 31))
            if place:
                ratings.append((year, rnd.choices(*zip(*LEVELS, strict=True))[0], pk, place))
        members.append(
            (
                pk,
                f"{rnd.choice(SURNAMES)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
                birth,
                sex,
                cell.enterprise_id,
                position,
                youth,
                rnd.random() < 0.8,
                status,
                organization or last_org,
                counted,
                admitted,
                ceremony_on,
                recognized_on,
            )
        )

    @staticmethod
    def _counted_at(timeline, day: D) -> int | None:
        counted = None
        for kind, when, org, _counterpart, _ceremony in timeline:
            if when > day:
                break
            if kind in (EventKind.ADMISSION, EventKind.TRANSFER_IN):
                counted = org
            elif kind in (EventKind.TRANSFER_OUT, EventKind.DEATH, EventKind.RESIGNATION):
                counted = None
        return counted

    def classes(self) -> None:
        rnd = self.rnd
        courses, participants = [], []
        pk = _next_id(AwarenessClass)
        for cells in self.cells_of.values():
            for year in range(self.first_year, self.today.year + 1):
                for _ in range(2):
                    started = self.day_between(D(year, 1, 1), min(D(year, 12, 20), self.today))
                    holder = rnd.choice(cells)
                    courses.append((pk, holder.id, f"Lớp nhận thức {year}", started))
                    participants.extend(
                        (pk, f"{rnd.choice(SURNAMES)} {rnd.choice(GIVEN)}")
                        for _ in range(rnd.randint(20, 60))
                    )
                    pk += 1
        self.writer.write(AwarenessClass, ["id", "organization_id", "title", "started_on"], courses)
        self.writer.write(AwarenessParticipant, ["course_id", "full_name"], participants)

    def finish(self) -> None:
        """Sequences past the ids chosen here (PostgreSQL), the planner's statistics and the
        visibility map."""
        models = [PartyOrganization, Zone, Enterprise, MassOrganization, Member, AwarenessClass]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            # PostgreSQL reads an index alone only where its visibility map says the rows are
            # visible to all: VACUUM sets it (autovacuum would, later), outside a transaction.
            vacuum = self.writer.postgresql and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


ORGANIZATION_FIELDS = ["id", "kind", "parent_id", "code", "name", "founded_on", "unit_type",
                       "chosen_unit_type", "path", "depth"]  # fmt: skip
ENTERPRISE_FIELDS = ["id", "tax_code", "name", "zone_id", "ownership", "licensed_on", "status"]
STATE_FIELDS = ["enterprise_id", "status", "ownership", "valid_from", "valid_to"]
RATING_FIELDS = ["year", "level", "member_id", "organization_id"]
MEMBER_FIELDS = ["id", "full_name", "birth_date", "sex", "enterprise_id", "position",
                 "youth_union_member", "trade_union_member", "status", "organization_id",
                 "counted_in_id", "admitted_on", "ceremony_on", "recognized_on"]  # fmt: skip
EVENT_FIELDS = ["member_id", "kind", "occurred_on", "organization_id", "counterpart",
                "ceremony_on", "sequence", "status_after", "organization_after_id",
                "counted_before_id", "counted_after_id", "owner_at_admission",
                "direct_worker_at_admission", "youth_union_at_admission",
                "woman_at_admission"]  # fmt: skip


def generate(scale: str, seed: int = 2026, today: D | None = None) -> dict:
    """Write the records of `scale` into the (empty, migrated) default database."""
    return Generator(SCALES[scale], seed, today).run()
