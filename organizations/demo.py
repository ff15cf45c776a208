"""Demo data: the two zone committees of the domain guide (§9) with their zones, party
organisations, enterprises and mass organisations, the province-level bodies above them, and
one demo account per role.

Everything is generated from a fixed seed and written through the services. The demo is
loaded once into a database (load_demo records it); it may go into one a person has already
used, so it never reuses, changes or collides with a record already there: a code, zone name,
tax code or username that is taken gets a free one of its own (or, for an account, is left
out), and `adapted` says which.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from stdnum.vn import mst

from organizations import services
from organizations.access import Role
from organizations.models import (
    Congress,
    EndReason,
    Enterprise,
    EnterpriseStatus,
    FoundingReason,
    LeadershipRole,
    LeadershipTerm,
    MassKind,
    MassOrganization,
    OrganizationKind,
    Ownership,
    PartyOrganization,
    Zone,
    ZoneKind,
)

DEMO_PASSWORD = "demo-kcn-2026"


SECTORS = [
    "Điện tử",
    "May mặc",
    "Cơ khí",
    "Bao bì",
    "Nhựa",
    "Thực phẩm",
    "Dược phẩm",
    "Logistics",
    "Vật liệu mới",
    "Gỗ nội thất",
    "Linh kiện ô tô",
    "Quang học",
]
FOREIGN = [
    ("Hàn Quốc", ["Hanwha", "Seojin", "Daeyang", "Jinsung", "Woojin", "Samil", "Kumho", "Sungwoo"]),
    ("Nhật Bản", ["Nitto", "Kyocera", "Sumida", "Meiko", "Toyoda", "Hoya", "Yokowo", "Canon"]),
    ("Trung Quốc", ["Luxshare", "Goertek", "Foxlink", "Sunny", "Lens", "Ruitai", "Hengxin"]),
    ("Đài Loan", ["Foxconn", "Compal", "Wintek", "Pegatron", "Hon Hai", "Fuhong"]),
    ("Singapore", ["Sembcorp", "Venture", "Keppel", "Wilmar", "Meiban"]),
    ("Hoa Kỳ", ["Bluewater", "Northfield", "Lionbridge", "Amkor", "Jabil"]),
]
DOMESTIC = [
    "An Khang",
    "Việt Tiến",
    "Thái Dương",
    "Tân Á",
    "Đông Á",
    "Hồng Hà",
    "Phú Thành",
    "Minh Long",
    "Trường Sơn",
    "Hải Nam",
    "Kinh Bắc",
    "Sông Cầu",
    "Hòa Bình",
    "Đại Phát",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hồng", "Quang", "Thanh", "Ngọc", "Hữu"]
GIVEN = [
    "Hùng",
    "Lan",
    "Dũng",
    "Hương",
    "Tuấn",
    "Mai",
    "Sơn",
    "Hà",
    "Long",
    "Thảo",
    "Nam",
    "Trang",
    "Cường",
    "Yến",
    "Hải",
    "Linh",
    "Phong",
    "Nga",
    "Thắng",
    "Vân",
]


@dataclass
class DemoCommittee:
    """A demo zone committee: the province-level body above it, the committee itself, its
    zones and enterprises, and its accounts (members.demo simulates its members)."""

    key: str
    province: str
    tax_prefix: str
    province_body: dict
    committee: dict
    zones: list[tuple[str, str]]
    enterprises: int
    created: dict = field(default_factory=dict)

    @property
    def accounts(self) -> dict[str, str]:
        """The committee's account for each role, named after its key (bg-canbo…)."""
        return {
            "staff": f"{self.key}-canbo",
            "leader": f"{self.key}-lanhdao",
            "admin": f"{self.key}-quantri",
        }

    @property
    def province_account(self) -> str:
        """The administrator's account of the province-level body above it."""
        return f"tinh-{self.key}-quantri"


