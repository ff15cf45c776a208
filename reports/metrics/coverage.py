"""Coverage on a date: the share of the enterprises active on the date in the committee's zones
that a party organisation (or a grassroots trade union) serves then, by ownership group and by
size band; and the members as a percentage of the workers.

Everything is read as it stood on the date: an enterprise's status and ownership from its dated
history (EnterpriseState), the links between organisations and enterprises in force then
(EnterpriseLink), the organisations active then, and the workers of the latest count on or
before the date. Enterprises belong to zones, in the care of a zone committee: grouped by the
zone's committee (0 below a zone committee), like the mass organisations.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict

from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models import Count as CountRows
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from organizations.models import (
    EnterpriseLink,
    EnterpriseState,
    EnterpriseStatus,
    MassKind,
    MassOrganization,
    PartyOrganization,
    WorkforceSnapshot,
)
from reports.metrics.batch import STATE, Plan, Term, in_force, named, window
from reports.metrics.grouping import Groups
from reports.metrics.members import counted_rows, counted_term
from reports.metrics.ownership import (
    BAND_PARAM,
    GROUP_PARAM,
    OWNERSHIP_GROUPS,
    band_of,
    in_band,
    in_group,
)
from reports.metrics.registry import DATE, PERCENT, ZONES, metric, planned
from reports.periods import Period
from reports.values import Ratio

COMMITTEE = "enterprise__zone__committee__path"


def active_on(day: datetime.date, prefix: str = "") -> Q:
    """Organisations (at `prefix`) founded by `day` and not ended by then."""
    return Q(**{f"{prefix}founded_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})
    )


def workers_in_force(day: datetime.date, enterprise=None) -> Subquery:
    """The workers of the latest count on or before `day` of the enterprise (OuterRef)."""
    return Subquery(
        WorkforceSnapshot.objects.filter(
            enterprise=enterprise or OuterRef("enterprise"), counted_on__lte=day
        )
        .order_by("-counted_on")
        .values("workers")[:1],
        output_field=IntegerField(),
    )


def band_in_force(day: datetime.date) -> Coalesce:
    """The size band (its value; "" for none) of the workers of the latest count on or before
    `day` of the enterprise (OuterRef): one subquery that gives the band, where a band tested on
    `workers_in_force` repeats the subquery in each of its cases."""
    return Coalesce(
        Subquery(
            WorkforceSnapshot.objects.filter(enterprise=OuterRef("enterprise"), counted_on__lte=day)
            .order_by("-counted_on")
            .annotate(band=band_of("workers"))
            .values("band")[:1],
            output_field=CharField(),
        ),
        Value(""),
    )


def enterprises_on(groups: Groups, day: datetime.date, group: str = "all", band: str = "all"):
    """One row (its EnterpriseState) per enterprise active on `day` in the zones of the
    groups, of ownership `group` on that day and with workers in `band`."""
    rows = EnterpriseState.objects.on(day).filter(
        groups.within(COMMITTEE), in_group("ownership", group), status=EnterpriseStatus.ACTIVE
    )
    if band != "all":
        rows = rows.annotate(workers=workers_in_force(day)).filter(in_band("workers", band))
    return rows


def party_served_on(day: datetime.date) -> Exists:
    """The enterprise (OuterRef) is served on `day` by a party organisation active then."""
    return Exists(
        EnterpriseLink.objects.on(day).filter(
            active_on(day, "organization__"), enterprise=OuterRef("enterprise")
        )
    )


def union_on(day: datetime.date) -> Exists:
    """The enterprise (OuterRef) has a grassroots trade union active on `day`."""
    return Exists(
        MassOrganization.objects.filter(
            active_on(day), kind=MassKind.TRADE_UNION, enterprise=OuterRef("enterprise")
        )
    )


def _coverage(groups: Groups, rows, covered: Exists) -> dict[int, Ratio]:
    rows = (
        rows.order_by()
        .values(group=groups.key(COMMITTEE))
        .annotate(covered=CountRows("pk", filter=covered), total=CountRows("pk"))
        .values_list("group", "covered", "total")
    )
    return groups.collect(rows, Ratio)


def _coverage_metric(key: str, served, label, definition) -> None:
    """Register the metric `key`: the share of the enterprises active on the date that
    `served(day)` (an EXISTS on the enterprise) says are served; and its plan."""

    def compute(groups: Groups, period: Period, *, group: str, band: str):
        day = period.end
        return _coverage(groups, enterprises_on(groups, day, group, band), served(day))

    def plan(groups: Groups, period: Period, *, group: str, band: str):
        shared = functools.partial(_expression, served)
        return _coverage_plan(period, group, band, served.__name__, shared)

    metric(
        key=key,
        label=label,
        unit=PERCENT,
        kind=DATE,
        scope=ZONES,
        definition=definition,
        params={"group": GROUP_PARAM, "band": BAND_PARAM},
        crossed=False,
    )(compute)
    planned(key)(plan)


_coverage_metric(
    "coverage_party",
    party_served_on,
    _("Enterprises with a party organisation"),
    _(
        "Of the enterprises active on the date in the zones in the care of the zone committees "
        "of the subtree, the share that at least one party organisation active on the date "
        "serves on the date. By ownership group as the enterprise's ownership stood on the "
        "date, and by size band by the workers in force on the date (the latest count on or "
        "before it): 500 and more, 300–499, under 300; an enterprise without a count in force "
        "is in no band."
    ),
)
_coverage_metric(
    "coverage_union",
    union_on,
    _("Enterprises with a grassroots trade union"),
    _(
        "As coverage by party organisations, with an active grassroots trade union of the "
        "enterprise instead of a party organisation."
    ),
)


def workers_rows(groups: Groups, day: datetime.date):
    """The count in force on `day` of each enterprise active then in the groups' zones."""
    active, later = _in_force(day)
    return (
        WorkforceSnapshot.objects.filter(groups.within(COMMITTEE), counted_on__lte=day)
        .filter(active)
        .exclude(later)
    )


