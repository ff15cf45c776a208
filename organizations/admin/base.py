from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import connection, models
from django.forms.models import InlineForeignKeyField
from django.http import Http404, HttpResponseRedirect
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.text import capfirst, smart_split
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import admin as import_export_admin
from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm

from kcn_party.dates import NamedDateField
from kcn_party.folding import fold
from organizations import access
from organizations.admin.counting import EstimatedCountMixin
from organizations.admin.trail import TrailHistoryMixin
from organizations.imports.values import neutralise_formula


def scoped(queryset, request):
    """Narrow any queryset to what the requesting account may see; a model without a scope is
    refused, not shown whole (see organizations.access.visible)."""
    return access.visible(queryset, request.user)


# A search is a few words; hundreds of them (each one more condition) overflow SQLite's parser.
SEARCH_MAX_WORDS = 10
SEARCH_MAX_LENGTH = 200


def has_nul(value) -> bool:
    """PostgreSQL refuses a NUL byte in any text, so a query that carries one fails there."""
    return "\x00" in str(value)


def record_id(field, value) -> int | str | None:
    """`value` as a key of the records `field` (a relation) points at, or None when it cannot
    be one: not a number, or beyond the column's range."""
    return key_of(field.target_field, value)


def key_of(target, value) -> int | str | None:
    """`value` as a value of the key column `target`, or None when it cannot be one."""
    try:
        key = target.to_python(value)
    except ValidationError:
        return None
    if isinstance(key, int):
        low, high = connection.ops.integer_field_range(target.get_internal_type())
        if (low is not None and key < low) or (high is not None and key > high):
            return None
    return None if key in (None, "") or has_nul(key) else key


def _folded(model, name: str) -> str:
    if name[:1] in "^=@" or "__" in name and name.rsplit("__", 1)[1] in _LOOKUPS:
        return name
    try:
        field = get_fields_from_path(model, name)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return name
    if isinstance(field, models.CharField | models.TextField) and not field.choices:
        return f"{name}__folded__contains"
    return name


_LOOKUPS = {"exact", "iexact", "contains", "icontains", "startswith", "istartswith", "folded"}


