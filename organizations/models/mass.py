from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from kcn_party.dates import short_date
from organizations import access, bounds
from organizations.history import trail
from organizations.models.dated import FoundedQuerySetMixin, latest_count
from organizations.models.imports import ImportedRecord


class MassKind(models.TextChoices):
    TRADE_UNION = "trade_union", _("Grassroots trade union")
    YOUTH_UNION = "youth_union", _("Youth Union branch")
    VETERANS = "veterans", _("Veterans' association")
    WOMEN = "women", _("Women's union")


class MassOrganizationQuerySet(FoundedQuerySetMixin, access.ScopedQuerySet):
    scope_path = "enterprise__zone__committee__path"

    def with_latest_count(self):
        """Annotate `latest_members` and `latest_members_on` from the newest count."""
        return self.annotate(
            **latest_count(MembershipCount.objects, owner="organization", value="members")
        )


class MassOrganization(ImportedRecord, models.Model):
    """A trade union, Youth Union branch, veterans' or women's association of an enterprise."""

    kind = models.CharField(_("kind"), max_length=16, choices=MassKind.choices)
    name = models.CharField(_("name"), max_length=255)
    enterprise = models.ForeignKey(
        "organizations.Enterprise",
        verbose_name=_("enterprise or agency"),
        on_delete=models.PROTECT,
        related_name="mass_organizations",
    )
    founded_on = models.DateField(_("founding date"), validators=bounds.RECORD_DATE)
    founding_decision_no = models.CharField(
        _("founding decision number"), max_length=64, blank=True
    )
    founding_members = models.PositiveIntegerField(
        _("members at founding"), null=True, blank=True, validators=bounds.PEOPLE
    )
    ended_on = models.DateField(_("end date"), null=True, blank=True, validators=bounds.RECORD_DATE)
    end_decision_no = models.CharField(_("end decision number"), max_length=64, blank=True)

    objects = MassOrganizationQuerySet.as_manager()
    history = trail(MassOrganizationQuerySet)

    class Meta:
        verbose_name = _("mass organisation")
        verbose_name_plural = _("mass organisations")
        ordering = ["name"]
        constraints = [
            CheckConstraint(condition=Q(kind__in=MassKind.values), name="massorg_kind_valid"),
            bounds.in_order("founded_on", "ended_on", name="massorg_ends_after_founding"),
            *bounds.dates_within("founded_on", "ended_on"),
            *bounds.counts_within("founding_members"),
        ]
        indexes = [
            # The changes between two days, read by the figures kept day by day (reports.summary).
            models.Index(fields=["founded_on"], name="massorg_founded_idx"),
            models.Index(fields=["ended_on"], name="massorg_ended_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = bounds.future_dates(
            self,
            {
                "founded_on": _("The founding date cannot be in the future."),
                "ended_on": _("The end date cannot be in the future."),
            },
        )
        if self.ended_on:
            if "ended_on" not in errors and self.founded_on and self.ended_on < self.founded_on:
                errors.add(
                    "ended_on",
                    _("The end date must not be before the founding date."),
                    code="date_order",
                )
        elif self.end_decision_no:
            errors.add(
                "ended_on", _("Give the end date together with the end decision."), code="missing"
            )
        errors.raise_any()


class MembershipCountQuerySet(access.ScopedQuerySet):
    scope_path = "organization__enterprise__zone__committee__path"


class MembershipCount(models.Model):
    """Members of a mass organisation on a date, and how many joined since the last count."""

    organization = models.ForeignKey(
        MassOrganization,
        verbose_name=_("mass organisation"),
        on_delete=models.CASCADE,
        related_name="counts",
    )
    counted_on = models.DateField(_("counted on"), validators=bounds.RECORD_DATE)
    members = models.PositiveIntegerField(_("members"), validators=bounds.PEOPLE)
    recruited = models.PositiveIntegerField(
        _("recruited since the last count"),
        default=0,
        validators=bounds.PEOPLE,
        help_text=_("New members (phát triển đoàn viên)."),
    )

    objects = MembershipCountQuerySet.as_manager()
    history = trail(MembershipCountQuerySet)

    class Meta:
        verbose_name = _("member count")
        verbose_name_plural = _("member counts")
        ordering = ["organization", "-counted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "counted_on"], name="membershipcount_one_a_day"
            ),
            CheckConstraint(
                condition=Q(members__gte=0) & Q(recruited__gte=0),
                name="membershipcount_not_negative",
            ),
            CheckConstraint(
                condition=Q(recruited__lte=F("members")),
                name="membershipcount_recruited_within_members",
            ),
            *bounds.dates_within("counted_on"),
            *bounds.counts_within("members", "recruited"),
        ]
        indexes = [
            # The counts dated in a period or between two days: the recruits, and the changes
            # the figures kept day by day read (reports.summary).
            models.Index(fields=["counted_on"], name="membershipcount_counted_idx"),
        ]

    def __str__(self):
        return f"{self.organization.name}: {self.members} ({self.counted_on:%d/%m/%Y})"

    def clean(self):
        errors = bounds.future_dates(
            self, {"counted_on": _("The count date cannot be in the future.")}
        )
        if "counted_on" not in errors and self.counted_on and self.organization_id:
            if self.organization.founded_on and self.counted_on < self.organization.founded_on:
                errors.add(
                    "counted_on",
                    _("The count date is before the organisation was founded (%(date)s)."),
                    code="before_founding",
                    params={"date": short_date(self.organization.founded_on)},
                )
            elif (
                MembershipCount.objects.filter(
                    organization_id=self.organization_id, counted_on=self.counted_on
                )
                .exclude(pk=self.pk)
                .exists()
            ):
                errors.add(
                    "counted_on", _("There is already a count on this date."), code="same_day"
                )
        if self.members is not None and self.recruited and self.recruited > self.members:
            errors.add(
                "recruited",
                _("More members recruited than members counted."),
                code="recruited_over_members",
            )
        errors.raise_any()
