"""What the pages of a member and of an admission candidate share: the personal record of
`members.models.members.Person`, laid out once."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


@admin.display(description=_("full name"), ordering="sort_name")
def person_name(obj) -> str:
    """A list's name column, sorted as Vietnamese lists are: by given name, then family and
    middle names (the stored key of kcn_party.folding.collation_key), not by the text."""
    return obj.full_name


def personal_fieldsets(*more_rows) -> list:
    """The fieldsets of a person's record and work; `more_rows` end the personal record (a
    member's political theory and card number)."""
    return [
        (
            _("Personal record"),
            {
                "fields": [
                    "full_name",
                    ("birth_date", "sex"),
                    ("ethnicity", "religion"),
                    "hometown",
                    ("citizen_id", "phone"),
                    ("education", "professional_level"),
                    *more_rows,
                ]
            },
        ),
        (
            _("Work"),
            {"fields": ["enterprise", "position", ("youth_union_member", "trade_union_member")]},
        ),
    ]
