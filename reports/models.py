"""Closed periods (khóa sổ): a committee's figures for a month, quarter, half year or year,
stored when its staff close it and never recomputed; the corrections made afterwards to the
records of a closed period, with who made them and when.

Each closing is one row. Reopening keeps the row (who reopened it, when and why) and takes it
out of force; closing the period again is a new row. The rows of a committee are thus the
history of its closings and reopenings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from organizations import access
from organizations.history import trail
from reports import periods


class ClosedKind(models.TextChoices):
    """The periods a committee closes: those of its reports."""

    MONTH = periods.MONTH, _("Month")
    QUARTER = periods.QUARTER, _("Quarter")
    HALF = periods.HALF, _("Half year")
    YEAR = periods.YEAR, _("Year")


class ClosedPeriodQuerySet(access.ScopedQuerySet):
    scope_path = "committee__path"

    def in_force(self):
        """The closings that have not been reopened."""
        return self.filter(reopened_at__isnull=True)


class ClosedPeriod(models.Model):
    committee = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="closed_periods",
    )
    kind = models.CharField(_("period"), max_length=8, choices=ClosedKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: closed by a process, not an account."),
    )
    # reports.serialize.figures_data of the period as it was closed: every metric of the
    # registry with every parameter value (value, numerator, denominator, same period last
    # year) and every table; "breakdown", the same metrics for each direct child; and for the
    # figures the dashboard may follow, "breakdown_last_year" (by child, the same period last
    # year) and "monthly" (the chart's points, reports.monthly).
    figures = models.JSONField(_("figures"), default=dict)
    # The tree and the enterprises as they stood on the period's last day (reports.snapshot).
    tree = models.JSONField(_("tree as it stood"), default=dict)

    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopen_reason = models.TextField(_("reason for reopening"), max_length=2000, blank=True)

    objects = ClosedPeriodQuerySet.as_manager()
    # The figures and the tree as they stood are a large snapshot, kept on the row itself.
    history = trail(ClosedPeriodQuerySet, excluded_fields=("figures", "tree"))

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["committee", "-start", "-closed_at"]
        constraints = [
            CheckConstraint(condition=Q(end__gte=F("start")), name="closedperiod_dates"),
            # The form's limit, kept by the database too (a text column has none of its own).
            CheckConstraint(
                condition=LessThanOrEqual(Length("reopen_reason"), 2000),
                name="closedperiod_reopen_reason_length",
            ),
            CheckConstraint(
                condition=Q(kind__in=ClosedKind.values), name="closedperiod_kind_valid"
            ),
            # One closing in force per committee and first day; overlaps are refused by
            # reports.services.period_close under a lock on the committee.
            models.UniqueConstraint(
                fields=["committee", "start"],
                condition=Q(reopened_at__isnull=True),
                name="closedperiod_one_in_force",
            ),
            CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="closedperiod_reopened_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["committee", "end"], name="closedperiod_end_idx")]

    def __str__(self):
        return f"{self.committee} — {self.period.label}"

    @property
    def period(self) -> periods.Period:
        start = self.start
        build = {
            ClosedKind.MONTH: lambda: periods.Period.month(start.year, start.month),
            ClosedKind.QUARTER: lambda: periods.Period.quarter(start.year, (start.month + 2) // 3),
            ClosedKind.HALF: lambda: periods.Period.half(start.year, 1 if start.month < 7 else 2),
            ClosedKind.YEAR: lambda: periods.Period.year(start.year),
        }
        return build[self.kind]()

    @property
    def in_force(self) -> bool:
        return self.reopened_at is None


class CorrectionQuerySet(access.ScopedQuerySet):
    scope_path = "closed__committee__path"


class CorrectionAction(models.TextChoices):
    ADDED = "added", _("Added")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")
    MOVED = "moved", _("Moved in the tree")


class Correction(models.Model):
    """A write, after a period was closed, to a record dated inside it: it may change what the
    period's figures would be computed as, and shows as an adjustment in the next period.
    Written by reports.corrections (from the records' signals), never by hand."""

    closed = models.ForeignKey(
        ClosedPeriod,
        verbose_name=_("closed period"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    record_type = models.CharField(_("record"), max_length=64)  # "members.memberevent"
    record_id = models.PositiveBigIntegerField(_("record number"))
    record = models.CharField(_("what"), max_length=255)  # the record, as it was shown
    action = models.CharField(_("change"), max_length=8, choices=CorrectionAction.choices)
    dated = models.DateField(_("dated"))  # the record's date inside the closed period
    recorded_at = models.DateTimeField(_("made at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: made by a process, not an account."),
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction to a closed period")
        verbose_name_plural = _("corrections to closed periods")
        ordering = ["closed", "recorded_at", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(action__in=CorrectionAction.values), name="correction_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.record}"


class SummaryQuerySet(access.ScopedQuerySet):
    scope_path = "organization__path"


class SummaryKind(models.TextChoices):
    MONTH = "month", _("Month")
    DAY = "day", _("Day")
    YEAR = "year", _("Year")


class Summary(models.Model):
    """What reports.summary keeps of a large subtree's figures, computed from the records and
    kept equal to them: for each month from the first kept, the numbers of every figure's
    terms (the flows summed from the first month kept to this one's end, the states at its
    end); for each year, the numbers of the figures of the year (the ratings). `stale`: a
    write has changed what the row was computed from; it is computed again before it is read.
    Written only by reports.summary."""

    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("period"), max_length=5, choices=SummaryKind.choices)
    start = models.DateField(_("from"))  # the month's (the year's) first day, the day
    # {"c": {figure: each term's flows summed to the month's end}, "s": {figure: its states at
    # the month's end}}; a day's: the flows from its month's first day, the states' change
    # since the end of the month before; a year's {figure: numbers}.
    numbers = models.JSONField(_("numbers"), default=dict)
    # A month's own: {"f": its flows, "d": its states' change over it}.
    parts = models.JSONField(_("the month's own"), default=dict)
    stale = models.BooleanField(_("to compute again"), default=False)
    # Moved on by every write that marks the row: a computation begun before it does not write
    # the row fresh (reports.summary).
    version = models.PositiveIntegerField(_("version"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("kept figures")
        verbose_name_plural = _("kept figures")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "start"], name="summary_one_per_period"
            ),
            CheckConstraint(condition=Q(kind__in=SummaryKind.values), name="summary_kind_valid"),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.kind} {self.start:%m/%Y}"


# The targets: their own module (reports/targets), registered here.
from reports.targets.models import SourceDocument, Target  # noqa: F401,E402
