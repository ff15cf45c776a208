"""python manage.py backup_database [FILE]

A consistent backup of the whole database (PostgreSQL: pg_dump's custom format; SQLite: its
online backup API), by default into backups/kcn_party-YYYYmmdd-HHMMSS.dump (or .sqlite3). The
last line is `backup=FILE bytes=N`. `manage.py restore_database FILE --yes` puts it back.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from kcn_party import backups


class Command(BaseCommand):
    help = "Back up the whole database into FILE (default: backups/kcn_party-<time>)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write the backup.")

    def handle(self, *args, file=None, **options):
        database = connections["default"].settings_dict
        target = Path(file) if file else backups.default_name(database, settings.BACKUP_DIR)
        try:
            backups.backup(database, target)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"backup={target} bytes={target.stat().st_size}")
