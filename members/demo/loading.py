"""The demo's members written into the database: the cells of the demo committees read as
`CellPlan`s, the simulation run on them, and every person, candidate, class and rating it
plans written through members.services, each event checked as if staff had entered it
(`by=SYSTEM`: no account runs the demo). Loaded once (load_demo records it), possibly into a
database people already use: a citizen ID or card number someone's record holds is never
drawn for a demo member.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from members import selectors, services
from members.demo.plans import (
    BAC_GIANG,
    HA_NOI,
    CellPlan,
    CommitteePlan,
    PlannedCandidate,
    PlannedClasses,
    PlannedEvent,
    SimulatedPerson,
)
from members.demo.simulation import RATED_YEARS, Simulation
from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    Candidate,
    EventKind,
    IntroducingBody,
    Member,
    MemberEvent,
    MemberStatus,
    StudySession,
    TheoryClass,
)
from organizations.access import SYSTEM
from organizations.models import PartyOrganization
from organizations.models.party import CELL_KINDS


class MembersDemo:
    """One load of the demo's members: reads what the simulation needs, runs it, writes what
    it plans. `changed` counts the records written, `adapted` the identifiers it left to
    people's records."""

    def __init__(
        self, *, rng_seed: int = 20141120, organizations: dict[str, PartyOrganization] | None = None
    ):
        # The demo's organisations by demo code (organizations.demo.DemoBuilder gives them:
        # a code someone else's record held was changed); else found by their codes.
        self.organizations = organizations
        self.demo_codes = {o.pk: code for code, o in (organizations or {}).items()}
        # The cells of the committees read so far, by their code as recorded.
        self.cells: dict[str, PartyOrganization] = {}
        self.simulation = Simulation(
            rng_seed=rng_seed,
            taken_citizen_ids=frozenset(
                [*Member.objects.exclude(citizen_id="").values_list("citizen_id", flat=True)]
                + [*Candidate.objects.exclude(citizen_id="").values_list("citizen_id", flat=True)]
            ),
            taken_cards=frozenset(
                Member.objects.exclude(card_number="").values_list("card_number", flat=True)
            ),
        )
        self.changed = 0

    @property
    def adapted(self) -> list[str]:
        """The identifiers people's records held, which the demo did not take."""
        return self.simulation.adapted

    def _organization(self, code: str) -> PartyOrganization:
        if self.organizations is not None:
            return self.organizations[code]
        return PartyOrganization.objects.get(code=code)

    def cells_of(self, committee: CommitteePlan) -> list[CellPlan]:
        """The committee's cells as the simulation takes them, sized by it. A cell that serves
        no enterprise of its own takes those of the nearest organisation above it that does."""
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
        for organization in organizations:
            enterprises = [e.pk for e in organization.enterprises.all()]
            holder = organization
            while not enterprises and holder.parent_id in parents:
                holder = parents[holder.parent_id]
                enterprises = [e.pk for e in holder.enterprises.all()]
            self.cells[organization.code] = organization
            cells.append(
                CellPlan(
                    code=organization.code,
                    demo_code=self.demo_codes.get(organization.pk, organization.code),
                    name=organization.name,
                    founded_on=organization.founded_on,
                    ended_on=organization.ended_on,
                    founding_members=organization.founding_members,
                    enterprises=enterprises,
                )
            )
        return self.simulation.plan_cells(committee, cells)

    @transaction.atomic
    def build(self) -> int:
        """Simulate and write both committees' members; returns how many records it wrote."""
        simulation = self.simulation
        for committee in (BAC_GIANG, HA_NOI):
            cells = self.cells_of(committee)
            people = simulation.simulate(committee, cells)
            for person in people:
                self.write_person(person)
            for candidate in simulation.pipeline(committee, cells):
                self.write_candidate(candidate)
            root = self._organization(committee.code)
            for classes in simulation.classes(committee, cells, people, root.founded_on):
                self.write_classes(root, classes)
            self.write_ratings(cells)
        return self.changed

    # --- members and candidates ------------------------------------------------------------
    def _event(self, planned: PlannedEvent) -> MemberEvent:
        return MemberEvent(
            kind=planned.kind,
            occurred_on=planned.on,
            organization=self.cells[planned.cell] if planned.cell else None,
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
    def _record(person: SimulatedPerson) -> dict:
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

    def _member(self, person: SimulatedPerson) -> Member:
        return Member(
            **self._record(person),
            political_theory=person.political_theory,
            card_number=person.card_number,
        )

    def write_person(self, person: SimulatedPerson) -> None:
        self.changed += 1
        candidate = self._candidate_of(person) if person.pipeline else None
        if candidate is None:
            services.member_history_load(
                member=self._member(person),
                events=[self._event(planned) for planned in person.events],
                by=SYSTEM,
            )
            return
        # Admitted through the pipeline: the candidate, the admission, then what followed.
        admission, *later = person.events
        services.candidate_save(candidate=candidate, by=SYSTEM)
        member, _warnings = services.member_admit(
            member=self._member(person),
            organization=self.cells[admission.cell],
            decided_on=admission.on,
            decision_no=admission.decision_no,
            issued_by=admission.issued_by,
            ceremony_on=admission.ceremony_on,
            candidate=candidate,
            by=SYSTEM,
        )
        if later:
            services.member_events_add(
                member=member, events=[self._event(planned) for planned in later], by=SYSTEM
            )

    def _candidate_of(self, person: SimulatedPerson) -> Candidate | None:
        cell = self.cells[person.events[0].cell]
        candidate = Candidate(
            **self._record(person),
            organization=cell,
            introducing_body=IntroducingBody.YOUTH_UNION if person.youth_union_member else "",
            **person.pipeline,
        )
        return candidate if self._introduce(candidate, cell) else None

    def _introduce(self, candidate: Candidate, cell: PartyOrganization) -> bool:
        """Introducers: official members of the cell on the day the dossier was complete,
        or, without two of them, the Youth Union committee and one. False if none."""
        day = candidate.dossier_on
        counted = list(selectors.counted_on(cell, day).order_by("pk")[:40])
        statuses = Member.objects.filter(pk__in=[m.pk for m in counted]).statuses_on(day)
        official = [m for m in counted if statuses[m.pk] == MemberStatus.OFFICIAL]
        if not official:
            return False
        if len(official) < 2:
            candidate.introducing_body = IntroducingBody.YOUTH_UNION
        wanted = 1 if candidate.introducing_body else 2
        chosen = self.simulation.introducers(candidate.citizen_id, official, wanted)
        candidate.introducer_1 = chosen[0]
        candidate.introducer_2 = chosen[1] if wanted == 2 else None
        return True

    def write_candidate(self, planned: PlannedCandidate) -> None:
        """A candidate in the pipeline today; one whose dossier finds no introducer is left
        out."""
        cell = self.cells[planned.cell]
        candidate = Candidate(
            **self._record(planned.person),
            organization=cell,
            introducing_body=IntroducingBody.YOUTH_UNION,
            **planned.dates,
            dropped_on=planned.dropped_on,
            drop_reason=planned.drop_reason,
        )
        if candidate.dossier_on and not self._introduce(candidate, cell):
            return
        services.candidate_save(candidate=candidate, by=SYSTEM)
        self.changed += 1

    # --- classes and ratings ---------------------------------------------------------------
    def write_classes(self, root: PartyOrganization, planned: PlannedClasses) -> None:
        """A year's classes, held by the committee; each session invites the members counted
        on its day."""
        awareness = planned.awareness
        course = AwarenessClass(
            organization=root,
            title=awareness.title,
            started_on=awareness.started_on,
            ended_on=awareness.ended_on,
            certificate_on=awareness.certificate_on,
        )
        services.course_save(course=course)
        services.awareness_participants_add(
            course=course,
            participants=[AwarenessParticipant(full_name=name) for name in planned.participants],
        )
        if planned.theory is not None:
            theory = TheoryClass(
                organization=root,
                title=planned.theory.title,
                started_on=planned.theory.started_on,
                ended_on=planned.theory.ended_on,
                certificate_on=planned.theory.certificate_on,
            )
            services.course_save(course=theory)
            new_members = Member.objects.filter(citizen_id__in=planned.theory_citizen_ids)
            services.theory_participants_add(course=theory, members=list(new_members))
        for session in planned.sessions:
            invited = selectors.counted_on(root, session.held_on).count()
            services.course_save(
                course=StudySession(
                    organization=root,
                    title=session.title,
                    started_on=session.held_on,
                    invited=invited,
                    attended=round(invited * session.attendance),
                )
            )
        self.changed += 1

    def write_ratings(self, cells: list[CellPlan]) -> None:
        """Each year's ratings of the members attending each cell at its end, and of the
        cell."""
        for year in RATED_YEARS:
            year_end = datetime.date(year, 12, 31)
            for cell in cells:
                if not cell.active(year_end):
                    continue
                organization = self.cells[cell.code]
                members = list(selectors.attending_on(organization, year_end).order_by("pk"))
                if not members:
                    continue
                levels, organization_level = self.simulation.rating_levels(
                    cell.code, year, [selectors.rateable(member, year) for member in members]
                )
                services.ratings_save(
                    organization=organization,
                    year=year,
                    levels={
                        member: (level, "") for member, level in zip(members, levels, strict=True)
                    },
                    organization_level=organization_level,
                    by=SYSTEM,
                )
                self.changed += 1
