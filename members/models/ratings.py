from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from kcn_party.errors import field_error
from organizations import access, bounds
from organizations.history import trail
from organizations.models import ImportedRecord
from organizations.models.fields import YearField


class RatingLevel(models.TextChoices):
    """Annual quality rating (đánh giá, xếp loại chất lượng), domain guide §7."""

    EXCELLENT = "excellent", _("Excellently fulfilled (HTXS)")
    GOOD = "good", _("Well fulfilled (HTT)")
    FULFILLED = "fulfilled", _("Fulfilled (HT)")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled (KHT)")
    NOT_RATED = "not_rated", _("Not rated")


# "HTT or better", as targets count.
GOOD_OR_BETTER = (RatingLevel.EXCELLENT, RatingLevel.GOOD)


class RatingQuerySet(access.ScopedQuerySet):
    scope_path = "organization__path"


class Rating(models.Model):
    year = YearField(_("year"), validators=bounds.YEAR)
    level = models.CharField(_("rating"), max_length=16, choices=RatingLevel.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = RatingQuerySet.as_manager()
    history = trail(RatingQuerySet, inherit=True)

    class Meta:
        abstract = True

    def clean(self):
        if self.year and self.year > timezone.localdate().year:
            raise field_error("year", _("A year still to come cannot be rated."), code="future")


class MemberRating(ImportedRecord, Rating):
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="ratings"
    )
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        related_name="member_ratings",
        help_text=_("The cell the member attended when rated."),
        db_index=False,  # memberrating_org_year_idx starts with it
    )

    class Meta:
        verbose_name = _("member rating")
        verbose_name_plural = _("member ratings")
        ordering = ["-year", "organization", "member__sort_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="memberrating_once_a_year"),
            bounds.years_within("year"),
            CheckConstraint(
                condition=Q(level__in=RatingLevel.values), name="memberrating_level_valid"
            ),
        ]
        indexes = [
            # An organisation's ratings of a year, with their level, from the index alone.
            models.Index(
                fields=["organization", "year", "level", "id"], name="memberrating_org_year_idx"
            ),
        ]

    def __str__(self):
        return f"{self.member.full_name} {self.year}: {self.get_level_display()}"


class OrganizationRating(ImportedRecord, Rating):
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="ratings",
    )

    class Meta:
        verbose_name = _("organisation rating")
        verbose_name_plural = _("organisation ratings")
        ordering = ["-year", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="organizationrating_once_a_year"
            ),
            bounds.years_within("year"),
            CheckConstraint(
                condition=Q(level__in=RatingLevel.values), name="organizationrating_level_valid"
            ),
        ]

    def __str__(self):
        return f"{self.organization.name} {self.year}: {self.get_level_display()}"
