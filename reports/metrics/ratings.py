"""The annual quality rating: the share rated HTT or better (HTXS + HTT), of members and of
grassroots organisations, over those rated that year ("not rated" is in neither count)."""

from __future__ import annotations

from django.db.models import Count as CountRows
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import MemberRating, OrganizationRating, RatingLevel
from members.models.ratings import GOOD_OR_BETTER
from organizations.models.party import GRASSROOTS_KINDS
from reports.metrics.batch import YEAR, Plan, Term
from reports.metrics.grouping import Groups
from reports.metrics.registry import DATE, PERCENT, metric, planned
from reports.periods import Period
from reports.values import Ratio


def _shares(groups: Groups, ratings) -> dict[int, Ratio]:
    rows = (
        ratings.order_by()
        .values(group=groups.key("organization__path"))
        .annotate(
            good=CountRows("pk", filter=Q(level__in=GOOD_OR_BETTER)),
            rated=CountRows("pk", filter=~Q(level=RatingLevel.NOT_RATED)),
        )
        .values_list("group", "good", "rated")
    )
    return groups.collect(rows, Ratio)


@metric(
    key="members_rated_good",
    label=_("Members rated HTT or better"),
    unit=PERCENT,
    kind=DATE,
    definition=_(
        "Members rated “excellently fulfilled” (HTXS) or “well fulfilled” (HTT) for the year "
        "the period ends in (for a term, its last year), over the members rated that year "
        "(HTXS, HTT, HT or KHT), by the cells of the subtree. “Not rated” is in neither count. "
        "Both counts are given; with none rated there is no percentage."
    ),
)
def members_rated_good(groups: Groups, period: Period) -> dict[int, Ratio]:
    ratings = MemberRating.objects.filter(year=period.end.year).filter(
        groups.within("organization__path")
    )
    return _shares(groups, ratings)


@metric(
    key="organizations_rated_good",
    label=_("Grassroots organisations rated HTT or better"),
    unit=PERCENT,
    kind=DATE,
    definition=_(
        "Grassroots organisations (grassroots committees and grassroots cells) of the subtree "
        "rated HTXS or HTT for the year the period ends in, over those rated that year. “Not "
        "rated” is in neither count. Both counts are given."
    ),
)
def organizations_rated_good(groups: Groups, period: Period) -> dict[int, Ratio]:
    ratings = OrganizationRating.objects.filter(
        year=period.end.year, organization__kind__in=GRASSROOTS_KINDS
    ).filter(groups.within("organization__path"))
    return _shares(groups, ratings)


# --- the plans (reports.metrics.batch): the ratings of members and of organisations in one
# statement. Three terms: the good, the rated, and every rating (a group with ratings but none
# rated has its Ratio of 0 over 0, as the metric's own query gives it).


def _shares_plan(source: str, ratings, period: Period, **where) -> Plan:
    year = Q(year=period.end.year, **where)
    terms = [
        Term("ratings", source, ratings, "organization__path", year, only, accrues=YEAR)
        for only in (Q(level__in=GOOD_OR_BETTER), ~Q(level=RatingLevel.NOT_RATED), Q())
    ]
    return Plan(tuple(terms), lambda good, rated, _rows: Ratio(good, rated))


@planned("members_rated_good")
def members_rated_good_plan(groups: Groups, period: Period):
    return _shares_plan("members", MemberRating.objects.all(), period)


@planned("organizations_rated_good")
def organizations_rated_good_plan(groups: Groups, period: Period):
    return _shares_plan(
        "organisations",
        OrganizationRating.objects.all(),
        period,
        organization__kind__in=GRASSROOTS_KINDS,
    )
