"""python manage.py bench_figures [--scale province|national] [--runs 20] [--keep]
[--only sqlite|postgresql] [--postgres URL] [--prefix NAME]

Measures the figures at scale: generates the records of a province (3,000 enterprises, 10,000
members, ten years of events; on SQLite and PostgreSQL) or of the nation (1,000,000 members,
50,000 party organisations, 300,000 enterprises; PostgreSQL only) into a scratch database,
closes the last year for each root (its figures then read from the closing), and times every
figure and every table of a zone committee, a province and the nation, and the whole
dashboard page of each as a leader of it, for the running year and the closed year (median
and p95 of `--runs` runs: wall clock, this process's CPU, and the PostgreSQL server process's
CPU), and, on the national data, the admin's member, enterprise and organisation lists for a
province's staff and a superuser. Each step runs in a child process
(organizations.bench.processes): the generator's peak memory is that child's peak resident
memory.

`--keep` keeps the generated database (`<prefix>_<scale>`: a PostgreSQL database, or a SQLite
file in the system's temporary folder) and reuses it when it is there, so the timings can be
run again without generating. Run by `make bench` (province) and `make bench SCALE=national`;
never part of `make test`. The figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand

from organizations.bench import processes
from reports.bench.steps import STEPS

# p95 budgets in milliseconds (issue 10, point 7).
BUDGETS = {"province": 150, "national": 500, "admin": 300}


class Command(BaseCommand):
    help = "Measure every figure and table at province or national scale (SQLite, PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["province", "national", "tiny"], default="province")
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument(
            "--keep", action="store_true", help="Keep the generated database and reuse it."
        )
        parser.add_argument("--only", choices=["sqlite", "postgresql"])
        parser.add_argument("--prefix", default="kcn_bench_figures")
        parser.add_argument(
            "--steps",
            default="close,keep,figures,dashboard,admin",
            help=(
                "What to do on the generated records: close (the last year), keep (the "
                "province-level roots' figures month by month), figures, dashboard, admin "
                "(national only)."
            ),
        )
        parser.add_argument(
            "--roots",
            default="committee,province,nation",
            help="Whose figures to time: committee, province, nation (national only).",
        )
        processes.add_arguments(parser, STEPS)

    def handle(self, *args, **options):
        if options["child"]:
            self.stdout.write(processes.child_main(STEPS, options["child"], Path(options["file"])))
            return
        scale = options["scale"]
        self.stdout.write(processes.machine(options["postgres"]))
        databases = ["sqlite", "postgresql"] if scale != "national" else ["postgresql"]
        if options["only"]:
            databases = [d for d in databases if d == options["only"]]
        with tempfile.TemporaryDirectory(prefix="kcn-bench-") as folder:
            params = Path(folder) / "params.json"
            params.write_text(
                json.dumps(
                    {"scale": scale, "runs": options["runs"], "roots": options["roots"].split(",")}
                )
            )
            for database in databases:
                with self._database(database, options) as (url, fresh):
                    self._measure(database, url, fresh, params, options)

    @contextlib.contextmanager
    def _database(self, database: str, options):
        """The URL of the scratch database, and whether it is new (to generate into)."""
        name = f"{options['prefix']}_{options['scale']}"
        if database == "sqlite":
            path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
            fresh = not (options["keep"] and path.exists())
            if fresh:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            try:
                yield f"sqlite:///{path}", fresh
            finally:
                if not options["keep"]:
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{path}{suffix}").unlink(missing_ok=True)
            return
        server = options["postgres"]
        if processes.postgres_version(server) is None:
            raise SystemExit(f"PostgreSQL is not reachable at {server}.")
        url = server.rsplit("/", 1)[0] + f"/{name}"
        with psycopg.connect(server, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            fresh = not (options["keep"] and exists)
            if fresh:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url, fresh
        finally:
            if not options["keep"]:
                with psycopg.connect(server, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _measure(self, database, url, fresh, params, options) -> None:
        scale = options["scale"]
        label = "SQLite" if database == "sqlite" else "PostgreSQL"
        self.stdout.write(f"\n{label}, {scale} scale")
        if fresh:
            made = processes.run_child("bench_figures", "generate", url, params)
            self.stdout.write(
                f"Generated {made['rows']:,} rows ({made['intervals']:,} counted intervals) in "
                f"{made['seconds']:.0f} s; generator's peak memory {made['peak_mb']:.0f} MB "
                f"(budget 1,024 MB)."
            )
        else:
            self.stdout.write("Reusing the generated database (--keep).")
        steps = options["steps"].split(",")
        if "close" in steps:
            closed = processes.run_child("bench_figures", "close", url, params)["closed"]
            for root, seconds in closed.items():
                self.stdout.write(f"Closed last year for the {root} in {seconds:.1f} s.")
        if "keep" in steps:
            measured = processes.run_child("bench_figures", "keep", url, params)
            for root, kept in measured["kept"].items():
                after = kept["after_write"]
                self.stdout.write(
                    f"Kept the {root}'s figures month by month from December two years ago: "
                    f"{kept['rows']:,} rows in {kept['seconds']:.1f} s (peak memory "
                    f"{measured['peak_mb']:.0f} MB); its running year read after a write dated "
                    f"today: median {after['median_ms']:.0f} ms, p95 {after['p95_ms']:.0f} ms."
                )
        budget = BUDGETS["national" if scale == "national" else "province"]
        for step, title in (("figures", "figures of"), ("dashboard", "dashboard of")):
            if step in steps:
                measured = processes.run_child("bench_figures", step, url, params)
                self._timings(measured, title, budget)
        if scale == "national" and "admin" in steps:
            self._admin(url, params)

    def _timings(self, measured: dict, title: str, budget: int) -> None:
        self.stdout.write(
            f"\n| {title} | period | members counted | queries | median | p95 | CPU median "
            "| server CPU median | load | budget |\n|---|---|---:|---:|---:|---:|---:|---:|---|---|"
        )
        for key, timing in measured["timings"].items():
            root, period = key.split(" / ")
            self._row(
                f"| {root} | {period} | {timing['members']:,} | {timing['queries']} |",
                timing,
                budget,
            )

    def _admin(self, url, params) -> None:
        admin = processes.run_child("bench_figures", "admin", url, params)
        self.stdout.write(
            "\n| admin list | account | queries | median | p95 | CPU median | backend CPU mean "
            "| load | budget |\n|---|---|---:|---:|---:|---:|---:|---|---|"
        )
        for key, timing in admin["timings"].items():
            page, who = key.split(" / ")
            # The backend's CPU is a mean (its connection is closed after each request).
            self._row(
                f"| {page} | {who} | {timing['queries']} |",
                {
                    **timing,
                    "server_median_ms": timing["backend_cpu_mean_ms"],
                    "load": timing["load_average"],
                },
                BUDGETS["admin"],
            )

    def _row(self, start: str, timing: dict, budget: int) -> None:
        verdict = "met" if timing["p95_ms"] <= budget else "**missed**"
        clocks = ""
        if "cpu_median_ms" in timing:
            load = "–".join(f"{x:.1f}" for x in timing["load"])
            clocks = (
                f" {timing['cpu_median_ms']:.0f} ms | {timing['server_median_ms']:.0f} ms |"
                f" {load} |"
            )
        self.stdout.write(
            f"{start} {timing['median_ms']:.0f} ms | {timing['p95_ms']:.0f} ms |{clocks} "
            f"≤ {budget} ms: {verdict} |"
        )
