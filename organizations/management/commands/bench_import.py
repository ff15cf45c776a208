"""python manage.py bench_import [--rows 3000,100000] [--postgres URL] [--profile] [--large 49]

Measures the enterprise list import on generated lists (Vietnamese names, valid check digits,
branches, mixed ownership spellings, dotted numbers), on SQLite and on PostgreSQL: rows per
second and peak memory of the dry run and of the import, beside django-import-export's default
row-by-row import of the same rows, and a 3,000-row dry run plus confirm in the admin. Every
measurement runs in a child process on a scratch database (a temporary SQLite file; a
PostgreSQL database created and dropped here); its peak memory is the child's peak RSS.

`--large 49` measures instead the admin's preview of a list of about 49 MB, as CSV and as
.xlsx, on SQLite, uploaded as a server receives it: time, the server's peak memory and the
temporary files the request leaves.

Run by `make bench`; never part of `make test`. The figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import platform
import random
import re
import resource
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from stdnum.vn import mst

BENCH_COMMITTEE = "BENCH-KCN"
BENCH_USER = "bench-canbo"
# Staff of a committee whose zones the generated lists never name: every row is invalid, the
# worst case for the file of invalid rows.
OTHER_COMMITTEE, OTHER_USER, OTHER_ZONE = "BENCH-KHAC", "bench-khac", "KCN Khác (đo hiệu năng)"
COUNTED_ON = "30/06/2025"

# --- Generated lists ----------------------------------------------------------------------------

PROVINCES = ["01", "22", "24", "27", "31", "36", "37", "38", "40", "46", "48", "56", "70", "74",
             "75", "77", "79", "80"]  # fmt: skip
PLACES = [
    "Đình Trám", "Quang Châu", "Vân Trung", "Việt Hàn", "Hòa Phú", "Song Khê - Nội Hoàng",
    "Yên Lư", "Thăng Long", "Nội Bài", "Quang Minh", "Bắc Thăng Long", "Sài Đồng B",
    "Phú Nghĩa", "Tân Thuận", "Linh Trung", "Nhơn Trạch", "Long Hậu", "Hiệp Phước",
    "Tràng Duệ", "Đình Vũ", "Yên Phong", "Quế Võ", "Tiên Sơn", "Phố Nối A", "Mỹ Phước",
    "Bàu Bàng", "Điện Nam - Điện Ngọc", "Hòa Khánh", "Phú Bài", "Sóng Thần",
]  # fmt: skip
KINDS = [  # (spellings as boards write them, name prefix)
    (["FDI", "100% vốn nước ngoài", "DN 100% vốn FDI"], "Công ty TNHH"),
    (["Liên doanh", "Liên doanh với nước ngoài"], "Công ty TNHH"),
    (["TNHH", "Công ty TNHH"], "Công ty TNHH"),
    (["Cổ phần", "Công ty cổ phần"], "Công ty Cổ phần"),
    (["DNTN", "Doanh nghiệp tư nhân"], "Doanh nghiệp tư nhân"),
    (["Nhà nước", "DN nhà nước"], "Công ty TNHH MTV"),
]
SECTORS = ["Điện tử", "May mặc", "Cơ khí", "Nhựa", "Bao bì", "Thực phẩm", "Dược phẩm",
           "Gỗ nội thất", "Logistics", "Vật liệu mới", "Xây dựng", "Dầu khí"]  # fmt: skip
BRANDS = ["Việt Tiến", "Hòa Bình", "Nam Việt", "Đông Á", "An Khang", "Phương Đông",
          "Trường Sơn", "Lạc Hồng", "Bình Minh", "Sao Mai", "Hanshin", "Jinwoo", "Chenghong",
          "Northfield", "Hokuriku", "Lionbridge", "Xinda", "Longsheng"]  # fmt: skip
COUNTRIES = ["Việt Nam", "Hàn Quốc", "Nhật Bản", "Trung Quốc", "Đài Loan", "Singapore",
             "Hoa Kỳ"]  # fmt: skip
HEADERS = ["STT", "Mã số thuế", "Tên doanh nghiệp", "Khu công nghiệp", "Loại hình doanh nghiệp",
           "Quốc gia đầu tư", "Ngành nghề", "Số lao động", "Ngày cấp GCN đầu tư", "Địa chỉ",
           "Trạng thái"]  # fmt: skip


def zone_names(rows: int) -> list[str]:
    """Seven zones for a province's list; about a hundred for a national one."""
    if rows <= 5000:
        return [f"KCN {place}" for place in PLACES[:7]]
    return [f"KCN {place}{suffix}" for suffix in ("", " II", " III") for place in PLACES] + [
        f"KCN {place} IV" for place in PLACES[:10]
    ]


