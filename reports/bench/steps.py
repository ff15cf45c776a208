"""The steps of the figures' benchmark (`manage.py bench_figures`), each run in a child process
(organizations.bench.processes) on the scratch database, its parameters in a JSON file:

- `generate`: migrate, write the records of a scale (reports.bench.generate), add the accounts;
- `figures`: every figure (reports.figures.compute, every metric and parameter value) and every
  table (reports.tables.build) of a zone committee, a province and the nation, for the running
  year and a closed year, timed over N runs after one to warm up;
- `admin`: the admin's member, enterprise and organisation lists, as a province's staff and as
  a superuser, timed the same way through the test client.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import statistics
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections, connection, reset_queries
from django.test.client import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Member
from organizations import services
from organizations.access import Role
from organizations.models import OrganizationKind, PartyOrganization
from reports import figures, tables
from reports.bench.generate import generate
from reports.periods import Period

PROVINCE_USER, SUPERUSER = "bench-tinh", "bench-admin"
ADMIN_LISTS = [
    ("members", "/admin/members/member/"),
    ("enterprises", "/admin/organizations/enterprise/"),
    ("organisations", "/admin/organizations/partyorganization/"),
]


def percentiles(seconds: list[float]) -> dict:
    """Median and p95 (nearest rank) in milliseconds."""
    ordered = sorted(seconds)
    rank = max(1, math.ceil(0.95 * len(ordered)))
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[rank - 1] * 1000,
        "runs": len(ordered),
    }


def _params(path: Path) -> dict:
    return json.loads(path.read_text())


def _step_generate(path: Path, rows: int) -> dict:
    params = _params(path)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    written = generate(params["scale"])
    seconds = time.perf_counter() - started
    province = PartyOrganization.objects.filter(kind=OrganizationKind.PROVINCE, depth__gt=0)
    province = province.order_by("path").first() or PartyOrganization.objects.order_by("path")[0]
    services.staff_account_save(username=PROVINCE_USER, organization=province, role=Role.STAFF)
    get_user_model().objects.create_superuser(SUPERUSER, "", None)
    return {"seconds": seconds, **written}


# --- the roots and periods --------------------------------------------------------------------


def roots() -> dict[str, PartyOrganization]:
    """A zone committee, a province, and the nation (when generated)."""
    found = {
        "committee": PartyOrganization.objects.filter(kind=OrganizationKind.UPPER_GRASSROOTS)
        .order_by("path")
        .first()
    }
    tops = list(PartyOrganization.objects.filter(parent__isnull=True))
    if len(tops) == 1 and tops[0].children.filter(kind=OrganizationKind.PROVINCE).exists():
        found["province"] = tops[0].children.order_by("path").first()
        found["nation"] = tops[0]
    else:
        found["province"] = tops[0]
    return found


def closed_year_figures(root, year: int):
    """HOOK (closed periods, reports/models, another part of issue 10): once a year can be
    closed and its figures stored, this returns them for `root` — what the figures of a closed
    year cost to read. Until then it returns None and the benchmark computes the past year
    live, which is what a closed year costs without stored figures."""
    return None


def periods() -> dict[str, tuple[Period, datetime.date | None]]:
    today = timezone.localdate()
    return {
        "running year": (Period.year(today.year), None),
        "closed year": (Period.year(today.year - 1), None),
    }


def _all_figures(root, period: Period, as_of) -> int:
    """Every figure and every table of `root` for `period`: what the dashboard and the
    printed tables need. The number of queries."""
    with CaptureQueriesContext(connection) as queries:
        if period.end < timezone.localdate():
            stored = closed_year_figures(root, period.start.year)
            if stored is not None:
                return len(queries)
        result = figures.compute(root, period, as_of=as_of)
        tables.build(root, result.current, result.last_year)
    return len(queries)


def _step_figures(path: Path, rows: int) -> dict:
    params = _params(path)
    runs, wanted = params["runs"], params.get("roots", ["committee", "province", "nation"])
    measured = {}
    for root_label, root in roots().items():
        if root_label not in wanted:
            continue
        for period_label, (period, as_of) in periods().items():
            _all_figures(root, period, as_of)  # warm up
            seconds = []
            for _ in range(runs):
                started = time.perf_counter()
                queries = _all_figures(root, period, as_of)
                seconds.append(time.perf_counter() - started)
                reset_queries()
            measured[f"{root_label} / {period_label}"] = {
                **percentiles(seconds),
                "queries": queries,
                "root": root.name,
                "members": Member.objects.filter(counted_in__path__startswith=root.path).count(),
            }
    return {"timings": measured}


def _backend_cpu_seconds() -> float:
    """CPU time so far of this connection's PostgreSQL backend (a process of its own on the
    same machine: utime + stime of /proc/PID/stat), read without a query; 0 elsewhere."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return 0.0
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _step_admin(path: Path, rows: int) -> dict:
    runs = _params(path)["runs"]
    measured = {}
    # Each request ends by closing its connection (CONN_MAX_AGE 0), so its backend's CPU time
    # is read just before, then the connection closed as the request's end would have.
    request_finished.disconnect(close_old_connections)
    try:
        for who in (PROVINCE_USER, SUPERUSER):
            client = Client()
            client.force_login(get_user_model().objects.get(username=who))
            for label, url in ADMIN_LISTS:
                response = client.get(url)  # warm up
                close_old_connections()
                if response.status_code != 200:
                    raise RuntimeError(f"{url} as {who}: {response.status_code}")
                seconds, cpu, backend = [], [], 0.0
                load = os.getloadavg()[0]
                for _ in range(runs):
                    with CaptureQueriesContext(connection) as queries:
                        started, started_cpu = time.perf_counter(), time.process_time()
                        client.get(url)
                        seconds.append(time.perf_counter() - started)
                        cpu.append(time.process_time() - started_cpu)
                        backend += _backend_cpu_seconds()
                    close_old_connections()
                cpu_times = percentiles(cpu)
                measured[f"{label} / {who}"] = {
                    **percentiles(seconds),
                    "queries": len(queries),
                    # The machine is shared: what the request itself cost the processors.
                    "cpu_median_ms": cpu_times["median_ms"],
                    "cpu_p95_ms": cpu_times["p95_ms"],
                    "backend_cpu_mean_ms": backend / runs * 1000,
                    "load_average": [load, os.getloadavg()[0]],
                }
    finally:
        request_finished.connect(close_old_connections)
    return {"timings": measured}


STEPS = {
    "generate": _step_generate,
    "figures": _step_figures,
    "admin": _step_admin,
}
