"""python manage.py import_mass_organizations FILE [--user USERNAME] [--dry-run]
[--skip-invalid]

The last line printed is always `created=N updated=N unchanged=N invalid=N`. Without
--skip-invalid, one invalid row means nothing is written and the exit status is 1.
"""

from __future__ import annotations

from organizations import services
from organizations.management.lists import ListImportCommand


class Command(ListImportCommand):
    help = (
        "Import a list of mass organisations (CSV or .xlsx): kind, name, the enterprise's tax "
        "code, founding and end dates, and optionally a member count with its date and the "
        "members recruited. Merged by enterprise, kind and name; a count becomes a dated count."
    )

    def run(self, *, source, file_name, by, options, common):
        return services.mass_organization_list_import(
            source=source, file_name=file_name, by=by, **common
        )
