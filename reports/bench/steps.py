"""The steps of the figures' benchmark (`manage.py bench_figures`), each run in a child process
(organizations.bench.processes) on the scratch database, its parameters in a JSON file:

- `generate`: migrate, write the records of a scale (reports.bench.generate), add the accounts;
- `close`: close the last year (reports.services.period_close) for each root, unless closed:
  its figures are then read from what the closing stored;
- `figures`: every figure (reports.figures.compute, every metric and parameter value) and every
  table (reports.tables.build) of a zone committee, a province and the nation, for the running
  year and a closed year, timed over N runs after one to warm up;
- `dashboard`: the whole dashboard page (`/bao-cao/`) of each root through the test client, as
  a leader of the root, for the running year and the closed year, timed the same way;
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
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from organizations import access, services
from organizations.access import Role
from organizations.bench.processes import HttpsClient
from organizations.models import OrganizationKind, PartyOrganization
from reports import closing, figures, summary, tables
from reports import services as report_services
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


class Clocks:
    """Each run's wall-clock time, this process's CPU time, and the CPU time of the database's
    server process for our connection (PostgreSQL: /proc/<pg_backend_pid()>/stat; SQLite works
    in this process): on a shared machine the CPU times say what the work costs, the wall clock
    what a user waits."""

    def __init__(self):
        self.wall, self.cpu, self.server = [], [], []
        self.load = [os.getloadavg()[0]]
        self.backend = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend = f"/proc/{cursor.fetchone()[0]}/stat"

    def _server_cpu(self) -> float:
        if self.backend is None:
            return 0.0
        # utime and stime, fields 14 and 15, in clock ticks (after the command's parentheses).
        fields = Path(self.backend).read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def time(self, work):
        """Run `work()`, record its clocks, return what it returns."""
        wall, cpu, server = time.perf_counter(), time.process_time(), self._server_cpu()
        result = work()
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)
        self.server.append(self._server_cpu() - server)
        return result

    def summary(self) -> dict:
        self.load.append(os.getloadavg()[0])
        cpu, server = percentiles(self.cpu), percentiles(self.server)
        return {
            **percentiles(self.wall),
            "cpu_median_ms": cpu["median_ms"],
            "cpu_p95_ms": cpu["p95_ms"],
            "server_median_ms": server["median_ms"],
            "server_p95_ms": server["p95_ms"],
            "load": self.load,
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


def closed_year(root, year: int):
    """The closing of `year` for `root` (reports.closing), None while the year is open."""
    period = Period.year(year)
    return closing.lookup(root, period).exact(period)


def closed_year_figures(root, year: int):
    """The figures of `year` for `root` as its closing stored them (reports.figures reads a
    closed period from its closing, never from the records), or None while the year is open:
    what the figures of a closed year cost to read."""
    if closed_year(root, year) is None:
        return None
    return figures.compute(root, Period.year(year))


def periods() -> dict[str, tuple[Period, datetime.date | None]]:
    today = timezone.localdate()
    return {
        "running year": (Period.year(today.year), None),
        "closed year": (Period.year(today.year - 1), None),
    }


def _period_label(root, label: str, period: Period) -> str:
    if label != "closed year":
        return label
    stored = closed_year(root, period.start.year) is not None
    return "closed year (stored)" if stored else "closed year (live)"


def _all_figures(root, period: Period, as_of) -> int:
    """Every figure and every table of `root` for `period`: what the dashboard and the
    printed tables need (a closed year: as its closing stored them). The number of queries."""
    with CaptureQueriesContext(connection) as queries:
        result = None
        if period.end < timezone.localdate():
            result = closed_year_figures(root, period.start.year)
        if result is None:
            result = figures.compute(root, period, as_of=as_of)
        tables.build(root, result.current, result.last_year, figures=result)
    return len(queries)


def _members(root) -> int:
    return Member.objects.filter(counted_in__path__startswith=root.path).count()


def _wanted(params: dict) -> dict[str, PartyOrganization]:
    wanted = params.get("roots", ["committee", "province", "nation"])
    return {label: root for label, root in roots().items() if label in wanted}


def _step_close(path: Path, rows: int) -> dict:
    """Close last year for each root (as the system), unless it is closed already."""
    year = timezone.localdate().year - 1
    closed = {}
    for label, root in _wanted(_params(path)).items():
        if closed_year(root, year) is None:
            started = time.perf_counter()
            report_services.period_close(committee=root, period=Period.year(year), by=access.SYSTEM)
            closed[label] = time.perf_counter() - started
    return {"closed": closed}


def _step_keep(path: Path, rows: int) -> dict:
    """Keep the figures month by month (reports.summary) of each province-level root that
    is not under another (its province-level children with it), from December two years ago
    (last year's balance starts from the members counted at its end);
    then the figures of the running year read once after a write dated today (its day row
    computed again from the day before), five times."""
    today = timezone.localdate()
    kept = {}
    for label, root in _wanted(_params(path)).items():
        parent = root.parent
        if root.kind not in summary.KEPT_KINDS or (parent and parent.kind in summary.KEPT_KINDS):
            continue
        started = time.perf_counter()
        written = summary.start_keeping(root, datetime.date(today.year - 2, 12, 1))
        seconds = time.perf_counter() - started
        year = Period.year(today.year)
        figures.compute(root, year)  # today's and last year's day rows
        after = []
        for _ in range(5):
            summary.mark([root.path], [today])
            started_read = time.perf_counter()
            figures.compute(root, year)
            after.append(time.perf_counter() - started_read)
        kept[label] = {
            "seconds": seconds,
            "rows": written,
            "after_write": percentiles(after),
        }
    return {"kept": kept}


def _step_figures(path: Path, rows: int) -> dict:
    params = _params(path)
    measured = {}
    for root_label, root in _wanted(params).items():
        for period_label, (period, as_of) in periods().items():
            _all_figures(root, period, as_of)  # warm up
            clocks = Clocks()
            for _ in range(params["runs"]):
                queries = clocks.time(lambda: _all_figures(root, period, as_of))  # noqa: B023
                reset_queries()
            measured[f"{root_label} / {_period_label(root, period_label, period)}"] = {
                **clocks.summary(),
                "queries": queries,
                "root": root.name,
                "members": _members(root),
            }
    return {"timings": measured}


def _leader(label: str, root) -> HttpsClient:
    """A client signed in as a leader of `root` (the account made once)."""
    username = f"bench-lanhdao-{label}"
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = services.staff_account_save(username=username, organization=root, role=Role.LEADER)
    client = HttpsClient()
    client.force_login(user)
    return client


def _step_dashboard(path: Path, rows: int) -> dict:
    params = _params(path)
    measured = {}
    for root_label, root in _wanted(params).items():
        client = _leader(root_label, root)
        for period_label, (period, _as_of) in periods().items():
            url = f"{reverse('reports:dashboard')}?org={root.code}&year={period.start.year}"
            response = client.get(url)  # warm up
            if response.status_code != 200:
                raise RuntimeError(f"{url} as a leader of {root}: {response.status_code}")
            clocks = Clocks()
            for _ in range(params["runs"]):
                with CaptureQueriesContext(connection) as queries:
                    clocks.time(lambda: client.get(url))  # noqa: B023
            measured[f"{root_label} / {_period_label(root, period_label, period)}"] = {
                **clocks.summary(),
                "queries": len(queries),
                "root": root.name,
                "members": _members(root),
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
            client = HttpsClient()
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
    "close": _step_close,
    "keep": _step_keep,
    "figures": _step_figures,
    "dashboard": _step_dashboard,
    "admin": _step_admin,
}
