"""Party members and the work of admitting them, split along the domain: the member record
(members.py), its events (events.py), the admission pipeline (candidates.py), classes
(classes.py) and annual ratings (ratings.py)."""

from members.models.candidates import Candidate, CandidateStage, IntroducingBody
from members.models.classes import (
    AwarenessClass,
    AwarenessParticipant,
    StudySession,
    TheoryClass,
    TheoryParticipant,
)
from members.models.events import EventKind, MemberEvent
from members.models.intervals import CountedInterval
from members.models.members import Member, MemberStatus, Position, Sex, TheoryLevel
from members.models.privacy import Disclosure, PersonalDataLog, Subject
from members.models.ratings import MemberRating, OrganizationRating, RatingLevel

__all__ = [
    "AwarenessClass",
    "AwarenessParticipant",
    "Candidate",
    "CandidateStage",
    "CountedInterval",
    "Disclosure",
    "EventKind",
    "IntroducingBody",
    "Member",
    "MemberEvent",
    "MemberRating",
    "MemberStatus",
    "OrganizationRating",
    "PersonalDataLog",
    "Position",
    "RatingLevel",
    "Sex",
    "StudySession",
    "Subject",
    "TheoryClass",
    "TheoryLevel",
    "TheoryParticipant",
]
