"""Targets and the documents that set them (domain guide §8).

A target belongs to an organisation and asks a figure of the registry (`reports.metrics`), with
its parameters, over a period: a year, a congress term, or each year of a term. It is a
minimum, sometimes a range (30–50), of a count or a percentage, met "at least" or "more than"
the minimum. Its source is a document (Nghị quyết 09-NQ/ĐU…). A committee's target may be split
among its sub-organisations: each part is a target of the sub-organisation whose `parent` is the
whole.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kcn_party.constraints import CheckConstraint
from organizations import access
from organizations.history import trail
from organizations.models.fields import YearField


class PeriodKind(models.TextChoices):
    YEAR = "year", _("a year")
    TERM = "term", _("a term")
    EACH_YEAR = "each_year", _("each year of a term")


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("percentage")


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    MORE_THAN = "more_than", _("more than")


# --- parameters: {"group": "fdi"} stored as "group=fdi" --------------------------------------


def parameters_text(params: dict[str, str]) -> str:
    """The canonical text of `params`: "name=value" joined by "&", sorted by name."""
    return "&".join(f"{name}={value}" for name, value in sorted(params.items()))


def parameters_dict(text: str) -> dict[str, str]:
    """ "group=fdi&kind=all" → {"group": "fdi", "kind": "all"}; ValueError for a part
    without "="."""
    params = {}
    for part in (text or "").replace(";", "&").replace(",", "&").split("&"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(part)
        params[name.strip()] = value.strip()
    return params


def canonical_parameters(metric, params: dict[str, str]) -> str:
    """`params` checked against `metric` (a MetricError for anything unknown), without the
    values that are the default: the same target is stored the same way however it was
    typed."""
    checked = metric.checked(params)
    defaults = {name: next(iter(values)) for name, values in metric.params.items()}
    return parameters_text({n: v for n, v in checked.items() if v != defaults[n]})


# --- the documents ----------------------------------------------------------------------------


class SourceDocumentQuerySet(access.ScopedQuerySet):
    scope_path = "organization__path"


class SourceDocument(models.Model):
    """A resolution, plan or conclusion that sets targets (Nghị quyết 09-NQ/ĐU), recorded with
    the organisation whose targets cite it; the issuing body may be above it."""

    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        models.PROTECT,
        related_name="target_documents",
        verbose_name=_("organisation"),
    )
    number = models.CharField(_("document number"), max_length=60, help_text=_("e.g. 09-NQ/ĐU"))
    issued_on = models.DateField(_("date issued"))
    issuer = models.CharField(_("issuing body"), max_length=200)
    title = models.CharField(_("title"), max_length=500)

    objects = SourceDocumentQuerySet.as_manager()
    history = trail(SourceDocumentQuerySet)

    class Meta:
        verbose_name = _("target document")
        verbose_name_plural = _("target documents")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="reports_document_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"


# --- the targets ------------------------------------------------------------------------------


class TargetQuerySet(access.ScopedQuerySet):
    scope_path = "organization__path"

    def for_year(self, year: int):
        """The targets of the year `year`: those of that year, and those of each year of a term
        that includes it."""
        return self.filter(
            Q(period_kind=PeriodKind.YEAR, first_year=year)
            | Q(period_kind=PeriodKind.EACH_YEAR, first_year__lte=year, last_year__gte=year)
        )

    def for_term(self, first: int, last: int):
        return self.filter(period_kind=PeriodKind.TERM, first_year=first, last_year=last)


class Target(models.Model):
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        models.PROTECT,
        related_name="targets",
        verbose_name=_("organisation"),
    )
    metric = models.CharField(_("figure"), max_length=60)
    parameters = models.CharField(
        _("parameters"),
        max_length=200,
        blank=True,
        help_text=_("Optional, as name=value joined by &, e.g. of_which=readmitted."),
    )
    period_kind = models.CharField(
        _("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    first_year = YearField(_("year (or first year of the term)"))
    last_year = YearField(
        _("last year of the term"), help_text=_("The same as the year for a yearly target.")
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    comparison = models.CharField(
        _("comparison"), max_length=10, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    minimum = models.DecimalField(_("minimum"), max_digits=12, decimal_places=2)
    maximum = models.DecimalField(
        _("maximum"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a range such as 30–50; empty for a minimum alone."),
    )
    source = models.ForeignKey(
        SourceDocument,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("source document"),
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("part of"),
        help_text=_("The committee's target this one is a part of, when it was split."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = TargetQuerySet.as_manager()
    history = trail(TargetQuerySet)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["organization__path", "-first_year", "metric", "parameters"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organization",
                    "metric",
                    "parameters",
                    "period_kind",
                    "first_year",
                    "last_year",
                ],
                name="reports_target_unique",
            ),  # fmt: skip
            CheckConstraint(
                condition=Q(maximum__isnull=True) | Q(maximum__gte=F("minimum")),
                name="reports_target_maximum_not_below_minimum",
            ),
            CheckConstraint(
                condition=Q(minimum__gte=0), name="reports_target_minimum_not_negative"
            ),
            CheckConstraint(
                condition=~Q(unit="percent")
                | (Q(minimum__lte=100) & (Q(maximum__isnull=True) | Q(maximum__lte=100))),
                name="reports_target_percentage_at_most_100",
            ),
            CheckConstraint(
                condition=Q(last_year__gte=F("first_year")),
                name="reports_target_years_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.organization.code}: {self.label} — {self.period_label} — {self.range_label}"

    # --- what it asks -------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, str]:
        return parameters_dict(self.parameters)

    @property
    def metric_object(self):
        from reports.metrics import REGISTRY

        return REGISTRY.get(self.metric)

    @property
    def label(self) -> str:
        metric = self.metric_object
        if metric is None:
            return self.metric
        try:
            return metric.label_for(self.params)
        except ValueError:
            return self.metric

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.YEAR:
            return gettext("Year %(year)d") % {"year": self.first_year}
        if self.period_kind == PeriodKind.TERM:
            return gettext("Term %(first)d–%(last)d") % {
                "first": self.first_year,
                "last": self.last_year,
            }
        return gettext("Each year of %(first)d–%(last)d") % {
            "first": self.first_year,
            "last": self.last_year,
        }

    @property
    def range_label(self) -> str:
        """ "≥ 2", "> 85%", "30–50"."""
        suffix = "%" if self.unit == Unit.PERCENT else ""
        if self.maximum is not None:
            return f"{number(self.minimum)}–{number(self.maximum)}{suffix}"
        sign = "≥" if self.comparison == Comparison.AT_LEAST else ">"
        return f"{sign} {number(self.minimum)}{suffix}"

    # --- validation ---------------------------------------------------------------------------
    def clean(self):
        from reports.metrics import REGISTRY, MetricError

        errors: dict[str, list[str]] = {}
        metric = REGISTRY.get(self.metric)
        if metric is None:
            errors.setdefault("metric", []).append(
                gettext("There is no figure %(key)s.") % {"key": self.metric}
            )
        else:
            try:
                self.parameters = canonical_parameters(metric, parameters_dict(self.parameters))
            except ValueError as error:
                message = (
                    error.message
                    if isinstance(error, MetricError)
                    else gettext("Write the parameters as name=value, e.g. of_which=readmitted.")
                )
                errors.setdefault("parameters", []).append(message)
            if metric.unit != self.unit:
                errors.setdefault("unit", []).append(
                    gettext("The figure “%(label)s” is a %(unit)s: the target's unit must be too.")
                    % {"label": metric.label, "unit": Unit(metric.unit).label}
                )
        if self.period_kind == PeriodKind.YEAR:
            if self.first_year is not None:
                self.last_year = self.first_year
        elif (
            self.first_year is not None
            and self.last_year is not None
            and self.last_year <= self.first_year
        ):
            errors.setdefault("last_year", []).append(
                gettext("A term ends in a later year than it starts (%(first)d–%(last)d).")
                % {"first": self.first_year, "last": self.last_year}
            )
        if self.minimum is not None:
            if self.minimum < 0:
                errors.setdefault("minimum", []).append(gettext("The minimum cannot be negative."))
            if self.unit == Unit.COUNT and self.minimum != self.minimum.to_integral_value():
                errors.setdefault("minimum", []).append(
                    gettext("A count target is a whole number.")
                )
            if self.unit == Unit.PERCENT and self.minimum > 100:
                errors.setdefault("minimum", []).append(gettext("A percentage cannot be over 100."))
        if self.maximum is not None:
            if self.minimum is not None and self.maximum < self.minimum:
                errors.setdefault("maximum", []).append(
                    gettext("The maximum (%(maximum)s) is below the minimum (%(minimum)s).")
                    % {"maximum": number(self.maximum), "minimum": number(self.minimum)}
                )
            if self.unit == Unit.COUNT and self.maximum != self.maximum.to_integral_value():
                errors.setdefault("maximum", []).append(
                    gettext("A count target is a whole number.")
                )
            if self.unit == Unit.PERCENT and self.maximum > 100:
                errors.setdefault("maximum", []).append(gettext("A percentage cannot be over 100."))
        # A part cites its whole's document, recorded with the committee above it: a document
        # of the organisation or of one above it.
        if (
            self.source_id
            and self.organization_id
            and not self.organization.path.startswith(self.source.organization.path)
        ):
            errors.setdefault("source", []).append(
                gettext("The document is recorded with another committee.")
            )
        if errors:
            raise ValidationError(errors)


def number(value: Decimal | int | None) -> str:
    """2, 85, 85,5: a target's bound as people write it (no trailing zeros, a decimal
    comma)."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")
