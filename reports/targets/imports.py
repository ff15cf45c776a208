"""Target sheets, through the enterprise lists' import machinery (`organizations.imports`): the
same reading (CSV in any encoding boards use, .xlsx), headers matched loosely, widgets turning
cells into values with a Vietnamese message for a bad one, django-import-export's row loop
(`base.ListResource`), and the same outcome, preview and file of invalid rows.

One target per row, merged by organisation, figure and period: the sheet names the organisation
by its code, the figure by its Vietnamese label (with its parameters: "Kết nạp đảng viên: trong
đó kết nạp lại") or its key, the period as "2025" (a year), "2020-2025" (a term) or "mỗi năm
2025-2030" (each year of a term), the minimum, the maximum, the unit, the comparison and the
source document (its number, and for a document not yet on record its date, issuing body and
title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from kcn_party import actor
from organizations import access
from organizations.imports.base import ImportSettings, ListResource, assign_related
from organizations.imports.columns import Column, ImportKind
from organizations.imports.running import RunFlags, fill_outcome, open_list, prepare
from organizations.imports.text import fold
from organizations.imports.values import (
    ChoiceWidget,
    DateWidget,
    TextWidget,
    blank,
    restore_formula,
    spelled,
)
from organizations.models import PartyOrganization
from reports.metrics import REGISTRY
from reports.targets.models import (
    Comparison,
    PeriodKind,
    SourceDocument,
    Target,
    Unit,
    parameters_dict,
    parameters_text,
)


def _text(value) -> str:
    text = str(value).strip()
    return restore_formula(text) if text[:1] == "'" else text


class OrganizationWidget(widgets.Widget):
    """An organisation's code; the resource gives the organisations of a chunk's codes."""

    def __init__(self):
        super().__init__()
        self.known: dict[str, PartyOrganization] = {}

    def parse(self, value) -> tuple[str, bool]:
        if blank(value) or not _text(value):
            raise ValueError(gettext("The organisation code is missing."))
        return _text(value), False

    def clean(self, value, row=None, **kwargs):
        code = self.parse(value)[0]
        organization = self.known.get(code)
        if organization is None:
            raise ValueError(
                gettext("No organisation with code %(code)s in your committee.") % {"code": code}
            )
        return organization

    def render(self, value, obj=None, **kwargs):
        return getattr(value, "code", "") or ""


class MetricWidget(widgets.Widget):
    """A figure by its Vietnamese (or English) label, parameters included, or by its key (with
    "key: name=value" for parameters): (key, parameters as stored)."""

    def __init__(self):
        super().__init__()
        known: dict[str, tuple[str, str]] = {}
        for metric in REGISTRY.values():
            known.setdefault(fold(metric.key), (metric.key, ""))
            for params in metric.variants():
                stored = {n: v for n, v in params.items() if v != next(iter(metric.params[n]))}
                for language in ("vi", "en"):
                    with translation.override(language):
                        label = fold(metric.label_for(params))
                    known.setdefault(label, (metric.key, parameters_text(stored)))
        self.known = known

    def clean(self, value, row=None, **kwargs):
        if blank(value) or not _text(value):
            return None
        text = _text(value)
        found = self.known.get(fold(text))
        if found is not None:
            return found
        key, sep, params = text.partition(":")
        metric = REGISTRY.get(key.strip())
        if metric is not None and sep:
            try:
                checked = metric.checked(parameters_dict(params))
            except ValueError as error:
                raise ValueError(getattr(error, "message", str(error))) from None
            stored = {n: v for n, v in checked.items() if v != next(iter(metric.params[n]))}
            return metric.key, parameters_text(stored)
        raise ValueError(
            gettext(
                "“%(value)s” is no figure: write its label as the dashboard shows it, or its key."
            )
            % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return "" if not value else ":".join(part for part in value if part)


_YEAR = r"(\d{4})"
_TERM = re.compile(rf"{_YEAR} {_YEAR}")
_EACH = re.compile(r"^(moi nam|hang nam|each year|yearly|tung nam) (.*)$")


class PeriodWidget(widgets.Widget):
    """ "2025" (a year), "2020-2025" (a term), "mỗi năm 2025-2030" (each year of a term):
    (kind, first year, last year)."""

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = str(int(value)) if float(value).is_integer() else str(value)
        else:
            text = _text(value)
        folded = fold(text)  # "mỗi năm 2025–2030" → "moi nam 2025 2030"
        kind = PeriodKind.TERM
        each = _EACH.match(folded)
        if each:
            kind, folded = PeriodKind.EACH_YEAR, each.group(2).strip()
        if kind == PeriodKind.TERM and re.fullmatch(_YEAR, folded):
            year = int(folded)
            return PeriodKind.YEAR, year, year
        term = _TERM.fullmatch(folded)
        if term is None:
            raise ValueError(
                gettext(
                    "“%(value)s” is no period: write a year (2025), a term (2020-2025) or each "
                    "year of a term (mỗi năm 2025-2030)."
                )
                % {"value": text}
            )
        first, last = int(term.group(1)), int(term.group(2))
        if last <= first:
            raise ValueError(
                gettext("A term ends in a later year than it starts (%(first)d–%(last)d).")
                % {"first": first, "last": last}
            )
        return kind, first, last

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        kind, first, last = value
        return str(first) if kind == PeriodKind.YEAR else f"{first}-{last}"


class BoundWidget(widgets.Widget):
    """A target's bound: 30, 85%, 85,5 (a decimal comma), 1.000 (grouped thousands)."""

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(gettext("“%(value)s” is not a number.") % {"value": value})
        if isinstance(value, int | float):
            number = Decimal(str(value))
        else:
            text = _text(value).rstrip("%").strip().replace("\u00a0", "").replace(" ", "")
            if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
                text = text.replace(".", "")
            text = text.replace(",", ".")
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ValueError(
                    gettext("“%(value)s” is not a number.") % {"value": value}
                ) from None
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            raise ValueError(gettext("“%(value)s” is not a number.") % {"value": value})
        return number.quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        from reports.targets.models import number

        return number(value)


