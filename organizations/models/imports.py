"""The record of every enterprise list merged into the records: who, when, which file (by name
and SHA-256), what it did, which zones it touched and which enterprises of those zones the list
no longer names."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations import access, bounds


class ImportChannel(models.TextChoices):
    ADMIN = "admin", _("Web interface")
    COMMAND = "command", _("Command line")


class EnterpriseImportQuerySet(access.ScopedQuerySet):
    def in_scope(self, scope: access.Scope):
        """Imports that lie wholly in `scope` (so `visible_to` an account: where it sees):
        every zone they touched is in the subtree, they were made on behalf of nobody (a
        command run for every zone), of an organisation in the subtree or of a body above it,
        and they touched one of its zones or were made on its subtree's behalf.

        A record's figures and its "on behalf of" speak for the whole list: shown to a
        committee whose zones were only part of it, they would tell it about another
        committee (who imported, how many of their enterprises). Such a record is seen only
        above both committees."""
        if scope.everything:
            return self
        if not scope.path:
            return self.none()
        inside = access.subtree_q("zone__committee__path", scope.path)
        touched = EnterpriseImport.zones.through.objects
        own = access.subtree_q("organization__path", scope.path)
        return self.filter(
            models.Q(organization__isnull=True)
            | own
            | models.Q(organization__path__in=_paths_above(scope.path)),
            own | models.Q(pk__in=touched.filter(inside).values("enterpriseimport_id")),
        ).exclude(pk__in=touched.exclude(inside).values("enterpriseimport_id"))


def _paths_above(path: str) -> list[str]:
    """The materialised paths of the organisations above the one at `path`."""
    steps = path.rstrip("/").split("/")
    return ["/".join(steps[:depth]) + "/" for depth in range(1, len(steps))]


class EnterpriseImport(models.Model):
    """One enterprise list merged into the records. Written only by
    `services.enterprise_list_import`; read-only for everyone afterwards."""

    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprise_imports",
    )
    imported_by_name = models.CharField(
        _("imported by"),
        max_length=150,
        help_text=_("The account, or the system user who ran the command."),
    )
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprise_imports",
        help_text=_("Whose zones the import could write to; empty: every zone."),
    )
    channel = models.CharField(
        _("through"), max_length=16, choices=ImportChannel.choices, default=ImportChannel.ADMIN
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    read_as = models.CharField(_("read as"), max_length=128, blank=True)
    counted_on = models.DateField(_("workers counted on"), validators=bounds.RECORD_DATE)
    created = models.PositiveIntegerField(_("new enterprises"), default=0)
    updated = models.PositiveIntegerField(_("changed enterprises"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged rows"), default=0)
    invalid = models.PositiveIntegerField(_("invalid rows, not imported"), default=0)
    zones = models.ManyToManyField(
        "organizations.Zone", verbose_name=_("zones touched"), related_name="imports", blank=True
    )
    not_in_list = models.ManyToManyField(
        "organizations.Enterprise",
        verbose_name=_("not in this list"),
        related_name="absent_from_imports",
        blank=True,
        help_text=_(
            "Enterprises of the zones touched that the list does not name: staff decide whether "
            "they are suspended or closed. They are never deleted."
        ),
    )

    objects = EnterpriseImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise list import")
        verbose_name_plural = _("enterprise list imports")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=ImportChannel.values),
                name="enterpriseimport_channel_valid",
            ),
            *bounds.dates_within("counted_on"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"
