"""Every write to members, their events, candidates, classes and ratings. The admin, the
journeys' forms and the demo call these; nothing else writes those records.

A member's status is never written directly: each change of the events replays the whole
timeline (members.timeline) and stores what follows from it, or refuses the change with the
reason and writes nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members import calendar, timeline
from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    Candidate,
    CandidateStage,
    EventKind,
    Member,
    MemberEvent,
    MemberRating,
    MemberStatus,
    OrganizationRating,
    RatingLevel,
    TheoryClass,
    TheoryParticipant,
)
from members.models.members import PERSONAL_FIELDS
from members.models.ratings import GOOD_OR_BETTER
from organizations.access import scope_of
from organizations.models import OrganizationKind, PartyOrganization

E = EventKind
DERIVED_FIELDS = [
    "sequence",
    "status_after",
    "organization_after",
    "counted_before",
    "counted_after",
]


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


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


def _clean_as(event: MemberEvent, names: dict) -> None:
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
            "date": _date(error.event.occurred_on),
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


def _store_timeline(
    member: Member, events: list[MemberEvent], *, changed: list | None = None
) -> Member:
    """Replay `events` (saved or not) as the member's whole timeline; on success save the
    member, the new and changed events and every event's resulting state. `changed` pairs the
    events added or changed by the caller with how the caller names their fields (for the
    errors)."""
    changed = changed or []
    ordered, states, organizations = _replayed(member, events, changed)
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
    _member_clean(member)
    member.save()

    new = [e for e in ordered if e.pk is None]
    stored = [e for e in ordered if e.pk is not None]
    for event in new:
        event.member = member
    MemberEvent.objects.bulk_create(new)
    for event, _names in changed:
        if event.pk is not None and not any(event is e for e in new):
            event.save()
    MemberEvent.objects.bulk_update(stored, DERIVED_FIELDS)

    if stored:  # a new record has no candidate yet
        candidate = Candidate.objects.filter(member=member).first()
        if candidate is not None and candidate.stage != candidate.derived_stage():
            candidate.save(update_fields=["stage"])
    return member


def _member_clean(member: Member) -> None:
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
    labels = {"citizen_id": _("citizen ID"), "card_number": _("party card number")}
    values = {f: getattr(member, f) for f in labels if getattr(member, f) and f not in errors}
    if member.counted_in_id and values:
        others = (
            Member.objects.filter(counted_in__isnull=False)
            .filter(
                Q(citizen_id=values.get("citizen_id", "-"))
                | Q(card_number=values.get("card_number", "-"))
            )
            .exclude(pk=member.pk)
        )
        for other in others:
            for field, value in values.items():
                if getattr(other, field) == value:
                    # Not named: it may be another committee's record, which this account
                    # must not see (its own committee's records are named by the journeys).
                    errors[field] = [
                        _(
                            "A member counted in the numbers of another organisation has this "
                            "%(label)s; a person is counted in one organisation only."
                        )
                        % {"label": labels[field]}
                    ]
    if errors:
        raise ValidationError(errors)


def _event_clean(event: MemberEvent) -> None:
    # The member and the organisation are objects the caller holds (chosen from scoped lists);
    # the event's check constraints say what its clean() says, in the staff's words.
    event.full_clean(exclude=["member", "organization"], validate_constraints=False)


def _locked(member: Member) -> list[MemberEvent]:
    """Lock the member against a concurrent change and return its stored events."""
    Member.objects.select_for_update().filter(pk=member.pk).first()
    return list(member.events.all())


def _check_scope(by, organization) -> None:
    if (
        by is not None
        and organization is not None
        and not scope_of(by).contains_path(organization.path)
    ):
        raise ValidationError({"organization": _("Choose one of your own cells.")})


def member_event_check(*, event: MemberEvent) -> None:
    """Raise what adding or changing `event` would raise, writing nothing (for forms)."""
    others = [e for e in event.member.events.all() if e.pk != event.pk]
    _replayed(event.member, [*others, event], [(event, {})])


@transaction.atomic
def member_event_add(*, event: MemberEvent, by=None) -> MemberEvent:
    """Add an event to a member's record (the member is `event.member`)."""
    member = event.member
    _check_scope(by, event.organization if event.organization_id else None)
    _event_clean(event)
    events = _locked(member)
    _store_timeline(member, [*events, event], changed=[(event, {})])
    return event


