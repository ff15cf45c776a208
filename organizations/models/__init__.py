"""Organisations of the party and the places and enterprises they serve.

Split along the domain: the party tree with its links to enterprises and its congresses
(party.py), the rows of Biểu 5 (ownership.py), zones and enterprises (places.py), mass
organisations (mass.py), the accounts that work on them (accounts.py), the record of
enterprise lists imported (imports.py) and of the demo data's one load (demo.py).
"""

from organizations.models.accounts import StaffProfile
from organizations.models.demo import DemoLoad
from organizations.models.imports import (
    EnterpriseImport,
    ImportChannel,
    ImportedRecord,
    ListImport,
    ListKind,
)
from organizations.models.mass import MassKind, MassOrganization, MembershipCount
from organizations.models.ownership import Ownership
from organizations.models.party import (
    Congress,
    EndReason,
    EnterpriseLink,
    FoundingReason,
    LeadershipRole,
    LeadershipTerm,
    OrganizationKind,
    PartyOrganization,
)
from organizations.models.places import (
    Enterprise,
    EnterpriseState,
    EnterpriseStatus,
    WorkforceSnapshot,
    Zone,
    ZoneKind,
)

__all__ = [
    "Congress",
    "DemoLoad",
    "EndReason",
    "Enterprise",
    "EnterpriseImport",
    "EnterpriseLink",
    "EnterpriseState",
    "EnterpriseStatus",
    "FoundingReason",
    "ImportChannel",
    "ImportedRecord",
    "LeadershipRole",
    "LeadershipTerm",
    "ListImport",
    "ListKind",
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
