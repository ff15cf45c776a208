"""python manage.py restore_database FILE --yes

Replaces everything in the database with a backup made by `manage.py backup_database`, in one
transaction (PostgreSQL: pg_restore --clean --single-transaction; SQLite: the online backup
API). Without --yes it refuses: what the database holds now is lost. The last line is
`restored=FILE`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from kcn_party import backups


class Command(BaseCommand):
    help = "Replace the whole database with the backup FILE (asks for --yes)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup made by backup_database.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm that what the database holds now may be replaced.",
        )

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError(
                "Restoring replaces everything the database holds now: add --yes to confirm."
            )
        if not Path(file).is_file():
            raise CommandError(f"No such file: {file}")
        connection = connections["default"]
        connection.close()  # the restore writes through its own connection
        try:
            backups.restore(connection.settings_dict, Path(file))
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored={file}")
