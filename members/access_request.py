"""A member's data, exported for that member (an access request, issue 13 point 3): every field
we hold about them, as an XLSX workbook in Vietnamese. Sheets: the record, the events, the
candidacy (the candidate's record the member came from), the classes and the ratings. Each
sheet lists every stored column of its records (the internal ids and the link back to the
member aside), headed by the column's Vietnamese name; every cell is text and none runs as a
formula (`neutralise_formula`, as in every export)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kcn_party.dates import short_date
from members.imports.exports import xlsx_bytes
from members.models import (
    AwarenessParticipant,
    Candidate,
    Member,
    MemberEvent,
    MemberRating,
    TheoryParticipant,
)
from organizations.imports.values import neutralise_formula


def _text(instance, field) -> str:
    value = getattr(instance, field.name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return short_date(value)
    if isinstance(field, models.ForeignKey) and field.related_model is get_user_model():
        return value.get_username()
    if isinstance(value, models.Model):
        # Another person (an introducer) by name only: the file goes to the member, and the
        # introducer's date of birth is not theirs.
        return getattr(value, "name", None) or getattr(value, "full_name", None) or str(value)
    return str(value)


def _fields(model, *left_out: str) -> list:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in left_out and field.name != "sort_name"
    ]


# Columns the interface never shows, named here (the timeline keeps them on each event).
NAMES = {
    "organization_after": _lazy("organisation after the event"),
    "counted_before": _lazy("counted in before the event"),
    "counted_after": _lazy("counted in after the event"),
}


def _name(field) -> str:
    return capfirst(str(NAMES.get(field.name, field.verbose_name)))


def _header(fields) -> list[str]:
    return [_name(field) for field in fields]


def _row(instance, fields) -> list[str]:
    return [neutralise_formula(_text(instance, field)) for field in fields]


def _record_sheet(instance, fields) -> list[list[str]]:
    return [[_name(field), neutralise_formula(_text(instance, field))] for field in fields]


def _table(records, fields, *extra_header) -> list[list[str]]:
    return [[*extra_header, *_header(fields)]] + [
        [*extra, *_row(record, fields)] for extra, record in records
    ]


def access_request_xlsx(member: Member) -> bytes:
    """The workbook of everything recorded about `member` (see the module)."""
    with translation.override("vi"):
        member_fields = _fields(Member)
        record = _record_sheet(member, member_fields)

        event_fields = _fields(MemberEvent, "member")
        events = MemberEvent.objects.filter(member=member).select_related(
            "organization", "organization_after", "counted_before", "counted_after"
        )
        events_sheet = _table([((), e) for e in events.order_by("sequence", "pk")], event_fields)

        candidate = (
            Candidate.objects.filter(member=member)
            .select_related("organization", "enterprise", "introducer_1", "introducer_2")
            .first()
        )
        candidacy = (
            _record_sheet(candidate, _fields(Candidate, "member"))
            if candidate
            else [[_("No admission candidate record.")]]
        )

        course_fields = ("title", "organization", "started_on", "ended_on", "certificate_on")
        course_model = AwarenessParticipant._meta.get_field("course").related_model
        classes = [
            [
                _("Kind of class"),
                *_header(course_model._meta.get_field(f) for f in course_fields),
                _("Completed or certified"),
            ]
        ]
        awareness = (
            AwarenessParticipant.objects.filter(candidate=candidate).select_related(
                "course__organization"
            )
            if candidate
            else []
        )
        theory = TheoryParticipant.objects.filter(member=member).select_related(
            "course__organization"
        )
        for kind, participant, done in [
            *((_("awareness class"), p, p.certified) for p in awareness),
            *((_("theory class for new members"), p, p.completed) for p in theory),
        ]:
            course = participant.course
            classes.append(
                [
                    capfirst(kind),
                    *(
                        neutralise_formula(_text(course, course._meta.get_field(f)))
                        for f in course_fields
                    ),
                    _("Yes") if done else _("No"),
                ]
            )

        rating_fields = _fields(MemberRating, "member")
        ratings = MemberRating.objects.filter(member=member).select_related(
            "organization", "created_by_import", "last_changed_by_import"
        )
        ratings_sheet = _table([((), r) for r in ratings.order_by("year", "pk")], rating_fields)

        return xlsx_bytes(
            _("Record"),
            [_("Field"), _("Value")],
            record,
            extra=[
                (_("Events"), events_sheet),
                (_("Candidacy"), candidacy),
                (_("Classes"), classes),
                (_("Ratings"), ratings_sheet),
            ],
        )