class UnitWidget(ChoiceWidget):
    choices = Unit
    spellings = spelled(
        {
            Unit.COUNT: ("số lượng", "số", "chỉ tiêu số lượng"),
            Unit.PERCENT: ("%", "tỷ lệ", "tỉ lệ", "phần trăm", "tỷ lệ %"),
        }
    )
    unknown_message = _("“%(value)s” is no unit: write “số lượng” or “%%”.")


class ComparisonWidget(ChoiceWidget):
    choices = Comparison
    spellings = spelled(
        {
            Comparison.AT_LEAST: ("≥", ">=", "ít nhất", "tối thiểu", "trở lên", "từ"),
            Comparison.MORE_THAN: (">", "trên", "hơn", "vượt"),
        }
    )
    unknown_message = _("“%(value)s” is no comparison: write “ít nhất” (≥) or “trên” (>).")

    def clean(self, value, row=None, **kwargs):
        # "≥" and ">" fold to nothing: read them before folding.
        text = "" if blank(value) else _text(value)
        if text in ("≥", ">=", "=>"):
            return Comparison.AT_LEAST
        if text == ">":
            return Comparison.MORE_THAN
        return super().clean(value, row=row, **kwargs)


def _source_text(name: str):
    return lambda: TextWidget(max_length=SourceDocument._meta.get_field(name).max_length)


COLUMNS = (
    Column("organization", _("Organisation code (Mã tổ chức)"),
           ("ma to chuc", "ma don vi", "ma", "to chuc", "don vi", "ma to chuc dang",
            "organisation", "organization", "organisation code", "organization code", "code"),
           widget=OrganizationWidget),
    Column("metric", _("Figure (Chỉ tiêu)"),
           ("chi tieu", "noi dung chi tieu", "chi so", "noi dung", "ten chi tieu", "figure",
            "metric", "target"),
           widget=MetricWidget, attribute="metric_choice"),
    Column("period", _("Period (Thời gian)"),
           ("thoi gian", "ky", "nam", "nhiem ky", "giai doan", "thoi ky", "period", "year"),
           widget=PeriodWidget, attribute="period_choice"),
    Column("minimum", _("Minimum (Tối thiểu)"),
           ("toi thieu", "muc toi thieu", "chi tieu toi thieu", "tu", "muc", "gia tri",
            "so luong", "minimum", "min"),
           widget=BoundWidget),
    Column("maximum", _("Maximum (Tối đa)"),
           ("toi da", "muc toi da", "den", "maximum", "max"), widget=BoundWidget),
    Column("unit", _("Unit (Đơn vị tính)"),
           ("don vi tinh", "dvt", "don vi do", "unit"), widget=UnitWidget),
    Column("comparison", _("Comparison (So sánh)"),
           ("so sanh", "dieu kien", "comparison"), widget=ComparisonWidget),
    Column("source_number", _("Document number (Số văn bản)"),
           ("so van ban", "van ban", "so hieu van ban", "so nghi quyet", "nghi quyet",
            "can cu", "van ban can cu", "document", "document number", "source"),
           widget=_source_text("number"), attribute="source_number"),
    Column("source_date", _("Document date (Ngày ban hành)"),
           ("ngay ban hanh", "ngay van ban", "ngay", "document date"),
           widget=DateWidget, attribute="source_date"),
    Column("source_issuer", _("Issuing body (Cơ quan ban hành)"),
           ("co quan ban hanh", "noi ban hanh", "issuing body", "issuer"),
           widget=_source_text("issuer"), attribute="source_issuer"),
    Column("source_title", _("Document title (Trích yếu)"),
           ("trich yeu", "ten van ban", "tieu de", "document title", "title"),
           widget=_source_text("title"), attribute="source_title"),
)  # fmt: skip

