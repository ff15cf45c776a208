"""The demo data matches the committees of the domain guide (§9) and loads idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Sum
from django.test import Client

from organizations.demo import DEMO_PASSWORD, demo_accounts
from organizations.models import (
    Enterprise,
    LeadershipTerm,
    MassKind,
    MassOrganization,
    MembershipCount,
    OrganizationKind,
    Ownership,
    PartyOrganization,
    StaffProfile,
    WorkforceSnapshot,
    Zone,
)
from organizations.models.places import NON_STATE_OWNERSHIP

K = OrganizationKind
MODELS = [
    PartyOrganization,
    Zone,
    Enterprise,
    WorkforceSnapshot,
    MassOrganization,
    MembershipCount,
    LeadershipTerm,
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # Loaded once for the module inside a transaction that is rolled back afterwards; each
    # test runs in a savepoint within it.
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fingerprint():
    return {
        model.__name__: (model.objects.count(), model.objects.aggregate(last=Max("pk"))["last"])
        for model in MODELS
    } | {"enterprise_updated": Enterprise.objects.aggregate(last=Max("updated_at"))["last"]}


@pytest.mark.django_db
def test_bac_giang_committee_has_its_cells_zones_and_unions(demo):
    committee = PartyOrganization.objects.get(code="BG-KCN")
    below = PartyOrganization.objects.within(committee).exclude(pk=committee.pk)
    assert below.active().filter(kind=K.GRASSROOTS_CELL).count() == 8
    assert below.filter(ended_on__isnull=False).count() == 1  # a dissolved cell stays on record
    assert below.filter(founded_on__year__gt=2014).active().count() == 4  # +4 cells since founding
    assert committee.parent.kind == K.PROVINCE
    assert committee.zones.count() == 7
    unions = MassOrganization.objects.filter(
        enterprise__zone__committee=committee, kind=MassKind.TRADE_UNION
    )
    assert unions.count() == 25
    latest = sum(u.latest_members for u in unions.with_latest_count())
    assert latest > 15_000
    assert below.get(name__contains="Dầu khí Thái Dương").founded_on.year == 2016


@pytest.mark.django_db
def test_ha_noi_committee_has_68_organisations_as_the_guide_says(demo):
    committee = PartyOrganization.objects.get(code="HN-KCN")
    grassroots = PartyOrganization.objects.within(committee).grassroots().active()
    assert grassroots.filter(kind=K.GRASSROOTS_COMMITTEE).count() == 4
    assert grassroots.filter(kind=K.GRASSROOTS_CELL).count() == 64
    hosts = Enterprise.objects.filter(party_organizations__in=grassroots)
    assert hosts.filter(ownership=Ownership.AGENCY).count() == 3
    assert hosts.filter(ownership__in=NON_STATE_OWNERSHIP).count() == 65
    assert hosts.filter(ownership=Ownership.FDI100).count() == 41
    assert hosts.filter(ownership=Ownership.JV).count() == 1
    below_committees = PartyOrganization.objects.within(committee).filter(
        kind__in=[K.PARTIAL_COMMITTEE, K.SUBORDINATE_CELL]
    )
    assert below_committees.filter(kind=K.SUBORDINATE_CELL).count() == 12
    assert WorkforceSnapshot.objects.aggregate(total=Sum("workers"))["total"] > 50_000


@pytest.mark.django_db
def test_every_demo_account_logs_in_with_its_role(demo):
    for username, organization_code, role in demo_accounts():
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD), username
        response = client.get("/admin/organizations/partyorganization/")
        assert response.status_code == 200
        profile = StaffProfile.objects.get(user__username=username)
        assert (profile.organization.code, profile.role) == (organization_code, role)


@pytest.mark.django_db
def test_loading_again_changes_nothing(demo):
    before = fingerprint()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert fingerprint() == before


@pytest.mark.django_db
def test_demo_rules_hold(demo):
    for organization in PartyOrganization.objects.all():
        organization.full_clean()
        organization.check_enterprises(organization.enterprises.select_related("zone__committee"))
    for enterprise in Enterprise.objects.all()[:50]:
        enterprise.full_clean()
