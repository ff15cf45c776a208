from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    # What the roles work on (see organizations.access.DECLARATIONS): none of its models yet.
    data_models = ()
    deletable_models = ()
