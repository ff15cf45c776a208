"""Hand-built records for the figures' tests: a committee's tree with a grassroots committee
and its subordinate cells, and members moved, admitted again, arriving and leaving through the
members' services, as staff would record them."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from members import services
from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    EventKind,
    Member,
    MemberEvent,
    OrganizationRating,
)
from organizations import services as org_services
from organizations.access import SYSTEM
from organizations.models import (
    Enterprise,
    FoundingReason,
    MassKind,
    MassOrganization,
    OrganizationKind,
    PartyOrganization,
)
from tests.factories import EnterpriseFactory, MemberFactory, PartyOrganizationFactory

D = datetime.date
K = OrganizationKind
_serial = itertools.count(1)


@dataclass
class Tree:
    """The Bắc Giang committee of the `bg` world with, below it: its cell (`cell_a`), a second
    grassroots cell (`cell_b`), and a grassroots committee (`grassroots`) with two subordinate
    cells (`sub_1`, `sub_2`)."""

    world: object
    committee: PartyOrganization
    cell_a: PartyOrganization
    cell_b: PartyOrganization
    grassroots: PartyOrganization
    sub_1: PartyOrganization
    sub_2: PartyOrganization

    @property
    def children(self):
        return [self.cell_a, self.cell_b, self.grassroots]


def build_tree(world) -> Tree:
    founded = D(2016, 3, 1)
    code = world.committee.code
    cell_b = PartyOrganizationFactory(
        kind=K.GRASSROOTS_CELL, parent=world.committee, code=f"{code}-CB02", founded_on=founded
    )
    grassroots = PartyOrganizationFactory(
        kind=K.GRASSROOTS_COMMITTEE, parent=world.committee, code=f"{code}-DB03", founded_on=founded
    )
    sub_1, sub_2 = (
        PartyOrganizationFactory(
            kind=K.SUBORDINATE_CELL, parent=grassroots, code=f"{code}-DB03-{n}", founded_on=founded
        )
        for n in (1, 2)
    )
    return Tree(world, world.committee, world.cell, cell_b, grassroots, sub_1, sub_2)


def citizen(birth_year=1990) -> dict:
    return {"birth_date": D(birth_year, 5, 17)}


def admitted(cell, on, *, probationary=True, **fields) -> Member:
    """A member admitted into `cell` on `on` (recognised a year after the ceremony unless
    `probationary`)."""
    return MemberFactory(organization=cell, admitted_on=on, probationary=probationary, **fields)


def event(member, kind, on, **fields) -> MemberEvent:
    return services.member_event_add(
        event=MemberEvent(member=member, kind=kind, occurred_on=on, decision_no="1-QĐ", **fields),
        by=SYSTEM,
    )


def moved(member, cell, on) -> MemberEvent:
    """A permanent move to another of the committee's cells."""
    return event(member, EventKind.TRANSFER_IN, on, organization=cell)


def transferred_out(member, on) -> MemberEvent:
    return event(member, EventKind.TRANSFER_OUT, on, counterpart="Đảng bộ xã Tân Mỹ")


def arrived(cell, on, *, admitted_on, probationary=False) -> Member:
    """A member of another organisation transferred in for good; their papers give the
    admission elsewhere (and the recognition, unless still probationary), recorded as history
    without one of our cells."""
    member = Member(
        full_name=f"Lê Văn Chuyển Đến {next(_serial)}", birth_date=D(1992, 2, 3), sex="male"
    )
    ceremony = admitted_on + datetime.timedelta(days=10)
    return services.member_transfer_in(
        member=member,
        organization=cell,
        occurred_on=on,
        counterpart="Đảng bộ phường Trần Phú",
        standing="probationary" if probationary else "official",
        admitted_on=admitted_on,
        ceremony_on=ceremony,
        recognized_on=None if probationary else ceremony + datetime.timedelta(days=370),
        by=SYSTEM,
    )


def readmitted(cell, *, first_on, left_on, again_on) -> Member:
    """Admitted, left the party at their request, admitted again (one record, one timeline)."""
    member = admitted(cell, first_on, probationary=False)
    event(member, EventKind.RESIGNATION, left_on)
    event(
        member,
        EventKind.ADMISSION,
        again_on,
        organization=cell,
        ceremony_on=again_on + datetime.timedelta(days=10),
    )
    member.refresh_from_db()
    return member


