"""Every write to members, their events, candidates, classes and ratings. The admin, the
journeys' forms and the demo call these; nothing else writes those records.

A member's status is never written directly: each change of the events replays the whole
timeline (members.timeline) and stores what follows from it, or refuses the change with the
reason and writes nothing.

`by`, the one acting, is a required keyword of every service that checks where it writes or
whose records an error may name: the account of the request (the admin passes
`request.user`), or `organizations.access.SYSTEM` for a process no account runs (the demo
loader, a command). An account writes only into the organisations it sees and is told who
holds a number only when it sees them; SYSTEM writes anywhere and is told nobody's name. Any
other value, None included, sees nothing and may write nowhere: no caller skips the check by
leaving the account out.
"""

from members.services.candidates import candidate_save
from members.services.classes import (
    awareness_certificates_sync,
    awareness_participants_add,
    course_save,
    theory_participants_add,
)
from members.services.journeys import member_admit, member_transfer_in
from members.services.privacy import (
    disclosed_members,
    disclosure_record,
    member_anonymise,
    member_anonymise_check,
)
from members.services.ratings import organization_rating_save, ratings_save
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
    "disclosed_members",
    "disclosure_record",
    "member_admit",
    "member_anonymise",
    "member_anonymise_check",
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
    "ratings_save",
    "theory_participants_add",
]
