import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import override_settings

from kcn_party.environment import DEVELOPMENT_SECRET_KEY, weak_secret_key_reason
from organizations.models import DemoLoad
from reports.management.commands import load_demo


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite-only: the file database's journal mode"
)
def test_sqlite_file_database_uses_wal_and_waits_for_locks(tmp_path, django_db_blocker):
    # The same options as the default database, on a file (the test database is in memory).
    wrapper = DatabaseWrapper(
        {**settings.DATABASES["default"], "NAME": str(tmp_path / "db.sqlite3")}
    )
    with django_db_blocker.unblock():
        try:
            wrapper.connect()
            with wrapper.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute("PRAGMA busy_timeout")
                assert cursor.fetchone()[0] >= 5000
        finally:
            wrapper.close()


# --- what a process starts with (issue 8, point 3) -----------------------------------------
# Each case starts the settings in a fresh process with a controlled environment: nothing of
# the test run's own environment (or of a developer's shell) leaks in.

STRONG_KEY = "k3Y-" + "".join(chr(ord("a") + (i * 7) % 26) for i in range(60))
PRODUCTION = {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "kcn.example.vn"}
SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps({'DEBUG': settings.DEBUG, 'SESSION_COOKIE_SECURE': "
    "settings.SESSION_COOKIE_SECURE, 'CSRF_COOKIE_SECURE': settings.CSRF_COOKIE_SECURE, "
    "'ALLOWED_HOSTS': settings.ALLOWED_HOSTS, 'SECRET_KEY': settings.SECRET_KEY}))"
)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the settings package with a development .env beside it, as `make` writes it
    (DEBUG on): the settings find their project folder from their own file, so the copy's .env
    is the one they would read, and the checkout's own .env is left alone."""
    base = Path(settings.BASE_DIR)
    shutil.copytree(
        base / "kcn_party", tmp_path / "kcn_party", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(base / ".env.example", tmp_path / ".env")
    return tmp_path


def start(project: Path, environment: dict, code: str = SHOW) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "kcn_party.settings",
        "PYTHONPATH": str(project),
        **environment,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def started(project: Path, environment: dict) -> dict:
    process = start(project, environment)
    assert process.returncode == 0, process.stderr[-2000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def refused(project: Path, environment: dict) -> str:
    process = start(project, environment)
    assert process.returncode != 0, f"started: {process.stdout}"
    assert "ImproperlyConfigured" in process.stderr
    return process.stderr.strip().splitlines()[-1]


def test_production_ignores_the_development_env_file(project):
    assert "DEBUG=on" in (project / ".env").read_text()
    values = started(project, PRODUCTION)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["ALLOWED_HOSTS"] == ["kcn.example.vn"]


def test_development_targets_name_the_env_file(project):
    values = started(project, {"ENV_FILE": ".env"})
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY


def test_an_env_file_that_does_not_exist_is_refused(project):
    assert "does not exist" in refused(project, {**PRODUCTION, "ENV_FILE": "no-such-file.env"})


def test_without_secret_key_production_refuses_to_start(project):
    message = refused(project, {"ALLOWED_HOSTS": "kcn.example.vn"})
    assert "SECRET_KEY" in message and "not set" in message


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("tests-only-not-a-secret", "fewer than 50"),
        (DEVELOPMENT_SECRET_KEY, "development key"),
        ("change-me", "fewer than 50"),
        ("change-me-" * 6, "changeme"),
        ("django-insecure-" + STRONG_KEY, "insecure"),
        ("a" * 64, "different characters"),
    ],
)
def test_a_weak_secret_key_is_refused(project, key, reason):
    message = refused(project, {**PRODUCTION, "SECRET_KEY": key})
    assert "SECRET_KEY" in message and reason in message
    assert key not in message  # the message does not print the key


@pytest.mark.parametrize("hosts", [None, "", " , "])
def test_without_allowed_hosts_production_refuses_to_start(project, hosts):
    environment = {"SECRET_KEY": STRONG_KEY}
    if hosts is not None:
        environment["ALLOWED_HOSTS"] = hosts
    assert "ALLOWED_HOSTS" in refused(project, environment)


def test_the_test_settings_run_as_production_does():
    assert settings.DEBUG is False
    assert weak_secret_key_reason(settings.SECRET_KEY) is None


@pytest.mark.django_db
def test_load_demo_refuses_without_debug_unless_forced(monkeypatch):
    ran = []
    monkeypatch.setattr(load_demo.Command, "load", lambda self: ran.append(True) or DemoLoad())
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())
    assert ran == []
    with override_settings(DEBUG=False):
        call_command("load_demo", "--force", stdout=StringIO())
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    assert ran == [True, True]


def test_comparing_models_with_migrations_needs_no_production_key():
    """`manage.py makemigrations --check` on a checkout serves nothing: it runs with DEBUG off
    and no SECRET_KEY on a key of its own, while any other command is still refused."""
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}
    env.pop("ENV_FILE", None)
    env["DJANGO_SETTINGS_MODULE"] = "kcn_party.settings"
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    compared = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, manage, "makemigrations", "--check", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert compared.returncode == 0, compared.stderr[-2000:]
    checked = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, manage, "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert checked.returncode != 0 and "SECRET_KEY is not fit" in checked.stderr
