"""Writes that carry a rule or touch more than one row. The admin, commands and the demo data
call these; nothing else reimplements them."""

from __future__ import annotations

import contextlib
import datetime
import gc
from collections.abc import Iterable
from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import access, rules
from organizations.access import Role
from organizations.imports.errors import ImportRefused
from organizations.imports.outcome import ImportOutcome
from organizations.imports.resource import (
    ENTERPRISES,
    EnterpriseImportResource,
    EnterpriseListSettings,
)
from organizations.imports.running import fill_outcome, open_list
from organizations.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseStatus,
    ImportChannel,
    MassOrganization,
    MembershipCount,
    OrganizationKind,
    PartyOrganization,
    StaffProfile,
    WorkforceSnapshot,
    Zone,
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


# --- Enterprise lists ----------------------------------------------------------------------------

# pg_advisory_xact_lock key serialising enterprise list imports ("kcnimp" in ASCII).
IMPORT_LOCK_KEY = 0x6B636E696D70


def may_import_enterprises(user) -> bool:
    """Whether `user` may import enterprise lists: it creates and changes enterprises."""
    return user.has_perm("organizations.add_enterprise") and user.has_perm(
        "organizations.change_enterprise"
    )


def _serialise_imports() -> None:
    """Make a concurrent import wait until this transaction ends, so that each import reads
    the enterprises the other wrote. SQLite needs nothing: its transactions begin IMMEDIATE
    (see settings), which already takes the database's write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _import_scope(user, zone, committee, create_zones):
    """(scope, committee owning new zones, organisation recorded) for an import by `user`.
    Without a user (a command), the import writes to the zones of `committee`'s subtree, or to
    every zone when no committee is named either."""
    if user is None:
        # A command run for one committee must not reach the zones of another: its list may
        # name them by mistake (or on purpose), and they are row errors like an account's.
        scope = access.EVERYTHING if committee is None else access.Scope(path=committee.path)
        organization = committee
    else:
        if not may_import_enterprises(user):
            raise PermissionDenied(_("Your account may not import enterprise lists."))
        scope = access.scope_of(user)
        profile = access.staff_profile(user)
        organization = profile.organization if profile else None
        if committee is None and organization is not None:
            committee = organization
    if committee is not None and not scope.contains_path(committee.path):
        raise PermissionDenied(_("That committee is outside your account's organisation."))
    if zone is not None and not scope.contains_path(zone.committee.path):
        raise ImportRefused(
            _("Zone “%(zone)s” is not one of your committee's zones.") % {"zone": zone.name},
            "zone_scope",
        )
    if create_zones and (committee is None or committee.kind != OrganizationKind.UPPER_GRASSROOTS):
        raise ImportRefused(
            _(
                "To create the zones a list names, say which zone committee will have them in its "
                "care."
            ),
            "no_committee",
        )
    return scope, committee, organization


def enterprise_list_import(
    *,
    source: bytes | BinaryIO,
    file_name: str,
    user=None,
    zone: Zone | None = None,
    dry_run: bool,
    skip_invalid: bool = False,
    create_zones: bool = False,
    counted_on: datetime.date | None = None,
    committee: PartyOrganization | None = None,
    channel: str = ImportChannel.ADMIN,
    run_by: str = "",
    keep_details: bool = True,
    shown: int | None = None,
    invalid_rows: BinaryIO | None = None,
) -> ImportOutcome:
    """Read an enterprise list sent by a management board and merge it into the records.

    Every row is validated in memory first; then, unless `dry_run`, everything is written in
    one transaction, serialised against any other import: enterprises upserted by tax code
    (never deleted), worker counts that changed as snapshots dated `counted_on` (default
    today), and an `EnterpriseImport` record of who, when, which file and what it did.

    `user` writes only to its committee's zones (None: a command, recorded as `run_by`, that
    writes only to the zones of `committee`'s subtree when it is given, else to every zone);
    `zone` fills the zone of lists without a zone column; with `create_zones`,
    zones the list names that do not exist yet are created in the care of `committee` (the
    user's own committee by default). Unless `skip_invalid`, one invalid row means nothing is
    written (`outcome.written` is False). The outcome keeps the first `shown` of each kind of
    detail (all when None) and counts the rest; with `invalid_rows`, a binary file, the invalid
    rows are written to it as they are found (see `outcome.InvalidRowsFile`), nothing when
    there are none. Raises ImportRefused when the file cannot be read or
    an option cannot be honoured, PermissionDenied when the account may not import; a database
    error propagates and leaves the database as it was.
    """
    with _bulk_allocations():
        return _enterprise_list_import(
            source=source,
            file_name=file_name,
            user=user,
            zone=zone,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            create_zones=create_zones,
            counted_on=counted_on,
            committee=committee,
            channel=channel,
            run_by=run_by,
            keep_details=keep_details,
            shown=shown,
            invalid_rows=invalid_rows,
        )


@contextlib.contextmanager
def _bulk_allocations():
    """While a list is read, Python's cycle collector would scan its million cells again and
    again (they are all alive, and none is part of a cycle): the objects alive at each stage
    are moved out of its sight (gc.freeze) and given back afterwards (gc.unfreeze). Nothing is
    leaked: frozen objects are still freed when no longer referenced."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _enterprise_list_import(
    *, source, file_name, user, zone, dry_run, skip_invalid, create_zones, counted_on, committee,
    channel, run_by, keep_details, shown, invalid_rows
) -> ImportOutcome:  # fmt: skip
    scope, committee, organization = _import_scope(user, zone, committee, create_zones)
    required = ("tax_code", "name") if zone is not None else ("tax_code", "name", "zone")
    opened = open_list(source, ENTERPRISES, required=required)
    settings = EnterpriseListSettings(
        scope=scope,
        counted_on=counted_on or timezone.localdate(),
        zone=zone,
        committee=committee,
        create_zones=create_zones,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        keep_details=keep_details,
        shown=shown,
    )
    outcome = opened.outcome(file_name=file_name, counted_on=settings.counted_on, dry_run=dry_run)
    if dry_run:
        with opened.invalid_rows_file(invalid_rows) as sink:
            resource = EnterpriseImportResource(
                settings=settings, header=opened.header, invalid_rows=sink
            )
            resource.import_rows(opened.rows)
        return _fill_outcome(outcome, resource)

    with transaction.atomic():
        _serialise_imports()
        record = EnterpriseImport.objects.create(
            imported_by=user,
            imported_by_name=user.get_username() if user is not None else run_by,
            organization=organization,
            channel=channel,
            file_name=file_name[:255],
            sha256=outcome.sha256,
            read_as=outcome.read_as[:128],
            counted_on=settings.counted_on,
        )
        settings.record = record
        settings.source = f"{file_name} (#{record.pk})"[:255]
        with opened.invalid_rows_file(invalid_rows) as sink:
            resource = EnterpriseImportResource(
                settings=settings, header=opened.header, invalid_rows=sink
            )
            with resource.writing():
                resource.import_rows(opened.rows)
        _fill_outcome(outcome, resource)
        if outcome.invalid and not skip_invalid:
            transaction.set_rollback(True)
            return outcome
        record.created, record.updated = outcome.created, outcome.updated
        record.unchanged, record.invalid = outcome.unchanged, outcome.invalid
        record.save(update_fields=["created", "updated", "unchanged", "invalid"])
        record.zones.set([z.pk for z in resource.touched_zones.values()])
        Absence = EnterpriseImport.not_in_list.through
        Absence.objects.bulk_create(
            [Absence(enterpriseimport=record, enterprise_id=a.pk) for a in outcome.not_in_list],
            batch_size=2000,
        )
    outcome.written, outcome.record = True, record
    return outcome


def _fill_outcome(outcome: ImportOutcome, resource) -> ImportOutcome:
    fill_outcome(outcome, resource.result)
    outcome.zones = sorted(resource.touched_zones)
    outcome.new_zones = sorted(zone.name for zone in resource.zones.created)
    outcome.not_in_list = resource.not_in_list()
    return outcome


@transaction.atomic
def enterprises_set_status(*, enterprises: Iterable[Enterprise], status: str) -> int:
    """Mark enterprises suspended, closed or active again (never deleted). Returns how many
    changed."""
    if status not in EnterpriseStatus.values:
        raise ValueError(status)
    ids = [enterprise.pk for enterprise in enterprises]
    return (
        Enterprise.objects.filter(pk__in=ids)
        .exclude(status=status)
        .update(status=status, updated_at=timezone.now())
    )
