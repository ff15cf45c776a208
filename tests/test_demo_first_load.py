"""`make run` keeps working after use (issue 8, point 7): the demo loads into a database a
person has already used, without touching what they entered, however much of it collides
with what the demo would write; and a demo that cannot load does not stop the server."""

import datetime
import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.forms.models import model_to_dict

from members import services as member_services
from members.demo import BAC_GIANG, MembersDemo
from members.models import Member
from organizations import services
from organizations.access import SYSTEM, Role
from organizations.demo import DemoBuilder
from organizations.models import (
    Enterprise,
    OrganizationKind,
    Ownership,
    PartyOrganization,
    Zone,
)

D = datetime.date
PERSON_PASSWORD = "mat-khau-rieng-cua-can-bo"


def what_the_demo_writes_first() -> dict:
    """The Bắc Giang committee's first enterprise tax code, and the citizen ID and card number
    of its first member with a card, learnt by writing the organisations and simulating the
    members in a transaction that is then undone."""
    with transaction.atomic():
        DemoBuilder().build()
        enterprise = (
            Enterprise.objects.filter(zone__committee__code=BAC_GIANG.code)
            .select_related("zone")
            .order_by("pk")
            .first()
        )
        loader = MembersDemo()
        people = loader.simulation.simulate(BAC_GIANG, loader.cells_of(BAC_GIANG))
        person = next(p for p in people if p.card_number)
        transaction.set_rollback(True)
    return {
        "tax_code": enterprise.tax_code,
        "zone": enterprise.zone.name,
        "citizen_id": person.citizen_id,
        "card_number": person.card_number,
        "birth_date": person.birth_date,
        "sex": person.sex,
    }


def enter_as_a_person(demo: dict) -> list:
    """What a person might have entered before ever loading the demo: their own committee
    with the demo's codes, a zone of the demo's name, an enterprise with the demo's tax code,
    an account of a demo username, a member with the demo's citizen ID and card number."""
    province = PartyOrganization(
        kind=OrganizationKind.PROVINCE, code="BG-KHOI-DN", name="Tỉnh ủy (do cán bộ nhập)",
        founded_on=D(1997, 1, 1),
    )  # fmt: skip
    services.organization_save(organization=province)
    committee = PartyOrganization(
        kind=OrganizationKind.UPPER_GRASSROOTS, parent=province, code=BAC_GIANG.code,
        name="Đảng bộ KCN (do cán bộ nhập)", founded_on=D(2014, 6, 20),
    )  # fmt: skip
    services.organization_save(organization=committee)
    zone = Zone(name=demo["zone"], province="Bắc Giang", committee=committee)
    zone.full_clean()
    zone.save()
    enterprise = Enterprise(
        tax_code=demo["tax_code"], name="Công ty của cán bộ", zone=zone, ownership=Ownership.LLC
    )
    services.enterprise_save(enterprise=enterprise)
    cell = PartyOrganization(
        kind=OrganizationKind.GRASSROOTS_CELL, parent=committee, code="BG-KCN-CB01",
        name="Chi bộ của cán bộ", founded_on=D(2015, 3, 2),
    )  # fmt: skip
    services.organization_save(organization=cell, enterprises=[enterprise])
    account = services.staff_account_save(
        username="bg-canbo", organization=committee, role=Role.STAFF, password=PERSON_PASSWORD
    )
    member, _warnings = member_services.member_admit(
        member=Member(
            full_name="Đảng viên do cán bộ nhập",
            birth_date=demo["birth_date"],
            sex=demo["sex"],
            citizen_id=demo["citizen_id"],
            card_number=demo["card_number"],
        ),
        organization=cell,
        decided_on=D(2020, 5, 4),
        ceremony_on=D(2020, 5, 19),
        by=SYSTEM,
    )
    return [province, committee, zone, enterprise, cell, account, member]


def records_of(objects) -> list[dict]:
    return [
        model_to_dict(type(o).objects.get(pk=o.pk)) | {"pk": o.pk, "model": type(o).__name__}
        for o in objects
    ]


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (PartyOrganization, Zone, Enterprise, Member, get_user_model())
    }


@pytest.mark.django_db
def test_the_demo_loads_into_a_used_database_and_leaves_what_was_entered_alone():
    entered = enter_as_a_person(what_the_demo_writes_first())
    before = records_of(entered)

    out = StringIO()
    call_command("load_demo", "--force", stdout=out)

    assert "Demo data loaded" in out.getvalue()
    assert records_of(entered) == before
    account = get_user_model().objects.get(username="bg-canbo")
    assert account.check_password(PERSON_PASSWORD)
    assert account.staff_profile.organization == entered[1]
    # The demo is there in full, beside the person's records, under keys of its own.
    demo_committee = PartyOrganization.objects.get(name="Đảng bộ Các KCN tỉnh Bắc Giang")
    assert demo_committee.code != BAC_GIANG.code
    cells = PartyOrganization.objects.within(demo_committee).filter(
        kind=OrganizationKind.GRASSROOTS_CELL
    )
    assert cells.active().count() == 8
    assert 118 <= Member.objects.within(demo_committee).counted().count() <= 130
    assert Zone.objects.filter(committee=demo_committee).count() == 7
    for field in ("citizen_id", "card_number"):
        repeated = (
            Member.objects.counted()
            .exclude(**{field: ""})
            .values(field)
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not repeated.exists(), field
    assert "BG-KCN" in out.getvalue()  # says which of its keys it had to change

    again, loaded = StringIO(), counts()
    call_command("load_demo", "--force", stdout=again)
    assert "nothing changed" in again.getvalue()
    assert counts() == loaded and records_of(entered) == before


# --- make run ---------------------------------------------------------------------------------

FAKE_PYTHON = """#!/bin/sh
echo "$*" >> "{log}"
case "$*" in
  *load_demo*) echo "load_demo: something went wrong" >&2; exit 1 ;;
esac
exit 0
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="make is what `make run` needs")
def test_make_run_serves_even_when_the_demo_cannot_load(tmp_path):
    """The Makefile's own steps, with a stand-in for Python that records each command and
    fails the demo: migrations, then the demo (which fails), then the server all the same."""
    log = tmp_path / "commands.log"
    python = tmp_path / "python"
    python.write_text(FAKE_PYTHON.format(log=log))
    python.chmod(0o755)
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()  # newer than pyproject.toml: nothing to install
    base = Path(settings.BASE_DIR)
    env_file = base / ".env"
    made_env = not env_file.exists()
    if made_env:
        shutil.copy(base / ".env.example", env_file)
    try:
        process = subprocess.run(  # noqa: S603 - make, on our own Makefile
            [shutil.which("make"), "--no-print-directory", "-C", str(base), "run", f"PY={python}",
             f"VENV={venv}", "PORT=8765"],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "MAKEFLAGS": ""},
        )  # fmt: skip
    finally:
        if made_env:
            env_file.unlink()
    commands = log.read_text().splitlines()
    assert process.returncode == 0, process.stderr
    steps = [c.split()[1] for c in commands if c.startswith("manage.py")]
    assert steps.index("migrate") < steps.index("load_demo") < steps.index("runserver"), steps
    assert steps[-1] == "runserver"
    assert "the demo data could not be loaded" in process.stderr
