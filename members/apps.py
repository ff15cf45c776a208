from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Party members")

    # What the roles work on (see organizations.access.DECLARATIONS).
    data_models = (
        "Member",
        "MemberEvent",
        "Candidate",
        "AwarenessClass",
        "AwarenessParticipant",
        "TheoryClass",
        "TheoryParticipant",
        "StudySession",
        "MemberRating",
        "OrganizationRating",
    )
    # An event or a participant recorded by mistake (members.services checks that the rest of
    # the member's timeline still fits).
    deletable_models = ("MemberEvent", "AwarenessParticipant", "TheoryParticipant")
    # Read by administrators only: who saw members' personal details (members.privacy).
    admin_record_models = ("PersonalDataLog",)
    # Granted to staff and administrators, not to leaders: see the personal details.
    staff_permissions = ("view_personal_details",)

    def ready(self):
        # organizations never imports members: it is given, here, the check that no member is
        # still counted in an organisation that ends.
        from members.guards import members_still_counted
        from organizations import services

        services.register_end_check(members_still_counted)
