"""The round trip of issue 12 on the demo (points 5 and 8): the demo's organisation and mass
organisation lists, exported from the admin, import back unchanged; imported where none of
their records exist, they make the same records."""

from __future__ import annotations

import csv
import io

import pytest

from organizations.models import MassOrganization, MembershipCount, PartyOrganization
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.organizations.list_helpers import errors_of, import_mass, import_orgs
from tests.organizations.test_list_import_admin import MASS, ORG, export
from tests.test_demo import demo  # noqa: F401 - the demo, loaded once for the module

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(demo):  # noqa: F811
    return client_for(UserFactory(is_superuser=True, is_staff=True, username="root-demo"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_demos_exports_import_back_unchanged(fmt, superuser_client):
    for base, run, total in (
        (ORG, import_orgs, PartyOrganization.objects.count()),
        (MASS, import_mass, MassOrganization.objects.count()),
    ):
        outcome = run(export(superuser_client, base, fmt), dry_run=True)
        assert outcome.rows == total
        assert outcome.unchanged == total, (
            base,
            errors_of(outcome),
            [(c.line, c.changes) for c in outcome.changed_lines][:5],
        )


def _organizations(prefix=""):
    rows = PartyOrganization.objects.values_list(
        "code", "name", "kind", "parent__code", "founded_on", "founding_decision_no",
        "founding_body", "founding_members", "founding_reason", "chosen_unit_type", "ended_on",
        "end_reason",
    )  # fmt: skip
    return sorted(
        (code[len(prefix) :], *rest[:2], parent and parent[len(prefix) :], *rest[3:])
        for code, *rest in rows
        if code.startswith(prefix) and (prefix or not code.startswith("X-"))
        for parent in [rest[2]]
    )


def test_the_demos_organisations_into_an_empty_tree(superuser_client):
    """The exported tree, its codes prefixed so that none of them exists yet, imported by the
    command's service: the same organisations in the same places. (Without the enterprises
    they serve: those are the demo's cells', and a second tree serving them would move them
    out of the joint cells; test_list_import_admin's round trip covers the links.)"""
    data = export(superuser_client, ORG, "csv").decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(data)))
    code, parent = table[0].index("Mã"), table[0].index("Mã tổ chức cấp trên")
    served = table[0].index("MST doanh nghiệp phục vụ")
    for row in table[1:]:
        row[code] = "X-" + row[code]
        row[parent] = "X-" + row[parent] if row[parent] else ""
        row[served] = ""
    out = io.StringIO()
    csv.writer(out).writerows(table)
    before = _organizations()
    outcome = import_orgs(out.getvalue().encode("utf-8-sig"))
    assert outcome.written and outcome.created == len(before), errors_of(outcome)
    assert _organizations("X-") == before


def test_the_demos_mass_organisations_into_an_empty_list(superuser_client):
    data = export(superuser_client, MASS, "xlsx")
    fields = ("enterprise__tax_code", "kind", "name", "founded_on", "founding_decision_no",
              "founding_members", "ended_on", "end_decision_no")  # fmt: skip
    before = sorted(MassOrganization.objects.values_list(*fields))
    latest = sorted(
        MassOrganization.objects.with_latest_count()
        .filter(latest_members__isnull=False)
        .values_list("name", "latest_members", "latest_members_on")
    )
    MembershipCount.objects.all().delete()
    MassOrganization.objects.all().delete()
    outcome = import_mass(data)
    assert outcome.written and outcome.created == len(before), errors_of(outcome)
    assert sorted(MassOrganization.objects.values_list(*fields)) == before
    assert (
        sorted(
            MassOrganization.objects.with_latest_count()
            .filter(latest_members__isnull=False)
            .values_list("name", "latest_members", "latest_members_on")
        )
        == latest
    )
