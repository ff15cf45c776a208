"""python manage.py import_mass_organizations FILE [--user USERNAME] [--dry-run]
[--skip-invalid]

The last line printed is always `created=N updated=N unchanged=N invalid=N`. Without
--skip-invalid, one invalid row means nothing is written and the exit status is 1.
"""

from __future__ import annotations

from organizations import access, services
from organizations.management.commands.import_organizations import Command as Organizations
from organizations.management.commands.import_organizations import list_options


class Command(Organizations):
    help = (
        "Import a list of mass organisations (CSV or .xlsx): kind, name, the enterprise's tax "
        "code, founding and end dates, and optionally a member count with its date and the "
        "members recruited. Merged by enterprise, kind and name; a count becomes a dated count."
    )

    def add_list_arguments(self, parser):
        pass

    def run_import(self, source, file_name, user, options):
        return services.mass_organization_list_import(
            source=source, file_name=file_name, by=user or access.SYSTEM, **list_options(options)
        )
