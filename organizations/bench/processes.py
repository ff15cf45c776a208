"""Each measurement in a child process: `manage.py <command> --child STEP --file PATH` on a
scratch database, run as production runs (DEBUG off, no development .env, a key of its own),
whose last line is `BENCH {json}` with the step's figures and the child's peak memory."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import CommandError
from django.test import Client

from kcn_party import memory

PREFIX = "BENCH "


class HttpsClient(Client):
    """The test client as a browser behind the production proxy: the children run with
    production's settings, which redirect plain HTTP to HTTPS (SECURE_SSL_REDIRECT)."""

    def _base_environ(self, **request):
        environ = super()._base_environ(**request)
        return {**environ, "wsgi.url_scheme": "https", "SERVER_PORT": "443"}


def resident_mb() -> float:
    """This process's resident memory now (Linux VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """The peak resident memory of this process (Django included), in MB. Linux's VmHWM: the
    rusage maximum would also count the parent's memory at the fork, kept across exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def add_arguments(parser, steps: dict) -> None:
    """The arguments of every benchmark command: the PostgreSQL server to make its scratch
    databases on, and the hidden ones its child steps are run with (`run_child`)."""
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="A PostgreSQL server to create the scratch database on (its maintenance DB).",
    )
    parser.add_argument("--child", choices=list(steps), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)


def child_main(steps: dict[str, Callable[[Path, int], dict]], step: str, path: Path) -> str:
    """In the child: run `step` on the file `path`; the line the parent reads."""
    rows = sum(1 for _ in path.open("rb")) - 1 if path.suffix == ".csv" else 0
    memory.settle()  # as a server's worker starts (kcn_party/wsgi.py)
    measured = steps[step](path, rows)
    measured["peak_mb"] = peak_rss_mb()
    return PREFIX + json.dumps(measured)


def run_child(command: str, step: str, url: str, path: Path, private_tmp: Path | None = None):
    """Run `step` of `manage.py command` in a child process on the database `url`; its figures.
    With `private_tmp`, the child gets that folder, emptied, as its temporary directory, to see
    what it leaves there."""
    if private_tmp is not None:
        shutil.rmtree(private_tmp, ignore_errors=True)
        private_tmp.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k != "ENV_FILE"},
        **({"TMPDIR": str(private_tmp)} if private_tmp is not None else {}),
        "DATABASE_URL": url,
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    env["STATIC_ROOT"] = collected_static(env)
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    arguments = [sys.executable, manage, command, "--child", step, "--file", str(path)]
    process = subprocess.Popen(  # noqa: S603 - our own manage.py
        arguments, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise CommandError(f"bench step {step} failed:\n{stderr[-3000:]}")
    line = next(line for line in stdout.splitlines() if line.startswith(PREFIX))
    return json.loads(line[len(PREFIX) :])


_COLLECTED: set[str] = set()


def collected_static(env: dict) -> str:
    """A folder of static files collected as production collects them (hashed names,
    compressed), made once per run: a page rendered with production's settings needs their
    manifest."""
    root = str(Path(tempfile.gettempdir()) / "kcn-bench-static")
    if root not in _COLLECTED:
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, manage, "collectstatic", "--noinput", "--verbosity", "0"],
            env={**env, "STATIC_ROOT": root},
            check=True,
        )
        _COLLECTED.add(root)
    return root


def postgres_version(url: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return None


@contextlib.contextmanager
def scratch_postgresql(server: str, name: str) -> Iterator[str]:
    """A database `name` created on `server` (a maintenance database's URL) and dropped after;
    its URL."""

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine(postgres_url: str) -> str:
    return (
        f"Machine: {os.cpu_count()} processors, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres_version(postgres_url) or 'not reachable'}, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
