"""Writes that carry a rule or touch more than one row. The admin, commands and the demo data
call these; nothing else reimplements them."""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
from collections.abc import Iterable
from operator import itemgetter
from typing import BinaryIO

import tablib
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import access, rules
from organizations.access import Role
from organizations.imports.errors import ImportRefused
from organizations.imports.headers import locate
from organizations.imports.outcome import ImportOutcome
from organizations.imports.reading import read_table
from organizations.imports.resource import EnterpriseImportResource, ImportSettings
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
        if not access.may_import_enterprises(user):
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


def _dataset(table, header) -> tuple[tablib.Dataset, list[int], list[list]]:
    """The rows below the header as a tablib Dataset (django-import-export's input) of only the
    columns the import reads, their line numbers, and the rows as read (for the file of invalid
    rows). Takes the rows out of `table`. A row is never padded to the file's width, which
    multiplied a few real cells into millions: only a short row is, up to the last column read,
    while the columns read are picked out of it."""
    positions = sorted(header.positions.values())
    names = [header.headers[position] for position in positions]
    rows = table.rows[header.row_index + 1 :]
    table.rows.clear()
    pick = itemgetter(*positions) if len(positions) > 1 else lambda cells: (cells[positions[0]],)
    reach = positions[-1] + 1
    blank = [""] * reach
    picked = [pick(cells if len(cells) >= reach else cells + blank[len(cells) :]) for cells in rows]
    # All rows at once: Dataset.append checks each row's width again, a cost on big lists.
    dataset = tablib.Dataset(*picked, headers=names)
    return dataset, table.lines[header.row_index + 1 :], rows


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
    written (`outcome.written` is False). Raises ImportRefused when the file cannot be read or
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
    channel, run_by, keep_details
) -> ImportOutcome:  # fmt: skip
    scope, committee, organization = _import_scope(user, zone, committee, create_zones)
    data = source if isinstance(source, bytes) else source.read()
    sha256 = hashlib.sha256(data).hexdigest()
    table = read_table(data)
    del data  # read: the file's bytes are freed unless the caller holds them
    required = ("tax_code", "name") if zone is not None else ("tax_code", "name", "zone")
    header = locate(table, required=required)
    dataset, lines, rows = _dataset(table, header)
    read_as = table.read_as
    del table  # the dataset and `rows` hold the rows now
    gc.freeze()  # the rows, read: no cycle to find in them
    settings = ImportSettings(
        scope=scope,
        counted_on=counted_on or timezone.localdate(),
        zone=zone,
        committee=committee,
        create_zones=create_zones,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        keep_details=keep_details,
    )
    outcome = ImportOutcome(
        file_name=file_name,
        sha256=sha256,
        read_as=read_as,
        header_line=header.line,
        headers=header.headers,
        ignored_columns=header.ignored,
        counted_on=settings.counted_on,
        dry_run=dry_run,
    )
    if dry_run:
        resource = EnterpriseImportResource(
            settings=settings, header=header, lines=lines, rows=rows
        )
        result = resource.import_data(dataset, dry_run=True, raise_errors=False)
        return _fill_outcome(outcome, resource, result)

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
        resource = EnterpriseImportResource(
            settings=settings, header=header, lines=lines, rows=rows
        )
        with resource.writing():
            result = resource.import_data(
                dataset, dry_run=False, use_transactions=False, raise_errors=False
            )
        _fill_outcome(outcome, resource, result)
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


def _fill_outcome(outcome: ImportOutcome, resource, result) -> ImportOutcome:
    if result.has_errors():  # an unexpected exception on a row: never hidden
        error = (result.base_errors or result.error_rows[0].errors)[0]
        raise error.error
    totals = result.totals
    outcome.created, outcome.updated, outcome.unchanged = (
        totals["new"],
        totals["update"],
        totals["skip"],
    )
    outcome.invalid = totals["invalid"] + totals["error"]
    outcome.invalid_lines = result.invalid_lines
    outcome.changed_lines = result.changed_lines
    outcome.restored = result.restored
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
