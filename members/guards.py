"""What the members' records forbid to the organisations: registered with organizations.services
by MembersConfig.ready(), since organizations never imports members."""

from __future__ import annotations

import datetime

from django.db.models import Count, Subquery
from django.utils.translation import gettext as _

from kcn_party.dates import short_date
from members.models import Member, MemberEvent
from members.selectors import counted_on
from organizations.models import PartyOrganization

# Names given in the message for each organisation; the count says how many more there are.
NAMES_SHOWN = 3


def members_still_counted(*, organization, on: datetime.date, by=None) -> list[str]:
    """Why `organization` cannot end on `on`: the members still counted (đảng số) in it or
    its sub-organisations at the end of that day, for each organisation that counts them, with
    a few names of those `by` may see (every name when no account acts)."""
    if not organization.pk:
        return []
    counted = counted_on(organization, on).annotate(
        place=Subquery(MemberEvent.objects.last_on(on).values("counted_after")[:1])
    )
    totals = dict(
        counted.order_by().values("place").annotate(total=Count("pk")).values_list("place", "total")
    )
    if not totals:
        return []
    shown = counted if by is None else counted.filter(pk__in=Member.objects.visible_to(by))
    places = PartyOrganization.objects.in_bulk(totals.keys())
    problems = []
    # Usually one organisation: its sub-organisations have ended before it, each checked then.
    for place, total in sorted(totals.items(), key=lambda item: places[item[0]].path):
        params = {
            "organization": places[place].name,
            "count": total,
            "date": short_date(on),
        }
        names = list(
            shown.filter(place=place)
            .order_by("sort_name", "pk")
            .values_list("full_name", flat=True)[:NAMES_SHOWN]
        )
        if names:
            more = ", …" if total > len(names) else ""
            params["names"] = ", ".join(names) + more
            problems.append(
                _(
                    "%(organization)s still counts %(count)s members on %(date)s (%(names)s): "
                    "record their transfers before it ends."
                )
                % params
            )
        else:
            problems.append(
                _(
                    "%(organization)s still counts %(count)s members on %(date)s: record their "
                    "transfers before it ends."
                )
                % params
            )
    return problems