def mass(enterprise, kind, founded_on, counts=()) -> MassOrganization:
    organization = MassOrganization(
        enterprise=enterprise,
        kind=kind,
        name=f"{MassKind(kind).label} {next(_serial)}",
        founded_on=founded_on,
    )
    org_services.mass_organization_save(organization=organization)
    for counted_on, members, recruited in counts:
        org_services.mass_organization_record_count(
            organization=organization, counted_on=counted_on, members=members, recruited=recruited
        )
    return organization


def awareness_class(held_by, started_on, participants: int) -> AwarenessClass:
    course = services.course_save(
        course=AwarenessClass(
            organization=held_by,
            title=f"Lớp bồi dưỡng nhận thức về Đảng {next(_serial)}",
            started_on=started_on,
            ended_on=started_on + datetime.timedelta(days=20),
        )
    )
    services.awareness_participants_add(
        course=course,
        participants=[
            AwarenessParticipant(full_name=f"Quần chúng {next(_serial)}", certified=n % 2 == 0)
            for n in range(participants)
        ],
    )
    return course


def rate_members(cell, year, levels: dict) -> None:
    services.ratings_save(
        organization=cell,
        year=year,
        levels={m: (level, "") for m, level in levels.items()},
        by=SYSTEM,
    )


def rate_organization(organization, year, level) -> OrganizationRating:
    rating = OrganizationRating(organization=organization, year=year, level=level)
    rating.full_clean()
    rating.save()
    return rating


@dataclass
class Year2025:
    """What happened in the tree in 2025 (and around it), each figure of 2025 known by hand:

    - admitted: a_new_1, a_new_2 (cell A), s1_new (sub-cell 1), again (cell B, re-admitted),
      b_last_day (cell B, on 31/12); not a_first_before (31/12/2024) nor b_next_year
      (01/01/2026); nor the arrival's admission elsewhere on 10/01/2025 (history, not ours);
    - recognised: a_2024 (admitted 01/03/2024, recognised 15/03/2025);
    - moved: a_old_1 from cell A to sub-cell 2 (across children), s1_old from sub-cell 1 to
      sub-cell 2 (within the grassroots committee);
    - transferred in: the arrival (cell B) from outside; transferred out: b_old (cell B);
    - trade unions: one founded (52 recruited counted in 2025), a Youth Union branch and a
      veterans' association founded; awareness classes of 3 (the committee's) and 2 (the
      grassroots committee's) participants;
    - member ratings 5 of 7 HTT or better; grassroots organisations 1 of 2 (one not rated).
    """

    tree: Tree
    a_old_1: Member
    a_old_2: Member
    b_old: Member
    s1_old: Member
    a_2024: Member
    a_first_before: Member
    a_new_1: Member
    a_new_2: Member
    s1_new: Member
    again: Member
    arrival: Member
    b_last_day: Member
    b_next_year: Member


