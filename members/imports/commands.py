"""What the commands `import_members` and `import_ratings` share: the options, the report and
its last line (`created=N updated=N unchanged=N invalid=N`, a contract), the exit status."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations import access
from organizations.imports import ImportRefused
from organizations.models import ImportChannel, PartyOrganization


class ListImportCommand(BaseCommand):
    run = None  # the import: members.imports.running's member_list_import or rating_list_import

    def add_arguments(self, parser):
        parser.add_argument("file", help="The list: CSV (any encoding) or .xlsx.")
        parser.add_argument(
            "--committee", required=True, help="Code of the committee the list belongs to."
        )
        parser.add_argument(
            "--user",
            help="Import as this account: only its subtree, and not as a leader (default: any).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid rows and report the invalid ones (default: write nothing).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        committee = PartyOrganization.objects.filter(code=options["committee"]).first()
        if committee is None:
            raise CommandError(
                _("No organisation with code %(code)s.") % {"code": options["committee"]}
            )
        by = access.SYSTEM
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if by is None:
                raise CommandError(_("No active account %(name)s.") % {"name": options["user"]})
            if not access.scope_of(by).contains_path(committee.path):
                # As an outsider sees it in the admin: that committee does not exist for it.
                raise CommandError(
                    _("No organisation with code %(code)s.") % {"code": options["committee"]}
                )
        try:
            outcome = type(self).run(
                source=path.read_bytes(),
                file_name=path.name,
                by=by,
                committee=committee,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                keep_details=True,
                shown=None if options["verbosity"] >= 2 else 1000,
                channel=ImportChannel.COMMAND,
                run_by=getpass.getuser() if by is access.SYSTEM else "",
            )
        except (ImportRefused, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self._report(outcome)
        self.stdout.write(outcome.summary)
        if outcome.invalid and not options["skip_invalid"]:
            sys.exit(1)

    def _report(self, outcome):
        write, err = self.stdout.write, self.stderr.write
        write(
            _("File %(name)s: %(read_as)s; header on line %(line)s.")
            % {"name": outcome.file_name, "read_as": outcome.read_as, "line": outcome.header_line}
        )
        if outcome.ignored_columns:
            write(
                _("Columns ignored: %(columns)s") % {"columns": ", ".join(outcome.ignored_columns)}
            )
        for invalid in outcome.invalid_lines:
            for column, message in invalid.errors:
                where = f"{_('Line')} {invalid.line}" + (f", {column}" if column else "")
                err(f"{where}: {message}")
        if outcome.invalid_lines.total > len(outcome.invalid_lines):
            err(
                _("… and %(count)s more invalid rows (--verbosity 2 lists them all).")
                % {"count": outcome.invalid_lines.total - len(outcome.invalid_lines)}
            )
        for changed in outcome.changed_lines:
            details = "; ".join(f"{column}: {old} → {new}" for column, old, new in changed.changes)
            write(f"{_('Line')} {changed.line}: {details}")
        for warning in outcome.warnings:
            write(_("Warning: %(warning)s") % {"warning": warning})
        if outcome.dry_run:
            write(_("Dry run: nothing was written."))
        elif outcome.written:
            write(_("Recorded as import #%(id)s.") % {"id": outcome.record.pk})
        else:
            err(
                _(
                    "%(count)s invalid rows: nothing was written. Fix them, or import the valid "
                    "rows with --skip-invalid."
                )
                % {"count": outcome.invalid}
            )
