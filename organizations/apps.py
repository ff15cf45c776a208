from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organisations and enterprises")

    def ready(self):
        import kcn_party.lookups  # noqa: F401 - integer `in` lookups that ignore overflowing ids
        import kcn_party.sqlite  # noqa: F401 - connects the Vietnamese-aware LIKE for SQLite
