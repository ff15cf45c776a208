from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations import access, bounds
from organizations.models.party import OrganizationKind, PartyOrganization, may_serve
from organizations.validators import normalize_tax_code, validate_tax_code


class ZoneKind(models.TextChoices):
    INDUSTRIAL = "kcn", _("Industrial zone (KCN)")
    EXPORT_PROCESSING = "kcx", _("Export processing zone (KCX)")
    ECONOMIC = "kkt", _("Economic zone (KKT)")
    HIGH_TECH = "hitech", _("High-tech park")
    CLUSTER = "ccn", _("Industrial cluster (CCN)")


class ZoneQuerySet(access.ScopedQuerySet):
    scope_path = "committee__path"


class Zone(models.Model):
    """An industrial zone, export processing zone, economic zone, high-tech park or cluster,
    in the care of one zone committee."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ZoneKind.choices, default=ZoneKind.INDUSTRIAL
    )
    province = models.CharField(_("province"), max_length=64)
    management_board = models.CharField(
        _("management board"),
        max_length=255,
        blank=True,
        help_text=_("The board (Ban Quản lý) that publishes the zone's list of enterprises."),
    )
    committee = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("zone committee"),
        on_delete=models.PROTECT,
        related_name="zones",
        limit_choices_to={"kind": "upper_grassroots"},
    )

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["province", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ZoneKind.values), name="zone_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.committee_id:
            return
        if self.committee.kind != OrganizationKind.UPPER_GRASSROOTS:
            raise ValidationError(
                {
                    "committee": ValidationError(
                        _(
                            "A zone is in the care of an upper-grassroots committee "
                            "(a zone committee)."
                        ),
                        code="committee_kind",
                    )
                }
            )
        if self.pk:
            served_by = PartyOrganization.objects.filter(enterprises__zone=self).distinct()
            outside = [o.name for o in served_by if not may_serve(o.path, self.committee.path)]
            if outside:
                raise ValidationError(
                    {
                        "committee": ValidationError(
                            _(
                                "Enterprises of this zone are served by organisations of another "
                                "committee: %(names)s. Move or end those links first."
                            ),
                            code="served_elsewhere",
                            params={"names": ", ".join(outside)},
                        )
                    }
                )


class Ownership(models.TextChoices):
    """Rows of the official statistical form (Biểu 5, HD 11-HD/BTCTW)."""

    STATE = "state", _("State capital 100%")
    STATE_MAJORITY = "state_majority", _("State capital over 50%")
    # xgettext:no-python-format
    STATE_MINORITY = "state_minority", _("State capital 50% or less")
    JSC = "jsc", _("Joint-stock company")
    LLC = "llc", _("Limited liability company")
    PRIVATE = "private", _("Private enterprise")
    PARTNERSHIP = "partnership", _("Partnership")
    # xgettext:no-python-format
    FDI100 = "fdi100", _("100% foreign capital")
    JV = "jv", _("Joint venture with foreign partners")
    FDI_OTHER = "fdi", _("Other foreign-invested")
    COOPERATIVE = "coop", _("Cooperative")
    AGENCY = "agency", _("Administrative agency")
    PUBLIC_SERVICE = "public_service", _("Public service unit")


STATE_OWNERSHIP = frozenset({Ownership.STATE, Ownership.STATE_MAJORITY, Ownership.STATE_MINORITY})
# A joint venture counts as foreign-invested (Biểu 5).
FOREIGN_OWNERSHIP = frozenset({Ownership.FDI100, Ownership.JV, Ownership.FDI_OTHER})
# "DN ngoài khu vực nhà nước": every non-state enterprise, FDI included.
NON_STATE_OWNERSHIP = frozenset(
    {
        Ownership.JSC,
        Ownership.LLC,
        Ownership.PRIVATE,
        Ownership.PARTNERSHIP,
        Ownership.COOPERATIVE,
        *FOREIGN_OWNERSHIP,
    }
)


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed (dissolved)")


class TaxCodeField(models.CharField):
    """A tax code kept as text (a leading zero is real) in its canonical spelling."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 14)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_tax_code(value) if value else value

    def formfield(self, **kwargs):
        # Staff type "0312 68 78 78 - 001"; the model normalises it before the length check.
        return super().formfield(**{"max_length": 32, **kwargs})


