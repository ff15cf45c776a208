"""Every write to members, their events, candidates, classes and ratings. The admin, the
journeys' forms and the demo call these; nothing else writes those records.

A member's status is never written directly: each change of the events replays the whole
timeline (members.timeline) and stores what follows from it, or refuses the change with the
reason and writes nothing.
"""

from members.services.candidates import candidate_save
from members.services.classes import (
    awareness_certificates_sync,
    awareness_participants_add,
    course_save,
    theory_participants_add,
)
from members.services.journeys import member_admit, member_transfer_in
from members.services.ratings import (
    excellent_quota_warning,
    grassroots_of,
    organization_rating_save,
    rateable,
    ratings_save,
)
from members.services.records import (
    member_check,
    member_event_add,
    member_event_change,
    member_event_check,
    member_event_delete,
    member_events_add,
    member_history_load,
    member_save,
)

__all__ = [
    "awareness_certificates_sync",
    "awareness_participants_add",
    "candidate_save",
    "course_save",
    "excellent_quota_warning",
    "grassroots_of",
    "member_admit",
    "member_check",
    "member_event_add",
    "member_event_change",
    "member_event_check",
    "member_event_delete",
    "member_events_add",
    "member_history_load",
    "member_save",
    "member_transfer_in",
    "organization_rating_save",
    "rateable",
    "ratings_save",
    "theory_participants_add",
]
