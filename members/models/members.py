from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from kcn_party.folding import CollationKeyField, with_collation_key
from members import privacy
from members.calendar import whole_months
from members.validators import (
    citizen_id_century_digit,
    normalize_digits,
    validate_card_number,
    validate_citizen_id,
    validate_phone,
)
from organizations import access, bounds
from organizations.history import trail
from organizations.models import Enterprise, ImportedRecord
from organizations.models.fields import NormalizedCharField
from organizations.models.party import may_serve


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Position(models.TextChoices):
    """What the member does where they work; owners and direct production workers are counted
    separately in the targets."""

    WORKER = "worker", _("Direct production worker")
    EMPLOYEE = "employee", _("Office or technical employee")
    MANAGER = "manager", _("Manager")
    OWNER = "owner", _("Enterprise owner")
    OFFICIAL = "official", _("Civil servant or public employee")
    OTHER = "other", _("Other")


class TheoryLevel(models.TextChoices):
    """Political theory (lý luận chính trị)."""

    ELEMENTARY = "elementary", _("Elementary")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    BACHELOR = "bachelor", _("Bachelor")


class MemberStatus(models.TextChoices):
    """Where a member stands, as the events make it; never typed in."""

    PROBATIONARY = "probationary", _("Probationary member")
    OFFICIAL = "official", _("Official member")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    REMOVED = "removed", _("Removed from the rolls")
    EXPELLED = "expelled", _("Expelled")
    RESIGNED = "resigned", _("Left the party")
    DECEASED = "deceased", _("Deceased")


ACTIVE_STATUSES = (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)


class DigitsField(NormalizedCharField):
    """An identity number kept as text, without the spaces and dots staff copy with it."""

    normalize = staticmethod(normalize_digits)


