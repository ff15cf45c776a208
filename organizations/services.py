"""Writes that carry a rule or touch more than one row. The admin, commands and the demo data
call these; nothing else reimplements them."""

from __future__ import annotations

import contextlib
import datetime
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO, Required, TypedDict, Unpack

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kcn_party import actor
from kcn_party.dates import short_date
from organizations import access, bounds, history, rules, signals
from organizations.access import Role
from organizations.imports.errors import ImportRefused
from organizations.imports.mass import MASS_ORGANIZATIONS, MassOrganizationImportResource
from organizations.imports.mass import REQUIRED as MASS_REQUIRED
from organizations.imports.outcome import ImportOutcome
from organizations.imports.party import ORGANIZATIONS, OrganizationImportResource
from organizations.imports.party import REQUIRED as ORGANIZATIONS_REQUIRED
from organizations.imports.resource import ENTERPRISES, EnterpriseImportResource
from organizations.imports.running import fill_outcome, open_list
from organizations.imports.zones import EnterpriseListSettings
from organizations.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseLink,
    EnterpriseState,
    EnterpriseStatus,
    ImportChannel,
    ListImport,
    ListKind,
    MassOrganization,
    MembershipCount,
    OrganizationKind,
    PartyOrganization,
    StaffProfile,
    WorkforceSnapshot,
    Zone,
)
from organizations.models.party import (
    CELL_KINDS,
    GRASSROOTS_KINDS,
    INNER_KINDS,
    UNIT_TYPE_KINDS,
)

# --- Party organisations -------------------------------------------------------------------

# What must hold before an organisation ends, beyond its own rules. Each check is called as
# check(organization=, on=, by=) and returns the reasons it cannot end on that day (empty: it
# may). The apps built on this one register theirs from their AppConfig.ready() (members: no
# member may still be counted in it), so that organizations never imports them.
END_CHECKS: list[Callable[..., list[str]]] = []


def register_end_check(check: Callable[..., list[str]]) -> None:
    if check not in END_CHECKS:
        END_CHECKS.append(check)


def organization_end_check(*, organization: PartyOrganization, by=None) -> None:
    """Raise ValidationError on `ended_on` when `organization` is given an end date (or another
    one) on which it cannot end: links to enterprises that begin after it, or what the
    registered checks find (members still counted in it). `by`, the account acting, decides
    which names a message may give. Writes nothing."""
    if not organization.ended_on or not organization.pk:
        return
    stored = (
        PartyOrganization.objects.filter(pk=organization.pk)
        .values_list("ended_on", flat=True)
        .first()
    )
    if stored == organization.ended_on:
        return
    problems = []
    later = list(
        EnterpriseLink.objects.filter(
            organization_id=organization.pk, started_on__gt=organization.ended_on
        ).select_related("enterprise")[:5]
    )
    if later:
        problems.append(
            _("It began serving %(names)s after that date: correct those links first.")
            % {"names": ", ".join(link.enterprise.name for link in later)}
        )
    for check in END_CHECKS:
        problems += check(organization=organization, on=organization.ended_on, by=by)
    if problems:
        raise ValidationError({"ended_on": problems})


def _links_day(organization: PartyOrganization, on: datetime.date | None) -> datetime.date:
    """The day a change of enterprises served takes effect: as given, else the founding date of
    an organisation being recorded, else today."""
    if on is not None:
        return on
    if organization.pk is None and organization.founded_on:
        return organization.founded_on
    return timezone.localdate()


def _joint_cells():
    """Cells serving several enterprises now (a subquery of their ids)."""
    return (
        EnterpriseLink.objects.current()
        .filter(organization__kind__in=CELL_KINDS)
        .values("organization")
        .annotate(served=Count("pk"))
        .filter(served__gt=1)
        .values("organization")
    )


def _names(links, attribute: str = "enterprise") -> str:
    names = sorted({getattr(link, attribute).name for link in links})
    return ", ".join(names[:5]) + (", …" if len(names) > 5 else "")


