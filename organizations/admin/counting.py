"""The count under an admin list, at national scale.

Django's admin counts every row of a list on each page (`SELECT COUNT(*)`): a superuser's list
of a million members reads the whole index of the members on every page. As large admin sites
do, a list *as it opens* (no search, no filter chosen) is counted exactly only up to
`ADMIN_LIST_EXACT_COUNT_UP_TO` rows; beyond, the page says "about N", N being PostgreSQL's
own estimate of the rows (the planner's, from the table's statistics), or "more than N" when
that estimate is below the rows already counted (a subtree's, which the planner misjudges).
A search or a filter is always counted exactly, and so is every list on SQLite, which has no
such statistics.

The exact count up to the threshold is one query, as Django's: a count of the first
threshold + 1 rows. Only a list past the threshold asks the planner (one EXPLAIN, planning
only, nothing read)."""

from __future__ import annotations

import copy
import json

from django.conf import settings
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    ORDER_VAR,
    PAGE_VAR,
)
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# What a list's address may carry and still be the list as it opens: the page, the order,
# "show all", the popup's and facets' flags, and the flag of a list shown whole after a bad
# filter. Anything else narrows the list.
NOT_FILTERS = {PAGE_VAR, ORDER_VAR, ALL_VAR, IS_POPUP_VAR, TO_FIELD_VAR, IS_FACETS_VAR, ERROR_FLAG}


def opens_as_is(request) -> bool:
    """Whether the list is asked for as it opens: no search, no filter in the address."""
    return not (set(request.GET) - NOT_FILTERS)


def planner_rows(queryset) -> int:
    """PostgreSQL's estimate of the rows of `queryset`: the planner's, from the statistics
    of the tables (what ANALYZE and autovacuum keep), read by an EXPLAIN that plans only."""
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """A paginator whose count is exact up to `exact_up_to` rows and, when `may_estimate`,
    PostgreSQL's estimate beyond (then `estimated` is true), or the threshold's rows plus one
    when the estimate is below what was counted (then `more_than` is true too). Without
    `may_estimate` it is Django's, one exact count."""

    def __init__(self, object_list, per_page, *, exact_up_to: int, may_estimate: bool, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.exact_up_to = exact_up_to
        self.may_estimate = may_estimate
        self.estimated = False  # the count is not exact: "about N" ...
        self.more_than = False  # ... or, when the estimate is known wrong, "more than N"

    @cached_property
    def count(self) -> int:
        if not self.may_estimate:
            return super().count
        # One query either way: the first rows past the threshold are counted, no more.
        capped = self.object_list.order_by().values("pk")[: self.exact_up_to + 1].count()
        if capped <= self.exact_up_to:
            return capped
        self.estimated = True
        estimate = planner_rows(self.object_list)
        if estimate >= capped:
            return estimate
        # The planner expects fewer rows than were just counted: it is wrong (it misjudges a
        # subtree's path range, a string range, by orders of magnitude), so the page says no
        # more than what is known: more than the threshold.
        self.more_than = True
        return capped

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.estimated:
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self.rows(bottom, top), number, self)
        # The count is approximate: a page is the rows at its place, whatever the estimate
        # said of the last one (Django's would cut the last page at the estimate).
        rows = list(self.rows(bottom, top))
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        return self._get_page(rows, number, self)

    def rows(self, bottom: int, top: int):
        """The rows of the list from `bottom` to `top`, in its order."""
        return self.object_list[bottom:top]


class KeysFirstPaginator(EstimatedCountPaginator):
    """Reads a page's keys first, then its rows: one query, `WHERE pk IN (the page's keys in
    the list's order)`. When the list is a subtree's, PostgreSQL misjudges how many rows the
    path range holds (a string range: it guesses one organisation for a province's 838) and
    reads every row of the subtree, with its joins, to sort them; the keys alone come from a
    covering index (the members': member_organization_status_idx), then only a page of rows
    is read. A province's members: 270 ms to 40 ms."""

    def rows(self, bottom: int, top: int):
        queryset = self.object_list
        if queryset.query.distinct or queryset.query.annotations or not queryset.ordered:
            return super().rows(bottom, top)  # the page could not be read back as the list's
        keys = queryset.values("pk")[bottom:top]
        # The rows by their keys alone: the list's filters again would bring back the subtree
        # the planner misjudges. The keys come from the list, so from the account's scope.
        rows = queryset.model._default_manager.filter(pk__in=keys)
        rows.query.select_related = copy.deepcopy(queryset.query.select_related)
        return rows.order_by(*queryset.query.order_by)


class EstimatedCountMixin:
    """A ModelAdmin whose list, as it opens, says "about N" past the threshold on PostgreSQL
    (see the module)."""

    paginator = EstimatedCountPaginator

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            exact_up_to=settings.ADMIN_LIST_EXACT_COUNT_UP_TO,
            may_estimate=connections[queryset.db].vendor == "postgresql" and opens_as_is(request),
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        paginator = getattr(changelist, "paginator", None)
        if getattr(paginator, "more_than", False):
            # Django's "all 20001 selected" would state an exact number it does not have.
            context["selection_note_all"] = _("All (more than %(count)s) selected") % {
                "count": number_text(paginator.exact_up_to)
            }
        elif getattr(paginator, "estimated", False):
            context["selection_note_all"] = _("All (about %(count)s) selected") % {
                "count": number_text(changelist.result_count)
            }
        return response


def number_text(value: int) -> str:
    """A count as the pages show it ("1.000.000" in Vietnamese)."""
    return number_format(value, force_grouping=True)
