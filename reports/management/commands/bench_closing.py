"""python manage.py bench_closing [--organizations N] [--enterprises N] [--step STEP] [--trace]

The peak memory and the time of closing a year (reports.services.period_close) for one
committee holding the national counts of organisations and enterprises (docs/benchmarks.md,
"Closing a period"). It writes the generated records in bulk into the database it is pointed
at — run it against a scratch database, never one with real records — and deletes them
afterwards (`--step all`); run the steps one by one to measure the closing's peak alone.
The figures benchmark (issue 10, point 7) may time period_close on its own national data
instead; this command stands alone.
"""

from __future__ import annotations

import datetime
import resource
import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max

from organizations.access import SYSTEM
from organizations.models import (
    Enterprise,
    EnterpriseLink,
    EnterpriseState,
    MassOrganization,
    OrganizationKind,
    PartyOrganization,
    WorkforceSnapshot,
    Zone,
)
from reports.models import ClosedPeriod
from reports.periods import Period
from reports.services import period_close

FOUNDED = datetime.date(2015, 1, 1)
BATCH = 5000
CELLS_PER_COMMITTEE = 9


def _peak_mib() -> float:
    """The process's peak resident memory: Linux's VmHWM (the rusage maximum can carry the
    parent's peak across exec), else the rusage maximum."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time and measure the memory of closing a year for a committee of national size."

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=50_000)
        parser.add_argument("--enterprises", type=int, default=300_000)
        parser.add_argument(
            "--step",
            choices=("all", "generate", "close", "delete"),
            default="all",
            help="generate (kept), close (the generated committee, in a fresh process: its "
            "peak RSS is the closing's), delete; all: the three in one process.",
        )
        parser.add_argument(
            "--trace", action="store_true", help="Also count Python's allocations (slower)."
        )

    def handle(self, *args, **options):
        step = options["step"]
        if step in ("all", "generate"):
            started = time.perf_counter()
            self._generate(options["organizations"], options["enterprises"])
            self.stdout.write(f"generated in {time.perf_counter() - started:.1f} s")
        committee = PartyOrganization.objects.get(code="BENCH-KCN")
        if step in ("all", "close"):
            self._close(committee, options["trace"])
        if step in ("all", "delete"):
            self._delete(committee)

    def _close(self, committee, trace: bool) -> None:
        # Without its stored JSON: loading a national closing to delete it would be measured.
        ClosedPeriod.objects.filter(committee=committee).defer("figures", "tree").delete()
        rss_before = _peak_mib()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        closed = period_close(committee=committee, period=Period.year(2025), by=SYSTEM)
        took = time.perf_counter() - started
        traced = ""
        if trace:
            traced = (
                f"Python allocations at peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MiB; "
            )
            tracemalloc.stop()
        self.stdout.write(
            f"period_close: {took:.1f} s; {traced}"
            f"process peak RSS {rss_before:.0f} MiB before, {_peak_mib():.0f} MiB after; "
            f"{len(closed.tree['organizations']['rows'])} organisations and "
            f"{len(closed.tree['enterprises']['rows'])} enterprises in the snapshot"
        )

    @transaction.atomic
    def _generate(self, organizations: int, enterprises: int) -> PartyOrganization:
        province = PartyOrganization(
            kind=OrganizationKind.PROVINCE, code="BENCH-P", name="Bench", founded_on=FOUNDED
        )
        province.save()
        committee = PartyOrganization(
            kind=OrganizationKind.UPPER_GRASSROOTS,
            parent=province,
            code="BENCH-KCN",
            name="Bench KCN",
            founded_on=FOUNDED,
        )
        committee.save()
        next_id = (PartyOrganization.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        rows, cells = [], []
        grassroots = max(1, organizations // (CELLS_PER_COMMITTEE + 1))

        def organization(pk, kind, parent_id, code, name, path):
            return PartyOrganization(
                pk=pk,
                kind=kind,
                parent_id=parent_id,
                code=code,
                name=name,
                founded_on=FOUNDED,
                path=path,
                depth=path.count("/") - 1,
            )

        for n in range(grassroots):
            gid = next_id
            next_id += 1
            path = f"{committee.path}{gid:07d}/"
            rows.append(
                organization(
                    gid,
                    OrganizationKind.GRASSROOTS_COMMITTEE,
                    committee.pk,
                    f"BENCH-G{n}",
                    f"Đảng bộ bench {n}",
                    path,
                )
            )
            for m in range(CELLS_PER_COMMITTEE):
                cid = next_id
                next_id += 1
                cells.append(cid)
                rows.append(
                    organization(
                        cid,
                        OrganizationKind.SUBORDINATE_CELL,
                        gid,
                        f"BENCH-G{n}-{m}",
                        f"Chi bộ bench {n}-{m}",
                        f"{path}{cid:07d}/",
                    )
                )
        PartyOrganization.objects.bulk_create(rows, batch_size=BATCH)
        zones = [
            Zone(name=f"KCN bench {n}", province="Bench", committee=committee)
            for n in range(max(1, enterprises // 1000))
        ]
        Zone.objects.bulk_create(zones)
        zones = list(Zone.objects.filter(committee=committee))
        start = (Enterprise.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        for first in range(0, enterprises, BATCH):
            ids = range(start + first, start + min(first + BATCH, enterprises))
            Enterprise.objects.bulk_create(
                Enterprise(
                    pk=pk,
                    tax_code=f"9{pk:09d}",
                    name=f"Công ty bench {pk}",
                    zone=zones[pk % len(zones)],
                    ownership="fdi100",
                )
                for pk in ids
            )
            EnterpriseState.objects.bulk_create(
                EnterpriseState(
                    enterprise_id=pk, status="active", ownership="fdi100", valid_from=FOUNDED
                )
                for pk in ids
            )
            WorkforceSnapshot.objects.bulk_create(
                WorkforceSnapshot(
                    enterprise_id=pk, counted_on=datetime.date(2024, 12, 31), workers=pk % 2000
                )
                for pk in ids
            )
            EnterpriseLink.objects.bulk_create(
                EnterpriseLink(
                    organization_id=cells[pk % len(cells)], enterprise_id=pk, started_on=FOUNDED
                )
                for pk in ids
                if pk % 3 == 0
            )
            MassOrganization.objects.bulk_create(
                MassOrganization(
                    kind="trade_union", name=f"CĐCS {pk}", enterprise_id=pk, founded_on=FOUNDED
                )
                for pk in ids
                if pk % 2 == 0
            )
        return committee

    @transaction.atomic
    def _delete(self, committee: PartyOrganization) -> None:
        # Without its stored JSON: loading a national closing to delete it would be measured.
        ClosedPeriod.objects.filter(committee=committee).defer("figures", "tree").delete()
        enterprises = Enterprise.objects.filter(zone__committee=committee)
        MassOrganization.objects.filter(enterprise__in=enterprises).delete()
        EnterpriseLink.objects.filter(enterprise__in=enterprises).delete()
        EnterpriseState.objects.filter(enterprise__in=enterprises).delete()
        WorkforceSnapshot.objects.filter(enterprise__in=enterprises).delete()
        enterprises.delete()
        Zone.objects.filter(committee=committee).delete()
        tree = PartyOrganization.objects.within(committee.parent)
        for depth in sorted(set(tree.values_list("depth", flat=True)), reverse=True):
            tree.filter(depth=depth).delete()
