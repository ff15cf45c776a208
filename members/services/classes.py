"""Awareness classes, theory classes and study sessions."""

from __future__ import annotations

from django.db import transaction

from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    TheoryClass,
    TheoryParticipant,
)
from organizations import history, signals

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
@signals.batch()
def awareness_participants_add(*, course: AwarenessClass, participants) -> None:
    """Add a class's participants in one go (e.g. from its list) and pass the certificate on
    to the candidates among them."""
    for participant in participants:
        participant.course = course
    history.bulk_create(AwarenessParticipant, participants)
    # The kept figures (reports.summary): the participants count in the class's month.
    signals.rows_written.send(
        sender=AwarenessParticipant, rows=AwarenessParticipant.objects.filter(course=course)
    )
    awareness_certificates_sync(course=course)


@transaction.atomic
def theory_participants_add(*, course: TheoryClass, members, completed: bool = True) -> None:
    known = set(course.participants.values_list("member_id", flat=True))
    history.bulk_create(
        TheoryParticipant,
        [
            TheoryParticipant(course=course, member=member, completed=completed)
            for member in members
            if member.pk not in known
        ],
    )
