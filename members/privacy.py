"""Personal details (issue 13, point 3): the one place that decides whether they are shown and
how they are masked. The admin's lists, pages, searches and autocompletes, the exports and the
labels of members and candidates (`Person.__str__`) all ask here.

The details are the citizen ID, the party card number, the phone and the date of birth. An
account with `members.view_personal_details` (staff and administrators, see
organizations.access.role_permissions; superusers) sees them; any other account sees the last
three digits of a number (`•••••••••123`) and the year of birth only, and cannot search by them.
A process no account runs (a command, the demo loader: whoever runs it chose to) sees them.
"""

from __future__ import annotations

import datetime

from kcn_party import actor
from organizations.access import SYSTEM

PERMISSION = "members.view_personal_details"

# The numbers masked; the date of birth is shown as its year.
NUMBERS = ("citizen_id", "card_number", "phone")
BIRTH = "birth_date"
FIELDS = (*NUMBERS, BIRTH)

MASK = "•"
KEPT_DIGITS = 3


def may_see(user=None) -> bool:
    """Whether `user` (by default the account acting now, kcn_party.actor) may see personal
    details. Outside any request and for SYSTEM: yes (a command, the demo loader); a visitor
    who is not signed in: no."""
    if user is None:
        user = actor.current()
    if user is None or user is SYSTEM:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    # Asked for each label on a page: once per request (the user object lives as long).
    if not hasattr(user, "_kcn_may_see_personal"):
        user._kcn_may_see_personal = user.has_perm(PERMISSION)
    return user._kcn_may_see_personal


def mask_number(value: str | None) -> str:
    """`024090000123` → `•••••••••123`: the last three digits, enough to tell two records
    apart on a list, never enough to use the number."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= KEPT_DIGITS:
        return MASK * len(value)
    return MASK * (len(value) - KEPT_DIGITS) + value[-KEPT_DIGITS:]


def birth_year(value: datetime.date | None) -> str:
    return str(value.year) if value else ""


def masked(field: str, value, shown: bool):
    """`value` of the personal detail `field` as an account sees it: unchanged when `shown`,
    else masked (a number) or the year (a date of birth). Other fields pass unchanged."""
    if shown or field not in FIELDS:
        return value
    if field == BIRTH:
        return birth_year(value)
    return mask_number(value)


def label(person) -> str:
    """A person as named on pages and in autocompletes: the name and the date of birth, which
    tells namesakes apart; the year of birth only for an account that may not see the date."""
    if not person.birth_date:
        return person.full_name
    if may_see():
        return full_label(person)
    return f"{person.full_name} ({person.birth_date.year})"


def full_label(person) -> str:
    """The name and the whole date of birth, whoever acts (the import preview's "possibly the
    same person", seen only by those who import)."""
    if not person.birth_date:
        return person.full_name
    return f"{person.full_name} ({person.birth_date:%d/%m/%Y})"


def search_fields(fields, shown: bool) -> list[str]:
    """An admin's search fields without the personal details an account may not see: it
    cannot find a record by a number it is not shown."""
    if shown:
        return list(fields)
    # A name may be a path with lookups ("member__citizen_id", "citizen_id__folded__contains").
    return [f for f in fields if not set(f.lstrip("^=@").split("__")) & set(FIELDS)]
