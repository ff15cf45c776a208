"""Member imports under stress: two at once, and a database error halfway (issue 12, point 6)."""

import threading

import pytest
from django.db import DatabaseError, connection

from members.imports.register import MemberImportResource
from members.models import Member, MemberEvent
from members.models.intervals import CountedInterval
from organizations.models import ListImport
from tests.conftest import build_world
from tests.factories import citizen_id
from tests.members.imports.helpers import register, row, run

ROWS = 60


def many():
    return register(
        *(row(**{"Họ và tên": f"Đảng viên {n}", "Số CCCD": citizen_id(n, 1985)})
          for n in range(1, ROWS + 1))
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_register_at_once_create_each_member_once():
    world = build_world("BG", "24", "Bắc Giang")
    data = many()
    start = threading.Barrier(2)
    outcomes, errors = [], []

    def import_it():
        try:
            start.wait()
            outcomes.append(run(data, world.committee))
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
    assert Member.objects.count() == ROWS
    assert MemberEvent.objects.count() == 2 * ROWS
    assert ListImport.objects.count() == 2


@pytest.mark.django_db
def test_a_database_error_halfway_leaves_nothing(bg, monkeypatch):
    monkeypatch.setattr(MemberImportResource._meta, "batch_size", 10)
    create = CountedInterval.objects.bulk_create
    calls = []

    def second_batch_fails(objs, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return create(objs, *args, **kwargs)

    monkeypatch.setattr(CountedInterval.objects, "bulk_create", second_batch_fails)
    with pytest.raises(DatabaseError):
        run(many(), bg.committee)
    assert len(calls) == 2  # the first batch had been written
    assert not Member.objects.exists()
    assert not MemberEvent.objects.exists() and not CountedInterval.objects.exists()
    assert not ListImport.objects.exists()
