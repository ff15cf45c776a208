"""What every list import's management command shares: the file, `--user`, `--dry-run` and
`--skip-invalid`, the report of the outcome (the reading, the ignored columns, each invalid and
changed row), the contract of the last line (`created=N updated=N unchanged=N invalid=N`) and
the exit status (1 when invalid rows kept everything from being written).

A command names its own arguments in `add_list_arguments`, runs its import in `run_import`,
and adds what only its list reports in `report_more`."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kcn_party import actor
from organizations import history
from organizations.imports.errors import ImportRefused


class ListImportCommand(BaseCommand):
    file_help = "The list: CSV or .xlsx."
    user_help = "Import as this account: only its committee's records."

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument("--user", help=self.user_help)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid rows and report the invalid ones (default: write nothing).",
        )
        self.add_list_arguments(parser)

    def add_list_arguments(self, parser):
        """The command's own arguments."""

    def run_import(self, source: bytes, file_name: str, user, options):
        """Import the file's bytes as `user` (None: no account); return its outcome."""
        raise NotImplementedError

    def refused(self, exc: ImportRefused) -> CommandError:
        """The message for an import refused as a whole."""
        return CommandError(str(exc))

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = self.account(options["user"])
        # The change trail's entries name the account, or say which command wrote them.
        who = actor.acting(user) if user else history.reason(self.command_name())
        try:
            with who:
                outcome = self.run_import(path.read_bytes(), path.name, user, options)
        except ImportRefused as exc:
            raise self.refused(exc) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.report(outcome, options)
        self.stdout.write(outcome.summary)
        if outcome.invalid and not options["skip_invalid"]:
            sys.exit(1)

    def command_name(self) -> str:
        return f"manage.py {self.__module__.rsplit('.', 1)[-1]} {getpass.getuser()}"

    @staticmethod
    def account(username):
        """The active account `--user` names, or None without one."""
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active account %(name)s.") % {"name": username})
        return user

    def changed_label(self, changed) -> str:
        """How a changed row is named: its line, and what identifies it in this list."""
        return f"{_('Line')} {changed.line}:"

    def report(self, outcome, options):
        write, err = self.stdout.write, self.stderr.write
        write(
            _("File %(name)s: %(read_as)s; header on line %(line)s.")
            % {"name": outcome.file_name, "read_as": outcome.read_as, "line": outcome.header_line}
        )
        if outcome.ignored_columns:
            write(
                _("Columns ignored: %(columns)s") % {"columns": ", ".join(outcome.ignored_columns)}
            )
        self.report_read(outcome, options)
        for invalid in outcome.invalid_lines:
            for column, message in invalid.errors:
                where = f"{_('Line')} {invalid.line}" + (f", {column}" if column else "")
                err(f"{where}: {message}")
        for changed in outcome.changed_lines:
            details = "; ".join(f"{column}: {old} → {new}" for column, old, new in changed.changes)
            write(f"{self.changed_label(changed)} {details}")
        self.report_more(outcome, options)
        if outcome.dry_run:
            write(_("Dry run: nothing was written."))
        elif outcome.written:
            self.report_written(outcome)
        else:
            err(
                _(
                    "%(count)s invalid rows: nothing was written. Fix them, or import the valid "
                    "rows with --skip-invalid."
                )
                % {"count": outcome.invalid}
            )

    def report_read(self, outcome, options):
        """What the list's reading alone has to say, before the rows' errors."""

    def report_more(self, outcome, options):
        """What only this list reports, after the rows."""

    def report_written(self, outcome):
        """A line once the import is written."""
