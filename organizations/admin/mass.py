from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from organizations import services
from organizations.admin.base import (
    ActiveListFilter,
    ExportMixin,
    ScopedModelAdmin,
    ScopedTabularInline,
)
from organizations.admin.lists import ImportedRecordMixin, MassListImportMixin, list_resource
from organizations.imports.mass import MASS_ORGANIZATIONS
from organizations.models import MassOrganization, MembershipCount
from organizations.models.dated import latest_count


class MembershipCountInline(ScopedTabularInline):
    model = MembershipCount
    fields = ["counted_on", "members", "recruited"]


# "Xuất": the columns of the mass organisation list, with the newest count, so that an export
# imports back unchanged.
MassOrganizationResource = list_resource(
    MASS_ORGANIZATIONS,
    {
        "tax_code": "enterprise__tax_code",
        "members": "latest_members",
        "counted_on": "latest_members_on",
        "recruited": "latest_recruited",
    },
    "MassOrganizationResource",
)


@admin.register(MassOrganization)
class MassOrganizationAdmin(
    ImportedRecordMixin, MassListImportMixin, ExportMixin, ScopedModelAdmin
):
    resource_classes = [MassOrganizationResource]
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    import_kind = MASS_ORGANIZATIONS
    sample_row = {
        "tax_code": "2400000110",
        "kind": "Công đoàn cơ sở",
        "name": "Công đoàn cơ sở Công ty TNHH Điện tử Quang Châu",
        "founded_on": "20/05/2019",
        "founding_decision_no": "45/QĐ-CĐKCN",
        "founding_members": "120",
        "members": "1.260",
        "counted_on": "31/12/2025",
        "recruited": "85",
    }
    readonly_fields = ["created_by", "last_changed_by"]
    list_display = ["name", "kind", "enterprise", "founded_on", "members", "ended_on"]
    list_filter = ["kind", ActiveListFilter]
    list_select_related = ["enterprise"]
    search_fields = ["name", "enterprise__name", "enterprise__tax_code"]
    autocomplete_fields = ["enterprise"]
    inlines = [MembershipCountInline]
    fieldsets = [
        (None, {"fields": ["kind", "name", "enterprise"]}),
        (_("Founding"), {"fields": ["founded_on", "founding_decision_no", "founding_members"]}),
        (_("End"), {"classes": ["collapse"], "fields": ["ended_on", "end_decision_no"]}),
        (_("Record"), {"fields": ["created_by", "last_changed_by"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_latest_count()
            .annotate(
                **latest_count(MembershipCount.objects, owner="organization", value="recruited")
            )
            .select_related("enterprise", "created_by_import", "last_changed_by_import")
        )

    @admin.display(description=_("members"), ordering="latest_members")
    def members(self, obj):
        return obj.latest_members

    def save_model(self, request, obj, form, change):
        for warning in services.mass_organization_save(organization=obj):
            messages.warning(request, warning)
