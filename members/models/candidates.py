from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from kcn_party.dates import short_date
from kcn_party.errors import field_error
from members import calendar
from members.models.members import Member, MemberStatus, Person
from organizations import access, bounds
from organizations.history import trail
from organizations.models.party import CELL_KINDS


class CandidateStage(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    AWARENESS_CLASS = "awareness_class", _("Awareness class passed")
    DOSSIER = "dossier", _("Dossier complete")
    CELL_RESOLUTION = "cell_resolution", _("Cell resolution")
    UPPER_DECISION = "upper_decision", _("Admission decided")
    ADMITTED = "admitted", _("Admitted (ceremony held)")
    DROPPED = "dropped", _("Dropped")


# The stages in order, with the date that marks each one.
STAGE_DATES = (
    (CandidateStage.AWARENESS_CLASS, "certificate_on"),
    (CandidateStage.DOSSIER, "dossier_on"),
    (CandidateStage.CELL_RESOLUTION, "resolution_on"),
    (CandidateStage.UPPER_DECISION, "decided_on"),
)
# Every date of the pipeline: none lies in the future, or outside the records' range.
PIPELINE_DATES = (
    "identified_on",
    *(field for _stage, field in STAGE_DATES),
    "dropped_on",
)
OPEN_STAGES = (
    CandidateStage.IDENTIFIED,
    CandidateStage.AWARENESS_CLASS,
    CandidateStage.DOSSIER,
    CandidateStage.CELL_RESOLUTION,
)


class IntroducingBody(models.TextChoices):
    YOUTH_UNION = "youth_union", _("Youth Union committee")
    TRADE_UNION = "trade_union", _("Trade union committee")


class CandidateQuerySet(access.ScopedQuerySet):
    scope_path = "organization__path"


class Candidate(Person):
    """An outstanding worker (quần chúng ưu tú) on the way to admission: identified, awareness
    class, dossier with introducers, cell resolution, the upper committee's decision (which
    makes them a probationary member), the ceremony — or dropped. The stage follows from the
    dates recorded."""

    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("cell"),
        on_delete=models.PROTECT,
        related_name="candidates",
        help_text=_("The cell that prepares the admission."),
    )
    identified_on = models.DateField(_("identified on"), validators=bounds.RECORD_DATE)
    certificate_on = models.DateField(
        _("awareness certificate"),
        null=True,
        blank=True,
        validators=bounds.RECORD_DATE,
        help_text=_("Date of the awareness class certificate; valid for 5 years."),
    )
    dossier_on = models.DateField(
        _("dossier complete on"), null=True, blank=True, validators=bounds.RECORD_DATE
    )
    introducer_1 = models.ForeignKey(
        "members.Member",
        verbose_name=_("first introducer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    introducer_2 = models.ForeignKey(
        "members.Member",
        verbose_name=_("second introducer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    introducing_body = models.CharField(
        _("introduced by the committee of"),
        max_length=16,
        choices=IntroducingBody.choices,
        blank=True,
        help_text=_("Instead of a second member: the Youth Union or trade union committee."),
    )
    resolution_on = models.DateField(
        _("cell resolution on"), null=True, blank=True, validators=bounds.RECORD_DATE
    )
    votes_for = models.PositiveSmallIntegerField(
        _("votes for"), null=True, blank=True, validators=bounds.CELL_MEMBERS
    )
    official_members = models.PositiveSmallIntegerField(
        _("official members of the cell"), null=True, blank=True, validators=bounds.CELL_MEMBERS
    )
    decided_on = models.DateField(
        _("admission decided on"), null=True, blank=True, validators=bounds.RECORD_DATE
    )
    member = models.OneToOneField(
        "members.Member",
        verbose_name=_("member record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidate",
        editable=False,
    )
    dropped_on = models.DateField(
        _("dropped on"), null=True, blank=True, validators=bounds.RECORD_DATE
    )
    drop_reason = models.CharField(_("reason for dropping"), max_length=255, blank=True)

    stage = models.CharField(
        _("stage"), max_length=16, choices=CandidateStage.choices, editable=False
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CandidateQuerySet.as_manager()
    history = trail(CandidateQuerySet, excluded_fields=["sort_name"])

    class Meta:
        verbose_name = _("admission candidate")
        verbose_name_plural = _("admission candidates")
        ordering = ["organization", "sort_name", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(stage__in=CandidateStage.values), name="candidate_stage_valid"
            ),
            CheckConstraint(
                condition=Q(introducing_body="") | Q(introducing_body__in=IntroducingBody.values),
                name="candidate_introducing_body_valid",
            ),
            bounds.in_order(
                "identified_on", "dossier_on", name="candidate_dossier_after_identified"
            ),
            bounds.in_order(
                "dossier_on", "resolution_on", name="candidate_resolution_after_dossier"
            ),
            bounds.in_order(
                "resolution_on", "decided_on", name="candidate_decision_after_resolution"
            ),
            *bounds.dates_within("birth_date", earliest=bounds.EARLIEST_BIRTH),
            *bounds.dates_within(*PIPELINE_DATES),
            *bounds.counts_within("votes_for", "official_members", most=bounds.MAX_CELL_MEMBERS),
        ]

    def save(self, *args, **kwargs):
        self.stage = self.derived_stage()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "stage"}
        super().save(*args, **kwargs)

    def derived_stage(self) -> str:
        if self.dropped_on:
            return CandidateStage.DROPPED
        if self.member_id and self.member.ceremony_on:
            return CandidateStage.ADMITTED
        stage = CandidateStage.IDENTIFIED
        for candidate_stage, field in STAGE_DATES:
            if getattr(self, field):
                stage = candidate_stage
        return stage

    # --- rules -----------------------------------------------------------------------------
    def clean(self):
        self.stage = self.derived_stage()
        rules = settings.MEMBER_RULES
        errors = bounds.future_dates(
            self, dict.fromkeys(PIPELINE_DATES, _("The date cannot be in the future."))
        )
        try:
            super().clean()
        except ValidationError as error:
            errors.merge(error)

        def error(field, message, code, **params):
            errors.add(field, message, code=code, params=params)

        if self.organization_id and self.organization.kind not in CELL_KINDS:
            error(
                "organization",
                _("Admissions are prepared by a cell: choose a grassroots or subordinate cell."),
                "not_a_cell",
            )
        # Each stage needs the one before it.
        if self.dossier_on and not self.certificate_on:
            error(
                "certificate_on",
                _("A dossier needs the awareness class certificate first."),
                "missing",
            )
        if self.resolution_on and not self.dossier_on:
            error("dossier_on", _("The cell resolves on a complete dossier."), "missing")
        if self.decided_on and not self.resolution_on:
            error(
                "resolution_on",
                _("The upper committee decides on the cell's resolution."),
                "missing",
            )
        for earlier, later, message in (
            ("identified_on", "dossier_on", _("The dossier cannot be complete before %(date)s.")),
            ("dossier_on", "resolution_on", _("The resolution cannot come before %(date)s.")),
            ("certificate_on", "resolution_on", _("The resolution cannot come before %(date)s.")),
            ("resolution_on", "decided_on", _("The decision cannot come before %(date)s.")),
            ("identified_on", "dropped_on", _("Dropping cannot come before %(date)s.")),
        ):
            first, second = getattr(self, earlier), getattr(self, later)
            if first and second and second < first and later not in errors:
                error(later, message, "date_order", date=short_date(first))

        if self.resolution_on and self.birth_date and "resolution_on" not in errors:
            months = calendar.whole_months(self.birth_date, self.resolution_on)
            low, high = rules["ADMISSION_MIN_AGE_YEARS"], rules["ADMISSION_MAX_AGE_YEARS"]
            if months < low * 12 or months > high * 12:
                error(
                    "resolution_on",
                    _(
                        "On %(date)s the candidate is %(years)d years and %(months)d months old: "
                        "admission is from %(low)d to %(high)d years of age at the cell's "
                        "resolution."
                    ),
                    "age",
                    date=short_date(self.resolution_on),
                    years=months // 12,
                    months=months % 12,
                    low=low,
                    high=high,
                )
        if self.resolution_on and self.certificate_on and "resolution_on" not in errors:
            valid_years = rules["AWARENESS_CERTIFICATE_VALID_YEARS"]
            expires = calendar.add_years(self.certificate_on, valid_years)
            if self.resolution_on > expires:
                error(
                    "certificate_on",
                    _(
                        "The awareness certificate of %(date)s expired on %(expires)s (valid "
                        "%(years)d years): the candidate must attend a class again."
                    ),
                    "certificate_expired",
                    date=short_date(self.certificate_on),
                    expires=short_date(expires),
                    years=valid_years,
                )
        if self.votes_for is not None or self.official_members is not None:
            if self.votes_for is None or not self.official_members:
                error(
                    "votes_for",
                    _("Give both the votes for and the number of official members."),
                    "missing",
                )
            elif self.votes_for > self.official_members:
                error(
                    "votes_for",
                    _("More votes than official members."),
                    "votes_over_members",
                )
            elif self.votes_for * 3 < self.official_members * 2:
                error(
                    "votes_for",
                    _(
                        "%(votes)d of %(members)d official members is less than two thirds: "
                        "the cell has not resolved to admit."
                    ),
                    "votes_below_two_thirds",
                    votes=self.votes_for,
                    members=self.official_members,
                )
        if self.dropped_on and not self.drop_reason:
            error("drop_reason", _("Say why the candidate was dropped."), "missing")
        errors.raise_any()
        self.clean_introducers()

    def clean_introducers(self):
        """Two official members, or the Youth Union / trade union committee and one member;
        official on the day the dossier was complete."""
        introducers = [m for m in (self.introducer_1, self.introducer_2) if m is not None]
        if not self.dossier_on:
            return
        message = None
        if self.introducing_body and len(introducers) != 1:
            message = _(
                "With the %(body)s as introducer, name exactly one member as the other introducer."
            )
        elif not self.introducing_body and len(introducers) != 2:
            message = _(
                "A dossier needs two introducers who are official members, or the Youth Union "
                "or trade union committee and one member."
            )
        elif len(introducers) == 2 and introducers[0].pk == introducers[1].pk:
            message = _("The two introducers must be two different members.")
        if message:
            raise field_error(
                "introducer_1",
                message,
                code="introducers",
                params={"body": self.get_introducing_body_display().lower()},
            )
        statuses = Member.objects.filter(pk__in=[m.pk for m in introducers]).statuses_on(
            self.dossier_on
        )
        not_official = [m for m in introducers if statuses.get(m.pk) != MemberStatus.OFFICIAL]
        if not_official:
            raise field_error(
                "introducer_1",
                _("An introducer must be an official member on %(date)s; %(names)s was not."),
                code="introducer_not_official",
                params={
                    "date": short_date(self.dossier_on),
                    "names": ", ".join(m.full_name for m in not_official),
                },
            )

    # --- deadlines -------------------------------------------------------------------------
    @property
    def decision_due_on(self):
        """The upper committee decides within 60 working days of the cell's resolution."""
        if not self.resolution_on:
            return None
        return calendar.add_working_days(
            self.resolution_on, settings.MEMBER_RULES["DECISION_WORKING_DAYS"]
        )
