"""The admin site every page is built on: Django's, with its list of apps and models (the
navigation sidebar of every page, the home page's list, an app's page) built once per request.

Django builds that list for each page in `each_context`, and the home page and an app's page
build it a second time; each build asks every model's admin for its five permissions (about a
hundred permission checks) and sorts the models by their translated names. That was a tenth of
the processor time of a plain admin page (docs/benchmarks.md, "Load")."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig

_APP_LISTS = "_kcn_app_lists"


class AdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        # The request lives for one page, its account and permissions with it.
        built = request.__dict__.setdefault(_APP_LISTS, {})
        if app_label not in built:
            built[app_label] = super().get_app_list(request, app_label)
        return built[app_label]


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with this site as `admin.site` (INSTALLED_APPS names it)."""

    default_site = "kcn_party.admin_site.AdminSite"
