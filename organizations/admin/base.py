from __future__ import annotations

from contextlib import suppress

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export import resources


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


class ScopedModelAdmin(ScopedMixin, admin.ModelAdmin):
    list_per_page = 50

    def get_object(self, request, object_id, from_field=None):
        # Django's admin redirects with "perhaps it was deleted"; an object outside the
        # account's subtree must not even be admitted to exist.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such record."))
        return obj


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
    """Exports with the translated names of the columns, as staff read them."""

    def get_export_headers(self, selected_fields=None):
        opts = self._meta.model._meta
        headers = []
        for field in self.get_export_fields(selected_fields):
            name = field.column_name
            if name == field.attribute:
                with suppress(FieldDoesNotExist):
                    name = opts.get_field(field.attribute.split("__")[0]).verbose_name
            headers.append(capfirst(force_str(name)))
        return headers
