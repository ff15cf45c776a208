from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from kcn_party.dates import NamedDateField
from organizations import selectors, services
from organizations.admin.base import (
    ExportMixin,
    FewChoicesFilter,
    ListRelationsChangeList,
    ScopedModelAdmin,
    ScopedTabularInline,
    VerboseModelResource,
    verbose_columns,
)
from organizations.admin.imports import (
    EnterpriseImportMixin,
    ImportedRecordMixin,
    NotInImportFilter,
)
from organizations.imports.resource import LIST_COLUMNS
from organizations.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseLink,
    EnterpriseState,
    EnterpriseStatus,
    WorkforceSnapshot,
    Zone,
)


@admin.register(Zone)
class ZoneAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "province", "committee", "enterprise_count"]
    list_filter = ["kind", "province"]
    list_select_related = ["committee"]
    search_fields = ["name", "province", "management_board"]
    autocomplete_fields = ["committee"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(enterprise_total=Count("enterprises"))
            .order_by("province", "name")  # GROUP BY drops Meta.ordering
        )

    @admin.display(description=_("enterprises"), ordering="enterprise_total")
    def enterprise_count(self, obj):
        return obj.enterprise_total


class ZoneFilter(FewChoicesFilter):
    """The zones of the account's subtree: a province's dozen, not the nation's 720."""

    def offered(self, request):
        zones = Zone.objects.visible_to(request.user).order_by("province", "name", "pk")
        return zones.values_list("pk", "name")


class WorkforceSnapshotInline(ScopedTabularInline):
    model = WorkforceSnapshot
    fields = ["counted_on", "workers", "source"]


@verbose_columns
class EnterpriseResource(VerboseModelResource):
    # A number in XLSX; "1.260" in CSV, the Vietnamese way, which imports back.
    workers = fields.Field(
        attribute="latest_workers", column_name=_("workers"), widget=widgets.IntegerWidget()
    )

    class Meta:
        model = Enterprise
        fields = list(LIST_COLUMNS)
        export_order = fields


# --- status and ownership, dated ---------------------------------------------------------------


class EnterpriseActionForm(helpers.ActionForm):
    """The list's action bar, with the date the status actions record (read by the action,
    which says in Vietnamese what is wrong with it: an invalid field here would only make
    Django answer "No action selected")."""

    changed_on = forms.CharField(
        label=_("as of (dd/mm/yyyy; blank: today)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"size": 10, "placeholder": "dd/mm/yyyy"}),
    )


def _action_date(request):
    raw = request.POST.get("changed_on", "").strip()
    if not raw:
        return timezone.localdate()
    return NamedDateField(label=_("date of the status change"), localize=True).clean(raw)


def _set_status(modeladmin, request, queryset, status):
    try:
        on = _action_date(request)
        changed = services.enterprises_set_status(enterprises=queryset, status=status, on=on)
    except ValidationError as error:
        modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        return
    label = EnterpriseStatus(status).label
    modeladmin.message_user(
        request,
        gettext("%(count)s enterprises marked %(status)s.") % {"count": changed, "status": label}
        + " "
        + gettext("As of %(date)s.") % {"date": date_format(on, "SHORT_DATE_FORMAT")},
        messages.SUCCESS,
    )


@admin.action(description=_("Mark selected enterprises suspended"), permissions=["change"])
def mark_suspended(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, EnterpriseStatus.SUSPENDED)


@admin.action(description=_("Mark selected enterprises closed"), permissions=["change"])
def mark_closed(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, EnterpriseStatus.CLOSED)


@admin.action(description=_("Mark selected enterprises active"), permissions=["change"])
def mark_active(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, EnterpriseStatus.ACTIVE)


class EnterpriseForm(forms.ModelForm):
    changed_on = NamedDateField(
        label=_("date of the change of status or ownership"),
        required=False,
        help_text=_(
            "When the status or the ownership type changes: the day it took effect (blank: "
            "today). Earlier values stay in the history below."
        ),
    )

    class Meta:
        model = Enterprise
        fields = [
            "tax_code",
            "name",
            "zone",
            "ownership",
            "status",
            "investor_country",
            "sector",
            "licensed_on",
            "address",
            "legal_representative",
        ]

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk and not self.errors:
            try:
                services.enterprise_change_check(
                    enterprise=self.instance,
                    on=self.cleaned_data.get("changed_on") or timezone.localdate(),
                )
            except ValidationError as error:
                self._update_errors(error)


@admin.register(Enterprise)
class EnterpriseAdmin(ImportedRecordMixin, EnterpriseImportMixin, ExportMixin, ScopedModelAdmin):
    form = EnterpriseForm
    action_form = EnterpriseActionForm
    resource_classes = [EnterpriseResource]
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    list_display = ["name", "tax_code", "zone", "ownership", "workers", "status"]
    list_filter = [
        ("zone", ZoneFilter),
        "ownership",
        "status",
        NotInImportFilter,
    ]
    list_select_related = ["zone"]
    show_full_result_count = False  # one count of the list, not a second of every record
    search_fields = ["tax_code", "name", "legal_representative"]
    autocomplete_fields = ["zone"]
    inlines = [WorkforceSnapshotInline]
    actions = [mark_suspended, mark_closed, mark_active]
    readonly_fields = ["created_at", "updated_at", "created_by", "last_changed_by"]
    import_record_model = EnterpriseImport
    fieldsets = [
        (None, {"fields": ["tax_code", "name", "zone", "ownership", "status", "changed_on"]}),
        (
            _("Details"),
            {
                "fields": [
                    "investor_country",
                    "sector",
                    "licensed_on",
                    "address",
                    "legal_representative",
                ]
            },
        ),
        (
            _("Record"),
            {"fields": ["created_at", "updated_at", "created_by", "last_changed_by"]},
        ),
    ]

    def get_changelist(self, request, **kwargs):
        return ListRelationsChangeList  # the list shows the zone, not the imports

    def get_queryset(self, request):
        # The imports named on an enterprise's page come with it, not one query each.
        return (
            super()
            .get_queryset(request)
            .with_latest_workers()
            .select_related("zone", "created_by_import", "last_changed_by_import")
        )

    @admin.display(description=_("workers"), ordering="latest_workers")
    def workers(self, obj):
        return obj.latest_workers

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.has_change_permission(request, obj):
            return fieldsets
        # A new enterprise's history starts at its licence date; an account that only looks
        # changes nothing.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "changed_on"]})
            for name, options in fieldsets
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["enterprise_states"] = EnterpriseState.objects.filter(enterprise=obj).order_by(
                "-valid_from"
            )
            # The organisations serving it that the account sees, now and before.
            context["party_links"] = (
                EnterpriseLink.objects.visible_to(request.user)
                .filter(enterprise=obj)
                .select_related("organization")
                .order_by("-started_on", "organization__name")
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        services.enterprise_save(enterprise=obj, changed_on=form.cleaned_data.get("changed_on"))
        undecided = selectors.unit_types_undecided(enterprises=[obj]) if change else []
        if undecided:
            self.message_user(
                request,
                ngettext(
                    "%(names)s now serves enterprises of different types: choose its unit type.",
                    "%(names)s now serve enterprises of different types: choose their unit types.",
                    len(undecided),
                )
                % {"names": ", ".join(o.name for o in undecided)},
                messages.WARNING,
            )