def build_2025(tree: Tree) -> Year2025:
    from members.models import RatingLevel as L

    a, b, g, s1, s2 = tree.cell_a, tree.cell_b, tree.grassroots, tree.sub_1, tree.sub_2
    built = Year2025(
        tree=tree,
        a_old_1=admitted(a, D(2018, 3, 1), probationary=False),
        a_old_2=admitted(a, D(2018, 3, 1), probationary=False),
        b_old=admitted(b, D(2018, 3, 1), probationary=False),
        s1_old=admitted(s1, D(2018, 3, 1), probationary=False),
        a_2024=admitted(a, D(2024, 3, 1), probationary=False),
        a_first_before=admitted(a, D(2024, 12, 31)),
        a_new_1=admitted(a, D(2025, 3, 10)),
        a_new_2=admitted(a, D(2025, 6, 2)),
        s1_new=admitted(s1, D(2025, 4, 7)),
        again=readmitted(b, first_on=D(2016, 6, 1), left_on=D(2020, 2, 1), again_on=D(2025, 9, 1)),
        arrival=arrived(b, D(2025, 4, 1), admitted_on=D(2025, 1, 10), probationary=True),
        b_last_day=admitted(b, D(2025, 12, 31)),
        b_next_year=admitted(b, D(2026, 1, 1)),
    )
    moved(built.a_old_1, s2, D(2025, 5, 1))
    moved(built.s1_old, s2, D(2025, 6, 1))
    transferred_out(built.b_old, D(2025, 7, 1))

    enterprise = tree.world.enterprise
    mass(enterprise, MassKind.TRADE_UNION, D(2025, 2, 1), [(D(2025, 6, 30), 100, 40)])
    mass(enterprise, MassKind.TRADE_UNION, D(2024, 11, 1), [(D(2026, 6, 30), 120, 20)])
    org_services.mass_organization_record_count(
        organization=tree.world.mass, counted_on=D(2024, 12, 31), members=50, recruited=10
    )
    org_services.mass_organization_record_count(
        organization=tree.world.mass, counted_on=D(2025, 12, 31), members=60, recruited=12
    )
    mass(enterprise, MassKind.YOUTH_UNION, D(2025, 3, 26), [(D(2025, 10, 1), 30, 30)])
    mass(enterprise, MassKind.VETERANS, D(2024, 12, 6))
    mass(enterprise, MassKind.VETERANS, D(2025, 7, 27))
    mass(enterprise, MassKind.WOMEN, D(2025, 3, 8))

    awareness_class(tree.committee, D(2025, 11, 3), 3)
    awareness_class(tree.committee, D(2024, 12, 20), 4)  # runs into 2025: counts in 2024
    awareness_class(g, D(2025, 5, 5), 2)

    rate_members(
        a,
        2025,
        {
            built.a_old_2: L.EXCELLENT,
            built.a_2024: L.GOOD,
            built.a_new_1: L.NOT_RATED,
            built.a_new_2: L.FULFILLED,
        },
    )
    rate_members(a, 2024, {built.a_old_2: L.NOT_FULFILLED})
    rate_members(b, 2025, {built.again: L.NOT_FULFILLED, built.arrival: L.GOOD})
    rate_members(s2, 2025, {built.a_old_1: L.GOOD, built.s1_old: L.EXCELLENT})
    rate_organization(a, 2025, L.GOOD)
    rate_organization(b, 2025, L.NOT_RATED)
    rate_organization(g, 2025, L.FULFILLED)
    rate_organization(s1, 2025, L.EXCELLENT)  # a subordinate cell: not a grassroots organisation
    rate_organization(a, 2024, L.NOT_FULFILLED)
    return built


# --- the history of organisations and enterprises (organisations founded, coverage, Biểu 5) ----


def enterprise(world, ownership, name, workers=()) -> Enterprise:
    """An enterprise of the committee's zone, active from the start of the records, with its
    dated worker counts [(counted_on, workers)]."""
    firm = EnterpriseFactory(zone=world.zone, ownership=ownership, name=name)
    for counted_on, number in workers:
        org_services.enterprise_record_workers(
            enterprise=firm, counted_on=counted_on, workers=number
        )
    return firm


def organization(parent, kind, founded_on, enterprises=(), **fields) -> PartyOrganization:
    """A party organisation recorded through the service, serving `enterprises` from its
    founding."""
    created = PartyOrganization(
        kind=kind,
        parent=parent,
        code=f"{parent.code}-{next(_serial):03d}",
        name=f"{OrganizationKind(kind).label} {next(_serial)}",
        founded_on=founded_on,
        **fields,
    )
    org_services.organization_save(
        organization=created,
        enterprises=list(enterprises) or None,
        links_on=founded_on,
        by=SYSTEM,
    )
    created.refresh_from_db()
    return created


@dataclass
class History2025:
    """The Bắc Giang committee's zone in 2025, each figure known by hand (docs/figures.md).

    Enterprises (workers in force on 31/12/2025; status and ownership on 30/06 → 31/12):
    - e0: the world's LLC, 1,260 workers, served by the world's cell since 2018, a union since
      2020;
    - e1: 100% foreign, 350 workers, its own cell founded (new) on 01/03/2025;
    - e2: joint-stock → joint venture on 01/09/2025, 120 workers, its own cell founded (new)
      on 01/04/2025, a union founded on 01/02/2025;
    - e3 (LLC, 80 workers) and e4 (100% foreign, 600 from 01/06/2024 then 450 from
      01/06/2025): a joint cell of mixed ownership founded (new) on 01/06/2025, its unit type
      chosen as LLC;
    - e5: state, 1,000 workers, served by a grassroots committee formed by a reorganisation
      on 01/08/2025;
    - e6: LLC, 500 workers, suspended on 01/07/2025, a union since 2021; served by nothing;
    - e7: a cooperative without a worker count, served by nothing;
    - e8: LLC, 200 workers, served by a cell founded in 2019 and dissolved on 01/09/2025 (its
      links end with it); its union ended on 01/03/2025.

    The tree's grassroots committee has its unit type chosen as a cooperative, so its
    subordinate cells take it; a third subordinate cell is founded (new) on 01/05/2025, and a
    cell formed by a merger on 01/10/2025. Members: one admitted in e1's cell (a woman, Youth
    Union member, direct worker), one owner admitted in e2's cell, and a member moved from the
    world's cell (LLC) to sub-cell 1 (cooperative) on 01/05/2025.
    """

    tree: Tree
    e: list
    cell_e1: PartyOrganization
    cell_e2: PartyOrganization
    joint: PartyOrganization
    reorganised: PartyOrganization
    dissolved: PartyOrganization
    sub_3: PartyOrganization
    merged: PartyOrganization
    mover: Member


