"""What each page of the load test costs the application by itself (`manage.py bench_pages`):
the pages the simulated people of `bench_load` read, requested through the test client as
the same demo accounts, in a child process with production's settings (DEBUG off, the
collected static files; organizations.bench.processes), on the database it is given.

For each account and page: the median and p95 of this process's CPU time (what the page costs
the application's worker, without the database server's own processor and without the
network) and of the wall clock over N runs after two to warm up, and the queries of one more
run. The CPU time is steadier than the wall clock on a shared machine: other processes take
turns on the processors, not this process's seconds."""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.bench.processes import HttpsClient
from reports.bench.steps import percentiles
from reports.management.commands.bench_load import visitors

ACCOUNTS = ("hn-canbo", "hn-lanhdao", "bg-canbo", "bg-lanhdao")
PAGES = ("home", "member list", "enterprise list", "organisation list", "committee page",
         "member page")  # fmt: skip


def paths_of(username: str) -> dict[str, str]:
    """The load test's pages of `username` (reports.management.commands.bench_load.visitors),
    by name, with the home page (the admin's index) the sign-in leads to."""
    paths = next((v.paths for v in visitors(len(ACCOUNTS)) if v.username == username), None)
    if paths is None:
        raise LookupError(f"{username} is not one of the load test's accounts")
    return {
        "home": reverse("admin:index"),
        "member list": paths[0],
        "enterprise list": paths[1],
        "organisation list": paths[2],
        "committee page": paths[3],
        "member page": paths[4],
    }


def client_of(username: str) -> HttpsClient:
    client = HttpsClient(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def get(client: HttpsClient, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")


def measure(accounts=ACCOUNTS, pages=PAGES, runs: int = 20) -> dict:
    """{account: {page: {cpu_ms, cpu_p95_ms, wall_ms, queries}}}."""
    figures: dict[str, dict] = {}
    for username in accounts:
        client, paths = client_of(username), paths_of(username)
        figures[username] = {}
        for page in pages:
            path = paths[page]
            for _ in range(2):  # templates compiled, caches filled, connection open
                get(client, path)
            cpu, wall = [], []
            for _ in range(runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                get(client, path)
                cpu.append(time.process_time() - started_cpu)
                wall.append(time.perf_counter() - started)
            with CaptureQueriesContext(connection) as queries:
                get(client, path)
            cpu_figures = percentiles(cpu)
            figures[username][page] = {
                "cpu_ms": round(cpu_figures["median_ms"], 1),
                "cpu_p95_ms": round(cpu_figures["p95_ms"], 1),
                "wall_ms": round(statistics.median(wall) * 1000, 1),
                "queries": len(queries.captured_queries),
            }
    return figures


def profile(username: str, page: str, runs: int = 20, lines: int = 60, sort: str = "tree") -> str:
    """Where `page` spends its time for `username` over `runs` requests after two to warm up:
    pyinstrument's call tree (`sort` "tree"), or cProfile's functions in the order `sort`
    names (cumulative, tottime…)."""
    client, path = client_of(username), paths_of(username)[page]
    for _ in range(2):
        get(client, path)
    if sort == "tree":
        # A development tool: only when asked for.
        from pyinstrument import Profiler
        from pyinstrument.renderers import ConsoleRenderer

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(runs):
            get(client, path)
        profiler.stop()
        renderer = ConsoleRenderer(
            unicode=True, show_all=True, processor_options={"filter_threshold": 0.02}
        )
        return profiler.output(renderer)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        get(client, path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(lines)
    return out.getvalue()


def table(figures: dict) -> str:
    """The figures as a Markdown table: one row per page, CPU median (queries) per account."""
    accounts = list(figures)
    lines = [
        "| page | " + " | ".join(f"{a} CPU ms (queries)" for a in accounts) + " |",
        "|---|" + "---:|" * len(accounts),
    ]
    pages = list(next(iter(figures.values()))) if figures else []
    for page in pages:
        cells = [
            f"{figures[a][page]['cpu_ms']:.1f} ({figures[a][page]['queries']})" for a in accounts
        ]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
