"""A member's record: its events, replayed into the member's status on every change."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kcn_party import actor
from kcn_party.dates import short_date
from members import timeline
from members.models import (
    Candidate,
    EventKind,
    Member,
    MemberEvent,
    Position,
    Sex,
)
from members.models.events import ADMISSION_FACTS
from members.models.intervals import CountedInterval, intervals_of
from members.signals import events_written
from organizations import history
from organizations.access import may_write_in
from organizations.models import PartyOrganization

DERIVED_FIELDS = [
    "sequence",
    "status_after",
    "organization_after",
    "counted_before",
    "counted_after",
]


# --- the timeline ---------------------------------------------------------------------------


def _organizations(events, member: Member) -> dict[int, PartyOrganization]:
    """The organisations the timeline names, by id, in one query."""
    ids = {e.organization_id for e in events if e.organization_id}
    ids |= {e.organization_after_id for e in events if e.organization_after_id}
    if member.organization_id:
        ids.add(member.organization_id)
    return PartyOrganization.objects.in_bulk(ids)


def _renamed(error: ValidationError, names: dict) -> ValidationError:
    """The same errors, on the fields as the caller names them (None: not on a field)."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict = {}
    for field, errors in error.error_dict.items():
        renamed.setdefault(names.get(field, field), []).extend(errors)
    return ValidationError(
        {field if field else NON_FIELD_ERRORS: errors for field, errors in renamed.items()}
    )


def clean_as(event: MemberEvent, names: dict) -> None:
    try:
        _event_clean(event)
    except ValidationError as error:
        raise _renamed(error, names) from error


def _timeline_error(error: timeline.TimelineError, changed: list) -> ValidationError:
    """The error of the event that does not fit, on the field that gave what is wrong:
    `changed` pairs the events being added or changed with the names their callers gave
    their fields (e.g. an admission's date is `decided_on` to member_admit)."""
    for event, names in changed:
        if event is error.event:
            field = names.get(error.field, error.field) if error.field else None
            return ValidationError({field: error.message} if field else error.message)
    return ValidationError(
        _("The event of %(date)s (%(kind)s) would no longer fit: %(message)s")
        % {
            "date": short_date(error.event.occurred_on),
            "kind": error.event.get_kind_display().lower(),
            "message": error.message,
        }
    )


def _replayed(member: Member, events: list[MemberEvent], changed: list):
    ordered = timeline.ordered(events)
    if not ordered:
        raise ValidationError(_("A member record begins with an admission or a transfer in."))
    organizations = _organizations(ordered, member)
    names = {pk: organization.name for pk, organization in organizations.items()}
    try:
        states = timeline.replay(ordered, birth_date=member.birth_date, names=names)
    except timeline.TimelineError as error:
        raise _timeline_error(error, changed) from error
    return ordered, states, organizations


def timeline_derive(member: Member, ordered: list, states: list, organizations: dict) -> None:
    """Put on each event of `ordered` the state it leaves (`states`, from timeline.replay) and
    on the member the state after the last, writing nothing. Raises ValidationError when the
    record never enters one of our cells. `organizations` holds the cells named, by id."""
    last = states[-1]
    if last.last_organization_id is None:
        raise ValidationError(
            _("A member record needs an admission or a transfer into one of your cells.")
        )
    counted_before = None
    for sequence, (event, state) in enumerate(zip(ordered, states, strict=True), start=1):
        event.sequence = sequence
        event.status_after = state.status
        event.organization_after_id = state.organization_id
        event.counted_before_id = counted_before
        event.counted_after_id = state.counted_in_id
        counted_before = state.counted_in_id

    member.status = last.status
    member.organization = organizations[last.organization_id or last.last_organization_id]
    member.counted_in = organizations.get(last.counted_in_id)
    member.exempt = last.exempt
    member.away_at = last.away_at
    member.admitted_on = last.admitted_on
    member.ceremony_on = last.ceremony_on
    member.recognized_on = last.recognized_on


