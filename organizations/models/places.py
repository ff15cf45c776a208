from __future__ import annotations

import json

from django.db import connections, models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from kcn_party.errors import field_error
from organizations import access, bounds
from organizations.history import trail
from organizations.models.dated import latest_count
from organizations.models.fields import NormalizedCharField
from organizations.models.ownership import (  # noqa: F401 - re-exported where they were
    FOREIGN_OWNERSHIP,
    NON_STATE_OWNERSHIP,
    STATE_OWNERSHIP,
    Ownership,
)
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
    history = trail(ZoneQuerySet)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["province", "name"]
        constraints = [
            CheckConstraint(condition=Q(kind__in=ZoneKind.values), name="zone_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.committee_id:
            return
        if self.committee.kind != OrganizationKind.UPPER_GRASSROOTS:
            raise field_error(
                "committee",
                _("A zone is in the care of an upper-grassroots committee (a zone committee)."),
                code="committee_kind",
            )
        if self.pk:
            served_by = PartyOrganization.objects.filter(enterprises__zone=self).distinct()
            outside = [o.name for o in served_by if not may_serve(o.path, self.committee.path)]
            if outside:
                raise field_error(
                    "committee",
                    _(
                        "Enterprises of this zone are served by organisations of another "
                        "committee: %(names)s. Move or end those links first."
                    ),
                    code="served_elsewhere",
                    params={"names": ", ".join(outside)},
                )


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed (dissolved)")


class TaxCodeField(NormalizedCharField):
    """A tax code kept as text (a leading zero is real) in its canonical spelling."""

    normalize = staticmethod(normalize_tax_code)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 14)
        super().__init__(*args, **kwargs)


class EnterpriseQuerySet(access.ScopedQuerySet):
    scope_path = "zone__committee__path"

    def active(self):
        return self.filter(status=EnterpriseStatus.ACTIVE)

    def active_on(self, day):
        """The enterprises whose status was active on `day`, by their dated history."""
        return self.filter(pk__in=EnterpriseState.objects.on(day).active().values("enterprise_id"))

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
        return self.annotate(
            **latest_count(WorkforceSnapshot.objects, owner="enterprise", value="workers")
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
    # Written by the hundred thousand by the import: no index but the record's (its pages) and
    # the date's (the log).
    history = trail(
        EnterpriseQuerySet,
        no_db_index=["tax_code", "zone", "created_by_import", "last_changed_by_import"],
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            CheckConstraint(
                condition=Q(ownership__in=Ownership.values), name="enterprise_ownership_valid"
            ),
            CheckConstraint(
                condition=Q(status__in=EnterpriseStatus.values), name="enterprise_status_valid"
            ),
            *bounds.dates_within("licensed_on"),
        ]
        indexes = [
            # The list's order: its first page without sorting every enterprise.
            models.Index(fields=["name", "id"], name="enterprise_name_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.tax_code})"

    def clean(self):
        errors = bounds.future_dates(
            self, {"licensed_on": _("The certificate date cannot be in the future.")}
        )
        if self.pk and self.zone_id:
            outside = [
                o.name
                for o in self.party_organizations.all()
                if not may_serve(o.path, self.zone.committee.path)
            ]
            if outside:
                errors.add(
                    "zone",
                    _(
                        "This enterprise is served by organisations of another committee: "
                        "%(names)s. Move or end those links first."
                    ),
                    code="served_elsewhere",
                    params={"names": ", ".join(outside)},
                )
        errors.raise_any()

    @property
    def is_foreign_invested(self) -> bool:
        return self.ownership in FOREIGN_OWNERSHIP


class EnterpriseStateQuerySet(access.ScopedQuerySet):
    scope_path = "enterprise__zone__committee__path"

    def on(self, day):
        """Each enterprise's status and ownership in force on `day`: one row per enterprise
        that was on record then (a range on the dates, no subquery per row)."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )

    def current(self):
        return self.filter(valid_to__isnull=True)

    def active(self):
        return self.filter(status=EnterpriseStatus.ACTIVE)


class EnterpriseState(models.Model):
    """An enterprise's status and ownership from `valid_from` until the day before `valid_to`
    (None: still in force). Each enterprise's intervals follow one another without gap or
    overlap, the last one open, equal to the enterprise's own status and ownership; written
    only by organizations.services (`enterprise_history_record`). The first interval starts at
    the licence date, or without one at the start of the records (bounds.EARLIEST)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="states"
    )
    status = models.CharField(_("status"), max_length=16, choices=EnterpriseStatus.choices)
    ownership = models.CharField(_("ownership type"), max_length=16, choices=Ownership.choices)
    valid_from = models.DateField(_("from"), validators=bounds.RECORD_DATE)
    valid_to = models.DateField(
        _("until"),
        null=True,
        blank=True,
        validators=bounds.RECORD_DATE,
        help_text=_("The day the next status or ownership took effect."),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    import_record = models.ForeignKey(
        "organizations.EnterpriseImport",
        verbose_name=_("recorded by import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Read from an interval, never searched by: no index to write on every import.
        db_index=False,
    )

    objects = EnterpriseStateQuerySet.as_manager()

    class Meta:
        verbose_name = _("status and ownership")
        verbose_name_plural = _("status and ownership over time")
        ordering = ["enterprise", "-valid_from"]
        constraints = [
            CheckConstraint(
                condition=Q(status__in=EnterpriseStatus.values), name="enterprisestate_status_valid"
            ),
            CheckConstraint(
                condition=Q(ownership__in=Ownership.values),
                name="enterprisestate_ownership_valid",
            ),
            CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="enterprisestate_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(valid_to__isnull=True),
                name="enterprisestate_one_open",
            ),
            *bounds.dates_within("valid_from", "valid_to"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "valid_from"], name="enterprisestate_timeline_idx"),
            # The changes between two days, read by the figures kept day by day (reports.summary).
            models.Index(fields=["valid_from"], name="enterprisestate_from_idx"),
            models.Index(fields=["valid_to"], name="enterprisestate_to_idx"),
        ]

    def __str__(self):
        since = f"{self.valid_from:%d/%m/%Y}"
        return f"{self.get_status_display()}, {self.get_ownership_display()} ({since})"


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
    history = trail(WorkforceSnapshotQuerySet, no_db_index=["enterprise"])  # as enterprises

    class Meta:
        verbose_name = _("worker count")
        verbose_name_plural = _("worker counts")
        ordering = ["enterprise", "-counted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "counted_on"], name="workforce_one_count_a_day"
            ),
            CheckConstraint(condition=Q(workers__gte=0), name="workforce_workers_not_negative"),
            *bounds.dates_within("counted_on"),
            *bounds.counts_within("workers"),
        ]
        indexes = [
            # The changes between two days, read by the figures kept day by day (reports.summary).
            models.Index(fields=["counted_on"], name="workforce_counted_on_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise.name}: {self.workers} ({self.counted_on:%d/%m/%Y})"

    def clean(self):
        bounds.future_dates(
            self, {"counted_on": _("The count date cannot be in the future.")}
        ).raise_any()
        same_day = WorkforceSnapshot.objects.filter(
            enterprise_id=self.enterprise_id, counted_on=self.counted_on
        ).exclude(pk=self.pk)
        if self.enterprise_id and self.counted_on and same_day.exists():
            raise field_error(
                "counted_on", _("There is already a count on this date."), code="same_day"
            )