def _in_force(day: datetime.date) -> tuple[Exists, Exists]:
    """Of a worker count (OuterRef): whether its enterprise is active on `day`, and whether a
    later count on or before `day` replaces it."""
    later = WorkforceSnapshot.objects.filter(
        enterprise=OuterRef("enterprise"),
        counted_on__lte=day,
        counted_on__gt=OuterRef("counted_on"),
    )
    active = EnterpriseState.objects.on(day).active().filter(enterprise=OuterRef("enterprise"))
    return Exists(active), Exists(later)


@metric(
    key="members_per_workers",
    label=_("Members as a percentage of workers"),
    unit=PERCENT,
    kind=DATE,
    scope=ZONES,
    definition=_(
        "Members counted in the subtree on the date over the workers in force on the date (the "
        "latest count on or before it) in the enterprises active on the date in the zones in "
        "the care of the zone committees of the subtree."
    ),
)
def members_per_workers(groups: Groups, period: Period) -> dict[int, Ratio]:
    # The members are grouped by their cell, the workers by their zone's committee: one query
    # of both, side by side (UNION ALL), added up per group.
    day = period.end
    zero = Value(0, output_field=IntegerField())
    members = (
        counted_rows(groups, day)
        .order_by()
        .values(group=groups.key("organization__path"))
        .annotate(members=CountRows("pk"), workers=zero)
        .values_list("group", "members", "workers")
    )
    workers = (
        workers_rows(groups, day)
        .order_by()
        .values(group=groups.key(COMMITTEE))
        .annotate(members=zero, workers=Sum("workers"))
        .values_list("group", "members", "workers")
    )
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, counted, employed in members.union(workers, all=True):
        totals[key][0] += counted
        totals[key][1] += employed or 0
    return groups.collect(((key, *both) for key, both in totals.items()), Ratio)


