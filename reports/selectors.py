"""Reads of the reports' pages that are lists of records rather than figures: the
organisation a page is asked for (within what the account may see), the grassroots
organisations a committee has today (its growth since founding), and "where to work next"
(cơ hội phát triển). Each list is one query whatever the data.

The figures themselves come from reports.figures and reports.tables, never from here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from members.models import Member
from organizations.access import scope_of, subtree_q, visible
from organizations.models import (
    Enterprise,
    EnterpriseLink,
    MassKind,
    MassOrganization,
    PartyOrganization,
)
from organizations.models.party import GRASSROOTS_KINDS

DEFAULT_MIN_WORKERS = 300


def min_workers_default() -> int:
    """The size from which an enterprise without a party organisation is worth founding one
    in (settings.REPORTS["OPPORTUNITY_MIN_WORKERS"], default 300)."""
    return getattr(settings, "REPORTS", {}).get("OPPORTUNITY_MIN_WORKERS", DEFAULT_MIN_WORKERS)


# --- the organisation a page shows ------------------------------------------------------------


def organization_for(user, code: str | None) -> PartyOrganization:
    """The organisation `code` names, if `user` may see it; without a code, the account's own
    organisation (a superuser's: the first at the top of the tree). Http404 for anything else,
    so that an outsider cannot tell a code exists. One query (the profile is cached)."""
    scope = scope_of(user)
    if not scope.everything and not scope.path:
        raise Http404
    organizations = visible(PartyOrganization.objects.all(), user)
    if code:
        found = organizations.filter(code=code.strip()).first()
    elif scope.everything:
        found = organizations.filter(parent__isnull=True).order_by("path").first()
    else:
        found = organizations.filter(path=scope.path).first()
    if found is None:
        raise Http404
    return found


def organization_choices(user, organization: PartyOrganization) -> list[PartyOrganization]:
    """The organisations a page offers to switch to: from the top of what `user` sees down to
    `organization`, and `organization`'s direct children, by path. One query."""
    scope = scope_of(user)
    ids = [*organization.ancestor_ids(), organization.pk]
    rows = PartyOrganization.objects.filter(Q(pk__in=ids) | Q(parent=organization)).order_by("path")
    return [row for row in rows if scope.contains_path(row.path)]


# --- growth since founding --------------------------------------------------------------------


def grassroots_count_on(root: PartyOrganization, day: datetime.date) -> int:
    """The grassroots party organisations (TCCSĐ) of `root`'s subtree active on `day`."""
    return (
        PartyOrganization.objects.within(root)
        .active(day)
        .filter(kind__in=GRASSROOTS_KINDS)
        .exclude(pk=root.pk)
        .count()
    )


# --- where to work next ---------------------------------------------------------------------


def _party_served_now():
    """An enterprise that an active party organisation serves now (a current link)."""
    return Exists(
        EnterpriseLink.objects.current().filter(
            enterprise=OuterRef("pk"), organization__ended_on__isnull=True
        )
    )


def large_without_party(root: PartyOrganization, *, min_workers: int):
    """Active enterprises of the zones in the care of `root`'s subtree with at least
    `min_workers` workers (their latest count) that have an active grassroots trade union but
    no party organisation serving them: where a cell could be founded. Largest first."""
    today = timezone.localdate()
    union = MassOrganization.objects.active(today).filter(
        kind=MassKind.TRADE_UNION, enterprise=OuterRef("pk")
    )
    return (
        Enterprise.objects.within(root)
        .active()
        .with_latest_workers()
        .filter(latest_workers__gte=min_workers)
        .filter(Exists(union))
        .exclude(_party_served_now())
        .select_related("zone")
        .order_by("-latest_workers", "name")
    )


@dataclass(frozen=True)
class EmployerRow:
    enterprise_id: int
    name: str
    tax_code: str
    zone: str
    members: int
    counted_in: str = ""  # where they are counted (for members counted elsewhere)


EMPLOYER_FIELDS = (
    "enterprise",
    "enterprise__name",
    "enterprise__tax_code",
    "enterprise__zone__name",
)


def _employer_rows(rows) -> list[EmployerRow]:
    """EmployerRows from the values of EMPLOYER_FIELDS, "members" and perhaps "counted_in__name"."""
    return [
        EmployerRow(
            row["enterprise"],
            row["enterprise__name"],
            row["enterprise__tax_code"],
            row["enterprise__zone__name"],
            row["members"],
            row.get("counted_in__name", ""),
        )
        for row in rows
    ]


def employers_without_organization(root: PartyOrganization) -> list[EmployerRow]:
    """Enterprises where members counted in `root`'s subtree work (the employer on their
    record) and that no active party organisation serves: a cell of their own could be
    founded there. Most members first. One query."""
    rows = (
        Member.objects.counted()
        .filter(subtree_q("counted_in__path", root.path), enterprise__isnull=False)
        .filter(
            ~Exists(
                EnterpriseLink.objects.current().filter(
                    enterprise=OuterRef("enterprise"), organization__ended_on__isnull=True
                )
            )
        )
        .order_by()
        .values(*EMPLOYER_FIELDS)
        .annotate(members=Count("pk"))
        .order_by("-members", "enterprise__name")
    )
    return _employer_rows(rows)


def counted_elsewhere(root: PartyOrganization) -> list[EmployerRow]:
    """Members who work in enterprises of the zones in the care of `root`'s subtree but are
    counted by an organisation outside it: they could transfer in. By enterprise and by the
    organisation counting them, most first; counts and names of organisations only, never the
    members of another committee. One query."""
    inside = subtree_q("counted_in__path", root.path)
    rows = (
        Member.objects.counted()
        .filter(subtree_q("enterprise__zone__committee__path", root.path))
        .exclude(inside)
        .order_by()
        .values(*EMPLOYER_FIELDS, "counted_in__name")
        .annotate(members=Count("pk"))
        .order_by("-members", "enterprise__name", "counted_in__name")
    )
    return _employer_rows(rows)
