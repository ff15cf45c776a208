"""When each member was counted where: a summary of the events, kept exact by members.services.

A member is counted in the numbers (đảng số) of a cell at the end of a day when their last
event on or before that day leaves them counted there (`MemberEvent.counted_after`). Read from
the events, that is a "last event per member" query over every event up to the day, which at
national scale takes seconds. The same facts as intervals: a row per stretch of time a member
is counted in one cell, from the day of the event that put them there to the day of the next
event that changed where (or whether) they are counted. The members counted on a day are then
the rows whose interval holds the day, one row per member at most.

Written only by members.services (`store_timeline`, on every change of a member's events) and
rebuilt from the events by `manage.py rebuild_counted_intervals`; tests check that it agrees
with the events on random dates. The organisation is a foreign key, not its path: a cell moved
to another committee moves its intervals with it, as it moves its members' events.
"""

from __future__ import annotations

import datetime

from django.db import connections, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from members.models.events import MemberEvent
from organizations import access


class CountedIntervalQuerySet(access.ScopedQuerySet):
    # Part of the member's record, like the events.
    scope_path = "member__organization__path"

    def on(self, day: datetime.date):
        """The intervals that hold the end of `day`: one per member counted then."""
        return self.filter(counted_from__lte=day).filter(
            Q(counted_until__isnull=True) | Q(counted_until__gt=day)
        )


class CountedInterval(models.Model):
    """That `member` was counted in the numbers of `organization` at the end of every day from
    `counted_from` to the day before `counted_until` (None: still counted there)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="counted_intervals"
    )
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the index below starts with it
    )
    counted_from = models.DateField()
    counted_until = models.DateField(null=True)

    objects = CountedIntervalQuerySet.as_manager()

    class Meta:
        verbose_name = _("counted interval")
        verbose_name_plural = _("counted intervals")
        constraints = [
            CheckConstraint(
                condition=Q(counted_until__isnull=True) | Q(counted_until__gt=F("counted_from")),
                name="countedinterval_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                # Everything the counts read, so that they read the index alone.
                fields=["organization", "counted_from", "counted_until", "member", "id"],
                name="countedinterval_org_idx",
            ),
            # The intervals that begin, or end, between two days: the changes of a month that
            # the figures kept month by month read (reports.summary).
            models.Index(fields=["counted_from"], name="countedinterval_from_idx"),
            models.Index(fields=["counted_until"], name="countedinterval_until_idx"),
        ]

    def __str__(self):
        until = f"{self.counted_until:%d/%m/%Y}" if self.counted_until else "…"
        return f"{self.member_id} @ {self.organization_id}: {self.counted_from:%d/%m/%Y}–{until}"


def intervals_of(events) -> list[tuple[int, datetime.date, datetime.date | None]]:
    """(organisation id, counted from, counted until) of a member's events in their order,
    each with its stored `counted_before_id` and `counted_after_id`: a new interval where an
    event changes where the member is counted; none of no length (two changes in one day)."""
    intervals = []
    open_ = None  # (organisation id, from)
    for event in events:
        if event.counted_after_id == event.counted_before_id:
            continue
        if open_ is not None and event.occurred_on > open_[1]:
            intervals.append((*open_, event.occurred_on))
        open_ = (event.counted_after_id, event.occurred_on) if event.counted_after_id else None
    if open_ is not None:
        intervals.append((*open_, None))
    return intervals


REBUILD_SQL = """
INSERT INTO {interval} (member_id, organization_id, counted_from, counted_until)
SELECT member_id, counted_after_id, occurred_on, counted_until FROM (
    SELECT member_id, counted_after_id, occurred_on,
           LEAD(occurred_on) OVER (PARTITION BY member_id ORDER BY sequence) AS counted_until
    FROM {event}
    WHERE COALESCE(counted_after_id, 0) <> COALESCE(counted_before_id, 0) {members}
) AS changes
WHERE counted_after_id IS NOT NULL AND (counted_until IS NULL OR counted_until > occurred_on)
"""


def rebuild(*, members_from: int | None = None, members_to: int | None = None, using="default"):
    """Rebuild the intervals from the stored events in one statement: of every member, or of
    those whose id is in [members_from, members_to) (the benchmark's generator, in chunks).
    The number of intervals written."""
    interval, event = CountedInterval._meta.db_table, MemberEvent._meta.db_table
    where, params = "", []
    if members_from is not None:
        where, params = "AND member_id >= %s AND member_id < %s", [members_from, members_to]
    with connections[using].cursor() as cursor:
        deleted = CountedInterval.objects.using(using)
        if members_from is not None:
            deleted = deleted.filter(member_id__gte=members_from, member_id__lt=members_to)
        deleted._raw_delete(using)
        cursor.execute(REBUILD_SQL.format(interval=interval, event=event, members=where), params)
        return cursor.rowcount