# --- the plans (reports.metrics.batch) ------------------------------------------------------
# Coverage: the enterprises active on each date are tallied in one statement by their ownership,
# their size band and whether a party organisation and a union serve them then (an EXISTS each,
# a subquery for the workers: once per enterprise and date, not once per figure); each
# variant then adds up the tallies it takes. The members over the workers go with the members
# counted (the counted intervals' statement), the workers of the date side by side.


@functools.lru_cache(maxsize=64)
def _expression(make, day: datetime.date):
    """`make(day)` built once per date: the variants of a date share their EXISTS and
    subqueries (building one is a queryset, which costs more than the statement itself)."""
    return make(day)


def _coverage_plan(period: Period, group: str, band: str, covered: str, served) -> Plan:
    day = period.end
    types = OWNERSHIP_GROUPS[group][1]
    annotations, columns = {}, {"owned": F("ownership"), named(covered, day): served(day)}
    if band != "all":
        columns[named("band", day)] = _expression(band_in_force, day)

    band_name, covered_name = named("band", day), named(covered, day)

    def test(row, served_only: bool) -> bool:
        return (
            (types is None or row["owned"] in types)
            and (band == "all" or row[band_name] == band)
            and (not served_only or bool(row[covered_name]))
        )

    where = in_force(day, "valid_from", "valid_to") & Q(status=EnterpriseStatus.ACTIVE)
    terms = tuple(
        Term(
            "enterprises",
            "states",
            EnterpriseState.objects.all(),
            COMMITTEE,
            where,
            annotations=annotations,
            columns=columns,
            test=functools.partial(test, served_only=served_only),
            accrues=STATE,
            changed=enterprise_changed,
        )
        for served_only in (True, False)
    )
    return Plan(terms, Ratio)


def _enterprises(*changes) -> Q:
    """The enterprises' states of the enterprises that `changes` (querysets of rows with an
    `enterprise`) name: one IN list, which PostgreSQL hashes once (an EXISTS per change
    inside an OR would probe every enterprise of the nation for each)."""
    ids = [rows.order_by().values("enterprise") for rows in changes]
    return Q(enterprise__in=ids[0].union(*ids[1:], all=True))


def _state_dates(since, until):
    return EnterpriseState.objects.filter(
        window("valid_from", since, until) | window("valid_to", since, until)
    )


def _counts(since, until):
    return WorkforceSnapshot.objects.filter(window("counted_on", since, until))


def workers_changed(since, until) -> Q:
    """The enterprises' states whose workers in force may differ between the ends of two
    days: those of the enterprises whose status, or workers, were recorded in between."""
    return _enterprises(_state_dates(since, until), _counts(since, until))


def enterprise_changed(since, until) -> Q:
    """The enterprises' states whose coverage, ownership or band may differ between the ends
    of two days: those of the enterprises whose status or workers were recorded in between,
    or with a link, an organisation they are linked to, or a mass organisation, that begins
    or ends in between."""
    links = EnterpriseLink.objects.filter(
        window("started_on", since, until) | window("ended_on", since, until)
    )
    organizations = PartyOrganization.objects.filter(
        window("founded_on", since, until) | window("ended_on", since, until)
    )
    serving = EnterpriseLink.objects.filter(organization__in=organizations.values("pk"))
    mass = MassOrganization.objects.filter(
        window("founded_on", since, until) | window("ended_on", since, until)
    )
    return _enterprises(_state_dates(since, until), _counts(since, until), links, serving, mass)


@planned("members_per_workers")
def members_per_workers_plan(groups: Groups, period: Period):
    # The workers read from the enterprises active on the day, each with its latest count (a
    # subquery an enterprise), rather than from every count with whether its enterprise is
    # active and whether a later one replaces it (two subqueries a count).
    day = period.end
    workers = Term(
        "intervals",
        "active enterprises",
        EnterpriseState.objects.all(),
        COMMITTEE,
        in_force(day, "valid_from", "valid_to") & Q(status=EnterpriseStatus.ACTIVE),
        total=named("workers", day),
        annotations={named("workers", day): _expression(workers_in_force, day)},
        accrues=STATE,
        changed=workers_changed,
    )
    return Plan((counted_term("intervals", day), workers), Ratio)
