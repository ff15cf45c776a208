"""python manage.py import_ratings FILE --committee CODE [--user USERNAME] [--dry-run]
[--skip-invalid]

Member ratings (citizen ID or party card number, year, level) or organisation ratings (code,
year, level), whichever columns the file has. The last line printed is always
`created=N updated=N unchanged=N invalid=N`. Without --skip-invalid, one invalid row means
nothing is written and the exit status is 1.
"""

from __future__ import annotations

from members.imports.commands import MemberListCommand
from members.imports.running import rating_list_import


class Command(MemberListCommand):
    help = (
        "Import past ratings (CSV or .xlsx) into a committee: member ratings one row per member "
        "and year, or organisation ratings one row per organisation and year. Every row is "
        "validated, then written in one transaction."
    )
    run = staticmethod(rating_list_import)
