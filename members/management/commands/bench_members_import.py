"""python manage.py bench_members_import [--members 10000] [--preview 2000] [--postgres URL]
[--only sqlite|postgresql]

Measures the member register import (issue 12, point 7) on a generated register: the command
`import_members` on 10,000 members (about 30,000 events), the same file again (nothing
changes), and the admin's preview of 2,000 members; time and peak memory of each, each in a
child process on a scratch database (SQLite file, PostgreSQL database created and dropped).
Run by `make bench`; never part of `make test`. Figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from members.bench.registers import generate
from members.bench.steps import STEPS
from organizations.bench import processes


class Command(BaseCommand):
    help = "Measure the member register import (seconds, peak memory) on SQLite and PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=10_000)
        parser.add_argument("--preview", type=int, default=2_000)
        parser.add_argument(
            "--postgres",
            default=os.environ.get(
                "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
            ),
        )
        parser.add_argument("--only", choices=["sqlite", "postgresql"])
        parser.add_argument(
            "--quick",
            action="store_true",
            help="Only the import without the corrections receiver, the re-import, the preview.",
        )
        parser.add_argument("--child", choices=list(STEPS), help=argparse.SUPPRESS)
        parser.add_argument("--file", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["child"]:
            self.stdout.write(processes.child_main(STEPS, options["child"], Path(options["file"])))
            return
        with tempfile.TemporaryDirectory(prefix="kcn-bench-members-") as folder:
            folder = Path(folder)
            register = folder / f"dang-vien-{options['members']}.csv"
            register.write_bytes(generate(options["members"]))
            preview = folder / f"dang-vien-{options['preview']}.csv"
            preview.write_bytes(generate(options["preview"], seed=13))
            self.stdout.write(processes.machine(options["postgres"]))
            rows = []
            if options["only"] in (None, "sqlite"):
                url = f"sqlite:///{folder / 'bench.sqlite3'}"
                rows += self._run("SQLite", url, register, preview, options["quick"])
            if options["only"] in (None, "postgresql"):
                server = options["postgres"]
                if processes.postgres_version(server) is None:
                    self.stdout.write(f"PostgreSQL is not reachable at {server}: skipped.")
                else:
                    name = f"kcn_party_bench_members_{os.getpid()}"
                    with processes.scratch_postgresql(server, name) as url:
                        rows += self._run("PostgreSQL", url, register, preview, options["quick"])
        self.stdout.write(
            "\n| database | what | rows | seconds | peak memory | result |\n"
            "|---|---|---:|---:|---:|---|"
        )
        for row in rows:
            self.stdout.write(
                f"| {row['database']} | {row['what']} | {row['rows']:,} | {row['seconds']:.1f} "
                f"| {row['peak_mb']:.0f} MB | `{row['summary']}` |"
            )
        self.stdout.write(processes.machine(options["postgres"]))

    def _run(self, label, url, register, preview, quick=False) -> list[dict]:
        child = lambda step, path: processes.run_child("bench_members_import", step, url, path)  # noqa: E731
        child("prepare", register)
        plan = [
            ("reset", None, register),
            ("import", "import_members (command)", register),
            ("reimport", "import_members again, nothing changed", register),
            ("reset", None, register),
            ("import_bare", "import_members, corrections receiver off", register),
            ("reset", None, preview),
            ("admin_preview", "admin preview", preview),
        ]
        if quick:
            plan = [plan[0], plan[4], plan[2], *plan[5:]]  # without the receiver, then again
        rows = []
        for step, what, path in plan:
            measured = child(step, path)
            if what is None:
                continue
            size = int(path.stem.rsplit("-", 1)[1])
            measured.update({"database": label, "what": what, "rows": size})
            if "events" in measured:
                measured["summary"] += f", {measured['events']:,} events"
            rows.append(measured)
            self.stdout.write(
                f"  {label:<10} {what:<40} {size:>7,} rows {measured['seconds']:7.1f} s "
                f"{measured['peak_mb']:5.0f} MB  {measured['summary']}"
            )
        return rows
