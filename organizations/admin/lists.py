"""The record of every list import but the enterprise lists' (organisations, mass
organisations, members, ratings), read-only, and the link from each imported record to the
imports that created and last changed it (`ImportedRecordMixin`, for any app's admin)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from organizations.admin.base import ScopedModelAdmin
from organizations.models import ListImport


@admin.register(ListImport)
class ListImportAdmin(ScopedModelAdmin):
    """Read-only for everyone: records are written by the import services only."""

    list_display = [
        "imported_at",
        "kind",
        "file_name",
        "imported_by_name",
        "channel",
        "created",
        "updated",
        "unchanged",
        "invalid",
    ]
    list_filter = ["kind", "channel"]
    search_fields = ["file_name", "sha256", "imported_by_name"]
    date_hierarchy = "imported_at"
    fields = [
        "kind",
        "imported_at",
        "imported_by_name",
        "organization",
        "channel",
        "file_name",
        "sha256",
        "read_as",
        ("created", "updated", "unchanged", "invalid"),
    ]
    readonly_fields = [
        "kind",
        "imported_at",
        "imported_by_name",
        "organization",
        "channel",
        "file_name",
        "sha256",
        "read_as",
        "created",
        "updated",
        "unchanged",
        "invalid",
    ]
    list_select_related = ["organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ImportedRecordMixin:
    """For the admin of a model that inherits `ImportedRecord`: add "created_by" and
    "last_changed_by" to its `readonly_fields` (and fields). Each names the import, linked to
    its record when the account may open it; a list that also wrote another committee's
    records is named without a link, which would answer 404 (see `ListImport.in_scope`)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            ids = {obj.created_by_import_id, obj.last_changed_by_import_id} - {None}
            obj.visible_list_imports = (
                set(
                    ListImport.objects.visible_to(request.user)
                    .filter(pk__in=ids)
                    .values_list("pk", flat=True)
                )
                if ids
                else set()
            )
        return obj

    def _list_import_link(self, obj, record):
        if record is None:
            return "—"
        when = date_format(localtime(record.imported_at), "SHORT_DATETIME_FORMAT")
        if record.pk not in getattr(obj, "visible_list_imports", ()):
            return f"#{record.pk} {record.file_name} ({when})"
        url = reverse("admin:organizations_listimport_change", args=[record.pk])
        return format_html('<a href="{}">#{} {} ({})</a>', url, record.pk, record.file_name, when)

    @admin.display(description=_("created by import"))
    def created_by(self, obj):
        return self._list_import_link(obj, obj.created_by_import)

    @admin.display(description=_("last changed by import"))
    def last_changed_by(self, obj):
        return self._list_import_link(obj, obj.last_changed_by_import)


__all__ = ["ImportedRecordMixin", "ListImportAdmin"]
