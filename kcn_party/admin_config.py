"""django.contrib.admin with the project's site (kcn_party/admin_site.py) as `admin.site`:
INSTALLED_APPS names this config. Apart from the site, which Django imports once the apps are
loaded: this module is imported before, when no model may be."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "kcn_party.admin_site.AdminSite"