class OddQueryMixin:
    """Whatever is typed into a URL — a list's search and filters, an add page's prefill —
    gives the list or the form with a message, never a 500: a NUL byte (which PostgreSQL
    refuses in any text), ids that are no number or beyond any id, dates of year 99999,
    hundreds of words."""

    def get_search_results(self, request, queryset, search_term):
        if has_nul(search_term):
            return queryset.none(), False  # no text on record holds one
        words = list(smart_split(search_term))
        if len(words) > SEARCH_MAX_WORDS or len(search_term) > SEARCH_MAX_LENGTH:
            search_term = " ".join(words[:SEARCH_MAX_WORDS])[:SEARCH_MAX_LENGTH]
            if not request.path.endswith("/autocomplete/"):
                messages.warning(
                    request,
                    _("Only the first %(words)d words (%(length)d characters) were searched.")
                    % {"words": SEARCH_MAX_WORDS, "length": SEARCH_MAX_LENGTH},
                )
        # As Vietnamese is typed: "dinh tram" finds "KCN Đình Trám" (kcn_party.folding).
        return super().get_search_results(request, queryset, fold(search_term))

    def get_search_fields(self, request):
        """Each text column searched without tones, marks or case: `name` is searched as
        `name__folded__contains`, with the term folded the same way; numbers and fields with
        a lookup of their own (^code, =id) as they are."""
        return [_folded(self.model, name) for name in super().get_search_fields(request)]

    def response_action(self, request, queryset):
        # Django filters the selection by whatever was posted: "abc" or a NUL byte there was
        # a 500. A selection that names no record is refused whole: nothing is done.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(key_of(self.opts.pk, value) is None for value in selected):
            messages.warning(
                request, _("The selection names records that do not exist: nothing was done.")
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def get_changelist_instance(self, request):
        # Django answers filters it cannot read with the whole list (a redirect to ?e=1);
        # these ones it lets through to a 500.
        try:
            if any(
                has_nul(key) or any(map(has_nul, values)) for key, values in request.GET.lists()
            ):
                raise IncorrectLookupParameters("NUL byte")
            try:
                return super().get_changelist_instance(request)
            except OverflowError as error:  # a year beyond any date, in the date hierarchy
                raise IncorrectLookupParameters(error) from error
        except IncorrectLookupParameters:
            messages.warning(
                request,
                _("The list could not be filtered as the address asks; it is shown whole."),
            )
            raise

    def get_changeform_initial_data(self, request):
        """The prefill an "add" link gives: a related record's id is kept only when it can be
        one, and text only without a NUL byte; anything else typed into the URL is dropped."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                field = None
            values = value if isinstance(value, list) else [value]
            if any(has_nul(v) for v in values):
                del initial[name]
            elif field is not None and field.is_relation and field.concrete:
                keys = [record_id(field, v) for v in values]
                if None in keys:
                    del initial[name]
        return initial


class KnownKeysMixin:
    """An autocomplete re-shown with what was posted looks up only values that can be keys:
    Django's asks the database for whatever came, and "abc" or a 30-digit number there raise
    (ValueError, OverflowError) instead of leaving the field empty with its error."""

    def optgroups(self, name, value, attr=None):
        value = [v for v in value if v in (None, "") or record_id(self.field, v) is not None]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(KnownKeysMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(KnownKeysMixin, AutocompleteSelectMultiple):
    pass


class ScopedMixin:
    """Lists, forms, choices and autocompletes show only the account's subtree."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request)

    def _scoped_relation(self, db_field, request, kwargs: dict, autocomplete) -> dict:
        """The choices of a relation narrowed to the account's subtree, and its autocomplete
        (when it has one) safe from values that cannot be keys."""
        if "queryset" not in kwargs:
            kwargs["queryset"] = scoped(db_field.remote_field.model._default_manager.all(), request)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = autocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return kwargs

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A date typed wrong is named by its field in the message (kcn_party.dates).
        if isinstance(db_field, models.DateField) and not isinstance(
            db_field, models.DateTimeField
        ):
            kwargs.setdefault("form_class", NamedDateField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scoped_relation(db_field, request, kwargs, SafeAutocompleteSelect)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scoped_relation(db_field, request, kwargs, SafeAutocompleteSelectMultiple)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class InlineForm(forms.ModelForm):
    """An inline's row, checked against the database's unique constraints that name the
    record it belongs to. Django leaves that foreign key out of the constraint checks (it is
    excluded from field validation), so a tampered form that posts an existing row as a new
    one (INITIAL_FORMS lowered) reached the database and its IntegrityError: a 500."""

    def validate_unique(self):
        super().validate_unique()
        exclude = self._get_validation_exclusions()
        own_keys = {
            name for name, field in self.fields.items() if isinstance(field, InlineForeignKeyField)
        }
        for constraint in self.instance._meta.total_unique_constraints:
            if own_keys & set(constraint.fields):
                try:
                    constraint.validate(type(self.instance), self.instance, exclude=exclude)
                except ValidationError as error:
                    self._update_errors(error)


class NotFoundOutsideMixin:
    """Django's admin redirects with "perhaps it was deleted"; an object outside the account's
    subtree must not even be admitted to exist: 404."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such record."))
        return obj


class ListRelationsChangeList(ChangeList):
    """A list that reads the relations its columns show (`list_select_related`) and not the
    ones the admin's queryset reads for the change page: each join of a subtree's list is
    made for every row of the subtree before the page is sorted out of them."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # Django keeps the admin queryset's select_related when it has one.
        if isinstance(self.list_select_related, (list, tuple)):
            return queryset.select_related(None).select_related(*self.list_select_related)
        return queryset


class PlainCheckboxMixin:
    """The list's selection box of each row, as Django's markup, without rendering a form
    widget through the template engine for each of the 50 rows: that was a third of the
    time a list took to render."""

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


class ListWritesMixin:
    """A POST to a list is a write (an action on the rows chosen, or the rows edited in
    place). Django answers an account that may not write there with the list again ("No
    action selected"); it is refused with 403, as every other write of a role that may only
    look is (a leader), before anything is read of what was posted."""

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and not (
            self.has_change_permission(request) or self.has_delete_permission(request)
        ):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)


class ScopedModelAdmin(
    TrailHistoryMixin,
    ListWritesMixin,
    EstimatedCountMixin,
    PlainCheckboxMixin,
    OddQueryMixin,
    NotFoundOutsideMixin,
    ScopedMixin,
    admin.ModelAdmin,
):
    list_per_page = 50


class ScopedTabularInline(ScopedMixin, admin.TabularInline):
    form = InlineForm
    extra = 0


class FewChoicesFilter(admin.RelatedFieldListFilter):
    """A relation's filter listing the records of the account's subtree (`offered`), when a
    sidebar can hold them (a committee's few hundred). A province's or the nation's thousands
    are not listed, nor read from every row of the list (the admin's
    RelatedOnlyFieldListFilter reads the rows' distinct values: a tenth of a second to a
    second on a national list): narrow those by the search."""

    MOST = 300

    def offered(self, request):
        """The (pk, name) pairs offered, in order."""
        raise NotImplementedError

    def field_choices(self, field, request, model_admin):
        offered = list(self.offered(request)[: self.MOST + 1])
        return [] if len(offered) > self.MOST else offered


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
    """Class decorator: columns named by the model's (translated) verbose names, a choice
    exported as its label and a related record as its name, as staff read them on the pages.
    It works on the class because the export page lists the class's fields."""
    opts = resource_class._meta.model._meta
    for name, field in list(resource_class.fields.items()):
        if field.column_name != name:
            continue  # declared with a column of its own
        try:
            model_field = opts.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.choices:
            field = fields.Field(attribute=f"get_{name}_display")
        elif model_field.many_to_one:
            field = fields.Field(attribute=f"{name}__name")
        field.column_name = model_field.verbose_name
        resource_class.fields[name] = field
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


class KnownChoiceAutocomplete(SafeAutocompleteSelect):
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


class KnownChoicesForm(InlineForm):
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
