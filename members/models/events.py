from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from kcn_party.dates import short_date
from members.models.members import MemberStatus
from organizations import access, bounds
from organizations.history import trail
from organizations.models.party import CELL_KINDS


class EventKind(models.TextChoices):
    ADMISSION = "admission", _("Admission")
    RECOGNITION = "recognition", _("Recognition as official member")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TEMPORARY_IN = "temporary_in", _("Temporary transfer in")
    TEMPORARY_OUT = "temporary_out", _("Temporary transfer out")
    EXEMPTION = "exemption", _("Exemption from party work and meetings")
    REMOVAL = "removal", _("Removal from the rolls")
    EXPULSION = "expulsion", _("Expulsion")
    RESIGNATION = "resignation", _("Resignation from the party")
    DEATH = "death", _("Death")
    RESTORATION = "restoration", _("Restoration of membership")
    CARD = "card", _("Party card issued")
    BADGE = "badge", _("Party membership badge")
    AWARD = "award", _("Award")
    DISCIPLINE = "discipline", _("Discipline")


# Badges are given for these years of membership (huy hiệu 30, 40, 45… năm tuổi Đảng).
BADGE_YEARS = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)


class MemberEventQuerySet(access.ScopedQuerySet):
    # An event is part of the member's record: whoever sees the member sees all of it.
    scope_path = "member__organization__path"

    def last_on(self, day: datetime.date):
        """For a subquery per member (OuterRef "pk"): the member's last event on or before
        `day`, whose stored state is the member's state at the end of that day."""
        return self.filter(member=OuterRef("pk"), occurred_on__lte=day).order_by("-sequence")


# The facts stored on an admission, from the member's record (see MemberEvent).
ADMISSION_FACTS = (
    "owner_at_admission",
    "direct_worker_at_admission",
    "youth_union_at_admission",
    "woman_at_admission",
)


