"""python manage.py bench_load [--users 50] [--seconds 60] [--workers N] [--port 8765]
[--no-serve]

A load test of the application over gunicorn (docs/benchmarks.md, "Load"): it starts gunicorn
on 127.0.0.1 against this process's database (DEBUG off, as production; unless --no-serve, for
a server already listening on --port), then simulated staff and leaders of the demo committees
read the member, enterprise and organisation lists, a member's page and their committee's page
for --seconds. Needs the demo (`make bench-load` loads it into its own PostgreSQL database).
The last line is `requests=N rps=X median_ms=N p95_ms=N errors=N`.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
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


@contextmanager
def gunicorn(port: int, workers: int):
    """gunicorn serving this database on 127.0.0.1:`port` as production would, until the end
    of the block."""
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
        yield
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
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)),
        )
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--no-serve", action="store_true")

    def handle(self, *args, users, seconds, workers, port, no_serve, **options):
        people = visitors(users)
        serving = gunicorn(port, workers) if not no_serve else _nothing()
        with serving:
            before = os.getloadavg()[0]
            tally, measured = load.run(
                people, host="127.0.0.1", port=port, password=DEMO_PASSWORD, seconds=seconds
            )
            after = os.getloadavg()[0]
        figures = load.summary(tally, measured)
        figures.update(
            users=users, workers=workers, load_before=round(before, 1), load_after=round(after, 1)
        )
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
        self.stdout.write(
            f"requests={figures['requests']} rps={figures['rps']} "
            f"median_ms={figures['median_ms']} p95_ms={figures['p95_ms']} "
            f"errors={figures['errors']}"
        )


@contextmanager
def _nothing():
    yield
