"""A member's timeline: the events, in order, folded into the member's state.

Pure: no database. `replay` takes the events (model instances or anything with the same
attributes) and returns the state after each one, or raises `TimelineError` at the first event
that cannot happen where it stands — an admission of someone who is already a member, a
recognition before the 12 months of probation are over, an event after a death…
members.services stores the result; nothing else decides what a member's status is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils.translation import gettext as _

from kcn_party.dates import short_date
from members import calendar
from members.models.events import EventKind
from members.models.members import MemberStatus

# Standing in the party (the status without the question of where the member attends).
PROBATIONARY, OFFICIAL = MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL
ACTIVE = (PROBATIONARY, OFFICIAL)
LEFT_BY = {
    EventKind.REMOVAL: MemberStatus.REMOVED,
    EventKind.EXPULSION: MemberStatus.EXPELLED,
    EventKind.RESIGNATION: MemberStatus.RESIGNED,
    EventKind.DEATH: MemberStatus.DECEASED,
}
# Same-day events in the order they can happen: arriving before anything else, leaving last.
KIND_ORDER = {
    EventKind.ADMISSION: 0,
    EventKind.RESTORATION: 0,
    EventKind.TRANSFER_IN: 1,
    EventKind.TEMPORARY_IN: 1,
    EventKind.RECOGNITION: 2,
    EventKind.EXEMPTION: 3,
    EventKind.CARD: 3,
    EventKind.BADGE: 3,
    EventKind.AWARD: 3,
    EventKind.DISCIPLINE: 3,
    EventKind.TEMPORARY_OUT: 4,
    EventKind.TRANSFER_OUT: 5,
    EventKind.REMOVAL: 6,
    EventKind.EXPULSION: 6,
    EventKind.RESIGNATION: 6,
    EventKind.DEATH: 6,
}


@dataclass(frozen=True)
class MemberState:
    """A member's state after an event."""

    standing: str | None = None  # probationary, official, or how they left; None: not yet
    organization_id: int | None = None  # the cell of ours the member attends now
    counted_in_id: int | None = None  # the cell of ours whose numbers count the member
    away_at: str = ""  # attending elsewhere for a while (still counted here)
    exempt: bool = False
    admitted_on: datetime.date | None = None
    ceremony_on: datetime.date | None = None
    recognized_on: datetime.date | None = None
    last_organization_id: int | None = None  # the last cell of ours, even after leaving
    standing_before_leaving: str | None = None

    @property
    def is_member(self) -> bool:
        return self.standing in ACTIVE

    @property
    def status(self) -> str | None:
        # Before the member first joins one of our cells (the history their papers give),
        # their standing is all there is to say.
        if self.standing in ACTIVE and self.organization_id is None and self.last_organization_id:
            return MemberStatus.TRANSFERRED_OUT
        return self.standing


class TimelineError(Exception):
    """An event that cannot happen where it stands in the timeline."""

    def __init__(self, event, message: str, field: str | None = None):
        super().__init__(message)
        self.event = event
        self.message = message
        self.field = field


def sort_key(event) -> tuple:
    # Events not yet saved come after saved ones of the same day and kind, in the order given.
    return (
        event.occurred_on,
        KIND_ORDER[event.kind],
        event.pk is None,
        event.pk or 0,
    )


def ordered(events) -> list:
    return sorted(events, key=sort_key)


def replay(events, *, birth_date: datetime.date | None, names: dict[int, str]) -> list:
    """The state after each event of `events` (sorted with `ordered` first).

    `names` gives the names of organisations by id, for the messages."""
    state = MemberState()
    states = []
    for event in events:
        state = apply(state, event, birth_date=birth_date, names=names)
        states.append(state)
    return states


