"""The demo's simulation is pure (issue 9): it runs in memory, without the database (these
tests may not touch it), gives the same members for the same seed, and never draws an
identifier a person's record already holds. tests/test_demo.py checks what loading it writes."""

import datetime

from members.demo.plans import CellPlan, CommitteePlan
from members.demo.simulation import DEMO_TODAY, RATED_YEARS, Simulation
from members.models import EventKind

D = datetime.date
COMMITTEE = CommitteePlan("TN-KCN", "024", 40, "Đảng ủy Các KCN thử nghiệm", 2024)
FOUNDED = D(2014, 6, 20)


def cells() -> list[CellPlan]:
    return [
        CellPlan("TN-CB01", "TN-CB01", "Chi bộ Công ty TNHH Một", D(2015, 3, 2), None, 5, [1, 2]),
        CellPlan("TN-CB02", "TN-CB02", "Chi bộ Ban Quản lý", D(2019, 6, 3), None, None, []),
        CellPlan("TN-CB03", "TN-CB03", "Chi bộ Công ty Ba", D(2016, 1, 11), D(2021, 5, 4), 3, [3]),
    ]


def run(simulation: Simulation) -> dict:
    planned = simulation.plan_cells(COMMITTEE, cells())
    people = simulation.simulate(COMMITTEE, planned)
    return {
        "cells": planned,
        "people": people,
        "candidates": simulation.pipeline(COMMITTEE, planned),
        "classes": simulation.classes(COMMITTEE, planned, people, FOUNDED),
        "ratings": [
            simulation.rating_levels(cell.code, year, [True, False, True])
            for cell in planned
            for year in RATED_YEARS
        ],
    }


def test_the_simulation_needs_no_database_and_gives_the_same_members_for_a_seed():
    first, again = run(Simulation()), run(Simulation())
    assert first == again
    assert first != run(Simulation(rng_seed=7))
    planned, people = first["cells"], first["people"]
    # The committee's figure shared among the cells that go on; today's members come near it.
    assert sum(cell.target for cell in planned) == COMMITTEE.target
    assert planned[2].target == 0
    for cell in planned:
        counted = sum(1 for person in people if person.counted and person.cell == cell.code)
        assert abs(counted - cell.target) <= 3, (cell.code, counted, cell.target)
    assert first["candidates"] and first["classes"]


def test_every_history_begins_with_an_arrival_and_stays_in_order_up_to_the_demo_s_today():
    people = run(Simulation())["people"]
    assert people
    for person in people:
        dates = [event.on for event in person.events]
        assert dates == sorted(dates) and dates[-1] <= DEMO_TODAY
        assert person.events[0].kind in (EventKind.ADMISSION, EventKind.TRANSFER_IN)
        here = [event.cell for event in person.events if event.cell]
        assert set(here) <= {"TN-CB01", "TN-CB02", "TN-CB03"}


def test_identifiers_a_record_holds_are_never_drawn():
    drawn = run(Simulation())["people"]
    held_id, held_card = drawn[0].citizen_id, next(p.card_number for p in drawn if p.card_number)
    simulation = Simulation(
        taken_citizen_ids=frozenset({held_id}), taken_cards=frozenset({held_card})
    )
    people = run(simulation)["people"]
    assert held_id not in {p.citizen_id for p in people}
    assert held_card not in {p.card_number for p in people}
    assert f"citizen ID {held_id}: taken, another drawn" in simulation.adapted
    assert f"card number {held_card}: taken, another drawn" in simulation.adapted
