"""python manage.py import_organizations FILE [--under CODE] [--user USERNAME] [--dry-run]
[--skip-invalid]

The last line printed is always `created=N updated=N unchanged=N invalid=N`. Without
--skip-invalid, one invalid row means nothing is written and the exit status is 1.
"""

from __future__ import annotations

import getpass

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from organizations import access, services
from organizations.imports.command import ListImportCommand
from organizations.models import ImportChannel, PartyOrganization


def list_options(options) -> dict:
    """What every list of issue 12's service takes from a command's options."""
    return {
        "dry_run": options["dry_run"],
        "skip_invalid": options["skip_invalid"],
        "channel": ImportChannel.COMMAND,
        "run_by": getpass.getuser(),
    }


class Command(ListImportCommand):
    help = (
        "Import a list of party organisations (CSV or .xlsx): code, name, kind, upper "
        "organisation's code, founding decision, enterprises served, end. Merged by code, "
        "parents first, every rule of the tree checked; written in one transaction."
    )
    user_help = "Import as this account: only inside its committee (default: the system, anywhere)."

    def add_list_arguments(self, parser):
        parser.add_argument(
            "--under",
            help="Code of the organisation the rows without an upper organisation go under "
            "(default: the top of the tree, when run by the system or a superuser).",
        )

    def run_import(self, source, file_name, user, options):
        by = user or access.SYSTEM
        under = None
        if options["under"]:
            found = PartyOrganization.objects.filter(code=options["under"])
            if user is not None:
                found = found.visible_to(user)
            under = found.first()
            if under is None:
                raise CommandError(
                    _("No organisation with code %(code)s.") % {"code": options["under"]}
                )
        return services.organization_list_import(
            source=source, file_name=file_name, by=by, under=under, **list_options(options)
        )

    def report_written(self, outcome):
        self.stdout.write(_("Recorded as list import #%(id)s.") % {"id": outcome.record.pk})
