from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcn_party.dates import short_date
from organizations import access, bounds


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


def may_serve(organization_path: str, committee_path: str) -> bool:
    """Whether an organisation at `organization_path` may serve enterprises of zones in the care
    of the committee at `committee_path`: the committee is the organisation itself or above it
    (or, for a province-level body, below it)."""
    return bool(organization_path) and (
        organization_path.startswith(committee_path) or committee_path.startswith(organization_path)
    )


class EndReason(models.TextChoices):
    DISSOLVED = "dissolved", _("Dissolved")
    MERGED = "merged", _("Merged into another organisation")
    SPLIT = "split", _("Split")


class PartyOrganizationQuerySet(access.ScopedQuerySet):
    scope_path = "path"

    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(founded_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))

    def grassroots(self):
        return self.filter(kind__in=GRASSROOTS_KINDS)


class PartyOrganization(models.Model):
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
    founding_members = models.PositiveIntegerField(
        _("official members at founding"), null=True, blank=True, validators=bounds.PEOPLE
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
        verbose_name=_("enterprises and agencies served"),
        blank=True,
        related_name="party_organizations",
        help_text=_("A joint cell may serve several enterprises."),
    )

    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    objects = PartyOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="partyorg_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("founded_on")),
                name="partyorg_ends_after_founding",
            ),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(end_reason=""))
                | (Q(ended_on__isnull=False) & Q(end_reason__in=EndReason.values)),
                name="partyorg_end_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(end_reason=EndReason.MERGED),
                name="partyorg_merged_into_only_when_merged",
            ),
            *bounds.dates_within("founded_on", "ended_on"),
            *bounds.counts_within("founding_members"),
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
        errors: dict[str, list] = {}
        today = timezone.localdate()
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
            errors.setdefault("parent", []).append(
                ValidationError(
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
            )
        if parent and self.pk and (parent.pk == self.pk or parent.is_within(self)):
            errors.setdefault("parent", []).append(
                ValidationError(
                    _("An organisation cannot sit under itself or its own sub-organisations."),
                    code="parent_cycle",
                )
            )
        if parent and parent.ended_on and not self.ended_on:
            errors.setdefault("parent", []).append(
                ValidationError(
                    _("%(parent)s ended on %(date)s; an active organisation cannot sit under it."),
                    code="parent_ended",
                    params={"parent": parent.name, "date": short_date(parent.ended_on)},
                )
            )

        if self.pk:
            self._check_moves(errors)

        if self.founded_on and self.founded_on > today:
            errors.setdefault("founded_on", []).append(
                ValidationError(_("The founding date cannot be in the future."), code="future")
            )
        if self.ended_on:
            if self.ended_on > today:
                errors.setdefault("ended_on", []).append(
                    ValidationError(_("The end date cannot be in the future."), code="future")
                )
            if self.founded_on and self.ended_on < self.founded_on:
                errors.setdefault("ended_on", []).append(
                    ValidationError(
                        _("The end date must not be before the founding date."), code="date_order"
                    )
                )
            if not self.end_reason:
                errors.setdefault("end_reason", []).append(
                    ValidationError(
                        _("Say why the organisation ended (dissolved, merged or split)."),
                        code="missing",
                    )
                )
            if self.pk and self.children.filter(ended_on__isnull=True).exists():
                errors.setdefault("ended_on", []).append(
                    ValidationError(
                        _(
                            "This organisation still has active sub-organisations; "
                            "end or move them first."
                        ),
                        code="active_children",
                    )
                )
        elif self.end_reason or self.end_decision_no or self.merged_into_id:
            errors.setdefault("ended_on", []).append(
                ValidationError(
                    _("Give the end date together with the end reason and decision."),
                    code="missing",
                )
            )
        if self.end_reason == EndReason.MERGED and not self.merged_into_id:
            errors.setdefault("merged_into", []).append(
                ValidationError(
                    _("Say which organisation this one was merged into."), code="missing"
                )
            )
        if self.merged_into_id and self.end_reason != EndReason.MERGED:
            errors.setdefault("merged_into", []).append(
                ValidationError(
                    _("Only a merged organisation has a 'merged into'."), code="not_merged"
                )
            )
        if self.merged_into_id and self.pk and self.merged_into.is_within(self):
            errors.setdefault("merged_into", []).append(
                ValidationError(
                    _("An organisation cannot be merged into itself or its own sub-organisations."),
                    code="merge_cycle",
                )
            )
        if errors:
            raise ValidationError(errors)

    def _check_moves(self, errors: dict) -> None:
        """A change of kind or of place must not strand what is already below or served."""
        stored = PartyOrganization.objects.filter(pk=self.pk).values("kind", "parent_id").first()
        if stored is None:
            return
        if stored["kind"] != self.kind:
            may_hold = [child for child, parents in ALLOWED_PARENTS.items() if self.kind in parents]
            stranded = list(self.children.exclude(kind__in=may_hold).values_list("name", flat=True))
            if stranded:
                errors.setdefault("kind", []).append(
                    ValidationError(
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
                errors.setdefault("parent", []).append(
                    ValidationError(
                        _(
                            "This organisation or its sub-organisations serve enterprises in zones "
                            "that the new upper organisation does not care for: %(names)s."
                        ),
                        code="moved_enterprises",
                        params={"names": ", ".join(outside)},
                    )
                )

    def check_enterprises(self, enterprises) -> None:
        """An organisation serves only enterprises in the zones of its own committee."""
        lineage = self.lineage_path()
        outside = [e for e in enterprises if not may_serve(lineage, e.zone.committee.path)]
        if outside:
            raise ValidationError(
                {
                    "enterprises": ValidationError(
                        _("These enterprises lie in zones of another committee: %(names)s."),
                        code="enterprise_zone",
                        params={"names": ", ".join(e.name for e in outside)},
                    )
                }
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

    class Meta:
        verbose_name = _("leadership term")
        verbose_name_plural = _("leadership")
        ordering = ["organization", "role", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=LeadershipRole.values), name="leadership_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="leadership_term_ends_after_start",
            ),
            *bounds.dates_within("started_on", "ended_on"),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.full_name}"

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError(
                {
                    "ended_on": ValidationError(
                        _("The term cannot end before it starts."), code="date_order"
                    )
                }
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
                raise ValidationError(
                    {
                        "started_on": ValidationError(
                            _("This term overlaps another secretary's term."), code="overlap"
                        )
                    }
                )
