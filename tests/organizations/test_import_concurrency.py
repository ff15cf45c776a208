"""Imports under stress: two at once on the same file, and a database error halfway through.
On both SQLite and PostgreSQL."""

import threading

import pytest
from django.db import DatabaseError, connection

from organizations.imports import writing
from organizations.imports.resource import EnterpriseImportResource
from organizations.models import Enterprise, EnterpriseImport, WorkforceSnapshot
from tests.conftest import account, build_world
from tests.factories import ZoneFactory
from tests.organizations.import_helpers import code, csv_bytes, row, run_import

ROWS = 400


def big_file(zone_name):
    return csv_bytes(
        [
            row(n, code(1000 + n), f"Công ty TNHH Số {n}", zone_name, "TNHH", str(10 + n))
            for n in range(1, ROWS + 1)
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_create_each_enterprise_once():
    world = build_world("BG", "24", "Bắc Giang")
    staff = account(world.committee, "staff", "bg-canbo")
    data = big_file(world.zone.name)
    start = threading.Barrier(2)
    outcomes, errors = [], []

    def import_it():
        try:
            start.wait()
            outcomes.append(run_import(data, user=staff))
        except Exception as exc:  # reported below, never hidden
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=import_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcome.summary for outcome in outcomes) == [
        f"created=0 updated=0 unchanged={ROWS} invalid=0",
        f"created={ROWS} updated=0 unchanged=0 invalid=0",
    ]
    assert Enterprise.objects.filter(zone=world.zone).count() == ROWS + 1
    assert WorkforceSnapshot.objects.filter(enterprise__zone=world.zone).count() == ROWS + 1
    assert EnterpriseImport.objects.count() == 2


@pytest.mark.django_db
def test_a_database_error_halfway_leaves_the_database_as_it_was(bg, staff, monkeypatch):
    ZoneFactory(name="KCN Vân Trung", province="Bắc Giang", committee=bg.committee)
    before = (
        list(Enterprise.objects.values_list("pk", "tax_code", "name")),
        WorkforceSnapshot.objects.count(),
    )
    monkeypatch.setattr(EnterpriseImportResource._meta, "batch_size", 2)
    rows_of = writing.BatchWriter._enterprise_rows
    written = []

    def second_batch_breaks_a_constraint(self, enterprises, *args):
        rows = rows_of(self, enterprises, *args)
        written.append(len(rows))
        if len(written) == 2:
            status = [f.attname for f in writing._ENTERPRISE].index("status")
            rows[0][status] = "not-a-status"  # the database's check constraint refuses it
        return rows

    monkeypatch.setattr(writing.BatchWriter, "_enterprise_rows", second_batch_breaks_a_constraint)

    with pytest.raises(DatabaseError):
        run_import(big_file("KCN Vân Trung")[:2000], user=staff)

    assert len(written) >= 2  # the first batch had been sent before the failure
    assert (
        list(Enterprise.objects.values_list("pk", "tax_code", "name")),
        WorkforceSnapshot.objects.count(),
    ) == before
    assert not EnterpriseImport.objects.exists()
