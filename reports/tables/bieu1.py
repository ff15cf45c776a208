"""Biểu 1, the member balance: start + admitted + transferred in + restored − died − expelled −
removed − resigned − transferred out = end, for the subtree. It must balance."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.selectors import balance
from reports.periods import Period
from reports.tables.base import Line, Lines, table
from reports.values import Count

# The lines of the form (domain guide §8), in its words: "Form 1" tells them apart from the
# members' statuses of the same English name.
BIEU1_LINES = [
    ("start", pgettext_lazy("Form 1", "Members at the start of the period")),
    ("admitted", pgettext_lazy("Form 1", "Admitted")),
    ("transferred_in", pgettext_lazy("Form 1", "Transferred in")),
    ("restored", pgettext_lazy("Form 1", "Membership restored")),
    ("died", pgettext_lazy("Form 1", "Died")),
    ("expelled", pgettext_lazy("Form 1", "Expelled")),
    ("removed", pgettext_lazy("Form 1", "Removed from the rolls")),
    ("resigned", pgettext_lazy("Form 1", "Left the party at their request")),
    ("transferred_out", pgettext_lazy("Form 1", "Transferred out")),
    ("end", pgettext_lazy("Form 1", "Members at the end of the period")),
]


@table(key="bieu1", title=_("Form 1: members gained and lost"))
def bieu1(root, period: Period) -> Lines:
    """start + admitted + transferred in + restored − died − expelled − removed − resigned −
    transferred out = end, for the subtree (members.selectors.balance: 3 queries)."""
    result = balance(root, period.start, period.end)
    return Lines(
        [Line(key, label, Count(getattr(result, key))) for key, label in BIEU1_LINES],
        checks={"balances": result.balances},
    )
