"""The steps of `manage.py bench_members_import`, each run in a child process on a scratch
database (`organizations.bench.processes`): prepare the committee, its cells and a staff
account; reset; the command `import_members` on the generated register; the same again (a
no-op); the admin's preview of a register."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from members.bench.registers import CELLS, FOUNDED, cell_code
from members.models import Member, MemberEvent
from members.models.intervals import CountedInterval
from members.signals import events_written
from organizations import services
from organizations.access import Role
from organizations.bench.processes import HttpsClient
from organizations.models import ListImport, OrganizationKind, PartyOrganization

COMMITTEE, USER = "BENCH-KCN", "bench-canbo"


def _step_prepare(path: Path, rows: int) -> dict:
    call_command("migrate", verbosity=0)
    committee, _ = PartyOrganization.objects.get_or_create(
        code=COMMITTEE,
        defaults={
            "kind": OrganizationKind.UPPER_GRASSROOTS,
            "name": "Đảng bộ Các KCN (đo hiệu năng)",
            "founded_on": FOUNDED,
        },
    )
    for n in range(1, CELLS + 1):
        PartyOrganization.objects.get_or_create(
            code=cell_code(n),
            defaults={
                "kind": OrganizationKind.GRASSROOTS_CELL,
                "name": f"Chi bộ Công ty số {n} (đo hiệu năng)",
                "parent": committee,
                "founded_on": FOUNDED,
            },
        )
    services.staff_account_save(
        username=USER, organization=committee, role=Role.STAFF, password=None
    )
    return {}


def _step_reset(path: Path, rows: int) -> dict:
    with connection.cursor() as cursor:
        for model in (CountedInterval, MemberEvent, Member, ListImport):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    return {}


def _command(path: Path) -> dict:
    out = io.StringIO()
    started = time.perf_counter()
    try:
        call_command("import_members", str(path), "--committee", COMMITTEE, stdout=out, stderr=out)
    except SystemExit as exit_:
        raise CommandError(out.getvalue()[-2000:]) from exit_
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "summary": out.getvalue().strip().splitlines()[-1],
        "events": MemberEvent.objects.count(),
    }


def _step_import(path: Path, rows: int) -> dict:
    return _command(path)


def _step_reimport(path: Path, rows: int) -> dict:
    return _command(path)


def _without_corrections() -> None:
    """Disconnect what listens to the members' events (reports' record of corrections to
    closed periods, one query per event): the import's own figures, beside the full ones."""
    events_written.receivers.clear()
    events_written.sender_receivers_cache.clear()


def _step_import_bare(path: Path, rows: int) -> dict:
    _without_corrections()
    return _command(path)


def _step_admin_preview(path: Path, rows: int) -> dict:
    client = HttpsClient()
    client.force_login(get_user_model().objects.get(username=USER))
    upload = io.BytesIO(path.read_bytes())
    upload.name = path.name
    started = time.perf_counter()
    response = client.post("/admin/members/member/nhap/", {"import_file": upload})
    seconds = time.perf_counter() - started
    counts = re.findall(r'class="count-(\w+)">([\d.]+)<', response.content.decode())
    if response.status_code != 200 or not counts:
        raise CommandError(f"admin preview failed: {response.status_code}")
    return {"seconds": seconds, "summary": " ".join(f"{k}={v}" for k, v in counts)}


STEPS = {
    name.removeprefix("_step_"): step
    for name, step in globals().items()
    if name.startswith("_step_")
}
