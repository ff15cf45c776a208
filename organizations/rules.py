"""Size rules that give warnings, not errors (domain guide §3–4).

The thresholds live in settings.PARTY_RULES because the statute's implementing rules changed
them over the years; a committee may also hold an exception decision.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from organizations.models import MassKind, MassOrganization, OrganizationKind, PartyOrganization
from organizations.models.party import CELL_KINDS


def organization_warnings(organization: PartyOrganization) -> list[str]:
    rules = settings.PARTY_RULES
    members = organization.founding_members
    if members is None:
        return []
    warnings = []
    cell_min = rules["CELL_MIN_FOUNDING_MEMBERS"]
    committee_min = rules["GRASSROOTS_COMMITTEE_MIN_MEMBERS"]
    if organization.kind in CELL_KINDS and members < cell_min:
        warnings.append(
            _(
                "A cell needs at least %(min)d official members to be founded; %(name)s has "
                "%(count)d. Members of a smaller unit are usually placed in a nearby cell."
            )
            % {"min": cell_min, "name": organization.name, "count": members}
        )
    if organization.size_exception_decision:
        return warnings
    if organization.kind == OrganizationKind.GRASSROOTS_COMMITTEE and members < committee_min:
        warnings.append(
            _(
                "%(name)s has %(count)d members: below %(min)d an organisation is normally a "
                "grassroots cell. Record the exception decision if there is one."
            )
            % {"min": committee_min, "name": organization.name, "count": members}
        )
    if organization.kind == OrganizationKind.GRASSROOTS_CELL and members >= committee_min:
        warnings.append(
            _(
                "%(name)s has %(count)d members: from %(min)d an organisation is normally a "
                "grassroots committee. Record the exception decision if there is one."
            )
            % {"min": committee_min, "name": organization.name, "count": members}
        )
    return warnings


def mass_organization_warnings(organization: MassOrganization) -> list[str]:
    minimum = settings.PARTY_RULES["TRADE_UNION_MIN_FOUNDING_MEMBERS"]
    members = organization.founding_members
    if organization.kind == MassKind.TRADE_UNION and members is not None and members < minimum:
        return [
            _(
                "A grassroots trade union needs at least %(min)d members to be founded; "
                "%(name)s has %(count)d."
            )
            % {"min": minimum, "name": organization.name, "count": members}
        ]
    return []
