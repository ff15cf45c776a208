"""The lists of issue 12 in the admin: the record of every list import but the enterprise
lists' (organisations, mass organisations, members, ratings), read-only; the link from each
imported record to the imports that created and last changed it (`ImportedRecordMixin`, for
any app's admin); "Nhập" with the enterprise import's preview (`ListImportMixin`), "Tải tệp
mẫu" (`sample_workbook`) and "Xuất" in the same columns (`list_resource`)."""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields

from organizations import access, services
from organizations.admin.base import ScopedModelAdmin, VerboseModelResource, scoped
from organizations.admin.imports import (
    SHOWN,
    EnterpriseImportMixin,
    ImportedRecordMixin,
    ReadOnlyRecordMixin,
    UploadForm,
)
from organizations.imports.columns import ImportKind
from organizations.imports.values import ChoiceWidget
from organizations.models import ImportChannel, ListImport, OrganizationKind, PartyOrganization


@admin.register(ListImport)
class ListImportAdmin(ReadOnlyRecordMixin, ScopedModelAdmin):
    """Read-only for everyone: records are written by the import services only."""

    counts = ("created", "updated", "unchanged", "invalid")
    list_display = ["imported_at", "kind", "file_name", "imported_by_name", "channel", *counts]
    list_filter = ["kind", "channel"]
    search_fields = ["file_name", "sha256", "imported_by_name"]
    date_hierarchy = "imported_at"
    fields = [
        "kind", "imported_at", "imported_by_name", "organization", "channel", "file_name",
        "sha256", "read_as", counts,
    ]  # fmt: skip
    readonly_fields = [*fields[:-1], *counts]
    list_select_related = ["organization"]


# --- Importing ------------------------------------------------------------------------------------


class ListUploadForm(UploadForm):
    help_text = _(
        "CSV (UTF-8, UTF-16 or Windows-1258; comma, semicolon or tab) or Excel .xlsx, as the "
        "committee keeps it."
    )