TARGETS = ImportKind(model=Target, columns=COLUMNS, key="organization")
REQUIRED = ("organization", "metric", "period", "minimum")
# A model field's message, under the column of the file that fills it.
FIELD_COLUMNS = {
    "organization": "organization",
    "metric": "metric",
    "parameters": "metric",
    "period_kind": "period",
    "first_year": "period",
    "last_year": "period",
    "minimum": "minimum",
    "maximum": "maximum",
    "unit": "unit",
    "comparison": "comparison",
    "source": "source_number",
}


@dataclass
class TargetListSettings(ImportSettings):
    by: object = None  # the acting account, or SYSTEM


class TargetImportResource(ListResource):
    """One target per row, merged by (organisation, figure, parameters, period)."""

    kind = TARGETS

    class Meta(ListResource.Meta):
        model = Target
        import_id_fields = ["organization"]
        batch_size = 1000

    def _prepare(self, chunk):
        """Each row's key — (code, figure, parameters, period) — and the chunk's organisations
        and targets. A row whose figure or period cannot be read has no key: its cells' own
        messages say why."""
        dataset = chunk.dataset
        column = dataset.headers.index
        codes = dataset.get_col(column(self.fields["organization"].column_name))
        metrics = dataset.get_col(column(self.fields["metric"].column_name))
        periods = dataset.get_col(column(self.fields["period"].column_name))
        metric_widget, period_widget = self.fields["metric"].widget, self.fields["period"].widget
        org_widget = self.key_field.widget
        for code, metric, period in zip(codes, metrics, periods, strict=True):
            try:
                code = org_widget.parse(code)[0]
            except ValueError as error:
                chunk.keys.append(str(error))
                continue
            try:
                key = (code, *metric_widget.clean(metric), *period_widget.clean(period))
            except (ValueError, TypeError):
                key = None  # the figure's or the period's cell says what is wrong
            chunk.keys.append((key, code))
        named = sorted({key[1] for key in chunk.keys if not isinstance(key, str)})
        organizations = PartyOrganization.objects.filter(code__in=named).in_scope(
            self.settings.scope
        )
        org_widget.known = {organization.code: organization for organization in organizations}
        targets = Target.objects.filter(organization__in=org_widget.known.values()).select_related(
            "organization", "source"
        )
        chunk.existing = {
            (t.organization.code, t.metric, t.parameters, t.period_kind, t.first_year,
             t.last_year): t
            for t in targets
        }  # fmt: skip

    def repeated(self, key, first):
        return gettext(
            "This organisation already has this figure for this period on line %(line)s of the "
            "file."
        ) % {"line": first}

    def before_import_row(self, row, row_number=None, **kwargs):
        self._line = self.chunk.lines[row_number - 1]
        self._errors = {}
        self._restored = None
        self._changes = None
        parsed = self.chunk.keys[row_number - 1]
        self.current_key = None
        if isinstance(parsed, str):
            self._errors[self.key_field.column_name] = [parsed]
            return
        key, _code_ = parsed
        if key is None:
            return
        self.current_key = key
        first = self.seen.setdefault(key, self._line)
        if first != self._line:
            self._errors[self.key_field.column_name] = [self.repeated(key, first)]

    def get_or_init_instance(self, instance_loader, row):
        if self.current_key is not None and not self._errors:
            instance = self.chunk.existing.get(self.current_key)
            if instance is not None:
                return instance, False
        return self.init_instance(row), True

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        self._original_source = instance.source_id
        instance.new_source = None

    def check_row(self, instance, row, errors) -> None:
        if self._new:
            column = self.key_field.column_name
            try:
                organization = self.key_field.widget.clean(row[column])
            except ValueError as error:
                if column not in errors:
                    errors[column] = [str(error)]
            else:
                assign_related(instance, "organization", "organization_id", organization)
        choice = getattr(instance, "metric_choice", None)
        if choice is not None:
            instance.metric, instance.parameters = choice
            unit_blank = "unit" not in self.fields or blank(row[self.fields["unit"].column_name])
            if unit_blank and (self._new or not instance.unit):
                instance.unit = REGISTRY[instance.metric].unit
        period = getattr(instance, "period_choice", None)
        if period is not None:
            instance.period_kind, instance.first_year, instance.last_year = period
        if instance.organization_id is None or not instance.metric or not instance.first_year:
            return  # the cells' messages say what is missing
        if self._new and instance.minimum is None:
            if self.column("minimum") in errors:
                return
            errors.setdefault(self.column("minimum"), []).append(gettext("The minimum is missing."))
            return
        self._source(instance, errors)
        try:
            instance.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = (
                    self.column(FIELD_COLUMNS[name]) if name in FIELD_COLUMNS else NON_FIELD_ERRORS
                )
                for message in messages:
                    if message not in errors.get(column, []):
                        errors.setdefault(column, []).append(message)

    def _source(self, instance, errors) -> None:
        """The document the row cites: one recorded with its organisation or above it, or a new
        one when the row gives its date, issuing body and title."""
        number = getattr(instance, "source_number", None)
        if not number:
            return
        organization = instance.organization
        ancestors = [
            organization.path[: i + 1] for i, c in enumerate(organization.path) if c == "/"
        ]
        documents = {
            (d.organization.path, d.number): d
            for d in SourceDocument.objects.filter(
                number=number, organization__path__in=ancestors
            ).select_related("organization")
        }
        found = next(
            (
                documents[path, number]
                for path in reversed(ancestors)
                if (path, number) in documents
            ),
            None,
        )
        if found is not None:
            assign_related(instance, "source", "source_id", found)
            return
        pending = self.pending.get((organization.pk, number))
        if pending is None:
            given = {
                "issued_on": getattr(instance, "source_date", None),
                "issuer": getattr(instance, "source_issuer", None),
                "title": getattr(instance, "source_title", None),
            }
            if not all(given.values()):
                errors.setdefault(self.column("source_number"), []).append(
                    gettext(
                        "Document %(number)s is not on record: give its date, issuing body and "
                        "title in their columns."
                    )
                    % {"number": number}
                )
                return
            pending = SourceDocument(organization=organization, number=number, **given)
            self.pending[(organization.pk, number)] = pending
        instance.source_id = None
        instance.new_source = pending

    @property
    def pending(self) -> dict:
        if not hasattr(self, "_pending"):
            self._pending = {}
        return self._pending

    def changes_beyond(self, instance) -> bool:
        return instance.new_source is not None or (
            getattr(instance, "source_number", None) and instance.source_id != self._original_source
        )

    def other_changes(self, instance):
        if not self.changes_beyond(instance):
            return []
        number = instance.new_source.number if instance.new_source else instance.source.number
        return [(self.column("source_number"), "", number)]

    def write(self, batch):
        for instance in batch:
            document = instance.new_source
            if document is not None:
                if document.pk is None:
                    document.save()
                instance.source = document
            instance.save()