def organization_links_check(
    *,
    organization: PartyOrganization,
    enterprises: list[Enterprise],
    on: datetime.date | None = None,
) -> None:
    """Raise what making `enterprises` the ones `organization` serves from `on` would raise:
    enterprises of another committee's zones, a joint cell without a unit type chosen, a date
    in the future, before the founding, or before a link it would end began. Writes nothing.
    Errors are on `enterprises`, `chosen_unit_type` and `links_on`."""
    organization.check_enterprises(enterprises)
    organization.check_unit_type(enterprises)
    day = _links_day(organization, on)
    current = (
        {}
        if organization.pk is None
        else {
            link.enterprise_id: link
            for link in EnterpriseLink.objects.current()
            .filter(organization_id=organization.pk)
            .select_related("enterprise", "organization")
        }
    )
    wanted = {enterprise.pk for enterprise in enterprises}
    added = wanted - current.keys()
    removed = [link for pk, link in current.items() if pk not in wanted]
    if not added and not removed:
        return
    errors = []
    if day > timezone.localdate():
        errors.append(_("The date of the change cannot be in the future."))
    elif organization.founded_on and day < organization.founded_on:
        errors.append(
            _("The enterprises served change on or after the founding date (%(date)s).")
            % {"date": short_date(organization.founded_on)}
        )
    if added and organization.ended_on and day >= organization.ended_on:
        errors.append(
            _("The organisation ends on %(date)s: it serves no new enterprise from then on.")
            % {"date": short_date(organization.ended_on)}
        )
    if added:
        # Links that would end on `day`: its own, and those of the joint cells the enterprises
        # leave; and earlier links of its own to these enterprises that end after `day`.
        leaving = (
            EnterpriseLink.objects.current()
            .filter(enterprise_id__in=added, organization__in=_joint_cells())
            .exclude(organization_id=organization.pk)
            .select_related("enterprise", "organization")
        )
        removed += list(leaving)
        if organization.pk:
            overlapping = list(
                EnterpriseLink.objects.filter(
                    organization_id=organization.pk, enterprise_id__in=added, ended_on__gt=day
                ).select_related("enterprise")
            )
            if overlapping:
                errors.append(
                    _("It served %(names)s until %(date)s: a new link starts on or after that.")
                    % {
                        "names": _names(overlapping),
                        "date": short_date(max(link.ended_on for link in overlapping)),
                    }
                )
    late = [link for link in removed if link.started_on > day]
    if late:
        errors.append(
            _(
                "%(names)s have been served since %(date)s (%(organizations)s): the change "
                "cannot be dated before that."
            )
            % {
                "names": _names(late),
                "date": short_date(max(link.started_on for link in late)),
                "organizations": _names(late, "organization"),
            }
        )
    if errors:
        raise ValidationError({"links_on": errors})


def _links_end(links: list[EnterpriseLink], day: datetime.date) -> None:
    """End `links` on `day`; one that began that day never served anything and goes."""
    never = [link.pk for link in links if link.started_on >= day]
    EnterpriseLink.objects.filter(pk__in=never).delete()
    ended = EnterpriseLink.objects.filter(
        pk__in=[link.pk for link in links if link.started_on < day]
    )
    if ended.update(ended_on=day):
        history.record_rows(ended)
        signals.rows_written.send(sender=EnterpriseLink, rows=ended, fields=["ended_on"])


def _links_set(
    organization: PartyOrganization, enterprises: list[Enterprise], day: datetime.date
) -> set[int]:
    """Make `enterprises` the ones `organization` serves from `day` (checked by
    organization_links_check). Returns the joint cells whose enterprises left them."""
    current = {
        link.enterprise_id: link
        for link in EnterpriseLink.objects.current().filter(organization=organization)
    }
    wanted = {enterprise.pk for enterprise in enterprises}
    _links_end([link for pk, link in current.items() if pk not in wanted], day)
    added = sorted(wanted - current.keys())
    if not added:
        return set()
    leaving = list(
        EnterpriseLink.objects.current()
        .filter(enterprise_id__in=added, organization__in=_joint_cells())
        .exclude(organization=organization)
    )
    _links_end(leaving, day)
    history.bulk_create(
        EnterpriseLink,
        [
            EnterpriseLink(organization=organization, enterprise_id=pk, started_on=day)
            for pk in added
        ],
    )
    signals.rows_written.send(
        sender=EnterpriseLink,
        rows=EnterpriseLink.objects.filter(
            organization=organization, enterprise_id__in=added, started_on=day
        ),
    )
    return {link.organization_id for link in leaving}


def _links_follow_end(organization: PartyOrganization, stored_end: datetime.date | None) -> None:
    """An organisation's links end with it; a correction of its end date moves the end of the
    links that ended with it, and taking the end back reopens them."""
    links = EnterpriseLink.objects.filter(organization=organization)
    ended_with_it = links.filter(ended_on=stored_end) if stored_end else links.none()
    if organization.ended_on:
        moved = [*links.filter(ended_on__isnull=True).values_list("pk", flat=True)]
        moved += ended_with_it.values_list("pk", flat=True)
        links.filter(pk__in=moved).update(ended_on=organization.ended_on)
    else:
        moved = list(ended_with_it.values_list("pk", flat=True))
        links.filter(pk__in=moved).update(ended_on=None)
    if moved:
        history.record_rows(links.filter(pk__in=moved))
        # Their end as it is now, and as it was.
        signals.rows_written.send(
            sender=EnterpriseLink,
            rows=links.filter(pk__in=moved),
            fields=["ended_on"],
            days=[stored_end],
        )