@transaction.atomic
def member_events_add(*, member: Member, events: list[MemberEvent], by=None) -> Member:
    """Add several events to a member's record at once (e.g. from paper records), checked as
    if entered one by one."""
    for event in events:
        event.member = member
        _check_scope(by, event.organization if event.organization_id else None)
        _event_clean(event)
    stored = _locked(member)
    return _store_timeline(member, [*stored, *events], changed=[(e, {}) for e in events])


@transaction.atomic
def member_event_change(*, event: MemberEvent, by=None) -> MemberEvent:
    """Correct an event (its date, decision, organisation…); the rest must still fit."""
    member = event.member
    _check_scope(by, event.organization if event.organization_id else None)
    _event_clean(event)
    events = [e for e in _locked(member) if e.pk != event.pk]
    _store_timeline(member, [*events, event], changed=[(event, {})])
    return event


@transaction.atomic
def member_event_delete(*, event: MemberEvent, by=None) -> None:
    """Delete an event recorded by mistake; refused when the rest would not fit."""
    member = event.member
    events = [e for e in _locked(member) if e.pk != event.pk]
    if not events:
        raise ValidationError(
            _("This is the only event of the record; a member record cannot be left empty.")
        )
    _store_timeline(member, events)
    event.delete()


@transaction.atomic
def member_save(*, member: Member) -> Member:
    """Save the personal record of an existing member (the events decide the rest)."""
    _member_clean(member)
    member.save()
    return member


@transaction.atomic
def member_history_load(*, member: Member, events: list[MemberEvent]) -> Member:
    """Write a member and their whole history at once, as from paper records: every event is
    checked in order, as if entered one by one. Used by the demo data."""
    if member.pk:
        raise ValidationError(_("The member already has a record."))
    for event in events:
        _event_clean(event)
    return _store_timeline(member, list(events))


# --- the two journeys: admission and transfer in --------------------------------------------


def _existing_record(member: Member, by):
    """A record of the same person (by citizen ID) that the account may see, if any."""
    if not member.citizen_id:
        return None
    return (
        Member.objects.visible_to(by).filter(citizen_id=member.citizen_id).order_by("-pk").first()
    )


def _continue(existing: Member, member: Member) -> Member:
    """The record already kept for this person, with the personal data just entered."""
    for name in PERSONAL_FIELDS:
        value = getattr(member, name)
        if value not in (None, ""):
            setattr(existing, name, value)
    return existing


def _deadline_warning(start, end, working_days, message) -> list[str]:
    if start and end and calendar.add_working_days(start, working_days) < end:
        return [
            message
            % {
                "days": calendar.working_days_between(start, end),
                "allowed": working_days,
            }
        ]
    return []


