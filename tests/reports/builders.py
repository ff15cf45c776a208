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
from organizations.models import MassKind, MassOrganization, OrganizationKind, PartyOrganization
from tests.factories import MemberFactory, PartyOrganizationFactory

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
