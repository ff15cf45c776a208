from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from kcn_party.errors import field_error
from organizations import access
from organizations.access import Role
from organizations.history import trail
from organizations.models.party import ACCOUNT_KINDS


class StaffProfileQuerySet(access.ScopedQuerySet):
    scope_path = "organization__path"


class StaffProfile(models.Model):
    """The organisation an account works for and its role there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="staff_profiles",
        limit_choices_to={"kind__in": list(ACCOUNT_KINDS)},
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)

    objects = StaffProfileQuerySet.as_manager()
    history = trail(StaffProfileQuerySet)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            CheckConstraint(condition=Q(role__in=Role.values), name="staffprofile_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organization} ({self.get_role_display()})"

    def clean(self):
        if self.organization_id and self.organization.kind not in ACCOUNT_KINDS:
            raise field_error(
                "organization",
                _("An account belongs to a zone committee or a province-level body."),
                code="account_kind",
            )