@actor.as_by
def target_list_import(
    *,
    source: bytes,
    file_name: str,
    by,
    dry_run: bool = False,
    skip_invalid: bool = False,
    keep_details: bool = True,
    shown: int | None = None,
):
    """Import a target sheet: validate every row, then write the targets (and the documents
    they cite that are new) in one transaction. Without `skip_invalid`, one invalid row means
    nothing is written. `by` is an account (its subtree only, and only with the permission to
    change targets) or SYSTEM (every organisation). Raises ImportRefused for a file that
    cannot be read or lacks a required column; returns the outcome (its `summary` is the
    command's last line)."""
    if by is access.SYSTEM:
        scope = access.EVERYTHING
    else:
        if not (by.has_perm("reports.add_target") and by.has_perm("reports.change_target")):
            raise PermissionDenied(gettext("You may not change targets."))
        scope = access.scope_of(by)
    opened = open_list(source, TARGETS, required=REQUIRED)
    flags = RunFlags(dry_run, skip_invalid, keep_details, shown)
    settings, outcome = prepare(opened, TargetListSettings, file_name, flags, scope=scope, by=by)
    with transaction.atomic():
        resource = TargetImportResource(settings=settings, header=opened.header)
        result = resource.import_rows(opened.rows)
        fill_outcome(outcome, result)
        if dry_run or (outcome.invalid and not skip_invalid):
            transaction.set_rollback(True)
        else:
            outcome.written = True
    return outcome


__all__ = ["TARGETS", "TargetImportResource", "target_list_import"]
