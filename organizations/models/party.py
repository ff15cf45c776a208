from __future__ import annotations

import datetime

from django.db import models, transaction
from django.db.models import Count, F, Min, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from kcn_party.dates import short_date
from kcn_party.errors import FieldErrors, field_error
from organizations import access, bounds
from organizations.history import trail
from organizations.models.dated import FoundedQuerySetMixin
from organizations.models.fields import YearField
from organizations.models.imports import ImportedRecord
from organizations.models.ownership import Ownership


class OrganizationKind(models.TextChoices):
    PROVINCE = "province", _("Province-level body")
    UPPER_GRASSROOTS = "upper_grassroots", _("Upper-grassroots committee")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Grassroots committee")
    GRASSROOTS_CELL = "grassroots_cell", _("Grassroots cell")
    PARTIAL_COMMITTEE = "partial_committee", _("Partial committee")
    SUBORDINATE_CELL = "subordinate_cell", _("Subordinate cell")


# Which kinds each kind may sit under (domain guide §3); None means "at the top of the tree".
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    OrganizationKind.PROVINCE: (None,),
    OrganizationKind.UPPER_GRASSROOTS: (None, OrganizationKind.PROVINCE),
    OrganizationKind.GRASSROOTS_COMMITTEE: (OrganizationKind.UPPER_GRASSROOTS,),
    OrganizationKind.GRASSROOTS_CELL: (OrganizationKind.UPPER_GRASSROOTS,),
    OrganizationKind.PARTIAL_COMMITTEE: (OrganizationKind.GRASSROOTS_COMMITTEE,),
    OrganizationKind.SUBORDINATE_CELL: (
        OrganizationKind.GRASSROOTS_COMMITTEE,
        OrganizationKind.PARTIAL_COMMITTEE,
    ),
}
CELL_KINDS = (OrganizationKind.GRASSROOTS_CELL, OrganizationKind.SUBORDINATE_CELL)
# "Tổ chức cơ sở đảng" (TCCSĐ) in the statistical forms.
GRASSROOTS_KINDS = (OrganizationKind.GRASSROOTS_COMMITTEE, OrganizationKind.GRASSROOTS_CELL)
# The bodies an account can belong to.
ACCOUNT_KINDS = (OrganizationKind.PROVINCE, OrganizationKind.UPPER_GRASSROOTS)
# Inside a grassroots committee: they count in Biểu 5 with its unit type.
INNER_KINDS = (OrganizationKind.PARTIAL_COMMITTEE, OrganizationKind.SUBORDINATE_CELL)
# The kinds Biểu 5 counts, each with a unit type.
UNIT_TYPE_KINDS = GRASSROOTS_KINDS + INNER_KINDS


def may_serve(organization_path: str, committee_path: str) -> bool:
    """Whether an organisation at `organization_path` may serve enterprises of zones in the care
    of the committee at `committee_path`: the committee is the organisation itself or above it
    (or, for a province-level body, below it)."""
    return bool(organization_path) and (
        organization_path.startswith(committee_path) or committee_path.startswith(organization_path)
    )


class FoundingReason(models.TextChoices):
    """How an organisation came to be: only the new ones count as founded in the figures."""

    NEW = "new", _("Newly founded")
    MERGER = "merger", _("Formed by a merger")
    SPLIT = "split", _("Formed by a split")
    REORGANISATION = (
        "reorganisation",
        _("Reorganised (e.g. a cell raised to a grassroots committee)"),
    )


class EndReason(models.TextChoices):
    DISSOLVED = "dissolved", _("Dissolved")
    MERGED = "merged", _("Merged into another organisation")
    SPLIT = "split", _("Split")


class PartyOrganizationQuerySet(FoundedQuerySetMixin, access.ScopedQuerySet):
    scope_path = "path"

    def grassroots(self):
        return self.filter(kind__in=GRASSROOTS_KINDS)

    def with_served_types(self):
        """Annotate `served_types`, how many ownership types the enterprises an organisation
        serves are of (by the links in force, or on its last day once it has ended), and
        `served_type`, the first of them: its unit type when there is one."""
        live = Q(enterprise_links__ended_on__isnull=True) | Q(
            enterprise_links__ended_on__gte=F("ended_on")
        )
        ownership = "enterprise_links__enterprise__ownership"
        return self.annotate(
            served_types=Count(ownership, filter=live, distinct=True),
            served_type=Min(ownership, filter=live),
        )


