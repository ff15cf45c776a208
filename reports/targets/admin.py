"""Targets in the admin: entered by staff (leaders only look, outsiders get 404), copied from
last year, split among sub-organisations, imported from a sheet with a preview.

The writes are `reports.targets.services` and `reports.targets.imports`; the views collect the
choices and show the outcome.
"""

from __future__ import annotations

import datetime
import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kcn_party.uploads import too_large_message, upload_limit
from organizations.access import staff_profile
from organizations.admin.base import ScopedModelAdmin, scoped
from organizations.imports import ImportRefused, previews
from organizations.imports.limits import grouped
from organizations.models import PartyOrganization
from reports.metrics import REGISTRY
from reports.targets import services
from reports.targets.imports import target_list_import
from reports.targets.models import SourceDocument, Target, number

SESSION_KEY = "kcn_target_imports"
SHOWN = 200  # invalid rows listed on the preview


def metric_choices():
    return [("", "---------")] + [(key, str(m.label)) for key, m in REGISTRY.items()]


class TargetForm(forms.ModelForm):
    metric = forms.ChoiceField(label=_("figure"), choices=metric_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "last_year" in self.fields:  # a yearly target's is its year
            self.fields["last_year"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period_kind") == "year" and cleaned.get("first_year"):
            cleaned["last_year"] = cleaned["first_year"]
        elif "last_year" in self.fields and not cleaned.get("last_year"):
            self.add_error("last_year", forms.Field.default_error_messages["required"])
        return cleaned

    class Meta:
        model = Target
        fields = (
            "organization", "metric", "parameters", "period_kind", "first_year", "last_year",
            "unit", "comparison", "minimum", "maximum", "source", "parent", "note",
        )  # fmt: skip


@admin.register(SourceDocument)
class SourceDocumentAdmin(ScopedModelAdmin):
    list_display = ("number", "issued_on", "issuer", "title", "organization")
    search_fields = ("number", "title", "issuer")
    date_hierarchy = "issued_on"
    autocomplete_fields = ("organization",)


@admin.register(Target)
class TargetAdmin(ScopedModelAdmin):
    form = TargetForm
    list_display = ("organization", "figure", "period", "bounds", "source", "parent")
    list_filter = ("period_kind", "first_year", "unit")
    search_fields = ("organization__code", "organization__name", "metric", "source__number")
    list_select_related = ("organization", "source", "parent__organization")
    autocomplete_fields = ("organization", "source", "parent")
    readonly_fields = ("parts_check",)
    fieldsets = (
        (None, {"fields": ("organization", "metric", "parameters")}),
        (_("period"), {"fields": ("period_kind", "first_year", "last_year")}),
        (_("target"), {"fields": ("unit", "comparison", "minimum", "maximum")}),
        (None, {"fields": ("source", "parent", "note", "parts_check")}),
    )

    @admin.display(description=_("figure"), ordering="metric")
    def figure(self, target):
        return target.label

    @admin.display(description=_("period"), ordering="first_year")
    def period(self, target):
        return target.period_label

    @admin.display(description=_("target"))
    def bounds(self, target):
        return target.range_label

    @admin.display(description=_("parts"))
    def parts_check(self, target):
        if target is None or target.pk is None:
            return "—"
        check = services.split_check(target)
        if not check.parts:
            return gettext("Not split.")
        rows = format_html_join(
            "", "<li>{}: {}</li>", ((p.organization.name, p.range_label) for p in check.parts)
        )
        total = (
            format_html(
                "<p>{}</p>", gettext("Parts add up to %(total)s.") % {"total": number(check.total)}
            )
            if check.total is not None
            else ""
        )
        warnings = format_html_join(
            "", '<p class="errornote">{}</p>', ((w,) for w in check.warnings)
        )
        return format_html("<ul>{}</ul>{}{}", rows, total, warnings)

    def save_model(self, request, obj, form, change):
        services.target_save(target=obj, by=request.user)

    # --- the views beyond Django's --------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("copy-year/", wrap(self.copy_year_view), name="reports_target_copy_year"),
            path("import/", wrap(self.import_view), name="reports_target_import"),
            path("<path:object_id>/split/", wrap(self.split_view), name="reports_target_split"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "copy_year_url": reverse("admin:reports_target_copy_year"),
            "import_url": reverse("admin:reports_target_import"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "split_url": reverse("admin:reports_target_split", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _context(self, request, title, **values):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **values,
        }

    def _may_write(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def copy_year_view(self, request):
        """Copy last year's targets of an organisation's subtree into a year."""
        if not self._may_write(request):
            raise PermissionDenied
        form = CopyYearForm(request.POST or None, request=request)
        if request.method == "POST" and form.is_valid():
            organization, year = form.cleaned_data["organization"], form.cleaned_data["year"]
            outcome = services.targets_copy_year(
                organization=organization, year=year, by=request.user
            )
            messages.success(
                request,
                gettext(
                    "%(created)s targets of %(last)s copied to %(year)s; %(existing)s were set "
                    "for %(year)s already and were left as they are."
                )
                % {
                    "created": grouped(len(outcome.created)),
                    "existing": grouped(outcome.existing),
                    "last": year - 1,
                    "year": year,
                },
            )
            changelist = reverse("admin:reports_target_changelist")
            return HttpResponseRedirect(f"{changelist}?first_year={year}")
        return TemplateResponse(
            request,
            "admin/reports/target/copy_year.html",
            self._context(request, _("Copy last year's targets"), form=form),
        )

    def split_view(self, request, object_id):
        """Split a target among the sub-organisations of its organisation."""
        target = self.get_object(request, object_id)  # 404 outside the account's subtree
        if request.method == "POST" and not self.has_change_permission(request, target):
            raise PermissionDenied
        if not self.has_view_permission(request, target):
            raise PermissionDenied
        # The sub-organisations active at some time in the target's period.
        children = list(
            scoped(PartyOrganization.objects.filter(parent=target.organization), request)
            .filter(founded_on__lte=datetime.date(target.last_year, 12, 31))
            .exclude(ended_on__lte=datetime.date(target.first_year, 1, 1))
            .order_by("path")
        )
        existing = {part.organization_id: part for part in target.parts.all()}
        form = SplitForm(request.POST or None, children=children, parts=existing)
        if request.method == "POST" and form.is_valid():
            try:
                check = services.target_split(target=target, parts=form.parts(), by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, gettext("The target's parts were saved."))
                for warning in check.warnings:
                    messages.warning(request, warning)
                return HttpResponseRedirect(
                    reverse("admin:reports_target_change", args=[target.pk])
                )
        check = services.split_check(target)
        context = self._context(
            request,
            _("Split a target among sub-organisations"),
            target=target,
            form=form,
            rows=[
                (child, form[f"part_{child.pk}_min"], form[f"part_{child.pk}_max"])
                for child in children
            ],
            check=check,
            may_change=self.has_change_permission(request, target),
            original=target,
        )
        return TemplateResponse(request, "admin/reports/target/split.html", context)

    def import_view(self, request):
        """Upload a sheet and see its preview (nothing written); confirm to import it."""
        if not self._may_write(request):
            raise PermissionDenied
        uploads = request.session.setdefault(SESSION_KEY, {})
        form = TargetImportForm(request.POST or None, request.FILES or None)
        context = self._context(request, _("Import targets"), form=form)
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request, uploads)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            try:
                outcome = target_list_import(
                    source=upload.read(),
                    file_name=upload.name,
                    by=request.user,
                    dry_run=True,
                    shown=SHOWN,
                )
            except ImportRefused as error:
                form.add_error("import_file", str(error))
            else:
                upload.seek(0)
                token = secrets.token_urlsafe(16)
                for old in list(uploads)[:-4]:  # a few previews open at once, no more
                    previews.remove(uploads.pop(old)["upload"])
                uploads[token] = {
                    "upload": previews.save(upload),
                    "file_name": upload.name,
                    "user": request.user.pk,
                }
                request.session.modified = True
                context.update(
                    outcome=outcome, token=token, valid_rows=outcome.created + outcome.updated
                )
        return TemplateResponse(request, "admin/reports/target/import.html", context)

    def _confirm(self, request, uploads):
        token = request.POST.get("token", "")
        upload = uploads.get(token) if isinstance(token, str) else None
        if upload is None or upload.get("user") != request.user.pk:
            raise Http404(gettext("No such import."))
        try:
            source = previews.path(upload["upload"]).read_bytes()
        except (OSError, ValueError):
            uploads.pop(token, None)
            request.session.modified = True
            messages.error(
                request,
                gettext(
                    "This preview is no longer available (it expired or "
                    "was cancelled): upload the file again."
                ),
            )
            return HttpResponseRedirect(reverse("admin:reports_target_import"))
        try:
            outcome = target_list_import(
                source=source,
                file_name=upload["file_name"],
                by=request.user,
                skip_invalid=request.POST.get("skip_invalid") == "on",
            )
        except ImportRefused as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:reports_target_import"))
        finally:
            previews.remove(upload["upload"])
            uploads.pop(token, None)
            request.session.modified = True
        if outcome.written:
            messages.success(
                request, gettext("Targets imported: %(summary)s.") % {"summary": outcome.summary}
            )
        else:
            messages.error(
                request,
                gettext("%(count)s invalid rows: nothing was written.")
                % {"count": grouped(outcome.invalid)},
            )
        return HttpResponseRedirect(reverse("admin:reports_target_changelist"))


class CopyYearForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("organisation"), queryset=None)
    year = forms.IntegerField(label=_("year"), min_value=1931, max_value=2999)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = scoped(
            PartyOrganization.objects.order_by("path"), request
        )
        profile = staff_profile(request.user)
        if profile is not None:
            self.fields["organization"].initial = profile.organization_id
        self.fields["year"].initial = timezone.localdate().year
        self.fields["year"].help_text = _("The targets of the year before are copied into it.")


class SplitForm(forms.Form):
    def __init__(self, *args, children, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.children = children
        for child in children:
            part = parts.get(child.pk)
            for suffix, label, bound in (
                ("min", _("minimum"), "minimum"),
                ("max", _("maximum"), "maximum"),
            ):
                self.fields[f"part_{child.pk}_{suffix}"] = forms.DecimalField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_digits=12,
                    decimal_places=2,
                    initial=getattr(part, bound) if part else None,
                )

    def parts(self):
        return [
            (
                child,
                self.cleaned_data[f"part_{child.pk}_min"],
                self.cleaned_data[f"part_{child.pk}_max"],
            )
            for child in self.children
        ]


class TargetImportForm(forms.Form):
    import_file = forms.FileField(
        label=_("Sheet to import"),
        help_text=_(
            "CSV or Excel .xlsx. Columns: organisation code, figure (its label or key), period "
            "(2025, 2020-2025, mỗi năm 2025-2030), minimum, maximum, unit, and the document "
            "(number; for a new one its date, issuing body and title)."
        ),
    )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > upload_limit():
            raise forms.ValidationError(too_large_message())
        return upload


__all__ = ["SourceDocumentAdmin", "TargetAdmin"]