@transaction.atomic
def member_admit(
    *,
    member: Member,
    organization: PartyOrganization,
    decided_on: datetime.date,
    decision_no: str = "",
    issued_by: str = "",
    ceremony_on: datetime.date | None = None,
    candidate: Candidate | None = None,
    by=None,
) -> tuple[Member, list[str]]:
    """Record an admission decided by the upper committee: the person becomes a probationary
    member of `organization` in one step. From a candidate of the pipeline (whose cell has
    resolved to admit them), or directly for an admission prepared outside the pipeline.
    Returns the member and the warnings to show (late decision or ceremony)."""
    _check_scope(by, organization)
    rules = settings.MEMBER_RULES
    warnings: list[str] = []
    if candidate is not None:
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.stage != CandidateStage.CELL_RESOLUTION:
            raise ValidationError(
                _(
                    "%(name)s is at the stage “%(stage)s”: an admission is recorded after the "
                    "cell's resolution."
                )
                % {"name": candidate.full_name, "stage": candidate.get_stage_display()}
            )
        if decided_on < candidate.resolution_on:
            raise ValidationError(
                {
                    "decided_on": _("The decision cannot come before the cell's resolution (%s).")
                    % _date(candidate.resolution_on)
                }
            )
        warnings += _deadline_warning(
            candidate.resolution_on,
            decided_on,
            rules["DECISION_WORKING_DAYS"],
            _(
                "The decision came %(days)d working days after the cell's resolution; the "
                "statute allows %(allowed)d."
            ),
        )
    warnings += _deadline_warning(
        decided_on,
        ceremony_on,
        rules["CEREMONY_WORKING_DAYS"],
        _(
            "The ceremony came %(days)d working days after the decision; the statute allows "
            "%(allowed)d."
        ),
    )

    events: list[MemberEvent] = []
    existing = _existing_record(member, by)
    if existing is not None:
        if existing.status not in (MemberStatus.REMOVED, MemberStatus.RESIGNED):
            raise ValidationError(
                {
                    "citizen_id": _(
                        "This citizen ID is already on the record of %(name)s (%(status)s, "
                        "%(organization)s)."
                    )
                    % {
                        "name": existing.full_name,
                        "status": existing.get_status_display().lower(),
                        "organization": existing.organization.name,
                    }
                }
            )
        member = _continue(existing, member)  # admitted again: one record, one timeline
        events = _locked(member)
    admission = MemberEvent(
        kind=E.ADMISSION,
        occurred_on=decided_on,
        decision_no=decision_no,
        issued_by=issued_by,
        organization=organization,
        ceremony_on=ceremony_on,
    )
    names = {"occurred_on": "decided_on"}
    _clean_as(admission, names)
    _store_timeline(member, [*events, admission], changed=[(admission, names)])
    if candidate is not None:
        # Checked above: the decision follows the resolution; the rest of the record stands.
        candidate.member = member
        candidate.decided_on = decided_on
        candidate.save(update_fields=["member", "decided_on", "updated_at"])
    return member, warnings


@transaction.atomic
def member_transfer_in(
    *,
    member: Member,
    organization: PartyOrganization,
    occurred_on: datetime.date,
    counterpart: str,
    decision_no: str = "",
    issued_by: str = "",
    temporary: bool = False,
    standing: str = MemberStatus.OFFICIAL,
    admitted_on: datetime.date | None = None,
    admitted_in: str = "",
    ceremony_on: datetime.date | None = None,
    recognized_on: datetime.date | None = None,
    by=None,
) -> Member:
    """Record a member arriving from another party organisation (`counterpart`), for good or
    for a while (`temporary`: they stay counted there). A new record carries the history the
    transfer papers give — admitted, and recognised if official — as events elsewhere; the
    record of someone who left your cells before is continued instead."""
    _check_scope(by, organization)
    events: list[MemberEvent] = []
    existing = _existing_record(member, by)
    if existing is not None:
        if existing.status != MemberStatus.TRANSFERRED_OUT:
            raise ValidationError(
                {
                    "citizen_id": _(
                        "This citizen ID is already on the record of %(name)s (%(status)s, "
                        "%(organization)s)."
                    )
                    % {
                        "name": existing.full_name,
                        "status": existing.get_status_display().lower(),
                        "organization": existing.organization.name,
                    }
                }
            )
        member = _continue(existing, member)
        events = _locked(member)
    else:
        errors = {}
        if not admitted_on:
            errors["admitted_on"] = _("Give the date of the admission decision.")
        if standing == MemberStatus.OFFICIAL and not recognized_on:
            errors["recognized_on"] = _("Give the date the member became an official member.")
        if standing == MemberStatus.PROBATIONARY and not ceremony_on:
            errors["ceremony_on"] = _(
                "Give the date of the admission ceremony: probation counts from it."
            )
        if errors:
            raise ValidationError(errors)
        place = admitted_in or counterpart
        events.append(
            MemberEvent(
                kind=E.ADMISSION,
                occurred_on=admitted_on,
                counterpart=place,
                ceremony_on=ceremony_on,
            )
        )
        if standing == MemberStatus.OFFICIAL:
            events.append(
                MemberEvent(kind=E.RECOGNITION, occurred_on=recognized_on, counterpart=place)
            )
    arrival = MemberEvent(
        kind=E.TEMPORARY_IN if temporary else E.TRANSFER_IN,
        occurred_on=occurred_on,
        decision_no=decision_no,
        issued_by=issued_by,
        organization=organization,
        counterpart=counterpart,
    )
    changed = [(arrival, {})]
    for event in events:
        if event.pk is None:  # what the transfer papers say happened before
            when = "admitted_on" if event.kind == E.ADMISSION else "recognized_on"
            names = {"occurred_on": when, "kind": when, "counterpart": "admitted_in"}
            changed.append((event, names))
    for event, names in changed:
        _clean_as(event, names)
    if admitted_on and occurred_on < admitted_on:
        raise ValidationError(
            {
                "occurred_on": _("The transfer cannot come before the admission (%s).")
                % _date(admitted_on)
            }
        )
    _store_timeline(member, [*events, arrival], changed=changed)
    return member