class EnterpriseQuerySet(access.ScopedQuerySet):
    scope_path = "zone__committee__path"

    def active(self):
        return self.filter(status=EnterpriseStatus.ACTIVE)

    def with_tax_codes(self, codes: list[str]):
        """Enterprises whose tax code is among `codes` (canonical spellings), however many: the
        codes travel as one array (PostgreSQL) or JSON (SQLite) parameter instead of one
        parameter each, which a national list would make a hundred thousand."""
        if connections[self.db].vendor == "postgresql":
            codes_sql = RawSQL("SELECT unnest(%s::varchar[])", [list(codes)])
        else:
            codes_sql = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(codes))])
        return self.filter(tax_code__in=codes_sql)

    def with_latest_workers(self):
        """Annotate `latest_workers` and `latest_workers_on` from the newest snapshot."""
        newest = WorkforceSnapshot.objects.filter(enterprise=OuterRef("pk")).order_by("-counted_on")
        return self.annotate(
            latest_workers=Subquery(newest.values("workers")[:1]),
            latest_workers_on=Subquery(newest.values("counted_on")[:1]),
        )


class Enterprise(models.Model):
    """An enterprise or agency in a zone, keyed by its tax code. Never deleted: its status
    records suspension or dissolution."""

    tax_code = TaxCodeField(
        _("tax code"),
        unique=True,
        validators=[validate_tax_code],
        help_text=_("10 digits, or 10 digits, a dash and 3 digits for a branch."),
    )
    name = models.CharField(_("name"), max_length=255)
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="enterprises"
    )
    ownership = models.CharField(_("ownership type"), max_length=16, choices=Ownership.choices)
    investor_country = models.CharField(_("investor country"), max_length=64, blank=True)
    sector = models.CharField(_("sector"), max_length=128, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=128, blank=True)
    licensed_on = models.DateField(
        _("investment certificate date"), null=True, blank=True, validators=bounds.RECORD_DATE
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.ACTIVE,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by_import = models.ForeignKey(
        "organizations.EnterpriseImport",
        verbose_name=_("created by import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="created_enterprises",
        # Not indexed: read from an enterprise, rarely searched by; an index would cost every
        # row of every import (see docs/benchmarks.md).
        db_index=False,
    )
    last_changed_by_import = models.ForeignKey(
        "organizations.EnterpriseImport",
        verbose_name=_("last changed by import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="changed_enterprises",
        db_index=False,
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ownership__in=Ownership.values), name="enterprise_ownership_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnterpriseStatus.values), name="enterprise_status_valid"
            ),
            *bounds.dates_within("licensed_on"),
        ]

    def __str__(self):
        return f"{self.name} ({self.tax_code})"

    def clean(self):
        errors = {}
        if self.licensed_on and self.licensed_on > timezone.localdate():
            errors["licensed_on"] = ValidationError(
                _("The certificate date cannot be in the future."), code="future"
            )
        if self.pk and self.zone_id:
            outside = [
                o.name
                for o in self.party_organizations.all()
                if not may_serve(o.path, self.zone.committee.path)
            ]
            if outside:
                errors["zone"] = ValidationError(
                    _(
                        "This enterprise is served by organisations of another committee: "
                        "%(names)s. Move or end those links first."
                    ),
                    code="served_elsewhere",
                    params={"names": ", ".join(outside)},
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_foreign_invested(self) -> bool:
        return self.ownership in FOREIGN_OWNERSHIP


class WorkforceSnapshotQuerySet(access.ScopedQuerySet):
    scope_path = "enterprise__zone__committee__path"


class WorkforceSnapshot(models.Model):
    """The number of workers of an enterprise on a date; the history is kept."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="workforce"
    )
    counted_on = models.DateField(_("counted on"), validators=bounds.RECORD_DATE)
    workers = models.PositiveIntegerField(_("workers"), validators=bounds.PEOPLE)
    source = models.CharField(_("source"), max_length=255, blank=True)

    objects = WorkforceSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker count")
        verbose_name_plural = _("worker counts")
        ordering = ["enterprise", "-counted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "counted_on"], name="workforce_one_count_a_day"
            ),
            models.CheckConstraint(
                condition=Q(workers__gte=0), name="workforce_workers_not_negative"
            ),
            *bounds.dates_within("counted_on"),
            *bounds.counts_within("workers"),
        ]

    def __str__(self):
        return f"{self.enterprise.name}: {self.workers} ({self.counted_on:%d/%m/%Y})"

    def clean(self):
        if self.counted_on and self.counted_on > timezone.localdate():
            raise ValidationError(
                {
                    "counted_on": ValidationError(
                        _("The count date cannot be in the future."), code="future"
                    )
                }
            )
        same_day = WorkforceSnapshot.objects.filter(
            enterprise_id=self.enterprise_id, counted_on=self.counted_on
        ).exclude(pk=self.pk)
        if self.enterprise_id and self.counted_on and same_day.exists():
            raise ValidationError(
                {
                    "counted_on": ValidationError(
                        _("There is already a count on this date."), code="same_day"
                    )
                }
            )
