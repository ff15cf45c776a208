from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    # What the roles work on (see organizations.access.DECLARATIONS): staff enter targets and
    # the documents that set them, leaders look at them. A target typed by mistake is deleted
    # (its parts with it); a document cited by a target is protected. Closed periods and their
    # corrections are written only by reports.services and reports.corrections; every role
    # looks at them, and the admin lets a committee's staff close and the body above reopen
    # through those services.
    data_models = ("SourceDocument", "Target")
    deletable_models = ("SourceDocument", "Target")
    record_models = ("ClosedPeriod", "Correction")

    def ready(self):
        # The records' writes tell which closed periods they correct (reports.corrections);
        # members and organizations never import reports.
        from reports import corrections, summary_marks

        corrections.connect()
        # And which kept figures (reports.summary) they make stale.
        summary_marks.connect()