# --- candidates -----------------------------------------------------------------------------


@transaction.atomic
def candidate_save(*, candidate: Candidate, by=None) -> list[str]:
    """Validate and save a candidate; returns warnings about deadlines that have passed."""
    if candidate.organization_id:
        _check_scope(by, candidate.organization)
    if candidate.pk:
        stored = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if stored.member_id and stored.decided_on != candidate.decided_on:
            raise ValidationError(
                {
                    "decided_on": _(
                        "The admission is on the member's record: correct its date there."
                    )
                }
            )
    elif candidate.decided_on:
        raise ValidationError({"decided_on": _("Record the admission with “Record an admission”.")})
    # Its check constraints repeat what Candidate.clean() says, in the staff's words; the
    # related records come from scoped choices (the admin) or as objects (the callers).
    candidate.full_clean(
        exclude=["organization", "enterprise", "introducer_1", "introducer_2"],
        validate_constraints=False,
    )
    candidate.save()
    warnings = []
    due = candidate.decision_due_on
    if candidate.stage == CandidateStage.CELL_RESOLUTION and due and due < timezone.localdate():
        warnings.append(
            _("The upper committee's decision was due on %(date)s.") % {"date": _date(due)}
        )
    return warnings


# --- classes --------------------------------------------------------------------------------


@transaction.atomic
def course_save(*, course):
    """Save a class or a study session (its rules are its own)."""
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def awareness_certificates_sync(*, course: AwarenessClass) -> int:
    """Give the class's certificate date to the candidates who took part and passed, when it
    is newer than what their record holds. Returns how many records changed."""
    if not course.certificate_on:
        return 0
    changed = 0
    participants = course.participants.filter(certified=True, candidate__isnull=False)
    for participant in participants.select_related("candidate"):
        candidate = participant.candidate
        if candidate.certificate_on is None or candidate.certificate_on < course.certificate_on:
            candidate.certificate_on = course.certificate_on
            candidate.save(update_fields=["certificate_on"])
            changed += 1
    return changed


@transaction.atomic
def awareness_participants_add(*, course: AwarenessClass, participants) -> None:
    """Add a class's participants in one go (e.g. from its list) and pass the certificate on
    to the candidates among them."""
    for participant in participants:
        participant.course = course
    AwarenessParticipant.objects.bulk_create(participants)
    awareness_certificates_sync(course=course)


@transaction.atomic
def theory_participants_add(*, course: TheoryClass, members, completed: bool = True) -> None:
    known = set(course.participants.values_list("member_id", flat=True))
    TheoryParticipant.objects.bulk_create(
        TheoryParticipant(course=course, member=member, completed=completed)
        for member in members
        if member.pk not in known
    )


# --- ratings --------------------------------------------------------------------------------


def grassroots_of(organization: PartyOrganization) -> PartyOrganization:
    """The grassroots organisation (TCCSĐ) a cell belongs to: itself for a grassroots cell,
    the grassroots committee above a subordinate cell."""
    if organization.kind in (
        OrganizationKind.GRASSROOTS_CELL,
        OrganizationKind.GRASSROOTS_COMMITTEE,
    ):
        return organization
    return (
        organization.ancestors().filter(kind=OrganizationKind.GRASSROOTS_COMMITTEE).last()
        or organization
    )