@actor.as_by
@transaction.atomic
@signals.batch()
def organization_save(
    *,
    organization: PartyOrganization,
    enterprises: Iterable[Enterprise] | None = None,
    links_on: datetime.date | None = None,
    by=None,
) -> list[str]:
    """Validate and save a party organisation (moving its subtree with it) and, when given,
    the enterprises it serves from now on: links start or end on `links_on` (by default the
    founding date of an organisation being recorded, today otherwise), and an enterprise taken
    from a joint cell stops being served there that day. Its end ends its links, and is
    refused while members are still counted in it (organization_end_check, for `by`). Keeps
    the unit types (Biểu 5 rows) of the organisation, its subtree and the joint cells left.
    Returns the size warnings to show; raises ValidationError and writes nothing when a rule
    is broken."""
    organization.full_clean()
    organization_end_check(organization=organization, by=by)
    day = _links_day(organization, links_on)
    if enterprises is not None:
        enterprises = list(enterprises)
        organization_links_check(organization=organization, enterprises=enterprises, on=day)
    stored_end = (
        PartyOrganization.objects.filter(pk=organization.pk)
        .values_list("ended_on", flat=True)
        .first()
        if organization.pk
        else None
    )
    if organization.kind not in UNIT_TYPE_KINDS:
        organization.unit_type = ""
    organization.save()
    touched = {organization.pk}
    if enterprises is not None:
        touched |= _links_set(organization, enterprises, day)
    if organization.ended_on != stored_end:
        _links_follow_end(organization, stored_end)
    organizations_refresh_unit_types(organizations=PartyOrganization.objects.filter(pk__in=touched))
    organization.refresh_from_db(fields=["unit_type"])
    return rules.organization_warnings(organization)


@signals.batch()
def organizations_refresh_unit_types(
    *, organizations: QuerySet | None = None, enterprises: Iterable | None = None
) -> list[PartyOrganization]:
    """Bring the stored unit types (Biểu 5 rows) in line, set-based: of `organizations` and
    their subtrees, and of the active organisations serving `enterprises` (or their ids) now.

    A grassroots organisation takes the type it was given (`chosen_unit_type`), else the one
    type of the enterprises it serves (the links in force, or on its last day once it has
    ended), else none; its partial committees and subordinate cells take its type, and the
    other kinds have none. A grassroots organisation serving enterprises of several types with
    no type chosen keeps the one it had: those are returned, for a warning."""
    found = []
    if organizations is not None:
        found += list(organizations.values("pk", "kind", "path"))
    if enterprises is not None:
        ids = [getattr(enterprise, "pk", enterprise) for enterprise in enterprises]
        for chunk in _chunks(ids, 2000):
            found += list(
                PartyOrganization.objects.filter(
                    ended_on__isnull=True,
                    enterprise_links__enterprise_id__in=chunk,
                    enterprise_links__ended_on__isnull=True,
                )
                .values("pk", "kind", "path")
                .distinct()
            )
    roots = {row["pk"] for row in found if row["kind"] in GRASSROOTS_KINDS}
    above = [row["pk"] for row in found if row["kind"] not in UNIT_TYPE_KINDS]
    if above:
        typed = PartyOrganization.objects.filter(pk__in=above).exclude(unit_type="")
        signals.rows_written.send(sender=PartyOrganization, rows=typed, attributes=True)
        typed.update(unit_type="")
    ancestors = {
        int(part)
        for row in found
        if row["kind"] in INNER_KINDS
        for part in row["path"].split("/")[:-2]
    }
    if ancestors:
        roots |= set(
            PartyOrganization.objects.filter(
                pk__in=ancestors, kind__in=GRASSROOTS_KINDS
            ).values_list("pk", flat=True)
        )
    by_value: dict[str, list[dict]] = defaultdict(list)
    undecided = []
    for chunk in _chunks(sorted(roots), 2000):
        rows = (
            PartyOrganization.objects.filter(pk__in=chunk)
            .with_served_types()
            .values("pk", "path", "unit_type", "chosen_unit_type", "served_types", "served_type")
        )
        for row in rows:
            if row["chosen_unit_type"]:
                value = row["chosen_unit_type"]
            elif row["served_types"] <= 1:
                value = row["served_type"] or ""
            else:
                value = row["unit_type"]
                undecided.append(row["pk"])
            by_value[value].append(row)
    for value, rows in by_value.items():
        for chunk in _chunks(rows, 200):
            inside = Q()
            for row in chunk:
                inside |= access.subtree_q("path", row["path"])
            for retyped in (
                PartyOrganization.objects.filter(pk__in=[row["pk"] for row in chunk]),
                PartyOrganization.objects.filter(inside, kind__in=INNER_KINDS),
            ):
                retyped = retyped.exclude(unit_type=value)
                # Sent before: the rows the UPDATE is about to change (attributes: their
                # members counted by unit type, on their intervals' dates).
                signals.rows_written.send(sender=PartyOrganization, rows=retyped, attributes=True)
                retyped.update(unit_type=value)
    return list(PartyOrganization.objects.filter(pk__in=undecided).order_by("path"))


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def mass_organization_save(*, organization: MassOrganization) -> list[str]:
    organization.full_clean()
    organization.save()
    return rules.mass_organization_warnings(organization)


