"""python manage.py import_targets FILE [--user USERNAME] [--dry-run] [--skip-invalid]

The last line printed is always `created=N updated=N unchanged=N invalid=N`. Without
--skip-invalid, one invalid row means nothing is written and the exit status is 1.
"""

from __future__ import annotations

from organizations import access
from organizations.imports.command import ListImportCommand
from reports.targets.imports import target_list_import


class Command(ListImportCommand):
    help = (
        "Import targets (CSV or .xlsx): one a row, naming the organisation by code, the figure "
        "by its label or key, the period (2025, 2020-2025, mỗi năm 2025-2030), the minimum, the "
        "maximum, the unit and the source document. Every row is validated, then written in "
        "one transaction."
    )
    file_help = "The sheet: CSV or .xlsx."
    user_help = "Import as this account: only its committee's organisations (default: any)."

    def run_import(self, source, file_name, user, options):
        return target_list_import(
            source=source,
            file_name=file_name,
            by=user or access.SYSTEM,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
        )
