"""python manage.py import_organizations FILE [--under CODE] [--user USERNAME] [--dry-run]
[--skip-invalid]

The last line printed is always `created=N updated=N unchanged=N invalid=N`. Without
--skip-invalid, one invalid row means nothing is written and the exit status is 1.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from organizations import access, services
from organizations.management.lists import ListImportCommand
from organizations.models import PartyOrganization


class Command(ListImportCommand):
    help = (
        "Import a list of party organisations (CSV or .xlsx): code, name, kind, upper "
        "organisation's code, founding decision, enterprises served, end. Merged by code, "
        "parents first, every rule of the tree checked; written in one transaction."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--under",
            help="Code of the organisation the rows without an upper organisation go under "
            "(default: the top of the tree, when run by the system or a superuser).",
        )

    def run(self, *, source, file_name, by, options, common):
        under = None
        if options["under"]:
            found = PartyOrganization.objects.filter(code=options["under"])
            if by is not access.SYSTEM:
                found = found.visible_to(by)
            under = found.first()
            if under is None:
                raise CommandError(
                    _("No organisation with code %(code)s.") % {"code": options["under"]}
                )
        return services.organization_list_import(
            source=source, file_name=file_name, by=by, under=under, **common
        )
