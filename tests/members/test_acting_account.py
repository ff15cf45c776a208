"""`by`, the one acting, is a required keyword of every members service that checks where it
writes (issue 9): leaving it out is an error, None writes nowhere, an account writes inside
its subtree, and access.SYSTEM (a command, the demo loader) writes anywhere."""

import datetime
import inspect

import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import Candidate, EventKind, Member, MemberEvent, RatingLevel
from members.models.ratings import MemberRating, OrganizationRating
from organizations.access import SYSTEM
from tests.factories import MemberFactory

D = datetime.date
NOT_YOURS = "Hãy chọn một chi bộ thuộc đảng bộ của mình."

# The services that refuse a write into an organisation the one acting does not see.
SCOPE_CHECKED = {
    "candidate_save",
    "member_admit",
    "member_transfer_in",
    "member_event_add",
    "member_events_add",
    "member_event_change",
    "member_history_load",
    "ratings_save",
    "organization_rating_save",
}


def test_every_members_service_that_takes_the_acting_account_requires_it():
    """Leaving the account out is a TypeError, not a write nobody checked."""
    taking = {
        name
        for name in services.__all__
        if "by" in inspect.signature(getattr(services, name)).parameters
    }
    assert taking >= SCOPE_CHECKED
    for name in taking:
        by = inspect.signature(getattr(services, name)).parameters["by"]
        assert by.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert by.default is inspect.Parameter.empty, name


def person(**values) -> dict:
    return {"full_name": "Hoàng Văn Nam", "birth_date": D(1996, 5, 17), "sex": "male", **values}


def admit(world, by):
    return services.member_admit(
        member=Member(**person()), organization=world.cell, decided_on=D(2026, 10, 5), by=by
    )


# What the transfer papers of a member coming from outside say.
PAPERS = {
    "occurred_on": D(2026, 10, 1),
    "counterpart": "Chi bộ thôn 3, Đảng bộ xã Tân Dĩnh",
    "admitted_on": D(2019, 2, 3),
    "recognized_on": D(2020, 3, 1),
}


def transfer_in(world, by):
    member = Member(**person())
    return services.member_transfer_in(member=member, organization=world.cell, by=by, **PAPERS)


def load_history(world, by):
    admission = MemberEvent(
        kind=EventKind.ADMISSION,
        occurred_on=D(2024, 4, 2),
        organization=world.cell,
        ceremony_on=D(2024, 4, 20),
    )
    return services.member_history_load(member=Member(**person()), events=[admission], by=by)


def move(world, by, *, several=False):
    """A member of the committee's other cell moves into the world's cell."""
    member = Member.objects.get(full_name=ELSEWHERE)
    arrival = MemberEvent(
        member=member,
        kind=EventKind.TRANSFER_IN,
        occurred_on=D(2026, 9, 1),
        organization=world.cell,
    )
    if several:
        return services.member_events_add(member=member, events=[arrival], by=by)
    return services.member_event_add(event=arrival, by=by)


def move_several(world, by):
    return move(world, by, several=True)


def correct_an_admission(world, by):
    """The admission on the record of a member of the other cell is corrected to name the
    world's cell."""
    admission = MemberEvent.objects.get(member__full_name=ELSEWHERE, kind=EventKind.ADMISSION)
    admission.organization = world.cell
    return services.member_event_change(event=admission, by=by)


def save_candidate(world, by):
    candidate = Candidate(**person(), organization=world.cell, identified_on=D(2026, 9, 1))
    return services.candidate_save(candidate=candidate, by=by)


def rate_the_cell(world, by):
    return services.ratings_save(
        organization=world.cell,
        year=2025,
        levels={},
        organization_level=RatingLevel.GOOD,
        by=by,
    )


def save_the_cell_rating(world, by):
    rating = OrganizationRating(organization=world.cell, year=2025, level=RatingLevel.GOOD)
    return services.organization_rating_save(rating=rating, by=by)


WRITES = [
    admit,
    transfer_in,
    load_history,
    move,
    move_several,
    correct_an_admission,
    save_candidate,
    rate_the_cell,
    save_the_cell_rating,
]
ELSEWHERE = "Người Ở Chi Bộ Khác"


@pytest.fixture
def elsewhere(cell2):
    """A member of the committee's other cell."""
    return MemberFactory(organization=cell2, full_name=ELSEWHERE)


def written() -> dict:
    models = (Member, MemberEvent, Candidate, MemberRating, OrganizationRating)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
@pytest.mark.parametrize("acting", ["nobody", "outsider"])
def test_a_write_by_nobody_or_another_committee_goes_nowhere(write, acting, bg, elsewhere, request):
    by = None if acting == "nobody" else request.getfixturevalue(acting)
    before = written()
    with pytest.raises(ValidationError) as refused:
        write(bg, by)
    assert refused.value.message_dict == {"organization": [NOT_YOURS]}
    assert written() == before


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
@pytest.mark.parametrize("acting", ["staff", "system"])
def test_the_committee_s_staff_and_the_system_write(write, acting, bg, elsewhere, request):
    by = SYSTEM if acting == "system" else request.getfixturevalue(acting)
    before = written()
    write(bg, by)
    assert written() != before
