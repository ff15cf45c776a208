"""The rows of the official statistical form Biểu 5 (HD 11-HD/BTCTW): an enterprise's ownership
type, and the unit type of a party organisation (models/party.py), which is the ownership of
what it serves. Its own module because both places.py and party.py need it, and places.py
imports party.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Ownership(models.TextChoices):
    """Rows of the official statistical form (Biểu 5, HD 11-HD/BTCTW)."""

    STATE = "state", _("State capital 100%")
    STATE_MAJORITY = "state_majority", _("State capital over 50%")
    # xgettext:no-python-format
    STATE_MINORITY = "state_minority", _("State capital 50% or less")
    JSC = "jsc", _("Joint-stock company")
    LLC = "llc", _("Limited liability company")
    PRIVATE = "private", _("Private enterprise")
    PARTNERSHIP = "partnership", _("Partnership")
    # xgettext:no-python-format
    FDI100 = "fdi100", _("100% foreign capital")
    JV = "jv", _("Joint venture with foreign partners")
    FDI_OTHER = "fdi", _("Other foreign-invested")
    COOPERATIVE = "coop", _("Cooperative")
    AGENCY = "agency", _("Administrative agency")
    PUBLIC_SERVICE = "public_service", _("Public service unit")


STATE_OWNERSHIP = frozenset({Ownership.STATE, Ownership.STATE_MAJORITY, Ownership.STATE_MINORITY})
# A joint venture counts as foreign-invested (Biểu 5).
FOREIGN_OWNERSHIP = frozenset({Ownership.FDI100, Ownership.JV, Ownership.FDI_OTHER})
# Non-state minus foreign-invested: the "non-state" of news reports (domain guide §9's
# "13 in non-state, 2 in FDI").
DOMESTIC_NON_STATE_OWNERSHIP = frozenset(
    {Ownership.JSC, Ownership.LLC, Ownership.PRIVATE, Ownership.PARTNERSHIP}
)
# "DN ngoài khu vực nhà nước": every non-state enterprise, FDI included. Cooperatives are a row
# of their own in Biểu 5 (issue 10's ownership groups), as are agencies and public service units.
NON_STATE_OWNERSHIP = DOMESTIC_NON_STATE_OWNERSHIP | FOREIGN_OWNERSHIP
