"""Backing up the database and restoring it: PostgreSQL through pg_dump and pg_restore (the
custom format: compressed, restorable table by table), SQLite through its online backup API
(a consistent copy even while the application writes, which copying the file is not in WAL
mode). Used by `manage.py backup_database` and `manage.py restore_database` (`make backup`,
`make restore FILE=…`)."""

from __future__ import annotations

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"


class BackupError(Exception):
    """A backup or a restore that could not be made; the message says why."""


def default_name(database: dict, folder: Path) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if database["ENGINE"] == POSTGRESQL else "sqlite3"
    return folder / f"kcn_party-{stamp}.{suffix}"


def _pg_environment(database: dict) -> dict:
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _run(command: list[str], database: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client programs).")
    process = subprocess.run(  # noqa: S603 - PostgreSQL's own programs, arguments of ours
        command, env=_pg_environment(database), capture_output=True, text=True, check=False
    )
    if process.returncode != 0:
        raise BackupError(process.stderr.strip() or f"{command[0]} failed")


def backup(database: dict, target: Path) -> Path:
    """Write a backup of `database` (a settings.DATABASES entry) to `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if database["ENGINE"] == POSTGRESQL:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target)], database)
    elif database["ENGINE"] == SQLITE:
        source = sqlite3.connect(database["NAME"])
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        raise BackupError(f"No backup for the database engine {database['ENGINE']}.")
    return target


def restore(database: dict, source: Path) -> None:
    """Replace everything in `database` with the backup `source`, in one transaction."""
    if not source.is_file():
        raise BackupError(f"No such file: {source}")
    if database["ENGINE"] == POSTGRESQL:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                database["NAME"],
                str(source),
            ],
            database,
        )
    elif database["ENGINE"] == SQLITE:
        try:
            backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            backup_file.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not a SQLite backup: {error}") from error
        live = sqlite3.connect(database["NAME"])
        try:
            backup_file.backup(live)
        finally:
            live.close()
            backup_file.close()
    else:
        raise BackupError(f"No restore for the database engine {database['ENGINE']}.")
