"""Organisations of the party and the places and enterprises they serve.

Split along the domain: the party tree (party.py), zones and enterprises (places.py), mass
organisations (mass.py), the accounts that work on them (accounts.py) and the record of
enterprise lists imported (imports.py).
"""

from organizations.models.accounts import StaffProfile
from organizations.models.imports import EnterpriseImport, ImportChannel
from organizations.models.mass import MassKind, MassOrganization, MembershipCount
from organizations.models.party import (
    EndReason,
    LeadershipRole,
    LeadershipTerm,
    OrganizationKind,
    PartyOrganization,
)
from organizations.models.places import (
    Enterprise,
    EnterpriseStatus,
    Ownership,
    WorkforceSnapshot,
    Zone,
    ZoneKind,
)

__all__ = [
    "EndReason",
    "Enterprise",
    "EnterpriseImport",
    "EnterpriseStatus",
    "ImportChannel",
    "LeadershipRole",
    "LeadershipTerm",
    "MassKind",
    "MassOrganization",
    "MembershipCount",
    "OrganizationKind",
    "Ownership",
    "PartyOrganization",
    "StaffProfile",
    "WorkforceSnapshot",
    "Zone",
    "ZoneKind",
]
