"""The log of who saw personal details: each view of a record with them shown, each export that
carried them, each access request and each anonymisation (issue 13: "views and exports of
personal details are logged too"). Written by members.services.privacy, one row per view or
export whatever the number of records; read by administrators, for their subtree."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from organizations import access


class Disclosure(models.TextChoices):
    VIEWED = "viewed", _("Viewed the record with personal details")
    EXPORTED = "exported", _("Exported with personal details")
    ACCESS_REQUEST = "access_request", _("Access request export")
    ANONYMISED = "anonymised", _("Anonymised")


class Subject(models.TextChoices):
    MEMBER = "member", _("party member")
    CANDIDATE = "candidate", _("admission candidate")


class PersonalDataLogQuerySet(access.ScopedQuerySet):
    # The lowest organisation above every record the entry names: the committee whose records
    # they are sees it, and so does every body above it.
    scope_path = "organization__path"


class PersonalDataLog(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Kept when the account is removed.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Disclosure.choices)
    subject = models.CharField(
        _("records of"), max_length=16, choices=Subject.choices, default=Subject.MEMBER
    )
    records = models.JSONField(_("record ids"), default=list, blank=True)
    count = models.PositiveIntegerField(_("number of records"), default=0)
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        help_text=_("The lowest organisation above every record named."),
    )
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    objects = PersonalDataLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-pk"]
        constraints = [
            CheckConstraint(
                condition=models.Q(action__in=Disclosure.values),
                name="personaldatalog_action_valid",
            ),
        ]

    def __str__(self):
        return f"{self.username or '—'} · {self.get_action_display()} · {self.count}"
