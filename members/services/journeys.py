"""The staff's two journeys: record an admission, record a transfer in."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kcn_party import actor
from kcn_party.dates import short_date
from members import calendar
from members.models import Candidate, CandidateStage, EventKind, Member, MemberEvent, MemberStatus
from members.models.members import PERSONAL_FIELDS
from members.services.records import (
    check_scope,
    clean_as,
    locked,
    store_timeline,
)
from organizations.models import PartyOrganization

# --- the two journeys: admission and transfer in --------------------------------------------


def _existing_record(member: Member, by, *, continued: tuple[str, ...]):
    """A record of the same person (by citizen ID) that the account may see, if any; one
    whose status is not in `continued` means the person cannot come in this way."""
    if not member.citizen_id:
        return None
    existing = (
        Member.objects.visible_to(by).filter(citizen_id=member.citizen_id).order_by("-pk").first()
    )
    if existing is not None and existing.status not in continued:
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
    return existing


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


@actor.as_by
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
    by,
) -> tuple[Member, list[str]]:
    """Record an admission decided by the upper committee: the person becomes a probationary
    member of `organization` in one step. From a candidate of the pipeline (whose cell has
    resolved to admit them), or directly for an admission prepared outside the pipeline.
    Returns the member and the warnings to show (late decision or ceremony)."""
    check_scope(by, organization)
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
                    % short_date(candidate.resolution_on)
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
    elif member.birth_date:
        # Admitted directly: the age limit a candidate's resolution is held to.
        months = calendar.whole_months(member.birth_date, decided_on)
        if months > rules["ADMISSION_MAX_AGE_YEARS"] * 12:
            raise ValidationError(
                {
                    "decided_on": _(
                        "On %(date)s the person is %(years)d years and %(months)d months old: "
                        "admission is up to %(high)d years of age."
                    )
                    % {
                        "date": short_date(decided_on),
                        "years": months // 12,
                        "months": months % 12,
                        "high": rules["ADMISSION_MAX_AGE_YEARS"],
                    }
                }
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
    existing = _existing_record(member, by, continued=(MemberStatus.REMOVED, MemberStatus.RESIGNED))
    if existing is not None:
        member = _continue(existing, member)  # admitted again: one record, one timeline
        events = locked(member)
    admission = MemberEvent(
        kind=EventKind.ADMISSION,
        occurred_on=decided_on,
        decision_no=decision_no,
        issued_by=issued_by,
        organization=organization,
        ceremony_on=ceremony_on,
    )
    names = {"occurred_on": "decided_on"}
    clean_as(admission, names)
    store_timeline(member, [*events, admission], changed=[(admission, names)], by=by)
    if candidate is not None:
        # Checked above: the decision follows the resolution; the rest of the record stands.
        candidate.member = member
        candidate.decided_on = decided_on
        candidate.save(update_fields=["member", "decided_on", "updated_at"])
    return member, warnings


@actor.as_by
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
    by,
) -> Member:
    """Record a member arriving from another party organisation (`counterpart`), for good or
    for a while (`temporary`: they stay counted there). A new record carries the history the
    transfer papers give — admitted, and recognised if official — as events elsewhere; the
    record of someone who left your cells before is continued instead."""
    check_scope(by, organization)
    events: list[MemberEvent] = []
    existing = _existing_record(member, by, continued=(MemberStatus.TRANSFERRED_OUT,))
    if existing is not None:
        member = _continue(existing, member)
        events = locked(member)
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
        # The recognition after the admission and its ceremony, said on its field (the replay
        # would only say that the record does not begin with an admission).
        for earlier, message in (
            (admitted_on, _("The recognition cannot come before the admission (%s).")),
            (ceremony_on, _("The recognition cannot come before the admission ceremony (%s).")),
        ):
            if earlier and recognized_on and recognized_on < earlier:
                errors.setdefault("recognized_on", message % short_date(earlier))
        if errors:
            raise ValidationError(errors)
        place = admitted_in or counterpart
        events.append(
            MemberEvent(
                kind=EventKind.ADMISSION,
                occurred_on=admitted_on,
                counterpart=place,
                ceremony_on=ceremony_on,
            )
        )
        if standing == MemberStatus.OFFICIAL:
            events.append(
                MemberEvent(
                    kind=EventKind.RECOGNITION, occurred_on=recognized_on, counterpart=place
                )
            )
    arrival = MemberEvent(
        kind=EventKind.TEMPORARY_IN if temporary else EventKind.TRANSFER_IN,
        occurred_on=occurred_on,
        decision_no=decision_no,
        issued_by=issued_by,
        organization=organization,
        counterpart=counterpart,
    )
    changed = [(arrival, {})]
    for event in events:
        if event.pk is None:  # what the transfer papers say happened before
            when = "admitted_on" if event.kind == EventKind.ADMISSION else "recognized_on"
            names = {"occurred_on": when, "kind": when, "counterpart": "admitted_in"}
            changed.append((event, names))
    for event, names in changed:
        clean_as(event, names)
    if admitted_on and occurred_on < admitted_on:
        raise ValidationError(
            {
                "occurred_on": _("The transfer cannot come before the admission (%s).")
                % short_date(admitted_on)
            }
        )
    store_timeline(member, [*events, arrival], changed=changed, by=by)
    return member
