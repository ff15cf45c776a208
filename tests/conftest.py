"""Shared fixtures: two zone committees under their province-level bodies, and the three
people every access rule is tested with (staff, a leader who only looks, an outsider)."""

import datetime
import tempfile
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation

from kcn_party.translations import compile_translations
from organizations import services
from organizations.access import Role
from organizations.models import OrganizationKind, PartyOrganization
from tests.factories import (
    EnterpriseFactory,
    MassOrganizationFactory,
    PartyOrganizationFactory,
    StaffProfileFactory,
    WorkforceSnapshotFactory,
    ZoneFactory,
    valid_tax_code,
)


def pytest_configure(config):
    # Vietnamese messages are asserted on: make sure the catalogue is compiled.
    compile_translations()


@pytest.fixture(autouse=True)
def vietnamese_outside_requests():
    """A request that chooses English leaves English active in the test's thread; without
    this, a later test's messages made outside a request came out in English."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def private_temporary_files(tmp_path, monkeypatch):
    """Uploads kept between an import's preview and its confirmation
    (organizations.imports.previews) go to the test's own folder, removed with it."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


@dataclass
class World:
    province: PartyOrganization
    committee: PartyOrganization
    cell: PartyOrganization
    zone: object
    enterprise: object
    mass: object


def build_world(prefix: str, tax_prefix: str, province_name: str) -> World:
    province = PartyOrganizationFactory(
        kind=OrganizationKind.PROVINCE, code=f"{prefix}-P", name=f"Tỉnh ủy {province_name}"
    )
    committee = PartyOrganizationFactory(
        kind=OrganizationKind.UPPER_GRASSROOTS,
        parent=province,
        code=f"{prefix}-KCN",
        name=f"Đảng bộ Các KCN {province_name}",
    )
    zone = ZoneFactory(name=f"KCN {province_name} I", province=province_name, committee=committee)
    enterprise = EnterpriseFactory(
        zone=zone,
        name=f"Công ty TNHH Điện tử {province_name}",
        tax_code=valid_tax_code(11, tax_prefix),
    )
    WorkforceSnapshotFactory(
        enterprise=enterprise, counted_on=datetime.date(2025, 12, 31), workers=1260
    )
    cell = PartyOrganizationFactory(
        kind=OrganizationKind.GRASSROOTS_CELL,
        parent=committee,
        code=f"{prefix}-CB01",
        name=f"Chi bộ Công ty TNHH Điện tử {province_name}",
        founded_on=datetime.date(2018, 3, 1),
    )
    # Through the service: served from the cell's founding, its unit type the enterprise's.
    services.organization_save(
        organization=cell, enterprises=[enterprise], links_on=cell.founded_on
    )
    mass = MassOrganizationFactory(enterprise=enterprise, name=f"Công đoàn cơ sở {province_name}")
    return World(province, committee, cell, zone, enterprise, mass)


@pytest.fixture
def bg(db) -> World:
    return build_world("BG", "24", "Bắc Giang")


@pytest.fixture
def hn(db) -> World:
    return build_world("HN", "01", "Hà Nội")


def account(organization, role, username):
    return StaffProfileFactory(user__username=username, organization=organization, role=role).user


@pytest.fixture
def staff(bg):
    return account(bg.committee, Role.STAFF, "bg-canbo")


@pytest.fixture
def leader(bg):
    return account(bg.committee, Role.LEADER, "bg-lanhdao")


@pytest.fixture
def bg_admin(bg):
    return account(bg.committee, Role.ADMIN, "bg-quantri")


@pytest.fixture
def outsider(hn):
    """Staff of the other zone committee: must get 404 on anything of Bắc Giang."""
    return account(hn.committee, Role.STAFF, "hn-canbo")


@pytest.fixture
def province_admin(bg):
    return account(bg.province, Role.ADMIN, "tinh-bg-quantri")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture
def leader_client(leader):
    return client_for(leader)


@pytest.fixture
def outsider_client(outsider):
    return client_for(outsider)
