"""python manage.py bench_pages [--runs 20] [--accounts hn-canbo,...] [--profile PAGE]

What each page of the load test costs by itself (reports/bench/pages.py; docs/benchmarks.md,
"Load"): the home page, the member, enterprise and organisation lists, the committee's page and
a member's page, through the test client as the load test's demo accounts, in a child process
with production's settings on this process's database (which must hold the demo: `make
bench-pages` loads it into a SQLite file and a PostgreSQL database of their own). Prints the
median of the child's CPU time per page and account with the page's queries, as a Markdown
table, then the figures as JSON. `--profile PAGE` (e.g. "committee page") prints where that
page spends its time instead (cProfile, the first account).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from organizations.bench import processes
from reports.bench import pages


def step_pages(path: Path, rows: int) -> dict:
    params = json.loads(path.read_text())
    if params.get("profile"):
        profiled = pages.profile(
            params["accounts"][0], params["profile"], params["runs"], sort=params["sort"]
        )
        return {"profile": profiled}
    return {"pages": pages.measure(params["accounts"], runs=params["runs"])}


STEPS = {"pages": step_pages}


def database_url() -> str:
    """This process's database as a URL for the child (DATABASE_URL, or the SQLite file)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    database = connections["default"].settings_dict
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise CommandError("Set DATABASE_URL to the database holding the demo.")
    return f"sqlite:///{database['NAME']}"


class Command(BaseCommand):
    help = "Measure the CPU each page of the load test costs, as its demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--accounts", default=",".join(pages.ACCOUNTS))
        parser.add_argument("--profile", choices=pages.PAGES)
        parser.add_argument(
            "--sort",
            default="tree",
            help="tree (pyinstrument), or cProfile's order: cumulative, tottime…",
        )
        processes.add_arguments(parser, STEPS)

    def handle(self, *args, runs, accounts, profile, sort, **options):
        if options["child"]:
            self.stdout.write(processes.child_main(STEPS, options["child"], Path(options["file"])))
            return
        url = database_url()
        self.stdout.write(processes.machine(options["postgres"]))
        self.stdout.write(f"Database: {connections['default'].vendor}")
        with tempfile.TemporaryDirectory(prefix="kcn-bench-pages-") as folder:
            params = Path(folder) / "params.json"
            params.write_text(
                json.dumps(
                    {
                        "runs": runs,
                        "accounts": accounts.split(","),
                        "profile": profile,
                        "sort": sort,
                    }
                )
            )
            measured = processes.run_child("bench_pages", "pages", url, params)
        if profile:
            self.stdout.write(measured["profile"])
            return
        self.stdout.write(pages.table(measured["pages"]))
        self.stdout.write(json.dumps(measured["pages"], ensure_ascii=False))
