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


def _record_count(model, *, counted_on: datetime.date, values: dict, **owner):
    """One dated count per owner and day: a second count the same day replaces the first,
    earlier ones stay as history."""
    row = model.objects.filter(counted_on=counted_on, **owner).first() or model(
        counted_on=counted_on, **owner
    )
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def enterprise_record_workers(
    *, enterprise: Enterprise, counted_on: datetime.date, workers: int, source: str = ""
) -> WorkforceSnapshot:
    """Record the number of workers of an enterprise on a date."""
    return _record_count(
        WorkforceSnapshot,
        enterprise=enterprise,
        counted_on=counted_on,
        values={"workers": workers, "source": source},
    )


@transaction.atomic
def mass_organization_record_count(
    *, organization: MassOrganization, counted_on: datetime.date, members: int, recruited: int = 0
) -> MembershipCount:
    """Record the members of a mass organisation on a date, and how many joined since the
    previous count."""
    return _record_count(
        MembershipCount,
        organization=organization,
        counted_on=counted_on,
        values={"members": members, "recruited": recruited},
    )


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
