"""python manage.py import_targets FILE [--user USERNAME] [--dry-run] [--skip-invalid]

The last line printed is always `created=N updated=N unchanged=N invalid=N`. Without
--skip-invalid, one invalid row means nothing is written and the exit status is 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations import access
from organizations.imports import ImportRefused
from reports.targets.imports import target_list_import


class Command(BaseCommand):
    help = (
        "Import targets (CSV or .xlsx): one a row, naming the organisation by code, the figure "
        "by its label or key, the period (2025, 2020-2025, mỗi năm 2025-2030), the minimum, the "
        "maximum, the unit and the source document. Every row is validated, then written in "
        "one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The sheet: CSV or .xlsx.")
        parser.add_argument(
            "--user",
            help="Import as this account: only its committee's organisations (default: any).",
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
        by = access.SYSTEM
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if by is None:
                raise CommandError(_("No active account %(name)s.") % {"name": options["user"]})
        try:
            outcome = target_list_import(
                source=path.read_bytes(),
                file_name=path.name,
                by=by,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
            )
        except (ImportRefused, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
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
        for changed in outcome.changed_lines:
            details = "; ".join(f"{column}: {old} → {new}" for column, old, new in changed.changes)
            write(f"{_('Line')} {changed.line}: {details}")
        if outcome.dry_run:
            write(_("Dry run: nothing was written."))
        elif not outcome.written:
            err(
                _(
                    "%(count)s invalid rows: nothing was written. Fix them, or import the valid "
                    "rows with --skip-invalid."
                )
                % {"count": outcome.invalid}
            )
        self.stdout.write(outcome.summary)
        if outcome.invalid and not options["skip_invalid"]:
            sys.exit(1)
