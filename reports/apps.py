from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    # What the roles work on (see organizations.access.DECLARATIONS): staff enter targets and
    # the documents that set them, leaders look at them. A target typed by mistake is deleted
    # (its parts with it); a document cited by a target is protected.
    data_models = ("SourceDocument", "Target")
    deletable_models = ("SourceDocument", "Target")
