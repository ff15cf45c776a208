"""Writes that carry a rule or touch more than one row. The admin, commands and the demo data
call these; nothing else reimplements them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from organizations import rules
from organizations.access import Role
from organizations.models import (
    Enterprise,
    MassOrganization,
    MembershipCount,
    PartyOrganization,
    StaffProfile,
    WorkforceSnapshot,
)


@transaction.atomic
def organization_save(
    *, organization: PartyOrganization, enterprises: Iterable[Enterprise] | None = None
) -> list[str]:
    """Validate and save a party organisation (moving its subtree with it) and, when given,
    the enterprises it serves. Returns the size warnings to show; raises ValidationError and
    writes nothing when a rule is broken."""
    organization.full_clean()
    if enterprises is not None:
        enterprises = list(enterprises)
        organization.check_enterprises(enterprises)
    organization.save()
    if enterprises is not None:
        organization.enterprises.set(enterprises)
    return rules.organization_warnings(organization)


@transaction.atomic
def mass_organization_save(*, organization: MassOrganization) -> list[str]:
    organization.full_clean()
    organization.save()
    return rules.mass_organization_warnings(organization)


@transaction.atomic
def enterprise_save(*, enterprise: Enterprise) -> Enterprise:
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_record_workers(
    *, enterprise: Enterprise, counted_on: datetime.date, workers: int, source: str = ""
) -> WorkforceSnapshot:
    """Record the number of workers on a date; a second count on the same date replaces the
    first, earlier counts stay as history."""
    snapshot = WorkforceSnapshot.objects.filter(
        enterprise=enterprise, counted_on=counted_on
    ).first() or WorkforceSnapshot(enterprise=enterprise, counted_on=counted_on)
    snapshot.workers = workers
    snapshot.source = source
    snapshot.full_clean()
    snapshot.save()
    return snapshot


@transaction.atomic
def mass_organization_record_count(
    *, organization: MassOrganization, counted_on: datetime.date, members: int, recruited: int = 0
) -> MembershipCount:
    count = MembershipCount.objects.filter(
        organization=organization, counted_on=counted_on
    ).first() or MembershipCount(organization=organization, counted_on=counted_on)
    count.members = members
    count.recruited = recruited
    count.full_clean()
    count.save()
    return count


@transaction.atomic
def staff_account_save(
    *,
    username: str,
    organization: PartyOrganization,
    role: Role | str,
    password: str | None = None,
    full_name: str = "",
):
    """Create or update an account working for `organization` with `role`. An existing
    password is kept unless a new one is given."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username)
    first, _, last = full_name.rpartition(" ")
    user.first_name, user.last_name = first, last
    user.is_staff = True  # the admin is the application's interface
    user.is_active = True
    if password and not user.check_password(password):
        user.set_password(password)
    user.save()
    profile = StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)
    profile.organization = organization
    profile.role = role
    profile.full_clean()
    profile.save()
    return user
