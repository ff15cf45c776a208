from members.models import Member
from tests.members.imports.helpers import errors, register, row, run


def test_a_row_becomes_a_member_with_its_events(bg):
    outcome = run(register(row()), bg.committee)
    assert errors(outcome) == []
    assert outcome.summary == "created=1 updated=0 unchanged=0 invalid=0"
    member = Member.objects.get()
    assert member.status == "official"
    assert [e.kind for e in member.events.order_by("sequence")] == ["admission", "recognition"]
    again = run(register(row()), bg.committee)
    assert again.summary == "created=0 updated=0 unchanged=1 invalid=0", errors(again)
