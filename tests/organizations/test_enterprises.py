import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import translation

from organizations import rules, services
from organizations.models import (
    Enterprise,
    MassKind,
    MembershipCount,
    OrganizationKind,
    PartyOrganization,
    WorkforceSnapshot,
)
from organizations.validators import normalize_tax_code
from tests.factories import (
    EnterpriseFactory,
    MassOrganizationFactory,
    PartyOrganizationFactory,
    ZoneFactory,
    valid_tax_code,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("0100233488", "0100233488"),  # Hà Nội codes keep their leading zero
        (" 0314409058-002 ", "0314409058-002"),  # branch
        ("0314409058002", "0314409058-002"),
        ("01.00.233.488", "0100233488"),
    ],
)
def test_tax_code_is_kept_as_text_in_canonical_form(raw, stored):
    enterprise = EnterpriseFactory.build(tax_code=raw, zone=ZoneFactory())
    services.enterprise_save(enterprise=enterprise)
    assert Enterprise.objects.get().tax_code == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0100233480", "sai chữ số kiểm tra"),
        ("12345", "10 chữ số"),
        ("01002334AB", "10 chữ số"),
    ],
)
def test_bad_tax_code_is_refused_in_vietnamese(raw, message):
    zone = ZoneFactory()
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.enterprise_save(enterprise=EnterpriseFactory.build(tax_code=raw, zone=zone))
    assert message in " ".join(error.value.message_dict["tax_code"])
    assert not Enterprise.objects.exists()


def test_tax_code_is_unique():
    first = EnterpriseFactory()
    with pytest.raises(ValidationError) as error:
        services.enterprise_save(
            enterprise=EnterpriseFactory.build(tax_code=first.tax_code, zone=first.zone)
        )
    assert "tax_code" in error.value.message_dict
    assert normalize_tax_code("garbage") == "garbage"


def test_worker_counts_are_dated_snapshots_and_the_latest_is_shown():
    enterprise = EnterpriseFactory()
    services.enterprise_record_workers(
        enterprise=enterprise, counted_on=datetime.date(2024, 12, 31), workers=900
    )
    services.enterprise_record_workers(
        enterprise=enterprise, counted_on=datetime.date(2025, 12, 31), workers=1260
    )
    services.enterprise_record_workers(
        enterprise=enterprise, counted_on=datetime.date(2025, 12, 31), workers=1270
    )
    annotated = Enterprise.objects.with_latest_workers().get()
    assert (annotated.latest_workers, annotated.latest_workers_on) == (
        1270,
        datetime.date(2025, 12, 31),
    )
    assert WorkforceSnapshot.objects.count() == 2


def test_negative_worker_count_is_refused_everywhere():
    enterprise = EnterpriseFactory()
    with pytest.raises(ValidationError):
        services.enterprise_record_workers(
            enterprise=enterprise, counted_on=datetime.date(2025, 1, 1), workers=-5
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkforceSnapshot.objects.create(
            enterprise=enterprise, counted_on=datetime.date(2025, 1, 1), workers=-5
        )
    assert not WorkforceSnapshot.objects.exists()


def test_enterprises_are_never_deleted_by_staff_only_closed(bg, staff_client):
    response = staff_client.post(
        f"/admin/organizations/enterprise/{bg.enterprise.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Enterprise.objects.filter(pk=bg.enterprise.pk).exists()


def test_an_organisation_serves_only_enterprises_of_its_committees_zones(bg, hn):
    cell = PartyOrganization(
        kind=OrganizationKind.GRASSROOTS_CELL,
        parent=bg.committee,
        code="BG-CB-NEW",
        name="Chi bộ ghép",
        founded_on=datetime.date(2024, 1, 1),
    )
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.organization_save(organization=cell, enterprises=[bg.enterprise, hn.enterprise])
    assert hn.enterprise.name in error.value.message_dict["enterprises"][0]
    assert not PartyOrganization.objects.filter(code="BG-CB-NEW").exists()

    services.organization_save(organization=cell, enterprises=[bg.enterprise])
    assert list(cell.enterprises.all()) == [bg.enterprise]


def test_a_joint_cell_serves_several_enterprises(bg):
    second = EnterpriseFactory(zone=bg.zone)
    bg.cell.enterprises.add(second)
    assert set(bg.cell.enterprises.all()) == {bg.enterprise, second}
    assert list(second.party_organizations.all()) == [bg.cell]


@pytest.mark.parametrize(
    ("kind", "members", "exception", "warns"),
    [
        (OrganizationKind.GRASSROOTS_CELL, 2, "", True),
        (OrganizationKind.GRASSROOTS_CELL, 3, "", False),
        (OrganizationKind.GRASSROOTS_CELL, 31, "", True),
        (OrganizationKind.GRASSROOTS_CELL, 31, "15-QĐ/ĐU", False),
        (OrganizationKind.GRASSROOTS_COMMITTEE, 20, "", True),
        (OrganizationKind.GRASSROOTS_COMMITTEE, 30, "", False),
    ],
)
def test_size_thresholds_warn_but_do_not_block(kind, members, exception, warns):
    upper = PartyOrganizationFactory(kind=OrganizationKind.UPPER_GRASSROOTS)
    organization = PartyOrganization(
        kind=kind,
        parent=upper,
        code="SIZE",
        name="Chi bộ thử",
        founded_on=datetime.date(2024, 1, 1),
        founding_members=members,
        size_exception_decision=exception,
    )
    warnings = services.organization_save(organization=organization)
    assert bool(warnings) is warns
    assert organization.pk


@override_settings(
    PARTY_RULES={
        "CELL_MIN_FOUNDING_MEMBERS": 5,
        "GRASSROOTS_COMMITTEE_MIN_MEMBERS": 50,
        "TRADE_UNION_MIN_FOUNDING_MEMBERS": 10,
    }
)
def test_size_thresholds_are_configurable():
    upper = PartyOrganizationFactory(kind=OrganizationKind.UPPER_GRASSROOTS)
    cell = PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_CELL, parent=upper, founding_members=4
    )
    with translation.override("vi"):
        (warning,) = rules.organization_warnings(cell)
    assert "5" in warning
    union = MassOrganizationFactory(kind=MassKind.TRADE_UNION, founding_members=8)
    assert rules.mass_organization_warnings(union)


def test_mass_organisation_counts_are_dated_and_rules_hold():
    union = MassOrganizationFactory(founding_members=4)
    assert services.mass_organization_save(organization=union)  # below 5: a warning
    services.mass_organization_record_count(
        organization=union, counted_on=datetime.date(2025, 12, 31), members=600, recruited=80
    )
    with pytest.raises(ValidationError) as error:
        services.mass_organization_record_count(
            organization=union, counted_on=datetime.date(2026, 6, 30), members=50, recruited=80
        )
    assert "recruited" in error.value.message_dict
    assert MembershipCount.objects.count() == 1
    union.ended_on = datetime.date(2019, 1, 1)
    with pytest.raises(ValidationError) as error:
        services.mass_organization_save(organization=union)
    assert "ended_on" in error.value.message_dict


def test_zone_is_in_the_care_of_a_zone_committee():
    cell = PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_CELL,
        parent=PartyOrganizationFactory(kind=OrganizationKind.UPPER_GRASSROOTS),
    )
    zone = ZoneFactory.build(committee=cell)
    with pytest.raises(ValidationError) as error:
        zone.full_clean()
    assert "committee" in error.value.message_dict


def test_valid_tax_code_helper_makes_valid_codes():
    from stdnum.vn import mst

    assert all(mst.is_valid(valid_tax_code(n)) for n in range(1, 50))