def store_timeline(
    member: Member,
    events: list[MemberEvent],
    *,
    changed: list | None = None,
    before: tuple[MemberEvent, ...] = (),
    by,
) -> Member:
    """Replay `events` (saved or not) as the member's whole timeline; on success save the
    member, the new and changed events and every event's resulting state. `changed` pairs the
    events added or changed by the caller with how the caller names their fields (for the
    errors); `by`, the account acting, decides whether an error may name another member."""
    changed = changed or []
    ordered, states, organizations = _replayed(member, events, changed)
    timeline_derive(member, ordered, states, organizations)
    _member_clean(member, by=by)
    created = member.pk is None
    _member_write(member, by=by)

    new = [e for e in ordered if e.pk is None]
    stored = [e for e in ordered if e.pk is not None]
    _admission_facts(member, [*new, *(event for event, _names in changed)])
    for event in new:
        event.member = member
    history.bulk_create(MemberEvent, new)
    for event, _names in changed:
        if event.pk is not None and not any(event is e for e in new):
            event.save()
    MemberEvent.objects.bulk_update(stored, DERIVED_FIELDS)
    _store_intervals(member, ordered, created=created)
    written = [*new, *(e for e, _names in changed if not any(e is n for n in new))]
    if written:
        events_written.send(sender=MemberEvent, events=written, before=before, deleted=(), by=by)

    if stored:  # a new record has no candidate yet
        candidate = Candidate.objects.filter(member=member).first()
        if candidate is not None and candidate.stage != candidate.derived_stage():
            candidate.save(update_fields=["stage"])
    return member


def _store_intervals(member: Member, ordered: list[MemberEvent], *, created: bool) -> None:
    """Keep the member's counted intervals (members.models.intervals) the events' summary:
    replaced whole on every change of the timeline, so that they stay exact. A member
    `created` by this write has none to replace."""
    if not created:
        CountedInterval.objects.filter(member=member)._raw_delete(CountedInterval.objects.db)
    CountedInterval.objects.bulk_create(
        CountedInterval(
            member=member, organization_id=organization_id, counted_from=start, counted_until=end
        )
        for organization_id, start, end in intervals_of(ordered)
    )


def _admission_facts(member: Member, events) -> None:
    """Store on an admission into one of our cells who the member is as it is recorded: an
    enterprise owner, a direct production worker, a Youth Union member, a woman (the figures
    count them as at admission). Facts already on an admission stay; any other event, or an
    admission recorded elsewhere, carries none."""
    for event in events:
        if event.kind != EventKind.ADMISSION or not event.organization_id:
            for name in ADMISSION_FACTS:
                setattr(event, name, None)
        elif all(getattr(event, name) is None for name in ADMISSION_FACTS):
            event.owner_at_admission = member.position == Position.OWNER
            event.direct_worker_at_admission = member.position == Position.WORKER
            event.youth_union_at_admission = member.youth_union_member
            event.woman_at_admission = member.sex == Sex.FEMALE


# The numbers that identify a person, unique among the members counted in the numbers (the
# conditional unique constraints `member_citizen_id_counted_once` and
# `member_card_number_counted_once`).
IDENTITY_FIELDS = ("citizen_id", "card_number")


def counted_holders(member: Member, values: dict[str, str]) -> list[Member]:
    """The other members counted in the numbers — anywhere, whoever asks — who hold one of
    `values` (field name -> number)."""
    held = Q()
    for field, value in values.items():
        held |= Q(**{field: value})
    return list(
        Member.objects.counted()
        .filter(held)
        .exclude(pk=member.pk)
        .select_related("counted_in")
        .order_by("pk")
    )


def _label(field: str) -> str:
    return capfirst(_("citizen ID") if field == "citizen_id" else _("party card number"))


def _elsewhere(field: str, value: str) -> str:
    return _(
        "%(label)s %(value)s is already on record elsewhere: contact the committee above to "
        "check it."
    ) % {"label": _label(field), "value": value}


