"""Classes: participants of the awareness classes for admission candidates."""

from __future__ import annotations

from django.db.models import Count as CountRows
from django.utils.translation import gettext_lazy as _

from members.models import AwarenessParticipant
from reports.metrics.batch import FLOW, Term, counted, dates
from reports.metrics.grouping import Groups
from reports.metrics.registry import COUNT, PERIOD, metric, planned
from reports.periods import Period
from reports.values import Count

HELD_BY = "course__organization__path"


@metric(
    key="awareness_participants",
    label=_("Awareness class participants"),
    unit=COUNT,
    kind=PERIOD,
    definition=_(
        "Participants of the awareness classes on the party (lớp bồi dưỡng nhận thức về Đảng) "
        "that start in the period, held by organisations of the subtree, whether or not they "
        "were given the certificate. A class that runs into the next period counts where it "
        "starts."
    ),
)
def awareness_participants(groups: Groups, period: Period) -> dict[int, Count]:
    rows = (
        AwarenessParticipant.objects.filter(
            groups.within(HELD_BY),
            course__started_on__gte=period.start,
            course__started_on__lte=period.end,
        )
        .order_by()
        .values(group=groups.key(HELD_BY))
        .annotate(number=CountRows("pk"))
        .values_list("group", "number")
    )
    return groups.collect(rows, Count)


@planned("awareness_participants")
def awareness_participants_plan(groups: Groups, period: Period):
    rows = AwarenessParticipant.objects.all()
    return counted(
        Term(
            "classes",
            "participants",
            rows,
            HELD_BY,
            dates("course__started_on", period),
            accrues=FLOW,
        )
    )
