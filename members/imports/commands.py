"""What the commands `import_members` and `import_ratings` add to every list command
(`organizations.imports.command.ListImportCommand`: the file, `--user`, `--dry-run`,
`--skip-invalid`, the report and its last line `created=N updated=N unchanged=N invalid=N`, the
exit status): the committee the list belongs to, the rows not listed, and the warnings."""

from __future__ import annotations

import getpass

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from organizations import access
from organizations.imports.command import ListImportCommand
from organizations.models import ImportChannel, PartyOrganization


class MemberListCommand(ListImportCommand):
    run = None  # the import: members.imports.running's member_list_import or rating_list_import
    file_help = "The list: CSV (any encoding) or .xlsx."
    user_help = "Import as this account: only its subtree, and not as a leader (default: any)."

    def add_list_arguments(self, parser):
        parser.add_argument(
            "--committee", required=True, help="Code of the committee the list belongs to."
        )

    def run_import(self, source, file_name, user, options):
        code = options["committee"]
        committee = PartyOrganization.objects.filter(code=code).first()
        # An account outside the committee sees it as the admin shows it to them: not there.
        if committee is None or (
            user is not None and not access.scope_of(user).contains_path(committee.path)
        ):
            raise CommandError(_("No organisation with code %(code)s.") % {"code": code})
        by = user or access.SYSTEM
        return type(self).run(
            source=source,
            file_name=file_name,
            by=by,
            committee=committee,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            keep_details=True,
            shown=None if options["verbosity"] >= 2 else 1000,
            channel=ImportChannel.COMMAND,
            run_by=getpass.getuser() if by is access.SYSTEM else "",
        )

    def report_more(self, outcome, options):
        if outcome.invalid_lines.total > len(outcome.invalid_lines):
            self.stderr.write(
                _("… and %(count)s more invalid rows (--verbosity 2 lists them all).")
                % {"count": outcome.invalid_lines.total - len(outcome.invalid_lines)}
            )
        for warning in outcome.warnings:
            self.stdout.write(_("Warning: %(warning)s") % {"warning": warning})

    def report_written(self, outcome):
        self.stdout.write(_("Recorded as import #%(id)s.") % {"id": outcome.record.pk})