BAC_GIANG = DemoCommittee(
    key="bg",
    province="Bắc Giang",
    tax_prefix="24",
    province_body={
        "code": "BG-KHOI-DN",
        "name": "Đảng bộ Khối Doanh nghiệp tỉnh Bắc Giang",
        "founded_on": datetime.date(2008, 3, 1),
        "founding_decision_no": "112-QĐ/TU",
        "founding_body": "Tỉnh ủy Bắc Giang",
    },
    committee={
        "code": "BG-KCN",
        "name": "Đảng bộ Các KCN tỉnh Bắc Giang",
        "founded_on": datetime.date(2014, 6, 20),
        "founding_decision_no": "1068-QĐ/TU",
        "founding_body": "Tỉnh ủy Bắc Giang",
        "founding_members": 35,
        # Domain guide §9: founded in 6/2014 by merging two cells.
        "founding_reason": FoundingReason.MERGER,
    },
    zones=[
        ("KCN Đình Trám", ZoneKind.INDUSTRIAL),
        ("KCN Quang Châu", ZoneKind.INDUSTRIAL),
        ("KCN Vân Trung", ZoneKind.INDUSTRIAL),
        ("KCN Song Khê - Nội Hoàng", ZoneKind.INDUSTRIAL),
        ("KCN Việt Hàn", ZoneKind.INDUSTRIAL),
        ("KCN Hòa Phú", ZoneKind.INDUSTRIAL),
        ("KCN Yên Lư", ZoneKind.INDUSTRIAL),
    ],
    enterprises=140,
)
HA_NOI = DemoCommittee(
    key="hn",
    province="Hà Nội",
    tax_prefix="01",
    province_body={
        "code": "HN-TU",
        "name": "Thành ủy Hà Nội",
        "founded_on": datetime.date(1945, 10, 1),
        "founding_decision_no": "",
        "founding_body": "Trung ương Đảng",
    },
    committee={
        "code": "HN-KCN",
        "name": "Đảng bộ các KCN và CX Hà Nội",
        "founded_on": datetime.date(2012, 6, 19),
        "founding_decision_no": "775-QĐ/TU",
        "founding_body": "Thành ủy Hà Nội",
        "founding_members": 248,
    },
    zones=[
        ("KCN Thăng Long", ZoneKind.INDUSTRIAL),
        ("KCN Nội Bài", ZoneKind.INDUSTRIAL),
        ("KCN Bắc Thăng Long", ZoneKind.INDUSTRIAL),
        ("KCN Quang Minh", ZoneKind.INDUSTRIAL),
        ("KCN Sài Đồng B", ZoneKind.INDUSTRIAL),
        ("KCN Thạch Thất - Quốc Oai", ZoneKind.INDUSTRIAL),
        ("KCN Phú Nghĩa", ZoneKind.INDUSTRIAL),
        ("KCN Nam Thăng Long", ZoneKind.INDUSTRIAL),
        ("Cụm công nghiệp Ngọc Hồi", ZoneKind.CLUSTER),
    ],
    enterprises=260,
)
# The zone committees' congresses (held on, term from, term to): terms run from one to the
# day before the next (organizations.selectors.term_bounds).
CONGRESSES = {
    "bg": [
        (datetime.date(2015, 7, 14), 2015, 2020),
        (datetime.date(2020, 6, 23), 2020, 2025),
        (datetime.date(2025, 9, 15), 2025, 2030),
    ],
    "hn": [
        (datetime.date(2015, 6, 26), 2015, 2020),
        (datetime.date(2020, 7, 8), 2020, 2025),
        (datetime.date(2025, 9, 12), 2025, 2030),
    ],
}


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, organisation code, role) of every demo account, for the README and tests."""
    rows = []
    for committee in (BAC_GIANG, HA_NOI):
        for role, username in committee.accounts.items():
            rows.append((username, committee.committee["code"], role))
        rows.append((committee.province_account, committee.province_body["code"], "admin"))
    return rows


# What a demo key that is already taken becomes: the key, "-MAU" (mẫu, sample) and a number.
SAMPLE_SUFFIX = "-MAU"


class DemoBuilder:
    def __init__(self, *, stdout=None):
        self.rng = random.Random(20261123)  # fixed: the same data on every machine
        self.stdout = stdout
        # Keys people's records hold already: the demo takes others.
        self.tax_codes: set[str] = set(Enterprise.objects.values_list("tax_code", flat=True))
        self.taken_tax_codes = frozenset(self.tax_codes)
        self.codes: set[str] = set(PartyOrganization.objects.values_list("code", flat=True))
        self.zone_names: set[str] = set(Zone.objects.values_list("name", flat=True))
        self.usernames = set(get_user_model().objects.values_list("username", flat=True))
        self.names: dict[str, int] = {}
        self.changed = 0
        # The demo's organisations by their demo code, whatever code they got.
        self.organizations: dict[str, PartyOrganization] = {}
        self.adapted: list[str] = []

    # --- helpers ---------------------------------------------------------------------------
    def _person(self) -> str:
        return f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"

    def _tax_code(self, prefix: str) -> str:
        while True:
            body = prefix + "".join(str(self.rng.randrange(10)) for _ in range(9 - len(prefix)))
            code = body + mst.calc_check_digit(body)
            if code in self.taken_tax_codes:
                self.adapted.append(f"tax code {code}: taken, another drawn")
            if mst.is_valid(code) and code not in self.tax_codes:
                self.tax_codes.add(code)
                return code

    def _free(self, key: str, taken: set[str], what: str) -> str:
        """`key`, or the first of key-MAU, key-MAU2… that no record holds."""
        free, number = key, 1
        while free in taken:
            free = f"{key}{SAMPLE_SUFFIX}{number if number > 1 else ''}"
            number += 1
        taken.add(free)
        if free != key:
            self.adapted.append(f"{what} {key}: taken, {free} instead")
        return free

    def _unique_name(self, name: str) -> str:
        """Enterprises do share names in real lists; numbered as boards do ("… Số 2")."""
        count = self.names.get(name, 0) + 1
        self.names[name] = count
        return name if count == 1 else f"{name} Số {count}"

    def _date(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    # Every record is new: a demo load never finds one of its own (load_demo runs it once).
    def organization(self, *, code: str, parent=None, kind: str, enterprises=None, **values):
        org = PartyOrganization(
            code=self._free(code, self.codes, "organisation code"),
            kind=kind,
            parent=parent,
            **values,
        )
        services.organization_save(organization=org, enterprises=enterprises)
        self.organizations[code] = org
        self.changed += 1
        return org

    def enterprise(self, *, tax_code: str, **values) -> Enterprise:
        enterprise = Enterprise(tax_code=tax_code, **values)
        services.enterprise_save(enterprise=enterprise)
        self.changed += 1
        return enterprise

    def workers(self, enterprise: Enterprise, counted_on: datetime.date, workers: int) -> None:
        services.enterprise_record_workers(
            enterprise=enterprise, counted_on=counted_on, workers=workers, source="Demo"
        )
        self.changed += 1

    def mass(
        self, *, enterprise: Enterprise, kind: str, name: str, founded_on, counts, **values
    ) -> None:
        """A mass organisation and its counts (date, members, recruited); a count drawn for a
        date before its founding is not recorded."""
        mass = MassOrganization(
            enterprise=enterprise, kind=kind, name=name, founded_on=founded_on, **values
        )
        services.mass_organization_save(organization=mass)
        self.changed += 1
        for counted_on, members, recruited in counts:
            if counted_on < founded_on:
                continue
            services.mass_organization_record_count(
                organization=mass, counted_on=counted_on, members=members, recruited=recruited
            )
            self.changed += 1

    def leadership(
        self, org: PartyOrganization, role: str, started_on: datetime.date, seconded=False
    ) -> None:
        term = LeadershipTerm(
            organization=org,
            role=role,
            started_on=started_on,
            full_name=self._person(),
            seconded=seconded,
        )
        term.full_clean()
        term.save()
        self.changed += 1

    def congress(self, org: PartyOrganization, held_on, first_year: int, last_year: int) -> None:
        congress = Congress(
            organization=org, held_on=held_on, first_year=first_year, last_year=last_year
        )
        congress.full_clean()
        congress.save()
        self.changed += 1

    # --- the committees ---------------------------------------------------------------------
    @transaction.atomic
    def build(self) -> int:
        for committee in (BAC_GIANG, HA_NOI):
            self.build_committee(committee)
        return self.changed

    def build_committee(self, c: DemoCommittee) -> None:
        province = self.organization(kind=OrganizationKind.PROVINCE, **c.province_body)
        root = self.organization(
            kind=OrganizationKind.UPPER_GRASSROOTS, parent=province, **c.committee
        )
        self.leadership(root, LeadershipRole.SECRETARY, datetime.date(2025, 9, 15), seconded=True)
        self.leadership(root, LeadershipRole.DEPUTY, datetime.date(2025, 9, 15), seconded=True)
        for held_on, first_year, last_year in CONGRESSES[c.key]:
            self.congress(root, held_on, first_year, last_year)
        zones = []
        for name, kind in c.zones:
            zone = Zone(
                name=self._free(name, self.zone_names, "zone"),
                kind=kind,
                province=c.province,
                committee=root,
                management_board=f"Ban Quản lý các KCN {c.province}",
            )
            zone.full_clean()
            zone.save()
            self.changed += 1
            zones.append(zone)
        enterprises = self.build_enterprises(c, zones)
        if c.key == "bg":
            self.build_bac_giang(root, enterprises)
        else:
            self.build_ha_noi(root, enterprises)
        self.build_mass(c, enterprises)
        accounts = [(u, root, r) for r, u in c.accounts.items()]
        accounts.append((c.province_account, province, Role.ADMIN))
        for username, org, role in accounts:
            self.account(username, org, role)

    def account(self, username, organization, role) -> None:
        full_name = self._person()  # drawn either way: the rest of the demo stays the same
        if username in self.usernames:
            # Someone's own account: neither its password nor its committee is the demo's.
            self.adapted.append(f"account {username}: taken, left as it is (no demo account)")
            return
        self.usernames.add(username)
        self.changed += 1
        services.staff_account_save(
            username=username,
            organization=organization,
            role=role,
            password=DEMO_PASSWORD,
            full_name=full_name,
        )

    def build_enterprises(self, c: DemoCommittee, zones: list[Zone]) -> dict[str, list[Enterprise]]:
        """Enterprises by ownership group: 'fdi100', 'jv', 'domestic', 'state', 'agency'."""
        groups: dict[str, list[Enterprise]] = {
            "fdi100": [],
            "jv": [],
            "domestic": [],
            "state": [],
            "agency": [],
        }
        plan = (
            [("agency", Ownership.AGENCY)] * 3
            + [("state", Ownership.STATE)] * 4
            + [("state", Ownership.STATE_MAJORITY)] * 3
            + [("jv", Ownership.JV)] * 8
        )
        rest = c.enterprises - len(plan)
        fdi = rest * 55 // 100
        plan += [("fdi100", Ownership.FDI100)] * fdi
        # Domestic non-state (domain guide §9's "65 in non-state enterprises" are these and
        # the foreign-invested): a cooperative is a row of its own, not non-state.
        domestic = [
            Ownership.JSC,
            Ownership.LLC,
            Ownership.LLC,
            Ownership.PRIVATE,
            Ownership.PARTNERSHIP,
        ]
        plan += [("domestic", domestic[i % len(domestic)]) for i in range(rest - fdi)]
        agencies = [
            f"Ban Quản lý các KCN {c.province}",
            f"Công an KCN {c.province}",
            f"Trung tâm Dịch vụ việc làm KCN {c.province}",
        ]
        for index, (group, ownership) in enumerate(plan):
            zone = zones[index % len(zones)]
            if group == "agency":
                name, country, sector = agencies.pop(0), "Việt Nam", "Quản lý nhà nước"
            elif group in ("fdi100", "jv"):
                country, brands = FOREIGN[index % len(FOREIGN)]
                brand = self.rng.choice(brands)
                sector = self.rng.choice(SECTORS)
                name = f"Công ty TNHH {brand} {sector} Việt Nam"
            else:
                country, sector = "Việt Nam", self.rng.choice(SECTORS)
                prefix = {
                    Ownership.JSC: "Công ty Cổ phần",
                    Ownership.LLC: "Công ty TNHH",
                    Ownership.PRIVATE: "Doanh nghiệp tư nhân",
                    Ownership.PARTNERSHIP: "Công ty Hợp danh",
                    Ownership.STATE: "Công ty TNHH MTV",
                    Ownership.STATE_MAJORITY: "Tổng công ty",
                }[ownership]
                name = f"{prefix} {sector} {self.rng.choice(DOMESTIC)}"
            name = self._unique_name(name)
            size = 12 if group == "agency" else int(self.rng.lognormvariate(5.3, 1.0)) + 20
            status = EnterpriseStatus.ACTIVE
            if group != "agency" and index % 23 == 5:
                status = EnterpriseStatus.SUSPENDED
            elif group != "agency" and index % 41 == 7:
                status = EnterpriseStatus.CLOSED
            enterprise = self.enterprise(
                tax_code=self._tax_code(c.tax_prefix),
                name=name,
                zone=zone,
                ownership=ownership,
                investor_country=country,
                sector=sector,
                address=f"Lô {'ABCDEFGH'[index % 8]}{index % 40 + 1}, {zone.name}",
                legal_representative=self._person(),
                licensed_on=self._date(datetime.date(2005, 1, 1), datetime.date(2024, 12, 31)),
                status=status,
            )
            self.workers(enterprise, datetime.date(2024, 12, 31), size)
            self.workers(
                enterprise,
                datetime.date(2025, 12, 31),
                max(1, int(size * self.rng.uniform(0.85, 1.25))),
            )
            groups[group].append(enterprise)
        return groups

    def build_bac_giang(self, root, groups) -> None:
        """8 active cells (4 at founding in 2014 with the committee's 35 members, 4 since), one
        dissolved cell kept on record."""
        body = "Đảng ủy Các KCN tỉnh Bắc Giang"
        thai_duong = self.enterprise(
            tax_code=self._tax_code("24"),
            name="Công ty Cổ phần Dầu khí Thái Dương",
            zone=groups["domestic"][0].zone,
            ownership=Ownership.JSC,
            investor_country="Việt Nam",
            sector="Dầu khí",
            address="Lô C3, " + groups["domestic"][0].zone.name,
            legal_representative=self._person(),
            licensed_on=datetime.date(2011, 4, 8),
            status=EnterpriseStatus.ACTIVE,
        )
        self.workers(thai_duong, datetime.date(2025, 12, 31), 180)
        dinh_tram = [e for e in groups["domestic"] if e.zone.name == "KCN Đình Trám"][:3]
        agency, state, jv, fdi = groups["agency"], groups["state"], groups["jv"], groups["fdi100"]
        cells = [
            (f"Chi bộ {agency[0].name}", agency[0:1], datetime.date(2014, 6, 20), 10),
            (f"Chi bộ {agency[1].name}", agency[1:2], datetime.date(2014, 6, 20), 6),
            (f"Chi bộ {state[0].name}", state[0:1], datetime.date(2014, 6, 20), 11),
            (f"Chi bộ {state[4].name}", state[4:5], datetime.date(2014, 6, 20), 8),
            (
                "Chi bộ Công ty Cổ phần Dầu khí Thái Dương",
                [thai_duong],
                datetime.date(2016, 8, 12),
                5,
            ),
            ("Chi bộ ghép các doanh nghiệp KCN Đình Trám", dinh_tram, datetime.date(2019, 4, 2), 6),
            (f"Chi bộ {jv[0].name}", jv[0:1], datetime.date(2023, 5, 19), 4),
            (f"Chi bộ {fdi[0].name}", fdi[0:1], datetime.date(2026, 3, 3), 3),
        ]
        for number, (name, enterprises, founded_on, members) in enumerate(cells, start=1):
            cell = self.organization(
                code=f"BG-KCN-CB{number:02d}",
                parent=root,
                kind=OrganizationKind.GRASSROOTS_CELL,
                name=name,
                founded_on=founded_on,
                founding_decision_no=f"{100 + number * 7}-QĐ/ĐU",
                founding_body=body,
                founding_members=members,
                enterprises=enterprises,
                # A joint cell of enterprises of several types has its Biểu 5 row chosen.
                chosen_unit_type=Ownership.LLC if len(enterprises) > 1 else "",
            )
            self.leadership(
                cell, LeadershipRole.SECRETARY, max(founded_on, datetime.date(2025, 6, 1))
            )
        self.organization(
            code="BG-KCN-CB09",
            parent=root,
            kind=OrganizationKind.GRASSROOTS_CELL,
            name=f"Chi bộ {groups['domestic'][4].name}",
            founded_on=datetime.date(2017, 9, 5),
            founding_decision_no="212-QĐ/ĐU",
            founding_body=body,
            founding_members=3,
            ended_on=datetime.date(2022, 12, 20),
            end_reason=EndReason.DISSOLVED,
            end_decision_no="389-QĐ/ĐU",
            end_body=body,
            enterprises=groups["domestic"][4:5],
        )

    def build_ha_noi(self, root, groups) -> None:
        """68 organisations: 4 grassroots committees and 64 grassroots cells; 3 in agencies, 65 in
        non-state enterprises of which 41 in 100%-foreign enterprises and 1 in a joint venture."""
        body = "Đảng ủy Khối các KCN và CX Hà Nội"
        hosts = (
            groups["agency"][:3]
            + groups["fdi100"][:41]
            + groups["jv"][:1]
            + groups["domestic"][:23]
        )
        committees = {4, 12, 30, 50}  # positions of the 4 grassroots committees
        for number, enterprise in enumerate(hosts, start=1):
            year = 2012 + (number * 7) % 15
            founded_on = self._date(datetime.date(year, 1, 1), datetime.date(year, 12, 28))
            if founded_on > datetime.date(2026, 10, 31):
                founded_on = datetime.date(2026, 10, 31)
            is_committee = number in committees
            short = enterprise.name
            org = self.organization(
                code=f"HN-KCN-{number:03d}",
                parent=root,
                kind=OrganizationKind.GRASSROOTS_COMMITTEE
                if is_committee
                else OrganizationKind.GRASSROOTS_CELL,
                name=f"{'Đảng bộ' if is_committee else 'Chi bộ'} {short}",
                founded_on=founded_on,
                founding_decision_no=f"{number * 13}-QĐ/ĐU",
                founding_body=body,
                founding_members=self.rng.randint(31, 60)
                if is_committee
                else self.rng.randint(3, 20),
                enterprises=[enterprise],
            )
            self.leadership(
                org, LeadershipRole.SECRETARY, max(founded_on, datetime.date(2025, 6, 1))
            )
            if is_committee:
                self.leadership(
                    org, LeadershipRole.DEPUTY, max(founded_on, datetime.date(2025, 6, 1))
                )
                parent = org
                if number == 50:
                    parent = self.organization(
                        code=f"HN-KCN-{number:03d}-BP1",
                        parent=org,
                        kind=OrganizationKind.PARTIAL_COMMITTEE,
                        name="Đảng bộ bộ phận Khối sản xuất",
                        founded_on=founded_on,
                        founding_body=f"Đảng ủy {short}",
                    )
                for sub in range(1, 4):
                    self.organization(
                        code=f"HN-KCN-{number:03d}-CB{sub}",
                        parent=parent,
                        kind=OrganizationKind.SUBORDINATE_CELL,
                        name=f"Chi bộ {['Sản xuất', 'Kỹ thuật', 'Văn phòng'][sub - 1]}",
                        founded_on=founded_on,
                        founding_body=f"Đảng ủy {short}",
                        founding_members=self.rng.randint(3, 15),
                    )

    def build_mass(self, c: DemoCommittee, groups) -> None:
        """Grassroots trade unions in most larger enterprises (Bắc Giang: 25 unions, over 15,000
        members), Youth Union branches and a few veterans' associations."""
        candidates = [e for g in ("fdi100", "jv", "domestic", "state") for e in groups[g]]
        candidates = [e for e in candidates if e.status == EnterpriseStatus.ACTIVE]
        unions = 25 if c.key == "bg" else 70
        for index, enterprise in enumerate(candidates[:unions]):
            short = enterprise.name
            founded_on = self._date(datetime.date(2010, 1, 1), datetime.date(2026, 9, 30))
            if c.key == "bg" and index < 5:
                founded_on = self._date(
                    datetime.date(2010, 1, 1), datetime.date(2014, 5, 31)
                )  # the 5 before the committee
            size = self.rng.randint(250, 1100) if c.key == "bg" else self.rng.randint(40, 900)
            self.mass(
                enterprise=enterprise,
                kind=MassKind.TRADE_UNION,
                name=f"Công đoàn cơ sở {short}",
                founded_on=founded_on,
                founding_decision_no=f"{index + 10}/QĐ-CĐKCN",
                founding_members=self.rng.randint(5, 60),
                counts=[
                    (datetime.date(2025, 12, 31), int(size * 0.9), int(size * 0.15)),
                    (datetime.date(2026, 6, 30), size, int(size * 0.12)),
                ],
            )
            if index % 3 == 0:
                self.mass(
                    enterprise=enterprise,
                    kind=MassKind.YOUTH_UNION,
                    name=f"Chi đoàn {short}",
                    founded_on=max(founded_on, datetime.date(2015, 3, 26)),
                    founding_decision_no=f"{index + 40}-QĐ/ĐTN",
                    founding_members=self.rng.randint(8, 40),
                    counts=[
                        (
                            datetime.date(2026, 6, 30),
                            self.rng.randint(20, 150),
                            self.rng.randint(0, 15),
                        )
                    ],
                )
            if index % 8 == 0:
                self.mass(
                    enterprise=enterprise,
                    kind=MassKind.VETERANS,
                    name=f"Hội Cựu chiến binh {short}",
                    founded_on=max(founded_on, datetime.date(2016, 12, 6)),
                    founding_members=self.rng.randint(5, 20),
                    counts=[(datetime.date(2026, 6, 30), self.rng.randint(6, 30), 0)],
                )
