"""Reads across the organisations' models that the figures and the admin share."""

from __future__ import annotations

import datetime

from organizations.models import Congress, PartyOrganization


def term_bounds(
    committee: PartyOrganization, first_year: int, last_year: int
) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the term `first_year`–`last_year` of `committee`: from its
    congress in `first_year` to the day before its congress in `last_year` (which opens the
    next term), as recorded; without a recorded congress, 1 January of `first_year` and
    31 December of `last_year`. A span of several terms (2015–2025) works alike."""
    held = dict(
        Congress.objects.filter(
            organization=committee, first_year__in={first_year, last_year}
        ).values_list("first_year", "held_on")
    )
    start = held.get(first_year) or datetime.date(first_year, 1, 1)
    following = held.get(last_year) if last_year != first_year else None
    end = following - datetime.timedelta(days=1) if following else datetime.date(last_year, 12, 31)
    return start, end


def unit_types_undecided(*, enterprises) -> list[PartyOrganization]:
    """The active grassroots organisations serving `enterprises` now whose enterprises are of
    several ownership types and that have no unit type chosen (their stored type is the one
    they had): staff should choose it."""
    ids = [getattr(enterprise, "pk", enterprise) for enterprise in enterprises]
    return list(
        PartyOrganization.objects.grassroots()
        .filter(
            ended_on__isnull=True,
            chosen_unit_type="",
            pk__in=PartyOrganization.objects.filter(
                enterprise_links__enterprise_id__in=ids,
                enterprise_links__ended_on__isnull=True,
            ).values("pk"),
        )
        .with_served_types()
        .filter(served_types__gt=1)
    )
