"""python manage.py import_members FILE --committee CODE [--user USERNAME] [--dry-run]
[--skip-invalid]

The last line printed is always `created=N updated=N unchanged=N invalid=N`. Without
--skip-invalid, one invalid row means nothing is written and the exit status is 1.
"""

from __future__ import annotations

from members.imports.commands import MemberListCommand
from members.imports.running import member_list_import


class Command(MemberListCommand):
    help = (
        "Import a member register (CSV or .xlsx) into a committee: each row a member and the "
        "events its dates stand for (admission, recognition, transfer in, leaving), merged by "
        "citizen ID, then party card number. Every row is validated, then written in one "
        "transaction."
    )
    run = staticmethod(member_list_import)