def apply(state: MemberState, event, *, birth_date, names) -> MemberState:
    kind = event.kind
    day = event.occurred_on
    rules = settings.MEMBER_RULES

    def fail(message, field=None, **params):
        raise TimelineError(event, message % params if params else message, field)

    def name_of(organization_id):
        return names.get(organization_id, "?")

    if kind == EventKind.ADMISSION:
        if state.is_member:
            fail(_("The member is already a party member: an admission cannot come now."), "kind")
        if state.standing == MemberStatus.DECEASED:
            fail(_("The member has died."), "kind")
        if state.standing == MemberStatus.EXPELLED:
            fail(
                _(
                    "An expelled member is not admitted again; if the expulsion was annulled, "
                    "record a restoration."
                ),
                "kind",
            )
        if bool(event.organization_id) == bool(event.counterpart):
            fail(
                _(
                    "Give the cell that admits the member, or, for an admission elsewhere, the "
                    "name of that organisation (not both)."
                ),
                "organization",
            )
        minimum = rules["ADMISSION_MIN_AGE_YEARS"]
        if birth_date and calendar.whole_months(birth_date, day) < minimum * 12:
            fail(
                _("On %(date)s the member was under %(years)d years of age."),
                "occurred_on",
                date=short_date(day),
                years=minimum,
            )
        return MemberState(
            standing=PROBATIONARY,
            organization_id=event.organization_id,
            counted_in_id=event.organization_id,
            admitted_on=day,
            ceremony_on=event.ceremony_on,
            last_organization_id=event.organization_id or state.last_organization_id,
        )

    if state.standing is None:
        fail(
            _("The record begins with an admission or a transfer in; record that first."),
            "kind",
        )
    if state.standing == MemberStatus.DECEASED:
        fail(_("The member died before this date."), "occurred_on")

    if kind == EventKind.RESTORATION:
        if state.standing not in (MemberStatus.REMOVED, MemberStatus.EXPELLED):
            fail(
                _("Only a member who was removed or expelled can have membership restored."),
                "kind",
            )
        organization_id = event.organization_id or state.last_organization_id
        if organization_id is None:
            fail(_("Choose the cell the member returns to."), "organization")
        return replace(
            state,
            standing=state.standing_before_leaving or PROBATIONARY,
            organization_id=organization_id,
            counted_in_id=organization_id,
            last_organization_id=organization_id,
            standing_before_leaving=None,
            away_at="",
            exempt=False,
        )

    if not state.is_member:
        fail(
            _("The member is no longer in the party (%(status)s) on %(date)s."),
            "kind",
            status=MemberStatus(state.standing).label.lower(),
            date=short_date(day),
        )

    if kind == EventKind.RECOGNITION:
        if state.standing != PROBATIONARY:
            fail(_("The member is already an official member."), "kind")
        elsewhere = state.organization_id is None
        if elsewhere and not event.counterpart and not event.organization_id:
            fail(_("Name the organisation where the member was recognised."), "counterpart")
        if not state.ceremony_on and not elsewhere:
            fail(
                _("Record the date of the admission ceremony first: probation counts from it."),
                "kind",
            )
        # Papers from elsewhere may not give the ceremony: that recognition stands as given.
        if state.ceremony_on:
            ends = calendar.add_months(state.ceremony_on, rules["PROBATION_MONTHS"])
            if day < ends:
                fail(
                    _(
                        "Probation ends on %(ends)s, %(months)d months after the ceremony of "
                        "%(ceremony)s: recognition cannot come earlier."
                    ),
                    "occurred_on",
                    ends=short_date(ends),
                    months=rules["PROBATION_MONTHS"],
                    ceremony=short_date(state.ceremony_on),
                )
        return replace(state, standing=OFFICIAL, recognized_on=day)

    if kind == EventKind.TRANSFER_IN:
        if not event.organization_id:
            fail(_("Choose the cell the member joins."), "organization")
        if event.organization_id == state.counted_in_id:
            fail(
                _("The member is already counted in %(name)s."),
                "organization",
                name=name_of(event.organization_id),
            )
        if state.counted_in_id is None and not event.counterpart:
            fail(_("Name the organisation the member comes from."), "counterpart")
        return replace(
            state,
            organization_id=event.organization_id,
            counted_in_id=event.organization_id,
            last_organization_id=event.organization_id,
            away_at="",
        )

    if kind == EventKind.TRANSFER_OUT:
        if state.counted_in_id is None:
            fail(
                _(
                    "The member is not counted in one of your cells: only the organisation that "
                    "counts a member transfers them out."
                ),
                "kind",
            )
        if not event.counterpart:
            fail(_("Name the organisation the member goes to."), "counterpart")
        return replace(state, organization_id=None, counted_in_id=None, away_at="")

    if kind == EventKind.TEMPORARY_IN:
        if state.organization_id is None:  # a member of another organisation comes for a while
            if not event.organization_id:
                fail(_("Choose the cell the member attends for a while."), "organization")
            if not event.counterpart:
                fail(_("Name the organisation that still counts the member."), "counterpart")
            return replace(
                state,
                organization_id=event.organization_id,
                last_organization_id=event.organization_id,
            )
        if state.away_at:  # our own member comes back
            if event.organization_id and event.organization_id != state.organization_id:
                fail(
                    _("The member returns to %(name)s, where they are counted."),
                    "organization",
                    name=name_of(state.organization_id),
                )
            return replace(state, away_at="")
        fail(
            _("The member already attends %(name)s."),
            "kind",
            name=name_of(state.organization_id),
        )

    if kind == EventKind.TEMPORARY_OUT:
        if state.organization_id is None:
            fail(_("The member does not attend one of your cells."), "kind")
        if state.counted_in_id is None:  # a visiting member leaves
            return replace(state, organization_id=None)
        if state.away_at:
            fail(
                _("The member is already attending %(place)s for a while."),
                "kind",
                place=state.away_at,
            )
        if not event.counterpart:
            fail(_("Name the organisation the member attends for a while."), "counterpart")
        return replace(state, away_at=event.counterpart)

    if kind in LEFT_BY:
        if state.counted_in_id is None:
            fail(
                _(
                    "The member is counted by another organisation, which records this; "
                    "record a temporary transfer out when they leave your cell."
                ),
                "kind",
            )
        return replace(
            state,
            standing=LEFT_BY[kind],
            organization_id=None,
            counted_in_id=None,
            away_at="",
            standing_before_leaving=state.standing,
        )

    if kind == EventKind.EXEMPTION:
        if state.exempt:
            fail(_("The member is already exempt."), "kind")
        return replace(state, exempt=True)

    if kind == EventKind.BADGE and event.badge_years and state.admitted_on:
        years = calendar.whole_months(state.admitted_on, day) // 12
        if years < event.badge_years:
            fail(
                _(
                    "On %(date)s the member has %(years)d years of membership (admitted "
                    "%(admitted)s): too few for a %(badge)d-year badge."
                ),
                "badge_years",
                date=short_date(day),
                years=years,
                admitted=short_date(state.admitted_on),
                badge=event.badge_years,
            )
    # A card, a badge, an award or a discipline leaves the state as it is.
    return state
