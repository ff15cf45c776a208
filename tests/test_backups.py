"""Backups that restore (issue 13, point 6): a backup of the database restored into a fresh
one gives every table the same rows and `report_figures` the same figures, on SQLite and on
PostgreSQL. The restore runs as `make restore` runs it: `manage.py restore_database` in a
process of its own, against the database DATABASE_URL names."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tests.reports.builders import build_2025, build_history, build_tree

BASE = Path(settings.BASE_DIR)
STRONG_KEY = "k3Y-" + "".join(chr(ord("a") + (i * 7) % 26) for i in range(60))
COUNTS = (
    "import json; from django.apps import apps; "
    "print(json.dumps({m._meta.label: m._default_manager.count() for m in apps.get_models()}))"
)


def url_of(database: dict) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    user = database.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{database['NAME']}"


def manage(url: str, *arguments: str) -> str:
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": url,
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "kcn.example.vn",
    }
    process = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert process.returncode == 0, process.stderr[-3000:]
    return process.stdout.strip()


@pytest.fixture
def fresh_database(tmp_path, transactional_db):
    """The address of an empty database beside the test database, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_of({**connection.settings_dict, "NAME": name})
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_a_fresh_database_gives_the_same_records_and_figures(
    bg, tmp_path, fresh_database
):
    tree = build_tree(bg)
    build_2025(tree)
    build_history(tree)
    backup = tmp_path / "backup"
    call_command("backup_database", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert backup.stat().st_size > 0

    original = url_of(connection.settings_dict)
    restored = manage(fresh_database, "restore_database", str(backup), "--yes")
    assert restored.splitlines()[-1] == f"restored={backup}"

    counts = json.loads(manage(original, "shell", "-c", COUNTS).splitlines()[-1])
    assert counts["members.Member"] > 0 and counts["members.MemberEvent"] > 0
    assert json.loads(manage(fresh_database, "shell", "-c", COUNTS).splitlines()[-1]) == counts

    figures = ("report_figures", "--committee", bg.committee.code, "--year", "2025")
    json_of = [*figures, "--format", "json"]
    restored_figures = json.loads(manage(fresh_database, *json_of))
    assert restored_figures == json.loads(manage(original, *json_of))
    assert restored_figures["metrics"]


@pytest.mark.django_db
def test_a_restore_asks_to_be_confirmed_and_refuses_what_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_database", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore_database", str(tmp_path / "missing"), yes=True)
