from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organisations and enterprises")

    # What the roles work on (see organizations.access.DECLARATIONS). StaffProfile is not
    # here: only administrators manage accounts (their permissions are in access.py).
    data_models = (
        "Zone",
        "PartyOrganization",
        "LeadershipTerm",
        "Congress",
        "Enterprise",
        "WorkforceSnapshot",
        "MassOrganization",
        "MembershipCount",
    )
    deletable_models = ("LeadershipTerm", "Congress", "WorkforceSnapshot", "MembershipCount")
    # The dated links and the status and ownership history: written by the services when an
    # organisation's enterprises or an enterprise's status change, read by every role.
    record_models = ("EnterpriseImport", "ListImport", "EnterpriseLink", "EnterpriseState")
    # The mark that the demo was loaded into this database, which is the same for everyone.
    global_models = ("DemoLoad",)

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        import kcn_party.folding  # noqa: F401 - the `folded` lookup: search without tones
        import kcn_party.lookups  # noqa: F401 - integer `in` lookups that ignore overflowing ids
        import kcn_party.sqlite  # noqa: F401 - connects the Vietnamese-aware LIKE for SQLite
        from kcn_party import second_factor, sessions
        from organizations import access

        checks.register(access.check_scopes, checks.Tags.models)
        user_logged_in.connect(sessions.signed_in, dispatch_uid="kcn_session_started")
        user_logged_in.connect(second_factor.signed_in, dispatch_uid="kcn_second_factor")
