"""Organisations of the party and the places and enterprises they serve.

Split along the domain: the party tree (party.py), zones and enterprises (places.py), mass
organisations (mass.py), the accounts that work on them (accounts.py), the record of
enterprise lists imported (imports.py) and of the demo data's one load (demo.py).
"""

from organizations.models.accounts import StaffProfile
from organizations.models.demo import DemoLoad
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
    "DemoLoad",
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
