from __future__ import annotations

from contextlib import suppress

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export import admin as import_export_admin
from import_export import resources
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm

from organizations.imports.values import neutralise_formula


def scoped(queryset, request):
    """Narrow any queryset to what the requesting account may see (see organizations.access)."""
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(request.user)
    return queryset


class ScopedMixin:
    """Lists, forms, choices and autocompletes show only the account's subtree."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = scoped(db_field.remote_field.model._default_manager.all(), request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = scoped(db_field.remote_field.model._default_manager.all(), request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class NotFoundOutsideMixin:
    """Django's admin redirects with "perhaps it was deleted"; an object outside the account's
    subtree must not even be admitted to exist: 404."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such record."))
        return obj


class ScopedModelAdmin(NotFoundOutsideMixin, ScopedMixin, admin.ModelAdmin):
    list_per_page = 50


class ScopedTabularInline(ScopedMixin, admin.TabularInline):
    extra = 0


class ActiveListFilter(admin.SimpleListFilter):
    """Active or ended, by `ended_on`."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("ended", _("Ended"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(ended_on__isnull=True)
        if self.value() == "ended":
            return queryset.filter(ended_on__isnull=False)
        return queryset


class VerboseModelResource(resources.ModelResource):
    """Exports headed by the columns' translated names, capitalised as staff read them."""

    def get_export_headers(self, selected_fields=None):
        return [capfirst(force_str(f.column_name)) for f in self.get_export_fields(selected_fields)]


def verbose_columns(resource_class):
    """Class decorator: columns named by the model's (translated) verbose names. It works on
    the class because the export page lists the class's fields."""
    opts = resource_class._meta.model._meta
    for field in resource_class.fields.values():
        if field.column_name == field.attribute:
            with suppress(FieldDoesNotExist):
                field.column_name = opts.get_field(field.attribute).verbose_name
    return resource_class


class ExportForm(SelectableFieldsExportForm):
    def _get_field_label(self, resource, field_name: str) -> str:
        # The column as it will stand in the file, not the attribute's English name.
        field = resource.fields.get(field_name)
        return capfirst(force_str(field.column_name)) if field else field_name


class FormulaSafeMixin:
    """django-import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a leading "="
    (and turns every cell into text); cells beginning with + - @ still run in Excel. This
    neutralises all four with an apostrophe that the enterprise import takes back (see
    `neutralise_formula`), and keeps numbers numbers."""

    def _escape_formulae(self, dataset):
        for index, row in enumerate(dataset):
            dataset[index] = [neutralise_formula(cell) for cell in row]


class SafeCSV(FormulaSafeMixin, CSV):
    pass


class SafeXLSX(FormulaSafeMixin, XLSX):
    pass


class ExportMixin(import_export_admin.ExportMixin):
    """CSV and XLSX exports of what the list shows (so of the account's subtree only: the
    export reads the admin's scoped queryset), with Vietnamese column names and no cell that
    a spreadsheet would run as a formula."""

    export_form_class = ExportForm
    export_formats = [SafeCSV, SafeXLSX]
    # CSV as UTF-8 with a BOM: without it Excel reads the file in the machine's ANSI code page
    # and the Vietnamese comes out garbled. The enterprise import reads either.
    to_encoding = "utf-8-sig"

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # As django-import-export's, but native values (numbers, dates) go to every binary
        # format: it recognises only its own classes, and SafeXLSX is a subclass.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=file_format.is_binary(), **kwargs
        )
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data


class KnownChoiceAutocomplete(AutocompleteSelect):
    """An autocomplete that shows the record a row already holds without asking the database
    again for every row of an inline (the rows come with it, by select_related)."""

    known: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not selected or not selected <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in sorted(selected):
            options.append(self.create_option(name, pk, self.known[pk], selected, len(options)))
        return [(None, options, 0)]


class KnownChoicesForm(forms.ModelForm):
    """Gives each KnownChoiceAutocomplete the record the instance already holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cached = self.instance._state.fields_cache
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            related = cached.get(name)
            if isinstance(widget, KnownChoiceAutocomplete) and related is not None:
                widget.known = {str(related.pk): field.label_from_instance(related)}


class KnownChoicesInlineMixin:
    """An inline whose autocomplete fields read their records with the rows, in one query:
    name them in `autocomplete_fields`; they are also select_related."""

    form = KnownChoicesForm

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.autocomplete_fields)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = KnownChoiceAutocomplete(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