def build_history(tree: Tree) -> History2025:
    from organizations.models import Ownership as O

    world = tree.world
    e0 = world.enterprise
    e = [
        e0,
        enterprise(world, O.FDI100, "Công ty TNHH Một", [(D(2025, 1, 15), 350)]),
        enterprise(world, O.JSC, "Công ty CP Hai", [(D(2025, 1, 15), 120)]),
        enterprise(world, O.LLC, "Công ty TNHH Ba", [(D(2025, 1, 15), 80)]),
        enterprise(
            world, O.FDI100, "Công ty TNHH Bốn", [(D(2024, 6, 1), 600), (D(2025, 6, 1), 450)]
        ),
        enterprise(world, O.STATE, "Công ty Nhà nước Năm", [(D(2025, 1, 15), 1000)]),
        enterprise(world, O.LLC, "Công ty TNHH Sáu", [(D(2025, 1, 15), 500)]),
        enterprise(world, O.COOPERATIVE, "Hợp tác xã Bảy"),
        enterprise(world, O.LLC, "Công ty TNHH Tám", [(D(2025, 1, 15), 200)]),
    ]
    committee, K_ = tree.committee, OrganizationKind
    cell_e1 = organization(committee, K_.GRASSROOTS_CELL, D(2025, 3, 1), [e[1]])
    cell_e2 = organization(committee, K_.GRASSROOTS_CELL, D(2025, 4, 1), [e[2]])
    joint = organization(
        committee, K_.GRASSROOTS_CELL, D(2025, 6, 1), [e[3], e[4]], chosen_unit_type=O.LLC
    )
    reorganised = organization(
        committee,
        K_.GRASSROOTS_COMMITTEE,
        D(2025, 8, 1),
        [e[5]],
        founding_reason=FoundingReason.REORGANISATION,
    )
    dissolved = organization(committee, K_.GRASSROOTS_CELL, D(2019, 4, 1), [e[8]])
    dissolved.ended_on, dissolved.end_reason = D(2025, 9, 1), "dissolved"
    org_services.organization_save(organization=dissolved, by=SYSTEM)

    tree.grassroots.chosen_unit_type = O.COOPERATIVE
    org_services.organization_save(organization=tree.grassroots, by=SYSTEM)
    sub_3 = organization(tree.grassroots, K_.SUBORDINATE_CELL, D(2025, 5, 1))
    merged = organization(
        committee, K_.GRASSROOTS_CELL, D(2025, 10, 1), founding_reason=FoundingReason.MERGER
    )

    e[2].ownership = O.JV
    org_services.enterprise_save(enterprise=e[2], changed_on=D(2025, 9, 1))
    org_services.enterprises_set_status(enterprises=[e[6]], status="suspended", on=D(2025, 7, 1))
    mass(e[2], MassKind.TRADE_UNION, D(2025, 2, 1), [(D(2025, 10, 1), 90, 90)])
    mass(e[6], MassKind.TRADE_UNION, D(2021, 1, 1), [(D(2024, 1, 1), 300, 10)])
    union_e8 = mass(e[8], MassKind.TRADE_UNION, D(2020, 1, 1), [(D(2024, 1, 1), 150, 5)])
    union_e8.ended_on = D(2025, 3, 1)
    org_services.mass_organization_save(organization=union_e8)

    admitted(cell_e1, D(2025, 5, 5), sex="female", youth_union_member=True, position="worker")
    admitted(cell_e2, D(2025, 6, 6), position="owner")
    mover = admitted(world.cell, D(2018, 3, 1), probationary=False)
    moved(mover, tree.sub_1, D(2025, 5, 1))
    for pk in (tree.grassroots.pk, tree.sub_1.pk):
        assert PartyOrganization.objects.get(pk=pk).unit_type == O.COOPERATIVE
    return History2025(
        tree, e, cell_e1, cell_e2, joint, reorganised, dissolved, sub_3, merged, mover
    )
