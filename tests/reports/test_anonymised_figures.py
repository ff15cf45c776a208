"""Anonymising members who have left changes no figure (issue 13, point 3): the figures and
tables of past periods, computed or read from a closed period, are the same before and after,
and a closed period finds nothing to adjust."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from members import services as member_services
from members.models import EventKind, Member
from reports import figures, tables
from reports.adjustments import adjustments
from reports.models import Correction
from reports.periods import Period
from reports.serialize import table_data
from reports.services import period_close
from tests.reports.builders import D, event

pytestmark = pytest.mark.django_db

PERIODS = (
    ("--year", "2024"),
    ("--year", "2025"),
    ("--term", "2020-2025"),
)


def report(committee, *args) -> dict:
    out = StringIO()
    call_command("report_figures", "--committee", committee.code, *args, stdout=out)
    data = json.loads(out.getvalue())
    data.pop("generated_at", None)
    return data


def everything(committee) -> dict:
    """What the command, the figures and the tables give for the past periods."""
    return {
        "command": {args: report(committee, *args) for args in PERIODS},
        "tables": {
            year: {
                key: table_data(table)
                for key, table in tables.build(committee, Period.year(year)).items()
            }
            for year in (2024, 2025)
        },
        "computed": {
            year: [
                (f.key, dict(f.params), f.value, f.last_year)
                for f in figures.compute(committee, Period.year(year), from_records=True).figures
            ]
            for year in (2024, 2025)
        },
    }


def members_who_left(year_2025):
    """The 2025 member transferred out, and one of 2018 who died in 2024: counted nowhere."""
    deceased = year_2025.a_old_2
    event(deceased, EventKind.DEATH, D(2024, 6, 30))
    gone = [Member.objects.get(pk=year_2025.b_old.pk), Member.objects.get(pk=deceased.pk)]
    assert all(m.counted_in_id is None for m in gone)
    return gone


def test_past_figures_and_tables_are_the_same_after_anonymising(year_2025, staff):
    committee = year_2025.tree.committee
    gone = members_who_left(year_2025)
    before = everything(committee)

    for member in gone:
        member_services.member_anonymise(member=member, by=staff)

    assert Member.objects.filter(anonymised_at__isnull=False).count() == 2
    assert everything(committee) == before


def test_a_closed_period_is_unchanged_and_needs_no_adjustment(year_2025, staff):
    committee = year_2025.tree.committee
    gone = members_who_left(year_2025)
    closed = period_close(committee=committee, period=Period.year(2025), by=staff)
    read_before = report(committee, "--year", "2025")
    assert read_before["closed"]  # read from the closing

    for member in gone:
        member_services.member_anonymise(member=member, by=staff)

    assert report(committee, "--year", "2025") == read_before
    assert adjustments(closed).differences == []
    assert not Correction.objects.exists()  # nothing the figures read was touched
