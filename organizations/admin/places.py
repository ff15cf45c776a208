from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from organizations import services
from organizations.admin.base import (
    ExportMixin,
    ScopedModelAdmin,
    ScopedTabularInline,
    VerboseModelResource,
    verbose_columns,
)
from organizations.admin.imports import (
    EnterpriseImportMixin,
    NotInImportFilter,
    mark_active,
    mark_closed,
    mark_suspended,
)
from organizations.imports.resource import LIST_COLUMNS
from organizations.models import Enterprise, EnterpriseImport, WorkforceSnapshot, Zone


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


class WorkforceSnapshotInline(ScopedTabularInline):
    model = WorkforceSnapshot
    fields = ["counted_on", "workers", "source"]


@verbose_columns
class EnterpriseResource(VerboseModelResource):
    zone = fields.Field(attribute="zone__name", column_name=_("zone"))
    ownership = fields.Field(attribute="get_ownership_display", column_name=_("ownership type"))
    status = fields.Field(attribute="get_status_display", column_name=_("status"))
    # A number in XLSX; "1.260" in CSV, the Vietnamese way, which imports back.
    workers = fields.Field(
        attribute="latest_workers", column_name=_("workers"), widget=widgets.IntegerWidget()
    )

    class Meta:
        model = Enterprise
        fields = list(LIST_COLUMNS)
        export_order = fields


@admin.register(Enterprise)
class EnterpriseAdmin(EnterpriseImportMixin, ExportMixin, ScopedModelAdmin):
    resource_classes = [EnterpriseResource]
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    list_display = ["name", "tax_code", "zone", "ownership", "workers", "status"]
    list_filter = [
        ("zone", admin.RelatedOnlyFieldListFilter),
        "ownership",
        "status",
        NotInImportFilter,
    ]
    list_select_related = ["zone"]
    search_fields = ["tax_code", "name", "legal_representative"]
    autocomplete_fields = ["zone"]
    inlines = [WorkforceSnapshotInline]
    actions = [mark_suspended, mark_closed, mark_active]
    readonly_fields = ["created_at", "updated_at", "created_by", "last_changed_by"]
    fieldsets = [
        (None, {"fields": ["tax_code", "name", "zone", "ownership", "status"]}),
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

    def get_queryset(self, request):
        # The imports named on an enterprise's page come with it, not one query each.
        return (
            super()
            .get_queryset(request)
            .with_latest_workers()
            .select_related("zone", "created_by_import", "last_changed_by_import")
        )

    def get_object(self, request, object_id, from_field=None):
        enterprise = super().get_object(request, object_id, from_field)
        # Which of its imports the account may open: a list that also covered another
        # committee's zones is named without a link to its record, which would answer 404
        # (see EnterpriseImport.visible_to).
        ids = {enterprise.created_by_import_id, enterprise.last_changed_by_import_id} - {None}
        enterprise.visible_imports = (
            set(
                EnterpriseImport.objects.visible_to(request.user)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
            if ids
            else set()
        )
        return enterprise

    def _import_link(self, obj, record):
        if record is None:
            return "—"
        when = date_format(localtime(record.imported_at), "SHORT_DATETIME_FORMAT")
        if record.pk not in getattr(obj, "visible_imports", ()):
            return f"#{record.pk} {record.file_name} ({when})"
        url = reverse("admin:organizations_enterpriseimport_change", args=[record.pk])
        return format_html('<a href="{}">#{} {} ({})</a>', url, record.pk, record.file_name, when)

    @admin.display(description=_("created by import"))
    def created_by(self, obj):
        return self._import_link(obj, obj.created_by_import)

    @admin.display(description=_("last changed by import"))
    def last_changed_by(self, obj):
        return self._import_link(obj, obj.last_changed_by_import)

    @admin.display(description=_("workers"), ordering="latest_workers")
    def workers(self, obj):
        return obj.latest_workers

    def save_model(self, request, obj, form, change):
        services.enterprise_save(enterprise=obj)