class MemberEvent(models.Model):
    """Something that happened to a member, with its decision. The member's status, their
    organisation and whether they are counted follow from these events, replayed in date
    order by members.services, which also stores each event's resulting state (the `*_after`
    columns) so that the state on any past date is a query."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    occurred_on = models.DateField(
        _("date"),
        validators=bounds.RECORD_DATE,
        help_text=_("The date of the decision; for an admission, of the admission decision."),
    )
    decision_no = models.CharField(_("decision number"), max_length=64, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=255, blank=True)
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_events",
        db_index=False,  # memberevent_org_date_idx starts with it
        help_text=_("For an admission, a transfer in or a restoration: the cell the member joins."),
    )
    counterpart = models.CharField(
        _("outside organisation"),
        max_length=255,
        blank=True,
        help_text=_(
            "The party organisation outside this system the member comes from or goes to, "
            "or where an earlier event took place."
        ),
    )
    ceremony_on = models.DateField(
        _("admission ceremony"), null=True, blank=True, validators=bounds.RECORD_DATE
    )
    badge_years = models.PositiveSmallIntegerField(
        _("badge for years of membership"),
        null=True,
        blank=True,
        choices=[(years, years) for years in BADGE_YEARS],
    )
    note = models.CharField(
        _("details"),
        max_length=255,
        blank=True,
        help_text=_("For an award or a discipline: its title or form."),
    )

    # --- the member's state after this event (kept by members.services) ---------------------
    sequence = models.PositiveIntegerField(_("order"), default=0, editable=False)
    status_after = models.CharField(
        _("status after"), max_length=16, choices=MemberStatus.choices, editable=False
    )
    organization_after = models.ForeignKey(
        "organizations.PartyOrganization",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    counted_before = models.ForeignKey(
        "organizations.PartyOrganization",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        db_index=False,  # memberevent_before_date_idx starts with it
    )
    counted_after = models.ForeignKey(
        "organizations.PartyOrganization",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        db_index=False,  # memberevent_after_date_idx starts with it
    )

    # --- who the member was when admitted into one of our cells (set by members.services from
    # the member's record as the admission is recorded; None on every other event). The
    # figures count owners, direct production workers, Youth Union members and women as they
    # were at admission, not as they are now.
    owner_at_admission = models.BooleanField(
        _("enterprise owner at admission"), null=True, blank=True
    )
    direct_worker_at_admission = models.BooleanField(
        _("direct production worker at admission"), null=True, blank=True
    )
    youth_union_at_admission = models.BooleanField(
        _("Youth Union member at admission"), null=True, blank=True
    )
    woman_at_admission = models.BooleanField(_("woman"), null=True, blank=True)

    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = MemberEventQuerySet.as_manager()
    # The state each event leaves is derived from the timeline (members.services): the
    # trail keeps what staff entered.
    history = trail(
        MemberEventQuerySet,
        excluded_fields=(
            "sequence",
            "status_after",
            "organization_after",
            "counted_before",
            "counted_after",
        ),
    )

    class Meta:
        verbose_name = _("member event")
        verbose_name_plural = _("member events")
        ordering = ["member", "sequence"]
        constraints = [
            CheckConstraint(condition=Q(kind__in=EventKind.values), name="memberevent_kind_valid"),
            CheckConstraint(
                condition=Q(ceremony_on__isnull=True)
                | (Q(kind=EventKind.ADMISSION) & Q(ceremony_on__gte=F("occurred_on"))),
                name="memberevent_ceremony_after_admission",
            ),
            CheckConstraint(
                condition=Q(badge_years__isnull=True) | Q(kind=EventKind.BADGE),
                name="memberevent_badge_years_only_for_badges",
            ),
            CheckConstraint(
                condition=Q(kind=EventKind.ADMISSION)
                | Q(
                    owner_at_admission__isnull=True,
                    direct_worker_at_admission__isnull=True,
                    youth_union_at_admission__isnull=True,
                    woman_at_admission__isnull=True,
                ),
                name="memberevent_admission_facts_only_on_admissions",
            ),
            *bounds.dates_within("occurred_on", "ceremony_on"),
        ]
        indexes = [
            models.Index(fields=["member", "sequence"], name="memberevent_timeline_idx"),
            models.Index(fields=["occurred_on", "kind"], name="memberevent_date_kind_idx"),
            # The figures read an organisation's (or a subtree's) events of a period: each
            # organisation's events by date, not every event it ever had, from the index
            # alone (the columns the figures read come after the date).
            models.Index(
                fields=["organization", "occurred_on", "kind", "id"],
                name="memberevent_org_date_idx",
            ),
            models.Index(
                fields=["counted_before", "occurred_on", "kind", "counted_after", "id"],
                name="memberevent_before_date_idx",
            ),
            models.Index(
                fields=["counted_after", "occurred_on", "kind", "counted_before", "id"],
                name="memberevent_after_date_idx",
            ),
        ]

    def __str__(self):
        return f"{self.occurred_on:%d/%m/%Y} {self.get_kind_display()}"

    def clean(self):
        """What can be said of the event alone; the order of events is the timeline's."""
        errors = bounds.future_dates(self, {"occurred_on": _("The date cannot be in the future.")})
        if self.ceremony_on:
            if self.kind != EventKind.ADMISSION:
                errors.add(
                    "ceremony_on", _("Only an admission has a ceremony."), code="not_admission"
                )
            elif self.ceremony_on > timezone.localdate():
                errors.add(
                    "ceremony_on", _("The ceremony date cannot be in the future."), code="future"
                )
            elif self.occurred_on and self.ceremony_on < self.occurred_on:
                errors.add(
                    "ceremony_on",
                    _("The ceremony comes after the admission decision (%(date)s)."),
                    code="ceremony_before_decision",
                    params={"date": short_date(self.occurred_on)},
                )
        if self.kind == EventKind.BADGE and not self.badge_years:
            errors.add(
                "badge_years",
                _("Say for how many years of membership the badge is given."),
                code="missing",
            )
        elif self.badge_years and self.kind != EventKind.BADGE:
            errors.add("badge_years", _("Only a badge has years of membership."), code="not_badge")
        if self.kind in (EventKind.AWARD, EventKind.DISCIPLINE) and not self.note:
            errors.add(
                "note", _("Give the title of the award or the form of discipline."), code="missing"
            )
        if self.organization_id:
            organization = self.organization
            if organization.kind not in CELL_KINDS:
                errors.add(
                    "organization",
                    _("Members attend a cell: choose a grassroots cell or a subordinate cell."),
                    code="not_a_cell",
                )
            elif self.occurred_on and (
                organization.founded_on > self.occurred_on
                or (organization.ended_on and organization.ended_on <= self.occurred_on)
            ):
                errors.add(
                    "organization",
                    _("%(name)s was not active on %(date)s."),
                    code="organization_inactive",
                    params=organization.named_on(self.occurred_on),
                )
        errors.raise_any()