def generate(rows: int, seed: int = 2025, next_year: bool = False) -> bytes:
    """A list as a board sends it, as Excel's "CSV UTF-8" (BOM, CRLF). `next_year`: the same
    enterprises a year later, every worker count changed."""
    rnd = random.Random(seed)
    zones = zone_names(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    used: set[str] = set()
    heads: list[str] = []
    number = 0
    while number < rows:
        if heads and rnd.random() < 0.03:  # a branch of an enterprise already listed
            tax_code = f"{rnd.choice(heads)}-{rnd.randint(1, 30):03d}"
            prefix = "Chi nhánh Công ty TNHH"
        else:
            body = f"{rnd.choice(PROVINCES)}{rnd.randint(1, 9_999_999):07d}"
            tax_code = body + mst.calc_check_digit(body)
            prefix = None
            if len(tax_code) != 10:  # no valid code has this body
                continue
        if tax_code in used:
            continue
        used.add(tax_code)
        if prefix is None:
            heads.append(tax_code)
        number += 1
        spellings, name_prefix = rnd.choice(KINDS)
        name = (
            f"{prefix or name_prefix} {rnd.choice(SECTORS)} {rnd.choice(BRANDS)} "
            f"{rnd.choice(PLACES)} {number}"
        )
        if rnd.random() < 0.02:  # decomposed Unicode and stray spaces, as pasted from the web
            name = f"  {unicodedata.normalize('NFD', name)} "
        zone = rnd.choice(zones)
        workers = rnd.choice([rnd.randint(5, 300), rnd.randint(300, 3000), rnd.randint(3000, 9000)])
        workers += 7 if next_year else 0
        status = rnd.choices(
            ["Đang hoạt động", "Tạm ngừng hoạt động", "Giải thể"], weights=[94, 4, 2]
        )[0]
        writer.writerow(
            [
                number,
                tax_code,
                name,
                zone,
                rnd.choice(spellings),
                rnd.choice(COUNTRIES),
                rnd.choice(SECTORS),
                f"{workers:,}".replace(",", "."),
                f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{rnd.randint(2000, 2024)}",
                f"Lô {rnd.choice('ABCDEFGH')}{rnd.randint(1, 40)}, {zone}",
                status,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- Steps, each run in a child process ------------------------------------------------------


def _step_prepare(path: Path, rows: int) -> dict:
    from django.core.management import call_command

    from organizations import services
    from organizations.access import Role
    from organizations.models import OrganizationKind, PartyOrganization, Zone

    call_command("migrate", verbosity=0)
    committee, _ = PartyOrganization.objects.get_or_create(
        code=BENCH_COMMITTEE,
        defaults={
            "kind": OrganizationKind.UPPER_GRASSROOTS,
            "name": "Đảng bộ Các KCN (đo hiệu năng)",
            "founded_on": "2015-01-01",
        },
    )
    for name in sorted(set(zone_names(3000)) | set(zone_names(100_000))):
        Zone.objects.get_or_create(
            name=name, defaults={"province": "Bắc Giang", "committee": committee}
        )
    services.staff_account_save(
        username=BENCH_USER, organization=committee, role=Role.STAFF, password=None
    )
    other, _ = PartyOrganization.objects.get_or_create(
        code=OTHER_COMMITTEE,
        defaults={
            "kind": OrganizationKind.UPPER_GRASSROOTS,
            "name": "Đảng bộ Các KCN khác (đo hiệu năng)",
            "founded_on": "2015-01-01",
        },
    )
    Zone.objects.get_or_create(name=OTHER_ZONE, defaults={"province": "Hà Nội", "committee": other})
    services.staff_account_save(
        username=OTHER_USER, organization=other, role=Role.STAFF, password=None
    )
    return {}


def _step_reset(path: Path, rows: int) -> dict:
    from django.db import connection

    from organizations.models import Enterprise, EnterpriseImport, WorkforceSnapshot

    tables = [
        WorkforceSnapshot._meta.db_table,
        EnterpriseImport.not_in_list.through._meta.db_table,
        EnterpriseImport.zones.through._meta.db_table,
        Enterprise._meta.db_table,
        EnterpriseImport._meta.db_table,
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
    return {}


def _service(path: Path, dry_run: bool, year: int = 2025) -> dict:
    import datetime

    from organizations import services

    data = path.read_bytes()
    started = time.perf_counter()
    outcome = services.enterprise_list_import(
        source=data,
        file_name=path.name,
        dry_run=dry_run,
        counted_on=datetime.date(year, 6, 30),
        run_by="bench",
        keep_details=False,
    )
    return {"seconds": time.perf_counter() - started, "summary": outcome.summary}


def _step_dry(path: Path, rows: int) -> dict:
    return _service(path, dry_run=True)


def _step_import(path: Path, rows: int) -> dict:
    return _service(path, dry_run=False)


def as_xlsx(data: bytes) -> bytes:
    """The same list saved from Excel as a workbook: numbers as numbers (tax codes too, their
    leading zeros lost, as Excel does), dates as dates."""
    import datetime

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    for number, row in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig")))):
        if number:
            row[0], row[7] = int(row[0]), int(row[7].replace(".", ""))
            if "-" not in row[1]:
                row[1] = int(row[1])
            day, month, year = map(int, row[8].split("/"))
            row[8] = datetime.date(year, month, day)
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _step_import_xlsx(path: Path, rows: int) -> dict:
    return _service(path.with_suffix(".xlsx"), dry_run=False)


def _step_next_year(path: Path, rows: int) -> dict:
    return _service(path.with_name(path.stem + "-nam-sau.csv"), dry_run=False, year=2026)


def _plain_dataset(path: Path):
    """The same rows for a plain ModelResource, which reads model values under field names:
    converted with the import's own reading, untimed."""
    import tablib

    from organizations.imports.headers import locate
    from organizations.imports.reading import read_table
    from organizations.imports.values import OwnershipWidget, StatusWidget, TaxCodeWidget

    table = read_table(path.read_bytes())
    header = locate(table, required=("tax_code", "name", "zone"))
    fields = ["tax_code", "name", "zone", "ownership", "investor_country", "sector",
              "licensed_on", "address", "status"]  # fmt: skip
    convert = {
        "tax_code": TaxCodeWidget().clean,
        "ownership": OwnershipWidget().clean,
        "status": StatusWidget().clean,
        "licensed_on": lambda v: "-".join(reversed(v.split("/"))),
    }
    dataset = tablib.Dataset(headers=fields)
    for cells in table.rows[header.row_index + 1 :]:
        dataset.append(
            [convert.get(f, str)(cells[header.positions[f]]) for f in fields]  # noqa: B023
        )
    return dataset


def _step_default(path: Path, rows: int, dry_run: bool = False) -> dict:
    from import_export import fields, resources, widgets

    from organizations.models import Enterprise, Zone

    class PlainEnterpriseResource(resources.ModelResource):
        zone = fields.Field(
            attribute="zone", column_name="zone", widget=widgets.ForeignKeyWidget(Zone, "name")
        )

        class Meta:
            model = Enterprise
            import_id_fields = ["tax_code"]
            fields = ("tax_code", "name", "zone", "ownership", "investor_country", "sector",
                      "licensed_on", "address", "status")  # fmt: skip

    dataset = _plain_dataset(path)
    started = time.perf_counter()
    result = PlainEnterpriseResource().import_data(dataset, dry_run=dry_run)
    seconds = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    totals = result.totals
    return {
        "seconds": seconds,
        "summary": f"created={totals['new']} updated={totals['update']} "
        f"unchanged={totals['skip']} invalid={totals['invalid']}",
    }


def _step_default_dry(path: Path, rows: int) -> dict:
    return _step_default(path, rows, dry_run=True)


def _step_admin(path: Path, rows: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USER))
    upload = io.BytesIO(path.read_bytes())
    upload.name = path.name
    started = time.perf_counter()
    preview = client.post(
        "/admin/organizations/enterprise/import/",
        {"import_file": upload, "counted_on": COUNTED_ON},
    )
    previewed = time.perf_counter()
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
    if preview.status_code != 200 or token is None:
        raise CommandError(f"admin preview failed: {preview.status_code}")
    confirmed = client.post(
        "/admin/organizations/enterprise/process_import/", {"token": token.group(1)}
    )
    seconds = time.perf_counter() - started
    if confirmed.status_code != 302:
        raise CommandError(f"admin confirm failed: {confirmed.status_code}")
    from organizations.models import EnterpriseImport

    record = EnterpriseImport.objects.get()
    return {
        "seconds": seconds,
        "preview_seconds": previewed - started,
        "summary": f"created={record.created} updated={record.updated} "
        f"unchanged={record.unchanged} invalid={record.invalid}",
    }


def _admin_preview(path: Path, username: str) -> dict:
    """Upload `path` to the admin's import page and preview it, as `username`. The request body
    is streamed from a file on disk, as a server reads it from the network, so that the figures
    are the server's and not a test client's copies of the body. Temporary files: what the
    request leaves in this process's temporary directory (its own, set by the parent)."""
    import tempfile

    from django.contrib.auth import get_user_model
    from django.test.client import Client, ClientHandler

    folder = Path(tempfile.gettempdir())
    body = folder / "request-body"
    boundary = "kcn-bench-boundary"
    with body.open("wb") as out:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="counted_on"\r\n\r\n'
            f"{COUNTED_ON}\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f'name="import_file"; filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        with path.open("rb") as source:
            shutil.copyfileobj(source, out)
        out.write(f"\r\n--{boundary}--\r\n".encode())
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    with body.open("rb") as stream:
        environ = client._base_environ(
            PATH_INFO="/admin/organizations/enterprise/import/",
            REQUEST_METHOD="POST",
            CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
            CONTENT_LENGTH=str(body.stat().st_size),
            **{"wsgi.input": stream},
        )
        started = time.perf_counter()
        response = ClientHandler(enforce_csrf_checks=False)(environ)
        seconds = time.perf_counter() - started
    body.unlink()
    counts = re.search(r'id="import-counts".*?</table>', response.content.decode(), re.S)
    if response.status_code != 200 or counts is None:
        raise CommandError(f"admin preview failed: {response.status_code}")
    new, changed, unchanged, invalid = (
        figure.replace(".", "") for figure in re.findall(r"<td[^>]*>([\d.]+)</td>", counts[0])
    )
    left = [p for p in folder.rglob("*") if p.is_file()]
    del response, counts
    gc.collect()  # the request and its response refer to each other
    return {
        "after_mb": _resident_mb(),
        "seconds": seconds,
        "summary": f"created={new} updated={changed} unchanged={unchanged} invalid={invalid}",
        "temp_mb": sum(p.stat().st_size for p in left) / 1e6,
        "temp_files": len(left),
    }


def _step_admin_invalid(path: Path, rows: int) -> dict:
    return _admin_preview(path, OTHER_USER)


def _step_admin_valid(path: Path, rows: int) -> dict:
    return _admin_preview(path, BENCH_USER)


def _step_profile(path: Path, rows: int) -> dict:
    try:
        from pyinstrument import Profiler
    except ImportError as exc:
        raise CommandError("--profile needs pyinstrument (pip install -e '.[dev]')") from exc
    profiler = Profiler(interval=0.001)
    profiler.start()
    measured = _service(path, dry_run=False)
    profiler.stop()
    measured["profile"] = profiler.output_text(unicode=True, color=False)
    return measured


STEPS = {
    "prepare": _step_prepare,
    "reset": _step_reset,
    "dry": _step_dry,
    "import": _step_import,
    "reimport": _step_import,
    "next_year": _step_next_year,
    "import_xlsx": _step_import_xlsx,
    "default_dry": _step_default_dry,
    "default": _step_default,
    "admin": _step_admin,
    "profile": _step_profile,
    "admin_invalid": _step_admin_invalid,
    "admin_valid": _step_admin_valid,
}


# --- The parent: databases, children, figures --------------------------------------------------


def _resident_mb() -> float:
    """This process's resident memory now (Linux VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_rss_mb() -> float:
    """The peak resident memory of this process (Django included), in MB. Linux's VmHWM: the
    rusage maximum would also count the parent's memory at the fork, kept across exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _postgres_version(url: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return None


class Command(BaseCommand):
    help = "Measure the enterprise list import (rows/s, peak memory) on SQLite and PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--rows", default="3000,100000", help="List sizes, comma-separated.")
        parser.add_argument(
            "--postgres",
            default=os.environ.get(
                "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
            ),
            help="A PostgreSQL server to create the scratch database on (its maintenance DB).",
        )
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
        parser.add_argument("--child", choices=list(STEPS), help=argparse_hidden())
        parser.add_argument("--file", help=argparse_hidden())

    def handle(self, *args, **options):
        if options["child"]:
            path = Path(options["file"])
            rows = sum(1 for _ in path.open("rb")) - 1 if path.suffix == ".csv" else 0
            measured = STEPS[options["child"]](path, rows)
            measured["peak_mb"] = _peak_rss_mb()
            self.stdout.write("BENCH " + json.dumps(measured))
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
            self._machine(options)
            results = []
            if options["only"] in (None, "sqlite"):
                url = f"sqlite:///{folder / 'bench.sqlite3'}"
                results += self._database("SQLite", url, files, options)
            if options["only"] in (None, "postgresql"):
                results += self._postgresql(files, options)
        self._table(results)

    # --- a large list in the admin --------------------------------------------------------

    def _large(self, megabytes: float, options) -> None:
        """The admin's preview of lists of about `megabytes`: as CSV (rows of the generated
        list), and as an .xlsx of that size (Excel packs the same rows about 2.5 times
        smaller, so it holds about 2.5 times more rows); as staff whose committee has the
        lists' zones (every row valid) and as staff of another committee (every row invalid)."""
        row_bytes = len(generate(20_000)) / 20_000  # rows of a national list, as generated
        with tempfile.TemporaryDirectory(prefix="kcn-bench-") as folder:
            folder = Path(folder)
            self._machine(options)
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
        import psycopg

        server = options["postgres"]
        if _postgres_version(server) is None:
            self.stdout.write(f"PostgreSQL is not reachable at {server}: skipped.")
            return []
        name = f"kcn_party_bench_{os.getpid()}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            url = server.rsplit("/", 1)[0] + f"/{name}"
            return self._database("PostgreSQL", url, files, options)
        finally:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _database(self, label, url, files, options) -> list[dict]:
        self.stdout.write(f"\n{label}")
        any_file = next(iter(files.values()))
        self._child("prepare", url, any_file)
        results = []
        for size, path in files.items():
            plan = [
                ("dry", "Dry run (preview)"),
                ("import", "Import"),
                ("reimport", "Re-import, nothing changed"),
                ("next_year", "Next year's list, every count changed"),
                ("import_xlsx", "Import, the same list as .xlsx"),
            ]
            if size <= 5000:
                plan += [
                    ("default_dry", "import-export default, dry run"),
                    ("default", "import-export default, import"),
                    ("admin", "Admin: upload, preview, confirm"),
                ]
            for step, what in plan:
                if step not in ("reimport", "next_year"):
                    self._child("reset", url, path)
                measured = self._child(step, url, path)
                measured.update({"database": label, "rows": size, "what": what})
                results.append(measured)
                self.stdout.write(
                    f"  {size:>7} rows  {what:<40} {measured['seconds']:7.2f} s "
                    f"{size / measured['seconds']:>9,.0f} rows/s  "
                    f"{measured['peak_mb']:5.0f} MB  {measured['summary']}"
                )
            if options["profile"] and size == max(files):
                self._child("reset", url, path)
                profiled = self._child("profile", url, path)
                self.stdout.write(profiled["profile"])
        return results

    def _child(self, step: str, url: str, path: Path, private_tmp: Path | None = None) -> dict:
        if private_tmp is not None:  # a fresh temporary directory, to see what is left in it
            shutil.rmtree(private_tmp, ignore_errors=True)
            private_tmp.mkdir()
        # Measured as production runs: DEBUG off, no development .env, a key of its own.
        env = {
            **{k: v for k, v in os.environ.items() if k != "ENV_FILE"},
            **({"TMPDIR": str(private_tmp)} if private_tmp is not None else {}),
            "DATABASE_URL": url,
            "DEBUG": "off",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench_import",
                   "--child", step, "--file", str(path)]  # fmt: skip
        process = subprocess.Popen(  # noqa: S603 - our own manage.py
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        stdout, stderr = process.communicate()
        if process.returncode != 0:
            raise CommandError(f"bench step {step} failed:\n{stderr[-3000:]}")
        line = next(line for line in stdout.splitlines() if line.startswith("BENCH "))
        measured = json.loads(line[len("BENCH ") :])
        return measured

    # --- output -----------------------------------------------------------------------------

    def _machine(self, options):
        self.stdout.write(
            f"Machine: {os.cpu_count()} processors, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, "
            f"PostgreSQL {_postgres_version(options['postgres']) or 'not reachable'}, "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )

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


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
