"""Personal details: the log of who saw them (`disclosure_record`) and the anonymisation of a
member who has left (`member_anonymise`). What is shown and masked is members.privacy."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kcn_party import actor
from members.models import (
    AwarenessParticipant,
    Candidate,
    Disclosure,
    Member,
    MemberEvent,
    MemberRating,
    PersonalDataLog,
    Subject,
)
from members.models.members import ACTIVE_STATUSES
from organizations.access import may_write_in
from organizations.models import PartyOrganization


def common_path(paths: Iterable[str]) -> str:
    """The path of the lowest organisation above every organisation of `paths` ("" for
    none): the common whole segments of the first and the last in order, which every path
    between them shares (a path ends with "/")."""
    paths = [p for p in paths if p]
    if not paths:
        return ""
    first, last = min(paths), max(paths)
    length = 0
    for a, b in zip(first, last, strict=False):
        if a != b:
            break
        length += 1
    return first[: first.rfind("/", 0, length + 1) + 1] if length else ""


def disclosure_record(
    *,
    by,
    action: str,
    records: Iterable[tuple[int, str]] = (),
    record_id: int | None = None,
    organization_id: int | None = None,
    subject: str = Subject.MEMBER,
    detail: str = "",
) -> PersonalDataLog | None:
    """Log that `by` saw personal details as `action` (a Disclosure): one insert whatever the
    number of records. The records are one record (`record_id` of the organisation
    `organization_id`: no other query) or many, (id, organisation path) pairs (`records`: one
    query for the lowest organisation above them). The entry belongs to that organisation,
    whose subtree's administrators read it. Nothing is logged for a process no account runs
    (a command: whoever runs it is on the server)."""
    user = actor.account(by)
    if user is None:
        return None
    if record_id is not None:
        ids = [record_id]
    else:
        ids, paths = [], set()
        for pk, path in records:
            ids.append(pk)
            paths.add(path)
        path = common_path(paths)
        organization_id = (
            PartyOrganization.objects.filter(path=path).values_list("pk", flat=True).first()
            if path
            else None
        )
    return PersonalDataLog.objects.create(
        user=user,
        username=user.get_username(),
        action=action,
        subject=subject,
        records=ids,
        count=len(ids),
        organization_id=organization_id,
        detail=detail[:255],
    )


def disclosed_members(queryset) -> list[tuple[int, str]]:
    """The (id, organisation path) of the members of `queryset`, in one query."""
    return list(queryset.order_by().values_list("pk", "organization__path"))


# --- anonymisation --------------------------------------------------------------------------

# The personal record replaced; what the figures read is kept: sex, the year of birth, the
# position and memberships (and the facts at admission on the events), the organisations, the
# employer, every event's kind, dates and decision.
BLANKED = (
    "citizen_id",
    "card_number",
    "phone",
    "hometown",
    "ethnicity",
    "religion",
    "education",
    "professional_level",
    "away_at",
)
# A candidate's record has no card number nor absence, and the reason it was dropped.
CANDIDATE_BLANKED = (
    *(field for field in BLANKED if field not in ("card_number", "away_at")),
    "drop_reason",
)


def anonymous_name(member: Member) -> str:
    with override("vi"):
        return _("Anonymised member no. %(id)s") % {"id": member.pk}


def _refusal(member: Member) -> str | None:
    if member.anonymised_at is not None:
        return _("%(name)s has already been anonymised.") % {"name": member.full_name}
    if member.status in ACTIVE_STATUSES or member.counted_in_id is not None:
        return _(
            "%(name)s is still a member of a party organisation (%(status)s): only a member "
            "who has left (transferred out, removed, expelled, resigned or deceased) may be "
            "anonymised."
        ) % {"name": member.full_name, "status": member.get_status_display()}
    return None


def member_anonymise_check(*, member: Member, by) -> None:
    """Refuse (ValidationError) what `member_anonymise` would refuse, writing nothing."""
    if not may_write_in(by, member.organization.path):
        raise ValidationError(_("No such member."))
    refusal = _refusal(member)
    if refusal:
        raise ValidationError(refusal)


def _anonymise_trail(member: Member, candidate) -> None:
    """The change trail's earlier entries of the member (and of the candidate's record, the
    events' and ratings' notes, the class entries) hold the values just replaced: they are
    replaced there too, each entry keeping who changed what and when."""
    personal = {"full_name": member.full_name, "birth_date": member.birth_date}
    Member.history.filter(id=member.pk).update(**personal, **dict.fromkeys(BLANKED, ""))
    MemberEvent.history.filter(member_id=member.pk).exclude(note="").update(note="")
    MemberRating.history.filter(member_id=member.pk).exclude(note="").update(note="")
    if candidate is not None:
        Candidate.history.filter(id=candidate.pk).update(
            **personal, **dict.fromkeys(CANDIDATE_BLANKED, "")
        )
        AwarenessParticipant.history.filter(candidate_id=candidate.pk).update(
            full_name=member.full_name
        )


def member_anonymise(*, member: Member, by) -> Member:
    """Replace the personal record of `member`, who has left (counted nowhere, not attending),
    with neutral values, and record who did it and when: the name becomes "Anonymised member
    no. N", the numbers, phone, hometown, ethnicity, religion, education and free text are
    emptied, the date of birth keeps its year (1 January), and the same for the candidate's
    record the member came from and their awareness class entries. Sex, position, employer,
    memberships, organisations and every event's kind, dates, decision and facts at admission
    stay, so the figures of every period, closed or not, are unchanged. The admin's history
    names the record anew. Refused with the reason, writing nothing, for a member still
    counted or attending, or already anonymised."""
    with transaction.atomic():
        member = (
            Member.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=member.pk)
        )
        member_anonymise_check(member=member, by=by)
        now = timezone.now()
        member.full_name = anonymous_name(member)
        member.birth_date = datetime.date(member.birth_date.year, 1, 1)
        for field in BLANKED:
            setattr(member, field, "")
        member.anonymised_at = now
        member.anonymised_by = actor.account(by)
        member.save(
            update_fields=[
                "full_name",
                "birth_date",
                *BLANKED,
                "anonymised_at",
                "anonymised_by",
                "updated_at",
            ]
        )
        # Free text on the events and ratings; their kinds, dates and decisions stay.
        for event in MemberEvent.objects.filter(member=member).exclude(note=""):
            event.note = ""
            event.save(update_fields=["note"])
        for rating in MemberRating.objects.filter(member=member).exclude(note=""):
            rating.note = ""
            rating.save(update_fields=["note"])
        candidate = Candidate.objects.filter(member=member).first()
        if candidate is not None:
            candidate.full_name = member.full_name
            candidate.birth_date = member.birth_date
            for field in CANDIDATE_BLANKED:
                setattr(candidate, field, "")
            candidate.save(
                update_fields=["full_name", "birth_date", *CANDIDATE_BLANKED, "updated_at"]
            )
            for participant in AwarenessParticipant.objects.filter(candidate=candidate):
                participant.full_name = member.full_name
                participant.save(update_fields=["full_name"])
            _rename_in_admin_log(candidate)
        _rename_in_admin_log(member)
        _anonymise_trail(member, candidate)
        disclosure_record(
            by=by,
            action=Disclosure.ANONYMISED,
            record_id=member.pk,
            organization_id=member.organization_id,
        )
    return member


def _rename_in_admin_log(record) -> None:
    """Django's admin log names each record as it was then (its name and date of birth):
    named anew."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=str(record.pk)
    ).update(object_repr=record.full_name[:200])


__all__ = [
    "disclosed_members",
    "disclosure_record",
    "member_anonymise",
    "member_anonymise_check",
]