@transaction.atomic
@signals.batch()
def enterprise_save(
    *, enterprise: Enterprise, changed_on: datetime.date | None = None
) -> Enterprise:
    """Validate and save an enterprise, and record in its history a change of status or
    ownership as of `changed_on` (default today). A new enterprise's history starts at its
    licence date, or at the start of the records without one; a licence date corrected moves
    that start with it."""
    enterprise.full_clean()
    on = changed_on or timezone.localdate()
    if enterprise.pk is None:
        enterprise.save()
        # A new enterprise has no history to bring in line: only its first interval, from
        # its licence date (what enterprise_history_record writes for it, without the three
        # statements that would find no interval).
        _history_open(Enterprise.objects.filter(pk=enterprise.pk).values("pk"), on, None)
        return enterprise
    enterprise_change_check(enterprise=enterprise, on=on)
    stored_licence = (
        Enterprise.objects.filter(pk=enterprise.pk).values_list("licensed_on", flat=True).first()
    )
    enterprise.save()
    if stored_licence != enterprise.licensed_on:
        _history_start_follows_licence(enterprise, stored_licence)
    enterprise_history_record(enterprises=[enterprise.pk], on=on)
    return enterprise


def enterprise_change_check(*, enterprise: Enterprise, on: datetime.date) -> None:
    """Raise ValidationError on `changed_on` when `enterprise`'s status or ownership, as it
    stands on the object, differs from its history's and cannot be dated `on`: in the future,
    or before the last change recorded. Writes nothing."""
    if enterprise.pk is None:
        return
    current = (
        EnterpriseState.objects.current()
        .filter(enterprise_id=enterprise.pk)
        .values_list("status", "ownership", "valid_from")
        .first()
    )
    if current is None or current[:2] == (enterprise.status, enterprise.ownership):
        return
    if on > timezone.localdate():
        raise ValidationError({"changed_on": _("The date of the change cannot be in the future.")})
    if on < current[2]:
        raise ValidationError(
            {
                "changed_on": _(
                    "The status and ownership on record have been in force since %(date)s: "
                    "date this change on or after it."
                )
                % {"date": short_date(current[2])}
            }
        )


def _history_start_follows_licence(enterprise: Enterprise, stored: datetime.date | None) -> None:
    first = EnterpriseState.objects.filter(enterprise=enterprise).order_by("valid_from").first()
    start = enterprise.licensed_on or bounds.EARLIEST
    if (
        first is not None
        and first.valid_from == (stored or bounds.EARLIEST)
        and (first.valid_to is None or start < first.valid_to)
    ):
        first.valid_from = start
        first.save(update_fields=["valid_from"])


@dataclass
class HistoryOutcome:
    """What enterprise_history_record wrote."""

    started: int = 0  # enterprises given their first interval
    changed: int = 0  # enterprises whose status or ownership changed
    # Joint cells whose enterprises are now of several types, with no unit type chosen.
    undecided: list = field(default_factory=list)


