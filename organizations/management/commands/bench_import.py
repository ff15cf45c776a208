"""python manage.py bench_import [--rows 3000,100000] [--postgres URL] [--profile] [--large 49]

Measures the enterprise list import on generated lists (Vietnamese names, valid check digits,
branches, mixed ownership spellings, dotted numbers), on SQLite and on PostgreSQL: rows per
second and peak memory of the dry run and of the import (with and without the change trail,
`SIMPLE_HISTORY_ENABLED` off in the child: its cost in the same run), beside
django-import-export's default row-by-row import of the same rows, and a 3,000-row dry run
plus confirm in the admin. Every measurement runs in a child process on a scratch database
(a temporary SQLite file; a PostgreSQL database created and dropped here); its peak memory
is the child's peak RSS.

`--large 49` measures instead the admin's preview of a list of about 49 MB, as CSV and as
.xlsx, on SQLite, uploaded as a server receives it: time, the server's peak memory and the
temporary files the request leaves.

The lists, the child processes and the steps are in `organizations.bench`. Run by `make bench`;
never part of `make test`. The figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from organizations.bench import processes
from organizations.bench.imports import STEPS
from organizations.bench.lists import as_xlsx, generate

PLAN = [
    ("dry", "Dry run (preview)"),
    ("import_no_trail", "Import without the change trail"),
    ("import", "Import"),
    ("reimport", "Re-import, nothing changed"),
    ("next_year", "Next year's list, every count changed"),
    ("import_xlsx", "Import, the same list as .xlsx"),
]
SMALL_PLAN = [  # lists of up to 5,000 rows only: row by row, 100,000 rows would take minutes
    ("default_dry", "import-export default, dry run"),
    ("default", "import-export default, import"),
    ("admin", "Admin: upload, preview, confirm"),
]


class Command(BaseCommand):
    help = "Measure the enterprise list import (rows/s, peak memory) on SQLite and PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--rows", default="3000,100000", help="List sizes, comma-separated.")
        parser.add_argument("--only", choices=["sqlite", "postgresql"], help="One database only.")
        parser.add_argument(
            "--profile", action="store_true", help="Also profile the largest import (pyinstrument)."
        )
        parser.add_argument(
            "--large",
            type=float,
            metavar="MB",
            help="Instead: the admin's preview of a list of about MB megabytes (CSV and .xlsx).",
        )
        processes.add_arguments(parser, STEPS)

    def handle(self, *args, **options):
        if options["child"]:
            self.stdout.write(processes.child_main(STEPS, options["child"], Path(options["file"])))
            return
        if options["large"]:
            self._large(options["large"], options)
            return
        sizes = [int(size) for size in options["rows"].split(",")]
        with tempfile.TemporaryDirectory(prefix="kcn-bench-") as folder:
            folder = Path(folder)
            files = {}
            for size in sizes:
                files[size] = folder / f"danh-sach-{size}.csv"
                files[size].write_bytes(generate(size))
                next_year = folder / f"danh-sach-{size}-nam-sau.csv"
                next_year.write_bytes(generate(size, next_year=True))
                files[size].with_suffix(".xlsx").write_bytes(as_xlsx(files[size].read_bytes()))
            self.stdout.write(processes.machine(options["postgres"]))
            results = []
            if options["only"] in (None, "sqlite"):
                url = f"sqlite:///{folder / 'bench.sqlite3'}"
                results += self._database("SQLite", url, files, options)
            if options["only"] in (None, "postgresql"):
                results += self._postgresql(files, options)
        self._table(results)

    def _child(self, step: str, url: str, path: Path, private_tmp: Path | None = None) -> dict:
        return processes.run_child("bench_import", step, url, path, private_tmp)

    # --- a large list in the admin --------------------------------------------------------

    def _large(self, megabytes: float, options) -> None:
        """The admin's preview of lists of about `megabytes`: as CSV (rows of the generated
        list), and as an .xlsx of that size (Excel packs the same rows about 2.5 times
        smaller, so it holds about 2.5 times more rows); as staff whose committee has the
        lists' zones (every row valid) and as staff of another committee (every row invalid)."""
        row_bytes = len(generate(20_000)) / 20_000  # rows of a national list, as generated
        with tempfile.TemporaryDirectory(prefix="kcn-bench-") as folder:
            folder = Path(folder)
            self.stdout.write(processes.machine(options["postgres"]))
            csv_rows = int(megabytes * 1e6 / row_bytes)
            lists = [folder / f"danh-sach-{csv_rows}.csv"]
            lists[0].write_bytes(generate(csv_rows))
            xlsx_row_bytes = len(as_xlsx(generate(20_000))) / 20_000
            xlsx_rows = int(megabytes * 1e6 / xlsx_row_bytes)
            xlsx = folder / f"danh-sach-{xlsx_rows}.xlsx"
            xlsx.write_bytes(as_xlsx(generate(xlsx_rows)))
            lists.append(xlsx)
            url = f"sqlite:///{folder / 'bench.sqlite3'}"
            self._child("prepare", url, lists[0])
            self.stdout.write(
                "\n| list | rows | rows are | seconds | peak memory | memory after "
                "| temporary files left | result |\n|---|---:|---|---:|---:|---:|---|---|"
            )
            for path in lists:
                rows = csv_rows if path.suffix == ".csv" else xlsx_rows
                for step, who in (("admin_valid", "valid"), ("admin_invalid", "invalid")):
                    measured = self._child(step, url, path, private_tmp=folder / "tmp")
                    self.stdout.write(
                        f"| {path.stat().st_size / 1e6:.1f} MB {path.suffix[1:].upper()} | "
                        f"{rows:,} | every row {who} | {measured['seconds']:.1f} | "
                        f"{measured['peak_mb']:.0f} MB | {measured['after_mb']:.0f} MB | "
                        f"{measured['temp_files']} files, "
                        f"{measured['temp_mb']:.1f} MB | `{measured['summary']}` |"
                    )

    # --- databases ----------------------------------------------------------------------

    def _postgresql(self, files, options) -> list[dict]:
        server = options["postgres"]
        if processes.postgres_version(server) is None:
            self.stdout.write(f"PostgreSQL is not reachable at {server}: skipped.")
            return []
        with processes.scratch_postgresql(server, f"kcn_party_bench_{os.getpid()}") as url:
            return self._database("PostgreSQL", url, files, options)

    def _database(self, label, url, files, options) -> list[dict]:
        self.stdout.write(f"\n{label}")
        self._child("prepare", url, next(iter(files.values())))
        results = []
        for size, path in files.items():
            for step, what in PLAN + (SMALL_PLAN if size <= 5000 else []):
                if step not in ("reimport", "next_year"):
                    self._child("reset", url, path)
                measured = self._child(step, url, path)
                measured.update({"database": label, "rows": size, "what": what, "step": step})
                results.append(measured)
                self.stdout.write(
                    f"  {size:>7} rows  {what:<40} {measured['seconds']:7.2f} s "
                    f"{size / measured['seconds']:>9,.0f} rows/s  "
                    f"{measured['peak_mb']:5.0f} MB  {measured['summary']}"
                )
            timed = {r["step"]: r for r in results if r["rows"] == size}
            trail, bare = timed["import"], timed["import_no_trail"]
            self.stdout.write(
                f"  {size:>7} rows  the change trail costs "
                f"{trail['seconds'] / bare['seconds'] - 1:+.0%} time, "
                f"{trail['peak_mb'] - bare['peak_mb']:+.0f} MB peak memory"
            )
            if options["profile"] and size == max(files):
                self._child("reset", url, path)
                self.stdout.write(self._child("profile", url, path)["profile"])
        return results

    # --- output -----------------------------------------------------------------------------

    def _table(self, results):
        self.stdout.write(
            "\n| database | rows | what | seconds | rows/s | peak memory | result |\n"
            "|---|---:|---|---:|---:|---:|---|"
        )
        for r in results:
            self.stdout.write(
                f"| {r['database']} | {r['rows']:,} | {r['what']} | {r['seconds']:.2f} | "
                f"{r['rows'] / r['seconds']:,.0f} | {r['peak_mb']:.0f} MB | `{r['summary']}` |"
            )
