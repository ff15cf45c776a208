"""The imports of member registers and past ratings, as the admin's preview and confirmation and
the commands `import_members` and `import_ratings` call them: every row validated in memory,
then everything written in one transaction, serialised against any other import, or nothing."""

from __future__ import annotations

from typing import BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kcn_party import actor
from members.imports.ratings import (
    MEMBER_RATINGS,
    MEMBER_RATINGS_ANY,
    MEMBER_RATINGS_REQUIRED,
    ORGANIZATION_RATINGS,
    ORGANIZATION_RATINGS_REQUIRED,
    MemberRatingResource,
    OrganizationRatingResource,
    RatingListSettings,
)
from members.imports.register import (
    MEMBERS,
    REQUIRED,
    MemberImportResource,
    MemberListSettings,
)
from organizations import access, signals
from organizations.imports import ImportRefused
from organizations.imports.running import RunFlags, fill_outcome, open_list, prepare
from organizations.models import ImportChannel, ListKind, PartyOrganization
from organizations.services import list_import_finish, list_import_start

# What each kind of list needs: (kind, required columns, resource, settings).
KINDS = {
    "members": (MEMBERS, REQUIRED, MemberImportResource, MemberListSettings),
    "member_ratings": (
        MEMBER_RATINGS,
        MEMBER_RATINGS_REQUIRED,
        MemberRatingResource,
        RatingListSettings,
    ),
    "organization_ratings": (
        ORGANIZATION_RATINGS,
        ORGANIZATION_RATINGS_REQUIRED,
        OrganizationRatingResource,
        RatingListSettings,
    ),
}
# What an account needs for each kind: leaders only look.
PERMISSIONS = {
    "members": ("members.add_member", "members.change_member"),
    "member_ratings": ("members.add_memberrating", "members.change_memberrating"),
    "organization_ratings": (
        "members.add_organizationrating",
        "members.change_organizationrating",
    ),
}


def may_import(by, kind: str) -> bool:
    return by is access.SYSTEM or all(by.has_perm(p) for p in PERMISSIONS[kind])


def import_scope(by, committee: PartyOrganization | None, kind: str) -> access.Scope:
    """Where an import by `by` for `committee` writes: the committee's subtree, inside what the
    account sees. Raises PermissionDenied for an account that may not import this kind, or a
    committee outside its subtree."""
    if not may_import(by, kind):
        raise PermissionDenied(_("Your account may not import these lists."))
    if by is access.SYSTEM:
        return access.EVERYTHING if committee is None else access.Scope(path=committee.path)
    scope = access.scope_of(by)
    if committee is None:
        return scope
    if not scope.contains_path(committee.path):
        raise PermissionDenied(_("That committee is outside your account's organisation."))
    return access.Scope(path=committee.path)


@actor.as_by
def list_import(
    *,
    kind: str,
    source: bytes | BinaryIO,
    file_name: str,
    by,
    committee: PartyOrganization | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    keep_details: bool = True,
    shown: int | None = None,
    invalid_rows: BinaryIO | None = None,
    channel: str = ImportChannel.ADMIN,
    run_by: str = "",
):
    """Import a list of `kind` ("members", "member_ratings", "organization_ratings") into the
    subtree of `committee` (None: all `by` sees). Every row is validated first; unless
    `dry_run`, the rows are written in one transaction serialised against other imports, and
    without `skip_invalid` one invalid row means nothing is written (`outcome.written` False).
    `by` is an account (its subtree, and staff only: leaders may not) or SYSTEM (a command,
    recorded as `run_by`). A real run is recorded (`ListImport`, organizations) and each
    record written points at it (`created_by_import`, `last_changed_by_import`). Raises
    ImportRefused for a file that cannot be read or lacks a required column, PermissionDenied
    for an account that may not import; a database error leaves the database as it was."""
    list_kind, required, resource_class, settings_class = KINDS[kind]
    scope = import_scope(by, committee, kind)
    opened = open_list(source, list_kind, required=required)
    if kind == "member_ratings" and not set(MEMBER_RATINGS_ANY) & set(opened.header.positions):
        raise ImportRefused(
            _("Required column not found: %(missing)s.")
            % {"missing": _("citizen ID or party card number")},
            "missing_column",
        )
    flags = RunFlags(dry_run, skip_invalid, keep_details, shown)
    settings, outcome = prepare(
        opened, settings_class, file_name, flags, scope=scope, by=by, committee=committee
    )
    # One batch: what is kept asked once, the kept figures marked once, inside the transaction.
    with transaction.atomic(), signals.batch():
        if not dry_run:
            settings.record = list_import_start(
                kind=ListKind(kind),
                by=by,
                file_name=file_name,
                sha256=outcome.sha256,
                read_as=outcome.read_as,
                organization=committee,
                channel=channel,
                run_by=run_by,
            )
        elif kind != "members":
            # The ratings screen's warnings read the ratings as written: a dry run writes them
            # too, and the transaction is undone below.
            settings.dry_run = False
        with opened.invalid_rows_file(invalid_rows) as sink:
            resource = resource_class(settings=settings, header=opened.header, invalid_rows=sink)
            result = resource.import_rows(opened.rows)
        fill_outcome(outcome, result)
        outcome.possibly_same = getattr(result, "possibly_same", [])
        outcome.warnings = resource.warnings() if hasattr(resource, "warnings") else []
        if dry_run or (outcome.invalid and not skip_invalid):
            transaction.set_rollback(True)
            return outcome
        outcome.record = list_import_finish(
            record=settings.record, outcome=outcome, paths=resource.written_paths
        )
        outcome.written = True
    return outcome


def member_list_import(**kwargs):
    """A member register (see `list_import`)."""
    return list_import(kind="members", **kwargs)


def rating_list_import(**kwargs):
    """Past ratings: member ratings or organisation ratings, whichever columns the file has
    (see `list_import`)."""
    source = kwargs.pop("source")
    data = source if isinstance(source, bytes) else source.read()
    try:
        return list_import(kind="member_ratings", source=data, **kwargs)
    except ImportRefused as refused:
        if refused.code != "missing_column":
            raise
        try:
            return list_import(kind="organization_ratings", source=data, **kwargs)
        except ImportRefused as second:
            if second.code != "missing_column":
                raise
            raise refused from second


__all__ = ["list_import", "member_list_import", "rating_list_import"]
