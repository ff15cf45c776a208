"""The ownership groups the figures are split by (docs/figures.md, "Ownership groups"), and the
size bands of coverage: the values of the `group` and `band` parameters, written once."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models.ownership import (
    DOMESTIC_NON_STATE_OWNERSHIP,
    FOREIGN_OWNERSHIP,
    NON_STATE_OWNERSHIP,
    STATE_OWNERSHIP,
    Ownership,
)

# {value: (label, ownership types; None for every unit)}; the first is the default.
OWNERSHIP_GROUPS = {
    "all": (_("all"), None),
    "non_state": (_("in non-state enterprises"), NON_STATE_OWNERSHIP),
    "domestic_non_state": (_("in domestic non-state enterprises"), DOMESTIC_NON_STATE_OWNERSHIP),
    "fdi": (_("in foreign-invested enterprises"), FOREIGN_OWNERSHIP),
    "fdi100": (_("in 100% foreign-owned enterprises"), frozenset({Ownership.FDI100})),
    "state": (_("in state enterprises"), STATE_OWNERSHIP),
    "cooperative": (_("in cooperatives"), frozenset({Ownership.COOPERATIVE})),
    "agency": (_("in administrative agencies"), frozenset({Ownership.AGENCY})),
    "public_service": (_("in public service units"), frozenset({Ownership.PUBLIC_SERVICE})),
}
GROUP_PARAM = {value: label for value, (label, _types) in OWNERSHIP_GROUPS.items()}


def in_group(lookup: str, group: str) -> Q:
    """Rows whose ownership type (at `lookup`) is of `group`; every row for "all"."""
    types = OWNERSHIP_GROUPS[group][1]
    return Q() if types is None else Q(**{f"{lookup}__in": sorted(types)})


# The size bands of coverage by the workers in force on the date: {value: (label, low, high)}
# with both ends included (None: open). An enterprise without a count in force is in no band.
SIZE_BANDS = {
    "all": (_("all"), None, None),
    "500+": (_("500 workers or more"), 500, None),
    "300-499": (_("300 to 499 workers"), 300, 499),
    "under-300": (_("under 300 workers"), 0, 299),
}
BAND_PARAM = {value: label for value, (label, _low, _high) in SIZE_BANDS.items()}


def in_band(lookup: str, band: str) -> Q:
    """Rows whose workers (at `lookup`, None without a count) lie in `band`."""
    _label, low, high = SIZE_BANDS[band]
    if low is None:
        return Q()
    q = Q(**{f"{lookup}__gte": low})
    if high is not None:
        q &= Q(**{f"{lookup}__lte": high})
    return q
