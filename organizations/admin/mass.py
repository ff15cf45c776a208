from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from import_export import fields

from organizations import services
from organizations.admin.base import (
    ActiveListFilter,
    ExportMixin,
    ScopedModelAdmin,
    ScopedTabularInline,
    VerboseModelResource,
    verbose_columns,
)
from organizations.models import MassOrganization, MembershipCount


class MembershipCountInline(ScopedTabularInline):
    model = MembershipCount
    fields = ["counted_on", "members", "recruited"]


@verbose_columns
class MassOrganizationResource(VerboseModelResource):
    tax_code = fields.Field(attribute="enterprise__tax_code", column_name=_("tax code"))
    members = fields.Field(attribute="latest_members", column_name=_("members"))

    class Meta:
        model = MassOrganization
        fields = [
            "name",
            "kind",
            "enterprise",
            "tax_code",
            "founded_on",
            "founding_decision_no",
            "members",
            "ended_on",
        ]
        export_order = fields


@admin.register(MassOrganization)
class MassOrganizationAdmin(ExportMixin, ScopedModelAdmin):
    resource_classes = [MassOrganizationResource]
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
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_latest_count()

    @admin.display(description=_("members"), ordering="latest_members")
    def members(self, obj):
        return obj.latest_members

    def save_model(self, request, obj, form, change):
        for warning in services.mass_organization_save(organization=obj):
            messages.warning(request, warning)
