"""The tree and the enterprises of a committee as they stood on a day, stored with a closed
period: each organisation's place, name, kind and unit type, and each enterprise's status,
ownership, workers and coverage. The records keep only today's tree (a cell moved to another
grassroots committee takes its path with it), so this is what tells, later, how the closed
period's figures were drawn.

Rows are tuples (JSON arrays) under a list of column names, not one dict each, and the few
distinct codes (status, ownership, kind) are shared strings: a national closing holds tens of
thousands of organisations and hundreds of thousands of enterprises, and this keeps it compact
in memory and in the database. Read in chunks from one query
per kind of record, with the state on the day as subqueries, never a query per row.
"""

from __future__ import annotations

import datetime
import sys

from django.db.models import Exists, OuterRef, Q, Subquery

from organizations.models import (
    Enterprise,
    EnterpriseLink,
    EnterpriseState,
    MassKind,
    MassOrganization,
    PartyOrganization,
    WorkforceSnapshot,
)

CHUNK = 5000
ORGANIZATION_COLUMNS = ["id", "code", "path", "parent_id", "name", "kind", "unit_type"]
ENTERPRISE_COLUMNS = [
    "id",
    "tax_code",
    "name",
    "zone_id",
    "status",
    "ownership",
    "workers",
    "covered",
    "union_covered",
]


def _active_on(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}founded_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})
    )


def organizations(committee, start: datetime.date, end: datetime.date) -> list[list]:
    """The organisations of `committee`'s subtree active at some time from `start` to `end`,
    by path."""
    rows = (
        PartyOrganization.objects.within(committee)
        .filter(founded_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start))
        .order_by("path")
        .values_list(*ORGANIZATION_COLUMNS)
    )
    return [_shared(row, (5, 6)) for row in rows.iterator(chunk_size=CHUNK)]


def _shared(row: tuple, columns: tuple[int, ...]) -> tuple:
    """`row` with the codes at `columns` (a status, a kind: a handful of values) shared rather
    than one copy per row: hundreds of thousands of rows hold a few distinct strings."""
    return tuple(
        sys.intern(value) if i in columns and isinstance(value, str) else value
        for i, value in enumerate(row)
    )


def enterprises(committee, day: datetime.date) -> list[list]:
    """The enterprises of the zones in the care of `committee`'s subtree that were on record on
    `day`, each with its status, ownership and workers in force that day, whether a party
    organisation active that day served it that day, and whether it had an active grassroots
    trade union."""
    state = EnterpriseState.objects.on(day).filter(enterprise=OuterRef("pk"))
    workers = WorkforceSnapshot.objects.filter(
        enterprise=OuterRef("pk"), counted_on__lte=day
    ).order_by("-counted_on")
    served = (
        EnterpriseLink.objects.on(day)
        .filter(enterprise=OuterRef("pk"))
        .filter(_active_on(day, "organization__"))
    )
    union = MassOrganization.objects.filter(
        _active_on(day), enterprise=OuterRef("pk"), kind=MassKind.TRADE_UNION
    )
    rows = (
        Enterprise.objects.within(committee)
        .annotate(
            status_then=Subquery(state.values("status")[:1]),
            ownership_then=Subquery(state.values("ownership")[:1]),
            workers_then=Subquery(workers.values("workers")[:1]),
            covered=Exists(served),
            union_covered=Exists(union),
        )
        .filter(status_then__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "tax_code",
            "name",
            "zone_id",
            "status_then",
            "ownership_then",
            "workers_then",
            "covered",
            "union_covered",
        )
    )
    return [_shared(row, (4, 5)) for row in rows.iterator(chunk_size=CHUNK)]


def take(committee, start: datetime.date, end: datetime.date) -> dict:
    """The snapshot stored with a closed period from `start` to `end`."""
    return {
        "on": end.isoformat(),
        "organizations": {
            "columns": ORGANIZATION_COLUMNS,
            "rows": organizations(committee, start, end),
        },
        "enterprises": {"columns": ENTERPRISE_COLUMNS, "rows": enterprises(committee, end)},
    }


def rows(snapshot: dict, kind: str) -> list[dict]:
    """The stored rows of `kind` ("organizations" or "enterprises") as dicts, for reading."""
    part = snapshot.get(kind) or {"columns": [], "rows": []}
    return [dict(zip(part["columns"], row, strict=True)) for row in part["rows"]]
