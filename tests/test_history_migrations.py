"""The migrations of issue 10 carry today's data over: records written in the schema before them
(with the models of that time) come out dated, typed and with their facts, and going back
restores the undated links."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

D = datetime.date
BEFORE = [("organizations", "0004_demo_load"), ("members", "0002_record_bounds")]
AFTER = [("organizations", "0009_congresses"), ("members", "0003_admission_facts")]


def migrate(targets=None):
    """Migrate to `targets` (None: every app's latest) and give their models."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def build_old_records(apps):
    """A committee with a cell serving two enterprises of one type, a joint cell of two types,
    a cell that ended, a grassroots committee with a subordinate cell, and a member admitted,
    written as the models stood before issue 10."""
    Org = apps.get_model("organizations", "PartyOrganization")
    Zone = apps.get_model("organizations", "Zone")
    Enterprise = apps.get_model("organizations", "Enterprise")

    def org(code, kind, parent=None, founded_on=None, **values):
        founded_on = founded_on or D(2015, 1, 1)
        made = Org.objects.create(
            code=code, name=code, kind=kind, parent=parent, founded_on=founded_on, **values
        )
        # The path is save()'s work, which a migration's model does not have.
        made.path = (parent.path if parent else "") + f"{made.pk:07d}/"
        made.depth = made.path.count("/") - 1
        made.save()
        return made

    committee = org("KCN", "upper_grassroots")
    zone = Zone.objects.create(name="KCN Cũ", province="Bắc Giang", committee=committee)

    def enterprise(tax_code, ownership, **values):
        return Enterprise.objects.create(
            tax_code=tax_code, name=f"Công ty {tax_code}", zone=zone, ownership=ownership, **values
        )

    fdi = enterprise("2400000110", "fdi100", licensed_on=D(2011, 3, 4))
    fdi2 = enterprise("2400000127", "fdi100", status="suspended")
    llc = enterprise("2400000134", "llc", licensed_on=D(2016, 1, 2))
    jsc = enterprise("2400000141", "jsc")
    state = enterprise("2400000158", "state")
    cell = org("CB1", "grassroots_cell", committee, founded_on=D(2018, 3, 1))
    cell.enterprises.add(fdi, fdi2)
    joint = org("CB2", "grassroots_cell", committee, founded_on=D(2019, 4, 2))
    joint.enterprises.add(llc, jsc)
    ended = org(
        "CB3",
        "grassroots_cell",
        committee,
        founded_on=D(2017, 9, 5),
        ended_on=D(2022, 12, 20),
        end_reason="dissolved",
    )
    ended.enterprises.add(llc)
    grassroots = org("DB1", "grassroots_committee", committee, founded_on=D(2016, 5, 5))
    grassroots.enterprises.add(state)
    sub = org("DB1-CB1", "subordinate_cell", grassroots, founded_on=D(2016, 5, 5))

    Member = apps.get_model("members", "Member")
    Event = apps.get_model("members", "MemberEvent")
    member = Member.objects.create(
        full_name="Lý Thị Hoa",
        birth_date=D(1990, 1, 1),
        sex="female",
        position="owner",
        youth_union_member=True,
        status="probationary",
        organization=cell,
        counted_in=cell,
    )
    Event.objects.create(
        member=member,
        kind="admission",
        occurred_on=D(2024, 5, 6),
        organization=cell,
        sequence=1,
        status_after="probationary",
        organization_after=cell,
        counted_after=cell,
    )
    elsewhere = Member.objects.create(
        full_name="Lê Văn Nam",
        birth_date=D(1985, 1, 1),
        sex="male",
        status="official",
        organization=cell,
        counted_in=cell,
    )
    Event.objects.create(
        member=elsewhere,
        kind="admission",
        occurred_on=D(2010, 5, 6),
        counterpart="Chi bộ thôn 3",
        sequence=1,
        status_after="probationary",
    )
    return {
        "cell": cell.pk,
        "joint": joint.pk,
        "ended": ended.pk,
        "grassroots": grassroots.pk,
        "sub": sub.pk,
        "committee": committee.pk,
        "enterprises": {e.tax_code: e.pk for e in (fdi, fdi2, llc, jsc, state)},
        "member": member.pk,
        "elsewhere": elsewhere.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_the_migrations_carry_todays_data_over_and_back():
    try:
        old = migrate(BEFORE)
        ids = build_old_records(old)
        new = migrate(AFTER)

        Org = new.get_model("organizations", "PartyOrganization")
        Link = new.get_model("organizations", "EnterpriseLink")
        State = new.get_model("organizations", "EnterpriseState")
        Event = new.get_model("members", "MemberEvent")
        tax = ids["enterprises"]

        # Links start on the organisation's founding date; an ended one's end with it.
        links = {
            (link.organization_id, link.enterprise_id): (link.started_on, link.ended_on)
            for link in Link.objects.all()
        }
        assert links == {
            (ids["cell"], tax["2400000110"]): (D(2018, 3, 1), None),
            (ids["cell"], tax["2400000127"]): (D(2018, 3, 1), None),
            (ids["joint"], tax["2400000134"]): (D(2019, 4, 2), None),
            (ids["joint"], tax["2400000141"]): (D(2019, 4, 2), None),
            (ids["ended"], tax["2400000134"]): (D(2017, 9, 5), D(2022, 12, 20)),
            (ids["grassroots"], tax["2400000158"]): (D(2016, 5, 5), None),
        }
        # Unit types: from the enterprises; inherited below a grassroots committee; none for a
        # joint cell of two types (staff choose it) nor for the committee.
        types = dict(Org.objects.values_list("pk", "unit_type"))
        assert types[ids["cell"]] == "fdi100" and types[ids["ended"]] == "llc"
        assert types[ids["grassroots"]] == types[ids["sub"]] == "state"
        assert types[ids["joint"]] == types[ids["committee"]] == ""
        assert set(Org.objects.values_list("founding_reason", flat=True)) == {"new"}

        # One open interval per enterprise, from its licence date or the start of the records.
        states = {
            s.enterprise_id: (s.status, s.ownership, s.valid_from, s.valid_to)
            for s in State.objects.all()
        }
        assert states[tax["2400000110"]] == ("active", "fdi100", D(2011, 3, 4), None)
        assert states[tax["2400000127"]] == ("suspended", "fdi100", D(1930, 1, 1), None)
        assert len(states) == 5

        # Facts at admission, from the member's record; none on an admission elsewhere.
        ours = Event.objects.get(member_id=ids["member"])
        assert (
            ours.owner_at_admission,
            ours.direct_worker_at_admission,
            ours.youth_union_at_admission,
            ours.woman_at_admission,
        ) == (True, False, True, True)
        theirs = Event.objects.get(member_id=ids["elsewhere"])
        assert theirs.woman_at_admission is None and theirs.owner_at_admission is None

        # Back: the links in force (or on an ended organisation's last day) are the relation.
        old = migrate(BEFORE)
        Org = old.get_model("organizations", "PartyOrganization")
        served = {
            (o.pk, e.pk)
            for o in Org.objects.filter(pk__in=[ids["cell"], ids["joint"], ids["ended"]])
            for e in o.enterprises.all()
        }
        assert served == {
            (ids["cell"], tax["2400000110"]),
            (ids["cell"], tax["2400000127"]),
            (ids["joint"], tax["2400000134"]),
            (ids["joint"], tax["2400000141"]),
            (ids["ended"], tax["2400000134"]),
        }
    finally:
        migrate()  # the schema the other tests expect
