"""What the commands importing issue 12's lists share (`import_organizations`,
`import_mass_organizations`): the file, the account it runs as (`--user`; none: the system,
anywhere), a dry run, skipping invalid rows, the report, and the last line
`created=N updated=N unchanged=N invalid=N` (a contract: only add above it). Without
--skip-invalid, one invalid row means nothing is written and the exit status is 1."""

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
from organizations.models import ImportChannel


class ListImportCommand(BaseCommand):
    """A command importing one kind of list through its service (`run`)."""

    def add_arguments(self, parser):
        parser.add_argument("file", help="The list: CSV (any encoding committees use) or .xlsx.")
        parser.add_argument(
            "--user",
            help="Import as this account: only inside its committee (default: the system, "
            "anywhere).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid rows and report the invalid ones (default: write nothing).",
        )

    def run(self, *, source: bytes, file_name: str, by, options: dict, common: dict):
        """Call the list's service with `common` (dry run, skip, channel, who ran it)."""
        raise NotImplementedError

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        by = access.SYSTEM
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if by is None:
                raise CommandError(_("No active account %(name)s.") % {"name": options["user"]})
        common = {
            "dry_run": options["dry_run"],
            "skip_invalid": options["skip_invalid"],
            "channel": ImportChannel.COMMAND,
            "run_by": getpass.getuser(),
        }
        try:
            outcome = self.run(
                source=path.read_bytes(), file_name=path.name, by=by, options=options,
                common=common,
            )  # fmt: skip
        except (ImportRefused, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self.report(outcome)
        self.stdout.write(outcome.summary)
        if outcome.invalid and not options["skip_invalid"]:
            sys.exit(1)

    def report(self, outcome) -> None:
        out, err = self.stdout.write, self.stderr.write
        out(
            _("File %(name)s: %(read_as)s; header on line %(line)s.")
            % {"name": outcome.file_name, "read_as": outcome.read_as, "line": outcome.header_line}
        )
        if outcome.ignored_columns:
            out(_("Columns ignored: %(columns)s") % {"columns": ", ".join(outcome.ignored_columns)})
        line = _("Line")
        for invalid in outcome.invalid_lines:
            for column, message in invalid.errors:
                err(f"{line} {invalid.line}{', ' + column if column else ''}: {message}")
        for changed in outcome.changed_lines:
            changes = "; ".join(f"{name}: {old} → {new}" for name, old, new in changed.changes)
            out(f"{line} {changed.line} ({changed.key}) {changes}")
        if outcome.dry_run:
            out(_("Dry run: nothing was written."))
        elif not outcome.written:
            err(
                _(
                    "%(count)s invalid rows: nothing was written. Fix them, or import the valid "
                    "rows with --skip-invalid."
                )
                % {"count": outcome.invalid}
            )
        else:
            out(_("Recorded as list import #%(id)s.") % {"id": outcome.record.pk})