@transaction.atomic
@signals.batch()
def enterprise_history_record(
    *,
    enterprises: QuerySet | Iterable,
    on: datetime.date,
    import_record: EnterpriseImport | None = None,
) -> HistoryOutcome:
    """Bring the dated history of `enterprises` (a QuerySet, or enterprises or their ids) in
    line with their status and ownership as they now stand, in a fixed number of statements
    whatever their number (no query per row, no row brought into Python but the keys of the
    enterprises whose ownership changed).

    For each enterprise whose open interval differs: the interval ends on `on` and a new one
    starts there; an interval that started on `on` or later is changed in place (the same
    day's correction, or a list older than a change already recorded: the history never runs
    backwards). An enterprise without history gets its first interval, from its licence date,
    else from the start of the records (bounds.EARLIEST). `import_record` marks the intervals
    an import wrote. The unit types of the organisations serving enterprises whose ownership
    changed follow (organizations_refresh_unit_types).

    The enterprise import calls it once its rows are written:
    `enterprise_history_record(enterprises=Enterprise.objects.filter(last_changed_by_import=
    record), on=<the list's date>, import_record=record)`."""
    if isinstance(enterprises, QuerySet):
        candidates = enterprises.order_by().values("pk")
    else:
        ids = [getattr(enterprise, "pk", enterprise) for enterprise in enterprises]
        if not ids:
            return HistoryOutcome()
        candidates = Enterprise.objects.filter(pk__in=ids).values("pk")
    current = EnterpriseState.objects.current().filter(enterprise__in=candidates).order_by()
    differs = ~Q(status=F("enterprise__status")) | ~Q(ownership=F("enterprise__ownership"))
    moved_ownership = list(
        current.exclude(ownership=F("enterprise__ownership")).values_list(
            "enterprise_id", flat=True
        )
    )
    of_enterprise = Enterprise.objects.filter(pk=OuterRef("enterprise_id"))
    corrected = (
        current.filter(valid_from__gte=on)
        .filter(differs)
        .update(
            status=Subquery(of_enterprise.values("status")[:1]),
            ownership=Subquery(of_enterprise.values("ownership")[:1]),
            import_record=import_record,
        )
    )
    closed = current.filter(valid_from__lt=on).filter(differs).update(valid_to=on)
    # The kept figures (reports.summary), only when something changed (a list that changes
    # nothing costs nothing more): the open intervals corrected in place, from their start
    # (on or after `on`); those closed, on `on`; those opened, by _history_open.
    states = EnterpriseState.objects.filter(enterprise__in=candidates)
    if corrected:
        signals.rows_written.send(
            sender=EnterpriseState, rows=states.filter(valid_to__isnull=True, valid_from__gte=on)
        )
    if closed:
        signals.rows_written.send(
            sender=EnterpriseState, rows=states.filter(valid_to=on), fields=["valid_to"]
        )
    outcome = HistoryOutcome(changed=corrected + closed)
    outcome.started = _history_open(candidates, on, import_record) - closed
    if moved_ownership:
        outcome.undecided = organizations_refresh_unit_types(enterprises=moved_ownership)
    return outcome