class MemberQuerySet(access.ScopedQuerySet):
    # A member belongs to their current (or last) organisation.
    scope_path = "organization__path"

    def current(self):
        """Members attending one of our organisations now (counted here or as guests)."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def counted(self):
        """Members counted in the numbers (đảng số) of one of our organisations."""
        return self.filter(counted_in__isnull=False)

    def statuses_on(self, day: datetime.date) -> dict[int, str | None]:
        """Each member's status at the end of `day` by id (None before their first event):
        the state their last event on or before `day` left."""
        # The events' model by the relation: events.py imports this module, not the reverse.
        events = self.model._meta.get_field("events").related_model
        last = Subquery(events.objects.last_on(day).values("status_after")[:1])
        return dict(self.annotate(status_on=last).values_list("pk", "status_on"))


class Person(models.Model):
    """What the record of a member and of an admission candidate share: who they are and where
    they work."""

    full_name = models.CharField(_("full name"), max_length=128)
    # The lists' order: by given name, then family and middle names, as Vietnamese lists are
    # (kcn_party.folding.collation_key), kept from the full name on every save.
    sort_name = CollationKeyField(_("name as sorted"))
    birth_date = models.DateField(_("date of birth"), validators=bounds.BIRTH_DATE)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=32, blank=True, default="Kinh")
    religion = models.CharField(_("religion"), max_length=32, blank=True, default="Không")
    hometown = models.CharField(_("hometown"), max_length=255, blank=True)
    citizen_id = DigitsField(
        _("citizen ID"),
        max_length=12,
        blank=True,
        validators=[validate_citizen_id],
        help_text=_("12 digits (CCCD)."),
    )
    phone = models.CharField(_("phone"), max_length=16, blank=True, validators=[validate_phone])
    education = models.CharField(
        _("general education"), max_length=16, blank=True, help_text=_("e.g. 12/12")
    )
    professional_level = models.CharField(_("professional level"), max_length=128, blank=True)
    enterprise = models.ForeignKey(
        "organizations.Enterprise",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
    )
    position = models.CharField(
        _("position"), max_length=16, choices=Position.choices, default=Position.WORKER
    )
    youth_union_member = models.BooleanField(_("Youth Union member"), default=False)
    trade_union_member = models.BooleanField(_("trade union member"), default=False)

    class Meta:
        abstract = True

    def __str__(self):
        # The date of birth tells namesakes apart; only its year for an account that may not
        # see it (members.privacy).
        return privacy.label(self)

    def save(self, *args, **kwargs):
        kwargs["update_fields"] = with_collation_key(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def clean(self):
        errors = bounds.future_dates(
            self, {"birth_date": _("The date of birth cannot be in the future.")}
        )
        if self.citizen_id and self.birth_date and self.sex and "citizen_id" not in errors:
            century = citizen_id_century_digit(self.birth_date.year, self.sex == Sex.FEMALE)
            if self.citizen_id[3:4] != century or self.citizen_id[4:6] != (
                f"{self.birth_date.year % 100:02d}"
            ):
                errors.add(
                    "citizen_id",
                    _(
                        "Citizen ID %(value)s does not match the date of birth and sex: its 4th "
                        "to 6th digits should be %(expected)s."
                    ),
                    code="citizen_id_mismatch",
                    params={
                        "value": self.citizen_id,
                        "expected": f"{century}{self.birth_date.year % 100:02d}",
                    },
                )
        if self.enterprise_id and self.organization_id:
            # One query for the employer's committee, whatever is cached.
            name, committee_path = (
                Enterprise.objects.filter(pk=self.enterprise_id)
                .values_list("name", "zone__committee__path")
                .first()
            ) or ("?", "")
            if not may_serve(self.organization.path, committee_path):
                errors.add(
                    "enterprise",
                    _("%(name)s lies in a zone of another committee."),
                    code="enterprise_zone",
                    params={"name": name},
                )
        errors.raise_any()


# The personal record, as the journeys' forms take it.
PERSONAL_FIELDS = [
    *(field.name for field in Person._meta.fields if field.editable),
    "political_theory",
    "card_number",
]


class Member(ImportedRecord, Person):
    """A party member (phiếu đảng viên 2-HSĐV). Status, organisation and the dates of admission
    and recognition follow from the member's events (members.services replays them); staff
    edit only the personal record here."""

    political_theory = models.CharField(
        _("political theory"), max_length=16, choices=TheoryLevel.choices, blank=True
    )
    card_number = DigitsField(
        _("party card number"),
        max_length=8,
        blank=True,
        validators=[validate_card_number],
        help_text=_("8 digits."),
    )

    # --- from the events (members.services keeps them) --------------------------------------
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, editable=False
    )
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        editable=False,
        help_text=_("Where the member attends now, or last attended."),
        db_index=False,  # member_organization_status_idx starts with it
    )
    counted_in = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("counted in"),
        on_delete=models.PROTECT,
        null=True,
        related_name="counted_members",
        editable=False,
        help_text=_("The organisation whose numbers (đảng số) count the member."),
    )
    exempt = models.BooleanField(_("exempt from work and meetings"), default=False, editable=False)
    away_at = models.CharField(
        _("temporarily attending"), max_length=255, blank=True, editable=False
    )
    admitted_on = models.DateField(
        _("admitted on"), null=True, editable=False, validators=bounds.RECORD_DATE
    )
    ceremony_on = models.DateField(
        _("admission ceremony"), null=True, editable=False, validators=bounds.RECORD_DATE
    )
    recognized_on = models.DateField(
        _("official since"), null=True, editable=False, validators=bounds.RECORD_DATE
    )

    # Set once by members.services.member_anonymise: the personal record was replaced.
    anonymised_at = models.DateTimeField(_("anonymised on"), null=True, editable=False)
    anonymised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("anonymised by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MemberQuerySet.as_manager()
    history = trail(MemberQuerySet, excluded_fields=["sort_name"])

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["sort_name", "birth_date", "pk"]
        permissions = [
            (
                "view_personal_details",
                _("Can see personal details (citizen ID, card number, phone, date of birth)"),
            )
        ]
        constraints = [
            # A person is counted in the numbers of one organisation only. Another committee
            # may keep the record of a member it transferred out, or host one temporarily.
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=Q(counted_in__isnull=False) & ~Q(citizen_id=""),
                name="member_citizen_id_counted_once",
                violation_error_message=_(
                    "Another member counted in the numbers has this citizen ID."
                ),
            ),
            models.UniqueConstraint(
                fields=["card_number"],
                condition=Q(counted_in__isnull=False) & ~Q(card_number=""),
                name="member_card_number_counted_once",
                violation_error_message=_(
                    "Another member counted in the numbers has this party card number."
                ),
            ),
            CheckConstraint(condition=Q(sex__in=Sex.values), name="member_sex_valid"),
            CheckConstraint(
                condition=Q(position__in=Position.values), name="member_position_valid"
            ),
            CheckConstraint(
                condition=Q(status__in=MemberStatus.values), name="member_status_valid"
            ),
            CheckConstraint(
                condition=Q(counted_in__isnull=True) | Q(status__in=ACTIVE_STATUSES),
                name="member_counted_only_when_active",
            ),
            *bounds.dates_within("birth_date", earliest=bounds.EARLIEST_BIRTH),
            *bounds.dates_within("admitted_on", "ceremony_on", "recognized_on"),
        ]
        indexes = [
            models.Index(fields=["citizen_id"], name="member_citizen_id_idx"),
            models.Index(fields=["card_number"], name="member_card_number_idx"),
            # The lists: a subtree's members by status, counted from the index alone, and
            # everyone in the lists' order. A subtree's page is chosen from the first index
            # alone too (its keys in the list's order, then 50 rows read: the admin's
            # KeysFirstPaginator), not from every member of a province read to be sorted.
            models.Index(
                fields=["organization", "status"],
                include=["sort_name", "birth_date", "id"],
                name="member_organization_status_idx",
            ),
            models.Index(fields=["sort_name", "birth_date", "id"], name="member_list_order_idx"),
        ]

    def party_age(self, on: datetime.date | None = None) -> int | None:
        """Full years since the admission decision."""
        if not self.admitted_on:
            return None
        return whole_months(self.admitted_on, on or timezone.localdate()) // 12
