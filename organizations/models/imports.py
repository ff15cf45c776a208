"""The record of every enterprise list merged into the records: who, when, which file (by name
and SHA-256), what it did, which zones it touched and which enterprises of those zones the list
no longer names."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from organizations import access, bounds
from organizations.history import trail


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
            _made_for(scope.path),
            own | models.Q(pk__in=touched.filter(inside).values("enterpriseimport_id")),
        ).exclude(pk__in=touched.exclude(inside).values("enterpriseimport_id"))


def _paths_above(path: str) -> list[str]:
    """The materialised paths of the organisations above the one at `path`."""
    steps = path.rstrip("/").split("/")
    return ["/".join(steps[:depth]) + "/" for depth in range(1, len(steps))]


def _made_for(path: str) -> models.Q:
    """Imports made on behalf of nobody, of an organisation of the subtree at `path` or of a
    body above it."""
    return (
        models.Q(organization__isnull=True)
        | access.subtree_q("organization__path", path)
        | models.Q(organization__path__in=_paths_above(path))
    )


class ImportRecord(models.Model):
    """What the record of every import keeps: when, by whom (by name), through which channel,
    which file and what became of its rows."""

    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True, db_index=True)
    imported_by_name = models.CharField(
        _("imported by"),
        max_length=150,
        help_text=_("The account, or the system user who ran the command."),
    )
    channel = models.CharField(
        _("through"), max_length=16, choices=ImportChannel.choices, default=ImportChannel.ADMIN
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    read_as = models.CharField(_("read as"), max_length=128, blank=True)
    unchanged = models.PositiveIntegerField(_("unchanged rows"), default=0)
    invalid = models.PositiveIntegerField(_("invalid rows, not imported"), default=0)

    class Meta:
        abstract = True
        ordering = ["-imported_at", "-pk"]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"


def _account_key(related_name: str):
    """The account that imported (none: a command)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
    )


def _on_behalf_of_key(related_name: str, help_text):
    """The organisation on whose behalf the import was made."""
    return models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


class EnterpriseImport(ImportRecord):
    """One enterprise list merged into the records. Written only by
    `services.enterprise_list_import`; read-only for everyone afterwards."""

    imported_by = _account_key("enterprise_imports")
    organization = _on_behalf_of_key(
        "enterprise_imports", _("Whose zones the import could write to; empty: every zone.")
    )
    counted_on = models.DateField(_("workers counted on"), validators=bounds.RECORD_DATE)
    created = models.PositiveIntegerField(_("new enterprises"), default=0)
    updated = models.PositiveIntegerField(_("changed enterprises"), default=0)
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
    history = trail(EnterpriseImportQuerySet)

    class Meta(ImportRecord.Meta):
        verbose_name = _("enterprise list import")
        verbose_name_plural = _("enterprise list imports")
        constraints = [
            CheckConstraint(
                condition=models.Q(channel__in=ImportChannel.values),
                name="enterpriseimport_channel_valid",
            ),
            *bounds.dates_within("counted_on"),
        ]


# --- Every other list: organisations, mass organisations, members, ratings -------------------


class ListKind(models.TextChoices):
    """The kinds of list a `ListImport` records (issue 12). Extensible: a new kind is a new
    choice here (and a migration altering the choices, nothing else)."""

    ORGANIZATIONS = "organizations", _("Party organisations")
    MASS_ORGANIZATIONS = "mass_organizations", _("Mass organisations")
    MEMBERS = "members", _("Party members")
    MEMBER_RATINGS = "member_ratings", _("Member ratings")
    ORGANIZATION_RATINGS = "organization_ratings", _("Organisation ratings")


class ListImportQuerySet(access.ScopedQuerySet):
    def in_scope(self, scope: access.Scope):
        """Imports that lie wholly in `scope`, by the rule of `EnterpriseImport.in_scope`:
        everything they wrote is in the subtree (`reach`, the lowest organisation above all
        of it, is there), they were made on behalf of nobody, of an organisation in the
        subtree or of a body above it, and they reached into it or were made on its behalf.
        An import whose records span two committees (`reach` above both, or none: several
        top-level bodies) is seen only above both."""
        if scope.everything:
            return self
        if not scope.path:
            return self.none()
        own = access.subtree_q("organization__path", scope.path)
        inside = access.subtree_q("reach__path", scope.path)
        return self.filter(
            _made_for(scope.path),
            inside | (own & models.Q(reach__isnull=True, wrote_outside=False)),
        )


class ListImport(ImportRecord):
    """One list of organisations, mass organisations, members or ratings merged into the
    records. Written only through `services.list_import_start` / `list_import_finish`;
    read-only for everyone afterwards. Each record a list creates or changes points at it
    (`ImportedRecord`)."""

    kind = models.CharField(_("list"), max_length=32, choices=ListKind.choices)
    imported_by = _account_key("list_imports")
    organization = _on_behalf_of_key(
        "list_imports", _("Whose subtree the import could write to; empty: everywhere.")
    )
    # The lowest organisation whose subtree holds every record the import wrote: who may see
    # the record (see `ListImportQuerySet.in_scope`). Empty when it wrote nothing, or records
    # under several top-level bodies (then `wrote_outside`).
    reach = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("records within"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    wrote_outside = models.BooleanField(default=False, editable=False)
    created = models.PositiveIntegerField(_("new records"), default=0)
    updated = models.PositiveIntegerField(_("changed records"), default=0)

    objects = ListImportQuerySet.as_manager()
    history = trail(ListImportQuerySet)

    class Meta(ImportRecord.Meta):
        verbose_name = _("list import")
        verbose_name_plural = _("list imports")
        constraints = [
            CheckConstraint(
                condition=models.Q(channel__in=ImportChannel.values),
                name="listimport_channel_valid",
            ),
            CheckConstraint(
                condition=models.Q(kind__in=ListKind.values), name="listimport_kind_valid"
            ),
        ]


class ImportedRecord(models.Model):
    """The link from a record to the list imports that created it and last changed it. A model
    whose rows a list imports inherits it (`class Member(ImportedRecord, models.Model)`); the
    list's writer sets `created_by_import` on the rows it creates and `last_changed_by_import`
    on those it creates or changes (`services.list_import_stamp`)."""

    created_by_import = models.ForeignKey(
        "organizations.ListImport",
        verbose_name=_("created by import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="created_%(app_label)s_%(class)s",
        # Not indexed, as on enterprises: read from a record, an index costs every row written.
        db_index=False,
    )
    last_changed_by_import = models.ForeignKey(
        "organizations.ListImport",
        verbose_name=_("last changed by import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="changed_%(app_label)s_%(class)s",
        db_index=False,
    )

    class Meta:
        abstract = True