def _history_open(candidates, on: datetime.date, import_record) -> int:
    """Open an interval for each of `candidates` (a values("pk") query) that has none open:
    from `on` after a closed one, else from its licence date or the start of the records. One
    INSERT … SELECT, so that a list of 100,000 enterprises is not brought into Python. Returns
    how many."""
    ops = connection.ops
    q = ops.quote_name
    now = timezone.now()
    state = {f.name: q(f.column) for f in EnterpriseState._meta.concrete_fields}
    firm = {f.name: q(f.column) for f in Enterprise._meta.concrete_fields}
    table = q(EnterpriseState._meta.db_table)
    try:
        chosen_sql, chosen_params = candidates.query.sql_with_params()
    except EmptyResultSet:  # e.g. a QuerySet filtered on an empty list
        return 0
    # Names of our own tables and columns, quoted; every value goes as a parameter.
    key, own = f"e.{firm['id']}", f"s.{state['enterprise']}"
    has_any = f"EXISTS (SELECT 1 FROM {table} s WHERE {own} = {key})"  # noqa: S608
    has_open = f"{has_any[:-1]} AND s.{state['valid_to']} IS NULL)"
    columns = ", ".join(
        state[name]
        for name in (
            "enterprise",
            "status",
            "ownership",
            "valid_from",
            "valid_to",
            "recorded_at",
            "import_record",
        )
    )
    start = f"CASE WHEN {has_any} THEN %s ELSE COALESCE(e.{firm['licensed_on']}, %s) END"
    values = (
        f"{key}, e.{firm['status']}, e.{firm['ownership']}, {start}, NULL, %s, CAST(%s AS bigint)"
    )
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {values} "  # noqa: S608
        f"FROM {q(Enterprise._meta.db_table)} e "
        f"WHERE {key} IN ({chosen_sql}) AND NOT {has_open}"
    )
    params = [
        ops.adapt_datefield_value(on),
        ops.adapt_datefield_value(bounds.EARLIEST),
        ops.adapt_datetimefield_value(now),
        import_record.pk if import_record is not None else None,
        *chosen_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        opened = cursor.rowcount
    if opened:
        signals.rows_written.send(
            sender=EnterpriseState,
            rows=EnterpriseState.objects.filter(
                enterprise__in=candidates, valid_to__isnull=True, recorded_at__gte=now
            ),
        )
    return opened


def _record_count(model, *, counted_on: datetime.date, values: dict, **owner):
    """One dated count per owner and day: a second count the same day replaces the first,
    earlier ones stay as history."""
    row = model.objects.filter(counted_on=counted_on, **owner).first() or model(
        counted_on=counted_on, **owner
    )
    for name, value in values.items():
        setattr(row, name, value)
    # The owner is an object the caller holds, not a key typed in: no query to check that it
    # exists. Excluding it also leaves out the unique constraint (owner, day), whose rule the
    # model's clean() states in the staff's words (a second count the same day) and checks
    # first: Django validates the constraint only when clean() found no error on the day,
    # and then it holds. Two queries of seven per count.
    row.full_clean(exclude=list(owner))
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


def serialise_imports() -> None:
    """Inside a transaction: wait for any other import (of any list) to end, so that this one
    reads what the other wrote. Every import calls it before its first read."""
    _serialise_imports()


@actor.as_by
def list_import_start(
    *,
    kind: str,
    by,
    file_name: str,
    sha256: str,
    read_as: str = "",
    organization: PartyOrganization | None = None,
    channel: str = ImportChannel.ADMIN,
    run_by: str = "",
) -> ListImport:
    """Open the record of a list import (organisations, mass organisations, members,
    ratings): call it inside the import's `transaction.atomic()`, before its first read. It
    serialises the import against every other (`serialise_imports`) and creates the record
    the writes point at (`ImportedRecord`: `created_by_import` on the rows a list creates,
    `last_changed_by_import` on those it creates or changes). `by` is the account, or
    `access.SYSTEM` for a command (recorded as `run_by`); `organization`, on whose behalf
    (default: the account's own organisation; None for a command run for everything).
    Close it with `list_import_finish`."""
    serialise_imports()
    account = None if by is access.SYSTEM or by is None else by
    if organization is None and account is not None:
        profile = access.staff_profile(account)
        organization = profile.organization if profile else None
    return ListImport.objects.create(
        kind=kind,
        imported_by=account,
        imported_by_name=(account.get_username() if account is not None else run_by)[:150],
        organization=organization,
        channel=channel,
        file_name=file_name[:255],
        sha256=sha256,
        read_as=read_as[:128],
    )


def list_import_finish(*, record: ListImport, outcome: ImportOutcome, paths: Iterable[str]
                       ) -> ListImport:  # fmt: skip
    """Write the counts of `outcome` on `record`, and where the import wrote: `paths`, the
    materialised paths of the organisations whose records it created or changed (a cell, a
    member's cell, the enterprise's committee…). Who may read the record follows from them
    (see `ListImportQuerySet.in_scope`)."""
    common: list[str] | None = None
    for path in paths:
        steps = path.rstrip("/").split("/")
        if common is None:
            common = steps
            continue
        depth = 0
        for mine, theirs in zip(common, steps, strict=False):
            if mine != theirs:
                break
            depth += 1
        common = common[:depth]
    record.reach = None
    record.wrote_outside = common is not None and not common
    if common:
        record.reach = PartyOrganization.objects.filter(path="/".join(common) + "/").first()
    record.created, record.updated = outcome.created, outcome.updated
    record.unchanged, record.invalid = outcome.unchanged, outcome.invalid
    record.save(
        update_fields=["reach", "wrote_outside", "created", "updated", "unchanged", "invalid"]
    )
    outcome.record = record
    return record


def _list_scope(by, model: str) -> access.Scope:
    """What `by` may import a list of `model` into: SYSTEM everywhere, an account its subtree
    when it may add and change such records (PermissionDenied otherwise: a leader looks)."""
    if by is access.SYSTEM:
        return access.EVERYTHING
    if by is None or not (
        by.has_perm(f"organizations.add_{model}") and by.has_perm(f"organizations.change_{model}")
    ):
        raise PermissionDenied(_("Your account may not import this list."))
    return access.scope_of(by)


class ListImportOptions(TypedDict, total=False):
    """What the services of issue 12's lists take besides the file and the one acting: a dry
    run (required), skipping invalid rows, the channel and who ran a command, how many details
    to keep, and the binary file the invalid rows are written to as they are found."""

    dry_run: Required[bool]
    skip_invalid: bool
    channel: str
    run_by: str
    keep_details: bool
    shown: int | None
    invalid_rows: BinaryIO | None


LIST_IMPORT_DEFAULTS = {
    "skip_invalid": False, "channel": ImportChannel.ADMIN, "run_by": "", "keep_details": True,
    "shown": None, "invalid_rows": None,
}  # fmt: skip


def _settled_list_import(
    source, list_kind, resource_class, *, kind, by, scope, required, options: dict,
    organization=None, **settings,
) -> ImportOutcome:  # fmt: skip
    """Run a list whose rows the services write one by one (`imports.settling`): checked,
    then written in one transaction serialised against every other import and recorded as a
    `ListImport`. A dry run, or invalid rows without `skip_invalid`, roll everything back.
    `options` are the caller's (dry run, skip, channel, who ran it, details kept, the file of
    invalid rows); `settings`, what the kind's settings add (its services)."""
    opened = open_list(source, list_kind, required=required)
    channel, run_by = options.pop("channel"), options.pop("run_by")
    file_name, invalid_rows = options.pop("file_name"), options.pop("invalid_rows")
    settings = resource_class.settings_class(
        scope=scope, counted_on=timezone.localdate(), by=by, **options, **settings
    )
    dry_run = settings.dry_run
    outcome = opened.outcome(file_name=file_name, counted_on=settings.counted_on, dry_run=dry_run)
    with transaction.atomic():
        if dry_run:
            serialise_imports()
        else:
            settings.record = list_import_start(
                kind=kind,
                by=by,
                file_name=file_name,
                sha256=outcome.sha256,
                read_as=outcome.read_as,
                organization=organization,
                channel=channel,
                run_by=run_by,
            )
        with opened.invalid_rows_file(invalid_rows) as sink:
            resource = resource_class(settings=settings, header=opened.header, invalid_rows=sink)
            resource.import_rows(opened.rows)
            resource.settle()
        fill_outcome(outcome, resource.result)
        if dry_run or (outcome.invalid and not settings.skip_invalid):
            transaction.set_rollback(True)
            return outcome
        list_import_finish(record=settings.record, outcome=outcome, paths=resource.written_paths)
        outcome.written = True
    return outcome


@actor.as_by
@signals.batch()
def organization_list_import(
    *,
    source: bytes | BinaryIO,
    file_name: str,
    by,
    under: PartyOrganization | None = None,
    **options: Unpack[ListImportOptions],
) -> ImportOutcome:
    """Read a committee's list of party organisations and merge it into the tree by code.

    Every row is checked, then written parents first through `organization_save` (so every
    rule of the tree holds; a rule broken is a row error), in one transaction serialised
    against any other import, recorded as a `ListImport`. `by` is an account (its subtree
    only; it must add and change organisations) or `access.SYSTEM` (a command: anywhere,
    recorded as `run_by`). A row without a parent goes under `under`, or to the top of the
    tree for SYSTEM and superusers. Unless `skip_invalid`, one invalid row means nothing is
    written. Raises ImportRefused for a file that cannot be read, PermissionDenied for an
    account that may not import or an `under` outside its subtree."""
    options = {**LIST_IMPORT_DEFAULTS, **options, "file_name": file_name}
    scope = _list_scope(by, "partyorganization")
    if under is not None and not scope.contains_path(under.path):
        raise PermissionDenied(_("That organisation is outside your account's organisation."))
    return _settled_list_import(
        source, ORGANIZATIONS, OrganizationImportResource, kind=ListKind.ORGANIZATIONS, by=by,
        scope=scope, required=ORGANIZATIONS_REQUIRED, options=options,
        organization=under if by is access.SYSTEM else None, under=under,
        save=organization_save,
    )  # fmt: skip


@actor.as_by
@signals.batch()
def mass_organization_list_import(
    *, source: bytes | BinaryIO, file_name: str, by, **options: Unpack[ListImportOptions]
) -> ImportOutcome:
    """Read a list of mass organisations and merge it by enterprise, kind and name: each row
    through `mass_organization_save`, a member count on it as a dated count. The rest as
    `organization_list_import` (one transaction, serialised, recorded; enterprises of the
    account's zones only)."""
    options = {**LIST_IMPORT_DEFAULTS, **options, "file_name": file_name}
    return _settled_list_import(
        source, MASS_ORGANIZATIONS, MassOrganizationImportResource,
        kind=ListKind.MASS_ORGANIZATIONS, by=by, scope=_list_scope(by, "massorganization"),
        required=MASS_REQUIRED, options=options, save=mass_organization_save,
        record_count=mass_organization_record_count,
    )  # fmt: skip


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
    counted_on_fallback: datetime.date | None = None,
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
    (never deleted), worker counts that changed as snapshots dated `counted_on` (default: the
    date the list states above its headers, else `counted_on_fallback`, else ImportRefused
    asks for it), and an `EnterpriseImport` record of who, when, which file and what it did.

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
    acting = actor.acting(user) if actor.account(user) else contextlib.nullcontext()
    with _bulk_allocations(), acting:
        return _enterprise_list_import(
            source=source,
            file_name=file_name,
            user=user,
            zone=zone,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            create_zones=create_zones,
            counted_on=counted_on,
            counted_on_fallback=counted_on_fallback,
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
    leaked: frozen objects are still freed when no longer referenced. A server's worker had
    settled its own objects out of sight (kcn_party.memory.settle): they are again, once the
    list's cycles are collected."""
    settled = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if settled:
            gc.collect()
            gc.freeze()


def _enterprise_list_import(
    *, source, file_name, user, zone, dry_run, skip_invalid, create_zones, counted_on,
    counted_on_fallback, committee, channel, run_by, keep_details, shown, invalid_rows
) -> ImportOutcome:  # fmt: skip
    scope, committee, organization = _import_scope(user, zone, committee, create_zones)
    required = ("tax_code", "name") if zone is not None else ("tax_code", "name", "zone")
    opened = open_list(source, ENTERPRISES, required=required)
    counted_on = counted_on or opened.header.stated_on or counted_on_fallback
    if counted_on is None:
        raise ImportRefused(
            _(
                "The list does not state the date of its worker counts above its headers: give "
                "that date (Worker counts as of)."
            ),
            "counted_on",
        )
    settings = EnterpriseListSettings(
        scope=scope,
        counted_on=counted_on,
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

    # One batch: what is kept asked once, the kept figures marked once, inside the transaction.
    with transaction.atomic(), signals.batch():
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
        # A status or ownership the list changed holds from the list's date on (the figures
        # read it on past dates); a new enterprise opens its history. Set-based: one call.
        written = Enterprise.objects.filter(last_changed_by_import=record)
        enterprise_history_record(enterprises=written, on=settings.counted_on, import_record=record)
        # The change trail: one entry per enterprise the list created or changed, carrying
        # the import (its last_changed_by_import), and one per worker count it wrote. On
        # PostgreSQL each batch wrote them with its rows (imports/writing.py); here, taken
        # from the rows written, in one statement each.
        if connection.vendor != "postgresql":
            history.record_rows(written, created_if=f"created_by_import_id = {int(record.pk)}")
            counts = WorkforceSnapshot.objects.filter(source=settings.source)
            history.record_rows(counts, created_if=history.FIRST_ENTRY)
        # The worker counts the list wrote (its source names the import); a same day's count
        # it replaced is of the same month.
        signals.rows_written.send(
            sender=WorkforceSnapshot,
            rows=WorkforceSnapshot.objects.filter(source=settings.source),
        )
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
@signals.batch()
def enterprises_set_status(
    *, enterprises: Iterable[Enterprise], status: str, on: datetime.date | None = None
) -> int:
    """Mark enterprises suspended, closed or active again (never deleted) as of `on` (default
    today), recorded in their history. Returns how many changed. Raises ValidationError, and
    changes nothing, for a date in the future or before a change already recorded."""
    if status not in EnterpriseStatus.values:
        raise ValueError(status)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError(_("The date of the change cannot be in the future."))
    ids = [enterprise.pk for enterprise in enterprises]
    changing = list(
        Enterprise.objects.filter(pk__in=ids).exclude(status=status).values_list("pk", flat=True)
    )
    later = list(
        EnterpriseState.objects.current()
        .filter(enterprise_id__in=changing, valid_from__gt=on)
        .select_related("enterprise")
        .order_by("-valid_from")
    )
    if later:
        raise ValidationError(
            _(
                "A change of %(names)s is recorded on %(date)s, after %(on)s: date this one on "
                "or after it."
            )
            % {
                "names": _names(later),
                "date": short_date(later[0].valid_from),
                "on": short_date(on),
            }
        )
    changed = Enterprise.objects.filter(pk__in=changing).update(
        status=status, updated_at=timezone.now()
    )
    history.record_rows(Enterprise.objects.filter(pk__in=changing))
    enterprise_history_record(enterprises=changing, on=on)
    return changed