def _held_by(field: str, value: str, holder: Member, counted_in_id) -> str:
    params = {
        "label": _label(field),
        "value": value,
        "name": holder.full_name,
        "organization": holder.counted_in.name,
    }
    if holder.counted_in_id == counted_in_id:
        return (
            _(
                "%(label)s %(value)s is already held by %(name)s, counted in this same cell "
                "(%(organization)s); a person is counted in one organisation only."
            )
            % params
        )
    return (
        _(
            "%(label)s %(value)s is already held by %(name)s, counted in %(organization)s; a "
            "person is counted in one organisation only."
        )
        % params
    )


def counted_conflicts(member: Member, *, counted_in_id, by) -> dict[str, list[str]]:
    """The errors, by field, of a member counted in `counted_in_id` (None: not counted, so no
    conflict) whose citizen ID or card number another counted member holds. The holder is
    named only to an account that may see them (organizations.access): to anyone else, that
    the number is on record elsewhere names nobody, so that no account learns whether another
    committee's stranger is a party member, nor who."""
    values = {f: getattr(member, f) for f in IDENTITY_FIELDS if getattr(member, f)}
    if counted_in_id is None or not values:
        return {}
    holders = counted_holders(member, values)
    if not holders:
        return {}
    visible = set(
        Member.objects.visible_to(by)
        .filter(pk__in=[holder.pk for holder in holders])
        .values_list("pk", flat=True)
    )
    errors = {}
    for field, value in values.items():
        holder = next((h for h in holders if getattr(h, field) == value), None)
        if holder is None:
            continue
        if holder.pk in visible:
            errors[field] = [_held_by(field, value, holder, counted_in_id)]
        else:
            errors[field] = [_elsewhere(field, value)]
    return errors