class OrganizationUploadForm(ListUploadForm):
    under = forms.ModelChoiceField(
        label=_("Rows without an upper organisation go under"),
        queryset=PartyOrganization.objects.none(),
        required=False,
        help_text=_("Your own committee when left blank."),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.fields["under"].queryset = scoped(
            PartyOrganization.objects.filter(
                kind__in=[OrganizationKind.PROVINCE, OrganizationKind.UPPER_GRASSROOTS,
                          OrganizationKind.GRASSROOTS_COMMITTEE,
                          OrganizationKind.PARTIAL_COMMITTEE]
            ),
            request,
        )  # fmt: skip
        if request.user.is_superuser:
            self.fields["under"].help_text = _("The top of the tree when left blank.")


class ListImportMixin(EnterpriseImportMixin):
    """ "Nhập" on a list of issue 12, with the enterprise import's preview, confirmation and
    file of invalid rows; the list's service (`list_import_service`, a name in
    `organizations.services`) does the import. Also "Tải tệp mẫu"."""

    import_template_name = "admin/organizations/list_import.html"
    import_form_class = ListUploadForm
    import_kind: ImportKind
    list_import_service = ""
    sample_row: dict[str, str] = {}

    @property
    def import_columns(self):
        # The columns the import page lists: the list's own, not the enterprise list's.
        return self.import_kind.columns

    def has_import_permission(self, request):
        opts = self.model._meta
        return request.user.has_perm(
            f"{opts.app_label}.add_{opts.model_name}"
        ) and request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import/sample/",
                self.admin_site.admin_view(self.import_sample_view),
                name="{}_{}_import_sample".format(*info),
            ),
            *super().get_urls(),
        ]

    def _options(self, form) -> dict:
        return {}

    def _record_url(self, record) -> str:
        return reverse("admin:organizations_listimport_change", args=[record.pk])

    def _run(self, request, source, options: dict, *, dry_run: bool, skip_invalid=False,
             invalid_rows=None):  # fmt: skip
        service = getattr(services, self.list_import_service)
        return service(
            source=source,
            file_name=options["file_name"],
            by=request.user,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            channel=ImportChannel.ADMIN,
            shown=SHOWN,
            invalid_rows=invalid_rows,
            **self._service_options(request, options),
        )

    def _service_options(self, request, options: dict) -> dict:
        return {}

    def _render(self, request, form, context):
        info = self.get_model_info()
        context = {**context, "sample_url": reverse("admin:{}_{}_import_sample".format(*info))}
        return super()._render(request, form, context)

    def import_sample_view(self, request):
        """ "Tải tệp mẫu": the list's columns, an example row and the allowed values (XLSX)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        content = sample_workbook(self.import_kind, self.sample_row)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"mau-{self.model._meta.model_name}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class OrganizationListImportMixin(ListImportMixin):
    import_form_class = OrganizationUploadForm
    list_import_service = "organization_list_import"
    import_title = _("Import organisation list")

    def _options(self, form) -> dict:
        under = form.cleaned_data.get("under")
        return {"under": under.pk if under else None}

    def _service_options(self, request, options: dict) -> dict:
        under = None
        if options.get("under"):
            under = (
                scoped(PartyOrganization.objects.all(), request).filter(pk=options["under"]).first()
            )
            if under is None:
                raise Http404(gettext("No such organisation."))
        elif not request.user.is_superuser:
            profile = access.staff_profile(request.user)
            under = profile.organization if profile else None
        return {"under": under}


class MassListImportMixin(ListImportMixin):
    list_import_service = "mass_organization_list_import"
    import_title = _("Import mass organisation list")


def export_heading(kind: ImportKind, key: str) -> str:
    """How the app's export heads column `key` of `kind` (one of the headings its import
    reads back: see `ImportKind.synonyms`)."""
    column = kind.by_key[key]
    return capfirst(str(column.heading or kind.model._meta.get_field(key).verbose_name))


def list_resource(kind: ImportKind, attributes: dict[str, str], name: str, *,
                  dehydrate: dict | None = None):  # fmt: skip
    """An export resource whose columns are the list's, each rendered as its import reads it
    back (codes, tax codes and dd/mm/yyyy dates as text; choices as their labels):
    `attributes` maps a column to what it reads from a record, where that is not the
    column's own attribute; `dehydrate` a column to a function (resource, record) -> cell."""
    declared: dict = {f"dehydrate_{key}": function for key, function in (dehydrate or {}).items()}
    for key in kind.list_columns:
        column = kind.by_key[key]
        declared[key] = fields.Field(
            attribute=attributes.get(key, column.target),
            column_name=export_heading(kind, key),
            widget=column.widget(),
        )

    class Meta:
        model = kind.model
        fields = list(kind.list_columns)
        export_order = fields

    return type(name, (VerboseModelResource,), {**declared, "Meta": Meta, "__module__": __name__})


def sample_workbook(kind: ImportKind, example: dict[str, str]) -> bytes:
    """An XLSX to fill in: the list's headers, one example row (every cell text, so that
    Excel keeps codes, tax codes and dates as typed), and a sheet of the allowed values of
    each column that has a fixed set."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = gettext("List")
    keys = list(kind.list_columns)
    sheet.append([export_heading(kind, key) for key in keys])
    sheet.append([example.get(key, "") for key in keys])
    for column_cells in sheet.iter_cols(min_row=1, max_row=200):
        for cell in column_cells:
            cell.number_format = "@"
    for index in range(1, len(keys) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 24
    values = book.create_sheet(gettext("Allowed values"))
    col = 1
    for key in keys:
        widget = kind.by_key[key].widget
        made = widget() if widget else None
        if not isinstance(made, ChoiceWidget):
            continue
        values.cell(row=1, column=col, value=export_heading(kind, key))
        labels = [str(label) for _value, label in made.choices.choices]
        for row, label in enumerate(labels, start=2):
            values.cell(row=row, column=col, value=label)
        col += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = [
    "ImportedRecordMixin",
    "ListImportAdmin",
    "ListImportMixin",
    "MassListImportMixin",
    "OrganizationListImportMixin",
    "list_resource",
    "sample_workbook",
]
