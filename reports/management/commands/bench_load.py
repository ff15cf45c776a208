"""python manage.py bench_load [--users 50] [--seconds 60] [--pace SECONDS] [--workers N]
[--port 8765] [--no-serve]

A load test of the application over gunicorn (docs/benchmarks.md, "Load"): it starts gunicorn
on 127.0.0.1 against this process's database (DEBUG off, as production; unless --no-serve, for
a server already listening on --port), then simulated staff and leaders of the demo committees
read the member, enterprise and organisation lists, a member's page and their committee's page
for --seconds, without pausing, or with --pace each at most one request every SECONDS (50
users at a pace of 1 s offer 50 requests per second). Needs the demo (`make bench-load` loads it
into its own PostgreSQL database). Besides the response times it gives the processor time per
request of the client, of gunicorn's workers and of the PostgreSQL connections serving them.
The last line is `requests=N offered_rps=X rps=X median_ms=N p95_ms=N errors=N`.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.urls import reverse

from members.models import Member
from organizations.access import Role
from organizations.demo import DEMO_PASSWORD, demo_accounts
from organizations.models import PartyOrganization
from reports.bench import load

ROLES = (Role.STAFF, Role.LEADER)
PAGES_PER_MEMBER_LIST = 5  # members' pages each visitor reads in turn


def visitors(count: int) -> list[load.Visitor]:
    """`count` visitors, the demo committees' staff and leaders in turn, each with their pages."""
    users = get_user_model().objects
    plans = []
    for username, code, role in demo_accounts():
        if role not in ROLES:
            continue
        user = users.get(username=username)
        committee = PartyOrganization.objects.get(code=code)
        members = list(Member.objects.visible_to(user).order_by("pk").values_list("pk", flat=True))[
            :: max(1, 200 // PAGES_PER_MEMBER_LIST)
        ][:PAGES_PER_MEMBER_LIST]
        paths = [
            reverse("admin:members_member_changelist"),
            reverse("admin:organizations_enterprise_changelist"),
            reverse("admin:organizations_partyorganization_changelist"),
            reverse("admin:organizations_partyorganization_change", args=[committee.pk]),
            *(reverse("admin:members_member_change", args=[pk]) for pk in members),
        ]
        plans.append((username, paths))
    if not plans:
        raise CommandError("No demo accounts here: load the demo first (make bench-load does).")
    return [load.Visitor(*plans[number % len(plans)]) for number in range(count)]


def cpu_seconds(pid: int) -> float | None:
    """The processor time (user and system) process `pid` has used so far; None when it is
    gone or not ours to read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


class CpuMeter:
    """The processor time a changing set of processes uses while it runs, sampled each
    `interval` seconds in a thread of its own: a process that ends (a database connection
    closed after CONN_MAX_AGE) keeps what was last seen of it; one that starts counts whole."""

    def __init__(self, pids: Callable[[], list[int]], interval: float = 0.5):
        self.pids, self.interval = pids, interval
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self, *, starting: bool = False) -> None:
        for pid in self.pids():
            used = cpu_seconds(pid)
            if used is None:
                continue
            self.first.setdefault(pid, used if starting else 0.0)
            self.last[pid] = used

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()
        connections.close_all()  # this thread's own, when it asked the database

    def __enter__(self):
        self.sample(starting=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def children(pid: int | None) -> list[int]:
    """The processes `pid` started (gunicorn's workers), from Linux's /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*") if pid else []:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def database_pids() -> list[int]:
    """The PostgreSQL server processes connected to this database, other than this one's."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def gunicorn(port: int, workers: int, threads: int = 1):
    """gunicorn serving this database on 127.0.0.1:`port` as production would, until the end
    of the block, which is given gunicorn's process id: `workers` processes, each serving
    `threads` requests at a time (gunicorn's threaded workers when more than one)."""
    database = connections["default"].settings_dict
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("The load test runs against PostgreSQL (DATABASE_URL=postgres://…).")
    env = {
        **os.environ,
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_PROXY": "on",
        "CONN_MAX_AGE": "60",
    }
    env.pop("ENV_FILE", None)
    # Production serves the collected, hashed files (whitenoise): collect them first, aside.
    static = tempfile.TemporaryDirectory(prefix="kcn-load-static-")
    env["STATIC_ROOT"] = static.name
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "kcn_party.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):  # noqa: S310
                    break
            except (urllib.error.URLError, OSError) as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise CommandError(f"gunicorn did not start: {error}") from error
                time.sleep(0.5)
        yield server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        static.cleanup()


class Command(BaseCommand):
    help = "Load-test the application over gunicorn with simulated staff and leaders."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument(
            "--pace",
            type=float,
            default=None,
            help="Each user starts a request at most every PACE seconds (default: no pause).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            # As `make serve`: a processor's worth of workers and one more, to use the time a
            # worker waits on the database (docs/benchmarks.md, "Load").
            default=int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1)),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", 1)),
            help="Requests each worker serves at a time, in threads (default: one, no threads).",
        )
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--no-serve", action="store_true")

    def handle(self, *args, users, seconds, pace, workers, threads, port, no_serve, **options):
        if pace is not None and pace <= 0:
            raise CommandError("--pace is a number of seconds above 0.")
        people = visitors(users)
        serving = gunicorn(port, workers, threads) if not no_serve else _nothing()
        with serving as server:
            # Warm: each worker's first pages compile the templates, fill the caches and open
            # its connection; not what a server that has been running for a while spends.
            load.run(people[: 2 * workers], host="127.0.0.1", port=port,
                     password=DEMO_PASSWORD, seconds=3)  # fmt: skip
            before = os.getloadavg()[0]
            with (
                CpuMeter(lambda: children(server)) as application,
                CpuMeter(database_pids) as database,
            ):
                tally, measured = load.run(
                    people,
                    host="127.0.0.1",
                    port=port,
                    password=DEMO_PASSWORD,
                    seconds=seconds,
                    pace=pace,
                )
            after = os.getloadavg()[0]
        figures = load.summary(tally, measured, users=users, pace=pace)
        answered = max(1, figures["requests"])
        figures.update(
            users=users,
            pace=pace,
            workers=workers,
            threads=threads,
            server_cpu_ms_per_request=round(application.seconds * 1000 / answered, 1),
            database_cpu_ms_per_request=round(database.seconds * 1000 / answered, 1),
            load_before=round(before, 1),
            load_after=round(after, 1),
        )
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
        offered = figures["offered_rps"] if pace else "-"
        self.stdout.write(
            f"requests={figures['requests']} offered_rps={offered} rps={figures['rps']} "
            f"median_ms={figures['median_ms']} p95_ms={figures['p95_ms']} "
            f"errors={figures['errors']}"
        )


@contextmanager
def _nothing():
    yield None
