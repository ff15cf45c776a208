from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from kcn_party.errors import field_error
from kcn_party.folding import CollationKeyField, with_collation_key
from organizations import access, bounds
from organizations.history import trail


class ClassQuerySet(access.ScopedQuerySet):
    scope_path = "organization__path"


class Course(models.Model):
    """What every class has: who holds it, its title and its dates."""

    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=255)
    started_on = models.DateField(_("start"), validators=bounds.RECORD_DATE)
    ended_on = models.DateField(_("end"), null=True, blank=True, validators=bounds.RECORD_DATE)

    objects = ClassQuerySet.as_manager()
    history = trail(ClassQuerySet, inherit=True)

    class Meta:
        abstract = True
        ordering = ["-started_on", "title"]
        constraints = [
            bounds.in_order("started_on", "ended_on", name="%(class)s_ends_after_start"),
            *bounds.dates_within("started_on", "ended_on"),
        ]

    def __str__(self):
        return f"{self.title} ({self.started_on:%d/%m/%Y})"

    def clean(self):
        errors = bounds.future_dates(
            self,
            dict.fromkeys(
                ("started_on", "ended_on", "certificate_on"), _("The date cannot be in the future.")
            ),
        )
        ended_on = None if "ended_on" in errors else self.ended_on
        if self.started_on and ended_on and ended_on < self.started_on:
            errors.add("ended_on", _("The class cannot end before it starts."), code="date_order")
        certificate_on = (
            None if "certificate_on" in errors else getattr(self, "certificate_on", None)
        )
        if self.started_on and certificate_on and certificate_on < self.started_on:
            errors.add(
                "certificate_on",
                _("Certificates are given at the end of the class, not before it starts."),
                code="date_order",
            )
        errors.raise_any()


class CertifiedCourse(Course):
    """A class whose participants receive a certificate."""

    certificate_on = models.DateField(
        _("certificate date"), null=True, blank=True, validators=bounds.RECORD_DATE
    )

    class Meta(Course.Meta):
        abstract = True
        constraints = [*Course.Meta.constraints, *bounds.dates_within("certificate_on")]


class AwarenessClass(CertifiedCourse):
    """A class on the party for admission candidates (lớp bồi dưỡng nhận thức về Đảng); its
    certificate is valid 5 years for an admission."""

    class Meta(CertifiedCourse.Meta):
        verbose_name = _("awareness class")
        verbose_name_plural = _("awareness classes")


class ParticipantQuerySet(access.ScopedQuerySet):
    scope_path = "course__organization__path"


class AwarenessParticipant(models.Model):
    course = models.ForeignKey(
        AwarenessClass,
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    full_name = models.CharField(_("full name"), max_length=128)
    sort_name = CollationKeyField(_("name as sorted"))  # the lists' order (members.Person)
    enterprise = models.ForeignKey(
        "organizations.Enterprise",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    candidate = models.ForeignKey(
        "members.Candidate",
        verbose_name=_("admission candidate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awareness_classes",
        help_text=_("When known: the candidate's certificate date is then taken from the class."),
    )
    certified = models.BooleanField(_("certificate given"), default=True)

    objects = ParticipantQuerySet.as_manager()
    history = trail(ParticipantQuerySet, excluded_fields=["sort_name"])

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["course", "sort_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "candidate"], name="awarenessparticipant_candidate_once"
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        kwargs["update_fields"] = with_collation_key(kwargs.get("update_fields"))
        super().save(*args, **kwargs)


class TheoryClass(CertifiedCourse):
    """Political theory for new members (lớp bồi dưỡng lý luận chính trị cho đảng viên mới)."""

    class Meta(CertifiedCourse.Meta):
        verbose_name = _("theory class for new members")
        verbose_name_plural = _("theory classes for new members")


class TheoryParticipant(models.Model):
    course = models.ForeignKey(
        TheoryClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="participants"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="theory_classes",
    )
    completed = models.BooleanField(_("completed"), default=True)

    objects = ParticipantQuerySet.as_manager()
    history = trail(ParticipantQuerySet)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["course", "member__sort_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "member"], name="theoryparticipant_once"),
        ]

    def __str__(self):
        return str(self.member)


class StudySession(Course):
    """A session to study a resolution (học tập, quán triệt nghị quyết), with its attendance."""

    invited = models.PositiveIntegerField(_("members expected"), validators=bounds.PEOPLE)
    attended = models.PositiveIntegerField(_("members attending"), validators=bounds.PEOPLE)

    class Meta(Course.Meta):
        verbose_name = _("resolution study session")
        verbose_name_plural = _("resolution study sessions")
        constraints = [
            *Course.Meta.constraints,
            CheckConstraint(
                condition=Q(attended__lte=F("invited")), name="studysession_attended_within_invited"
            ),
            *bounds.counts_within("invited", "attended"),
        ]

    @property
    def attendance_rate(self):
        return self.attended * 100 / self.invited if self.invited else None

    def clean(self):
        super().clean()
        if self.invited is not None and self.attended is not None and self.attended > self.invited:
            raise field_error(
                "attended",
                _("More members attended (%(attended)d) than were expected (%(invited)d)."),
                code="attended_over_invited",
                params={"attended": self.attended, "invited": self.invited},
            )
