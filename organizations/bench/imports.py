"""The steps of the enterprise import's benchmark (`manage.py bench_import`), each run in a
child process (`processes`) on a list of `lists`: the service's dry run and import, a re-import,
next year's list, the same list as .xlsx, django-import-export's default row by row, and the
admin (a 3,000-row upload, preview and confirm; the preview of a list of about 49 MB as a server
receives it)."""

from __future__ import annotations

import datetime
import gc
import io
import re
import shutil
import tempfile
import time
from pathlib import Path

import tablib
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.test.client import ClientHandler
from import_export import fields, resources, widgets

from organizations import history, services
from organizations.access import Role
from organizations.bench.lists import zone_names
from organizations.bench.processes import HttpsClient, resident_mb
from organizations.imports.headers import locate
from organizations.imports.reading import read_table
from organizations.imports.resource import ENTERPRISES
from organizations.imports.values import OwnershipWidget, StatusWidget, TaxCodeWidget
from organizations.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseState,
    OrganizationKind,
    PartyOrganization,
    WorkforceSnapshot,
    Zone,
)

BENCH_COMMITTEE = "BENCH-KCN"
BENCH_USER = "bench-canbo"
# Staff of a committee whose zones the generated lists never name: every row is invalid, the
# worst case for the file of invalid rows.
OTHER_COMMITTEE, OTHER_USER, OTHER_ZONE = "BENCH-KHAC", "bench-khac", "KCN Khác (đo hiệu năng)"
COUNTED_ON = "30/06/2025"


def _committee(code: str, name: str, username: str) -> PartyOrganization:
    """A zone committee and a staff account of it."""
    committee, _ = PartyOrganization.objects.get_or_create(
        code=code,
        defaults={
            "kind": OrganizationKind.UPPER_GRASSROOTS,
            "name": name,
            "founded_on": "2015-01-01",
        },
    )
    services.staff_account_save(
        username=username, organization=committee, role=Role.STAFF, password=None
    )
    return committee


def _step_prepare(path: Path, rows: int) -> dict:
    call_command("migrate", verbosity=0)
    committee = _committee(BENCH_COMMITTEE, "Đảng bộ Các KCN (đo hiệu năng)", BENCH_USER)
    for name in sorted(set(zone_names(3000)) | set(zone_names(100_000))):
        Zone.objects.get_or_create(
            name=name, defaults={"province": "Bắc Giang", "committee": committee}
        )
    other = _committee(OTHER_COMMITTEE, "Đảng bộ Các KCN khác (đo hiệu năng)", OTHER_USER)
    Zone.objects.get_or_create(name=OTHER_ZONE, defaults={"province": "Hà Nội", "committee": other})
    return {}


def _step_reset(path: Path, rows: int) -> dict:
    tables = [
        history.historical_model(WorkforceSnapshot)._meta.db_table,
        history.historical_model(Enterprise)._meta.db_table,
        WorkforceSnapshot._meta.db_table,
        # The status and ownership history the import opens (it held the enterprises back).
        EnterpriseState._meta.db_table,
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


def _step_import_no_trail(path: Path, rows: int) -> dict:
    """The import with the change trail turned off: what the trail costs, in the same run."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        return _service(path, dry_run=False)


def _step_import_xlsx(path: Path, rows: int) -> dict:
    return _service(path.with_suffix(".xlsx"), dry_run=False)


def _step_next_year(path: Path, rows: int) -> dict:
    return _service(path.with_name(path.stem + "-nam-sau.csv"), dry_run=False, year=2026)


def _plain_dataset(path: Path):
    """The same rows for a plain ModelResource, which reads model values under field names:
    converted with the import's own reading, untimed."""
    table = read_table(path.read_bytes())
    header = locate(table, ENTERPRISES, required=("tax_code", "name", "zone"))
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
    client = HttpsClient()
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
    client = HttpsClient()
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
        "after_mb": resident_mb(),
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
    "import_no_trail": _step_import_no_trail,
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