def _member_clean(member: Member, *, by) -> None:
    """The record's own rules, and that a person is counted in one organisation only (the
    database's conditional unique constraints, said in the staff's words)."""
    errors = {}
    try:
        # Choices, lengths and the identity checks; the constraints are checked below, the
        # organisations come from the replay and Member.clean() looks the employer up.
        member.full_clean(
            exclude=["organization", "counted_in", "enterprise"], validate_constraints=False
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if not any(field in errors for field in IDENTITY_FIELDS):
        errors.update(counted_conflicts(member, counted_in_id=member.counted_in_id, by=by))
    if errors:
        raise ValidationError(errors)


def _taken_field(error: IntegrityError) -> str | None:
    """Which identity number the database refused, by the constraint's name (PostgreSQL) or
    the indexed column (SQLite); None for any other integrity error."""
    text = str(error)
    for field in IDENTITY_FIELDS:
        if f"member_{field}_counted_once" in text or f"members_member.{field}" in text:
            return field
    return None


def _member_write(member: Member, *, by) -> None:
    """Save the member. Another save may take the same number between the check above and
    this write (two staff entering one person at once): the constraint refuses the second
    write, and the staff read the check's error, not a server error."""
    try:
        with transaction.atomic():  # a savepoint: the transaction stays usable on PostgreSQL
            member.save()
    except IntegrityError as error:
        field = _taken_field(error)
        if field is None:
            raise
        # The other save has committed (the constraint waits for it), so the check sees it.
        errors = counted_conflicts(member, counted_in_id=member.counted_in_id, by=by)
        raise ValidationError(
            errors or {field: [_elsewhere(field, getattr(member, field))]}
        ) from error


def _event_clean(event: MemberEvent) -> None:
    # The member and the organisation are objects the caller holds (chosen from scoped lists);
    # the event's check constraints say what its clean() says, in the staff's words.
    event.full_clean(exclude=["member", "organization"], validate_constraints=False)


def locked(member: Member) -> list[MemberEvent]:
    """Lock the member against a concurrent change and return its stored events."""
    Member.objects.select_for_update().filter(pk=member.pk).first()
    return list(member.events.all())


def check_scope(by, organization) -> None:
    """Refuse a write into `organization` (None: the write names no organisation) unless `by`
    may write there: an account inside its subtree, or access.SYSTEM. Anything else, None
    included, is refused."""
    if organization is not None and not may_write_in(by, organization.path):
        raise ValidationError({"organization": _("Choose one of your own cells.")})


EVENT_FIELDS = {field.name for field in MemberEvent._meta.fields}


def _on_the_event(error: ValidationError) -> ValidationError:
    """An event's errors as its form shows them: what concerns the member's record (a number
    another counted member holds once the event counts the member again) on no field."""
    if not hasattr(error, "error_dict"):
        return error
    return _renamed(error, {f: None for f in error.error_dict if f not in EVENT_FIELDS})


def member_event_check(*, event: MemberEvent, by) -> None:
    """Raise what adding or changing `event` would raise, writing nothing (for forms)."""
    member = event.member
    others = [e for e in member.events.all() if e.pk != event.pk]
    _ordered, states, _organizations = _replayed(member, [*others, event], [(event, {})])
    errors = counted_conflicts(member, counted_in_id=states[-1].counted_in_id, by=by)
    if errors:
        raise _on_the_event(ValidationError(errors))


def _store_events(
    member: Member, events: list[MemberEvent], *, changed=None, before=(), by
) -> Member:
    try:
        return store_timeline(member, events, changed=changed, before=before, by=by)
    except ValidationError as error:
        raise _on_the_event(error) from error


@actor.as_by
@transaction.atomic
def member_event_add(*, event: MemberEvent, by) -> MemberEvent:
    """Add an event to a member's record (the member is `event.member`)."""
    member = event.member
    check_scope(by, event.organization if event.organization_id else None)
    _event_clean(event)
    events = locked(member)
    _store_events(member, [*events, event], changed=[(event, {})], by=by)
    return event


@actor.as_by
@transaction.atomic
def member_events_add(*, member: Member, events: list[MemberEvent], by) -> Member:
    """Add several events to a member's record at once (e.g. from paper records), checked as
    if entered one by one."""
    for event in events:
        event.member = member
        check_scope(by, event.organization if event.organization_id else None)
        _event_clean(event)
    stored = locked(member)
    return _store_events(member, [*stored, *events], changed=[(e, {}) for e in events], by=by)


@actor.as_by
@transaction.atomic
def member_event_change(*, event: MemberEvent, by) -> MemberEvent:
    """Correct an event (its date, decision, organisation…); the rest must still fit."""
    member = event.member
    check_scope(by, event.organization if event.organization_id else None)
    _event_clean(event)
    stored = locked(member)
    events = [e for e in stored if e.pk != event.pk]
    before = tuple(e for e in stored if e.pk == event.pk)
    _store_events(member, [*events, event], changed=[(event, {})], before=before, by=by)
    return event


@actor.as_by
@transaction.atomic
def member_event_delete(*, event: MemberEvent, by) -> None:
    """Delete an event recorded by mistake; refused when the rest would not fit."""
    member = event.member
    events = [e for e in locked(member) if e.pk != event.pk]
    if not events:
        raise ValidationError(
            _("This is the only event of the record; a member record cannot be left empty.")
        )
    _store_events(member, events, by=by)
    events_written.send(sender=MemberEvent, events=(), before=(), deleted=(event,), by=by)
    event.delete()


def member_check(*, member: Member, by) -> None:
    """Raise what saving the member's personal record would raise, writing nothing (for
    forms)."""
    _member_clean(member, by=by)


@actor.as_by
@transaction.atomic
def member_save(*, member: Member, by) -> Member:
    """Save the personal record of an existing member (the events decide the rest)."""
    _member_clean(member, by=by)
    _member_write(member, by=by)
    return member


@actor.as_by
@transaction.atomic
def member_history_load(*, member: Member, events: list[MemberEvent], by) -> Member:
    """Write a member and their whole history at once, as from paper records: every event is
    checked in order, as if entered one by one. Used by the demo data."""
    if member.pk:
        raise ValidationError(_("The member already has a record."))
    for event in events:
        check_scope(by, event.organization if event.organization_id else None)
        _event_clean(event)
    return store_timeline(member, list(events), by=by)