class PartyOrganization(ImportedRecord, models.Model):
    """One node of the party tree: a province-level body, a committee or a cell.

    `path` is a materialised path ("0000001/0000004/") kept by `save()`, so a whole subtree is
    one indexed prefix query, on SQLite and PostgreSQL alike.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("upper organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Short code used in reports, e.g. BG-KCN-CB05."),
    )
    name = models.CharField(_("name"), max_length=255)

    founding_decision_no = models.CharField(
        _("founding decision number"), max_length=64, blank=True
    )
    founded_on = models.DateField(_("founding date"), validators=bounds.RECORD_DATE)
    founding_body = models.CharField(_("founding decision issued by"), max_length=255, blank=True)
    founding_reason = models.CharField(
        _("founding reason"),
        max_length=16,
        choices=FoundingReason.choices,
        default=FoundingReason.NEW,
        help_text=_(
            "Only a newly founded organisation counts as founded; one formed by a merger, a "
            "split or a reorganisation is counted apart."
        ),
    )
    founding_members = models.PositiveIntegerField(
        _("official members at founding"), null=True, blank=True, validators=bounds.PEOPLE
    )
    # With `founding_members`, the figures a committee was founded with, entered once: the
    # dashboard's "growth since founding" (+4 grassroots organisations, +89 members since 6/2014).
    founding_organizations = models.PositiveIntegerField(
        _("grassroots organisations at founding"),
        null=True,
        blank=True,
        validators=bounds.PEOPLE,
        help_text=_("For a committee: the grassroots party organisations it had when founded."),
    )
    size_exception_decision = models.CharField(
        _("size exception decision"),
        max_length=128,
        blank=True,
        help_text=_("Decision allowing a committee below, or a cell above, the usual size."),
    )

    ended_on = models.DateField(_("end date"), null=True, blank=True, validators=bounds.RECORD_DATE)
    end_reason = models.CharField(
        _("end reason"), max_length=16, choices=EndReason.choices, blank=True
    )
    end_decision_no = models.CharField(_("end decision number"), max_length=64, blank=True)
    end_body = models.CharField(_("end decision issued by"), max_length=255, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )

    enterprises = models.ManyToManyField(
        "organizations.Enterprise",
        through="organizations.EnterpriseLink",
        verbose_name=_("enterprises and agencies served"),
        blank=True,
        related_name="party_organizations",
        help_text=_("A joint cell may serve several enterprises."),
    )
    # Its row in Biểu 5. Stored so that the table is a GROUP BY; organizations.services keeps it
    # when the links, the tree or an enterprise's ownership change.
    chosen_unit_type = models.CharField(
        _("unit type, as chosen"),
        max_length=16,
        choices=Ownership.choices,
        blank=True,
        help_text=_(
            "Leave it blank to take the type of the enterprise or agency served. Choose it for a "
            "joint cell whose enterprises are of different types, or for an organisation that "
            "serves none on record."
        ),
    )
    unit_type = models.CharField(
        _("unit type"),
        max_length=16,
        choices=Ownership.choices,
        blank=True,
        editable=False,
        help_text=_(
            "Its row in Biểu 5: as chosen, else the type of what it serves; partial committees "
            "and subordinate cells take their grassroots organisation's."
        ),
    )

    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    objects = PartyOrganizationQuerySet.as_manager()
    # unit_type is derived (organizations_refresh_unit_types); chosen_unit_type is what staff chose.
    history = trail(PartyOrganizationQuerySet, excluded_fields=("unit_type",))

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["path"]
        constraints = [
            CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="partyorg_kind_valid"
            ),
            bounds.in_order("founded_on", "ended_on", name="partyorg_ends_after_founding"),
            CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(end_reason=""))
                | (Q(ended_on__isnull=False) & Q(end_reason__in=EndReason.values)),
                name="partyorg_end_date_and_reason_together",
            ),
            CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(end_reason=EndReason.MERGED),
                name="partyorg_merged_into_only_when_merged",
            ),
            CheckConstraint(
                condition=Q(founding_reason__in=FoundingReason.values),
                name="partyorg_founding_reason_valid",
            ),
            CheckConstraint(
                condition=Q(unit_type="")
                | (Q(unit_type__in=Ownership.values) & Q(kind__in=UNIT_TYPE_KINDS)),
                name="partyorg_unit_type_valid",
            ),
            CheckConstraint(
                condition=Q(chosen_unit_type="")
                | (Q(chosen_unit_type__in=Ownership.values) & Q(kind__in=GRASSROOTS_KINDS)),
                name="partyorg_unit_type_chosen_by_grassroots",
            ),
            *bounds.dates_within("founded_on", "ended_on"),
            *bounds.counts_within("founding_members"),
        ]
        indexes = [
            # The changes between two days, read by the figures kept day by day (reports.summary).
            models.Index(fields=["founded_on"], name="partyorg_founded_idx"),
            models.Index(fields=["ended_on"], name="partyorg_ended_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "parent" not in update_fields:
            return super().save(*args, **kwargs)
        manager = type(self).objects
        with transaction.atomic():
            parent_path = (
                manager.filter(pk=self.parent_id).values_list("path", flat=True).get()
                if self.parent_id
                else ""
            )
            old_path = ""
            if self.pk is None:
                super().save(*args, **kwargs)  # the path needs the primary key
                self.path = f"{parent_path}{self.pk:07d}/"
                self.depth = self.path.count("/") - 1
                manager.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            else:
                old_path = manager.filter(pk=self.pk).values_list("path", flat=True).first() or ""
                self.path = f"{parent_path}{self.pk:07d}/"
                self.depth = self.path.count("/") - 1
                super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Move the whole subtree with its root: one UPDATE, whatever its size.
                manager.filter(access.subtree_q("path", old_path)).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.depth - old_path.count("/") + 1),
                )

    def named_on(self, day: datetime.date) -> dict:
        """The parameters of a message that names this organisation and a date."""
        return {"name": self.name, "date": short_date(day)}

    @property
    def is_active(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()

    # --- tree ------------------------------------------------------------------------------
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.split("/") if part][:-1]

    def ancestors(self):
        """From the top of the tree down to the parent."""
        return PartyOrganization.objects.filter(pk__in=self.ancestor_ids()).order_by("depth")

    def subtree(self):
        return PartyOrganization.objects.within(self)

    def is_within(self, other: PartyOrganization) -> bool:
        return bool(other.path) and self.path.startswith(other.path)

    def lineage_path(self) -> str:
        """The path this organisation has, or will have once saved under its (new) parent."""
        base = self.parent.path if self.parent_id else ""
        return f"{base}{self.pk:07d}/" if self.pk else base

    # --- rules -----------------------------------------------------------------------------
    def clean(self):
        errors = bounds.future_dates(
            self,
            {
                "founded_on": _("The founding date cannot be in the future."),
                "ended_on": _("The end date cannot be in the future."),
            },
        )
        parent = self.parent if self.parent_id else None

        allowed = ALLOWED_PARENTS.get(self.kind, ())
        parent_kind = parent.kind if parent else None
        if self.kind and parent_kind not in allowed:
            if allowed == (None,):
                message = _("A %(kind)s sits at the top of the tree and has no upper organisation.")
            elif parent is None:
                message = _("A %(kind)s must sit under a %(parents)s.")
            else:
                message = _(
                    "A %(kind)s cannot sit under a %(parent_kind)s; it sits under a %(parents)s."
                )
            errors.add(
                "parent",
                message,
                code="parent_kind",
                params={
                    "kind": OrganizationKind(self.kind).label.lower(),
                    "parent_kind": OrganizationKind(parent_kind).label.lower()
                    if parent_kind
                    else "",
                    "parents": _(" or ").join(
                        str(OrganizationKind(k).label).lower() for k in allowed if k
                    ),
                },
            )
        if parent and self.pk and (parent.pk == self.pk or parent.is_within(self)):
            errors.add(
                "parent",
                _("An organisation cannot sit under itself or its own sub-organisations."),
                code="parent_cycle",
            )
        if parent and parent.ended_on and not self.ended_on:
            errors.add(
                "parent",
                _("%(parent)s ended on %(date)s; an active organisation cannot sit under it."),
                code="parent_ended",
                params={"parent": parent.name, "date": short_date(parent.ended_on)},
            )

        if self.pk:
            self._check_moves(errors)

        if self.chosen_unit_type and self.kind not in GRASSROOTS_KINDS:
            errors.add(
                "chosen_unit_type",
                _(
                    "Only a grassroots organisation has a unit type of its own: partial "
                    "committees and subordinate cells take their grassroots organisation's, "
                    "and committees above have none."
                ),
                code="unit_type_kind",
            )

        if self.ended_on:
            if self.founded_on and self.ended_on < self.founded_on:
                errors.add(
                    "ended_on",
                    _("The end date must not be before the founding date."),
                    code="date_order",
                )
            if not self.end_reason:
                errors.add(
                    "end_reason",
                    _("Say why the organisation ended (dissolved, merged or split)."),
                    code="missing",
                )
            if self.pk and self.children.filter(ended_on__isnull=True).exists():
                errors.add(
                    "ended_on",
                    _(
                        "This organisation still has active sub-organisations; "
                        "end or move them first."
                    ),
                    code="active_children",
                )
        elif self.end_reason or self.end_decision_no or self.merged_into_id:
            errors.add(
                "ended_on",
                _("Give the end date together with the end reason and decision."),
                code="missing",
            )
        if self.end_reason == EndReason.MERGED and not self.merged_into_id:
            errors.add(
                "merged_into", _("Say which organisation this one was merged into."), code="missing"
            )
        if self.merged_into_id and self.end_reason != EndReason.MERGED:
            errors.add(
                "merged_into",
                _("Only a merged organisation has a 'merged into'."),
                code="not_merged",
            )
        if self.merged_into_id and self.pk and self.merged_into.is_within(self):
            errors.add(
                "merged_into",
                _("An organisation cannot be merged into itself or its own sub-organisations."),
                code="merge_cycle",
            )
        errors.raise_any()

    def _check_moves(self, errors: FieldErrors) -> None:
        """A change of kind or of place must not strand what is already below or served."""
        stored = PartyOrganization.objects.filter(pk=self.pk).values("kind", "parent_id").first()
        if stored is None:
            return
        if stored["kind"] != self.kind:
            may_hold = [child for child, parents in ALLOWED_PARENTS.items() if self.kind in parents]
            stranded = list(self.children.exclude(kind__in=may_hold).values_list("name", flat=True))
            if stranded:
                errors.add(
                    "kind",
                    _(
                        "These sub-organisations cannot sit under a %(kind)s: %(names)s. "
                        "Move them first."
                    ),
                    code="children_kind",
                    params={
                        "kind": OrganizationKind(self.kind).label.lower(),
                        "names": ", ".join(stranded),
                    },
                )
        if stored["parent_id"] != self.parent_id:
            # From the relation: places.py, where Enterprise lives, imports this module.
            Enterprise = self._meta.get_field("enterprises").related_model
            lineage = self.lineage_path()
            served = (
                Enterprise.objects.filter(access.subtree_q("party_organizations__path", self.path))
                .exclude(access.subtree_q("zone__committee__path", self.path))
                .select_related("zone__committee")
                .distinct()
            )
            outside = [e.name for e in served if not may_serve(lineage, e.zone.committee.path)]
            if outside:
                errors.add(
                    "parent",
                    _(
                        "This organisation or its sub-organisations serve enterprises in zones "
                        "that the new upper organisation does not care for: %(names)s."
                    ),
                    code="moved_enterprises",
                    params={"names": ", ".join(outside)},
                )

    def check_unit_type(self, enterprises) -> None:
        """A grassroots organisation serving enterprises of different ownership types (a joint
        cell) cannot take its unit type from them: it must be chosen."""
        types = {e.ownership for e in enterprises}
        if self.kind in GRASSROOTS_KINDS and not self.chosen_unit_type and len(types) > 1:
            labels = sorted(str(Ownership(value).label) for value in types)
            raise field_error(
                "chosen_unit_type",
                _(
                    "The enterprises served are of different types (%(types)s): choose "
                    "the organisation's unit type, its row in Biểu 5."
                ),
                code="unit_type_needed",
                params={"types": ", ".join(labels)},
            )

    def check_enterprises(self, enterprises) -> None:
        """An organisation serves only enterprises in the zones of its own committee."""
        lineage = self.lineage_path()
        outside = [e for e in enterprises if not may_serve(lineage, e.zone.committee.path)]
        if outside:
            raise field_error(
                "enterprises",
                _("These enterprises lie in zones of another committee: %(names)s."),
                code="enterprise_zone",
                params={"names": ", ".join(e.name for e in outside)},
            )


class LeadershipRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY = "deputy", _("Deputy secretary")
    STANDING = "standing", _("Standing committee member")
    MEMBER = "member", _("Committee member")


class LeadershipTermQuerySet(access.ScopedQuerySet):
    scope_path = "organization__path"

    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on)
        )


class LeadershipTerm(models.Model):
    """A secretary, deputy or committee member of an organisation for a term."""

    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="leadership_terms",
    )
    role = models.CharField(_("role"), max_length=16, choices=LeadershipRole.choices)
    full_name = models.CharField(_("full name"), max_length=128)
    started_on = models.DateField(_("term start"), validators=bounds.TERM_DATE)
    ended_on = models.DateField(_("term end"), null=True, blank=True, validators=bounds.TERM_DATE)
    decision_no = models.CharField(_("decision number"), max_length=64, blank=True)
    seconded = models.BooleanField(
        _("seconded full-time"),
        default=False,
        help_text=_("Full-time staff seconded from the upper committee."),
    )

    objects = LeadershipTermQuerySet.as_manager()
    history = trail(LeadershipTermQuerySet)

    class Meta:
        verbose_name = _("leadership term")
        verbose_name_plural = _("leadership")
        ordering = ["organization", "role", "-started_on"]
        constraints = [
            CheckConstraint(
                condition=Q(role__in=LeadershipRole.values), name="leadership_role_valid"
            ),
            bounds.in_order("started_on", "ended_on", name="leadership_term_ends_after_start"),
            *bounds.dates_within("started_on", "ended_on"),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.full_name}"

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise field_error(
                "ended_on", _("The term cannot end before it starts."), code="date_order"
            )
        if self.role == LeadershipRole.SECRETARY and self.organization_id and self.started_on:
            # Two secretaries whose terms overlap is always a typing mistake.
            far = datetime.date.max
            overlapping = (
                LeadershipTerm.objects.filter(organization_id=self.organization_id, role=self.role)
                .exclude(pk=self.pk)
                .filter(started_on__lte=self.ended_on or far)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.started_on))
            )
            if overlapping.exists():
                raise field_error(
                    "started_on", _("This term overlaps another secretary's term."), code="overlap"
                )


class EnterpriseLinkQuerySet(access.ScopedQuerySet):
    scope_path = "organization__path"

    def current(self):
        """The links that have not ended: what each organisation serves now."""
        return self.filter(ended_on__isnull=True)

    def on(self, day: datetime.date):
        """The links in force on `day` (a range on the dates, like `active`)."""
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )


class EnterpriseLink(models.Model):
    """That a party organisation serves an enterprise or agency from `started_on` until the
    day before `ended_on` (None: it still does), as an organisation is active until the day
    before its end. The history is kept: when an enterprise leaves a joint cell for a cell of
    its own, its link to the joint cell ends that day (organizations.services)."""

    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="enterprise_links",
    )
    enterprise = models.ForeignKey(
        "organizations.Enterprise",
        verbose_name=_("enterprise or agency"),
        on_delete=models.CASCADE,
        related_name="party_links",
    )
    # A link added without a date (the relation's add()) starts the day it is recorded.
    started_on = models.DateField(
        _("served from"), default=timezone.localdate, validators=bounds.RECORD_DATE
    )
    ended_on = models.DateField(
        _("served until"),
        null=True,
        blank=True,
        validators=bounds.RECORD_DATE,
        help_text=_("The first day it no longer serves the enterprise."),
    )

    objects = EnterpriseLinkQuerySet.as_manager()
    history = trail(EnterpriseLinkQuerySet)

    class Meta:
        verbose_name = _("enterprise served")
        verbose_name_plural = _("enterprises served, with their history")
        ordering = ["organization", "-started_on", "enterprise"]
        constraints = [
            bounds.in_order("started_on", "ended_on", name="enterpriselink_ends_after_start"),
            # One current link per organisation and enterprise; earlier ones are history.
            models.UniqueConstraint(
                fields=["organization", "enterprise"],
                condition=Q(ended_on__isnull=True),
                name="enterpriselink_one_current",
            ),
            *bounds.dates_within("started_on", "ended_on"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "started_on"], name="enterpriselink_enterprise_idx"),
            # The changes between two days, read by the figures kept day by day (reports.summary).
            models.Index(fields=["started_on"], name="enterpriselink_started_idx"),
            models.Index(fields=["ended_on"], name="enterpriselink_ended_idx"),
        ]

    def __str__(self):
        return f"{self.organization_id} → {self.enterprise_id} ({self.started_on:%d/%m/%Y})"

    def clean(self):
        future = _("The date cannot be in the future.")
        errors = bounds.future_dates(self, {"started_on": future, "ended_on": future})
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors.add(
                "ended_on",
                _("The link cannot end before it starts (%(date)s)."),
                code="date_order",
                params={"date": short_date(self.started_on)},
            )
        organization = self.organization if self.organization_id else None
        if organization is not None and self.started_on:
            if self.started_on < organization.founded_on:
                errors.add(
                    "started_on",
                    _("%(name)s was founded on %(date)s; it served nothing before."),
                    code="before_founding",
                    params=organization.named_on(organization.founded_on),
                )
            if organization.ended_on and (
                self.ended_on is None or self.ended_on > organization.ended_on
            ):
                errors.add(
                    "ended_on",
                    _("%(name)s ended on %(date)s; its links end by then."),
                    code="after_end",
                    params=organization.named_on(organization.ended_on),
                )
        if not errors and self.organization_id and self.enterprise_id and self.started_on:
            overlapping = (
                EnterpriseLink.objects.filter(
                    organization_id=self.organization_id, enterprise_id=self.enterprise_id
                )
                .exclude(pk=self.pk)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=self.started_on))
            )
            if self.ended_on:
                overlapping = overlapping.filter(started_on__lt=self.ended_on)
            if overlapping.exists():
                errors.add(
                    "started_on",
                    _("The organisation already serves this enterprise over part of this time."),
                    code="overlap",
                )
        errors.raise_any()


class CongressQuerySet(access.ScopedQuerySet):
    scope_path = "organization__path"


class Congress(models.Model):
    """A congress (đại hội) of an organisation, which opens a term: the term 2020–2025 runs
    from its congress to the day before the next one (organizations.selectors.term_bounds)."""

    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="congresses",
    )
    held_on = models.DateField(_("congress date"), validators=bounds.TERM_DATE)
    first_year = YearField(_("term from (year)"), validators=bounds.YEAR)
    last_year = YearField(_("term to (year)"), validators=bounds.YEAR)

    objects = CongressQuerySet.as_manager()
    history = trail(CongressQuerySet)

    class Meta:
        verbose_name = _("congress")
        verbose_name_plural = _("congresses and terms")
        ordering = ["organization", "held_on"]
        constraints = [
            CheckConstraint(
                condition=Q(last_year__gt=F("first_year")), name="congress_term_years_in_order"
            ),
            models.UniqueConstraint(
                fields=["organization", "first_year"], name="congress_one_per_term"
            ),
            *bounds.dates_within("held_on"),
            bounds.years_within("first_year"),
            bounds.years_within("last_year"),
        ]

    def __str__(self):
        return f"{self.first_year}–{self.last_year} ({self.held_on:%d/%m/%Y})"

    def clean(self):
        errors = FieldErrors()
        if self.first_year and self.last_year and self.last_year <= self.first_year:
            errors.add(
                "last_year", _("A term ends in a later year than it begins."), code="years_order"
            )
        if self.held_on and self.first_year and self.held_on.year != self.first_year:
            errors.add(
                "held_on",
                _("The congress of a term is held in its first year, %(year)s."),
                code="congress_year",
                params={"year": self.first_year},
            )
        organization = self.organization if self.organization_id else None
        if organization is not None and self.held_on and self.held_on < organization.founded_on:
            errors.add(
                "held_on",
                _("%(name)s was founded on %(date)s, after this date."),
                code="before_founding",
                params=organization.named_on(organization.founded_on),
            )
        if not errors and organization is not None and self.first_year and self.last_year:
            overlapping = (
                Congress.objects.filter(organization=organization)
                .exclude(pk=self.pk)
                .filter(first_year__lt=self.last_year, last_year__gt=self.first_year)
                .first()
            )
            if overlapping is not None:
                errors.add(
                    "first_year",
                    _("This term overlaps the term %(term)s."),
                    code="overlap",
                    params={"term": f"{overlapping.first_year}–{overlapping.last_year}"},
                )
        errors.raise_any()