def excellent_quota_warning(organization: PartyOrganization, year: int) -> list[str]:
    """HTXS is capped at a share of those rated HTT or better within a grassroots
    organisation (configurable; a warning, not a block)."""
    grassroots = grassroots_of(organization)
    counts = (
        MemberRating.objects.within(grassroots)
        .filter(year=year)
        .aggregate(
            excellent=Count("pk", filter=Q(level=RatingLevel.EXCELLENT)),
            good_or_better=Count("pk", filter=Q(level__in=GOOD_OR_BETTER)),
        )
    )
    quota = settings.MEMBER_RULES["EXCELLENT_QUOTA_PERCENT"]
    if counts["excellent"] * 100 > quota * counts["good_or_better"]:
        share = counts["excellent"] * 100 / counts["good_or_better"]
        return [
            _(
                "%(name)s, %(year)d: %(excellent)d of the %(good)d members rated HTT or better are "
                "rated HTXS (%(share)s%%), above the %(quota)d%% quota."
            )
            % {
                "name": grassroots.name,
                "year": year,
                "excellent": counts["excellent"],
                "good": counts["good_or_better"],
                "share": f"{share:.1f}".replace(".", ","),
                "quota": quota,
            }
        ]
    return []


@transaction.atomic
def ratings_save(
    *,
    organization: PartyOrganization,
    year: int,
    levels: dict[Member, tuple[str, str]],
    organization_level: str | None = None,
    by=None,
) -> list[str]:
    """Record a year's ratings of a cell's members (member -> (level, note)) and of the cell
    itself, in one go; members left out keep what they had. Returns warnings: the HTXS quota,
    and members rated although admitted too recently to be rated."""
    _check_scope(by, organization)
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("A year still to come cannot be rated.")})
    existing = {
        rating.member_id: rating
        for rating in MemberRating.objects.filter(year=year, member__in=list(levels))
    }
    new, changed = [], []
    for member, (level, note) in levels.items():
        rating = existing.get(member.pk)
        if rating is None:
            new.append(
                MemberRating(
                    member=member, year=year, level=level, note=note, organization=organization
                )
            )
        elif (rating.level, rating.note, rating.organization_id) != (
            level,
            note,
            organization.pk,
        ):
            rating.level, rating.note, rating.organization = level, note, organization
            changed.append(rating)
    for rating in new + changed:
        rating.full_clean(
            exclude=["member", "organization"], validate_unique=False, validate_constraints=False
        )
    MemberRating.objects.bulk_create(new)
    MemberRating.objects.bulk_update(changed, ["level", "note", "organization"])
    if organization_level:
        rating = OrganizationRating.objects.filter(
            organization=organization, year=year
        ).first() or OrganizationRating(organization=organization, year=year)
        rating.level = organization_level
        rating.full_clean(exclude=["organization"], validate_constraints=False)
        rating.save()

    warnings = excellent_quota_warning(organization, year)
    too_recent = [
        member.full_name
        for member, (level, _note) in levels.items()
        if level != RatingLevel.NOT_RATED and not rateable(member, year)
    ]
    if too_recent:
        warnings.append(
            _(
                "Admitted less than %(months)d months before the end of %(year)d, usually not "
                "rated: %(names)s."
            )
            % {
                "months": settings.MEMBER_RULES["RATING_MIN_MONTHS"],
                "year": year,
                "names": ", ".join(too_recent),
            }
        )
    return warnings


@transaction.atomic
def organization_rating_save(*, rating: OrganizationRating, by=None) -> OrganizationRating:
    _check_scope(by, rating.organization)
    rating.full_clean()
    rating.save()
    return rating


def rateable(member: Member, year: int) -> bool:
    """Whether the member is normally rated for `year`: admitted at least RATING_MIN_MONTHS
    before the year's end and not exempt."""
    if member.exempt or not member.admitted_on:
        return False
    months = settings.MEMBER_RULES["RATING_MIN_MONTHS"]
    return calendar.add_months(member.admitted_on, months) <= datetime.date(year, 12, 31)
