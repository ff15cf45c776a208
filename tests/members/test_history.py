"""What the figures need from the members' records (issue 10): who a member was at admission,
stored on the admission, and the guard that an organisation cannot end while members are
still counted in it."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import Candidate, EventKind, Member, MemberEvent
from members.models.events import ADMISSION_FACTS
from organizations import services as org_services
from organizations.access import SYSTEM
from organizations.models import EndReason, OrganizationKind, PartyOrganization
from tests.conftest import client_for
from tests.factories import MemberFactory, citizen_id
from tests.forms import admission, transfer
from tests.members.test_bad_input import ADMIT_URL, TRANSFER_URL
from tests.members.test_candidates import candidate, introducers  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
D = datetime.date


def facts(event) -> tuple:
    return tuple(getattr(event, name) for name in ADMISSION_FACTS)


# --- facts at admission ---------------------------------------------------------------------


def test_the_admission_journey_stores_who_the_member_was(bg, staff_client):
    data = admission(
        bg,
        sex="female",
        citizen_id=citizen_id(502, 1996, female=True),
        position="owner",
        youth_union_member="on",
    )
    assert staff_client.post(ADMIT_URL, data).status_code == 302
    member = Member.objects.get(full_name="Hoàng Văn Nam")
    event = member.events.get(kind=EventKind.ADMISSION)
    # owner, direct production worker, Youth Union member, woman
    assert facts(event) == (True, False, True, True)

    # A later change of the record is not a change of who they were when admitted.
    member.position, member.youth_union_member = "manager", False
    services.member_save(member=member, by=SYSTEM)
    services.member_event_add(
        event=MemberEvent(
            member=member, kind=EventKind.AWARD, occurred_on=D(2026, 11, 2), note="Giấy khen"
        ),
        by=SYSTEM,
    )
    event.refresh_from_db()
    assert facts(event) == (True, False, True, True)
    award = member.events.get(kind=EventKind.AWARD)
    assert facts(award) == (None, None, None, None)


def test_an_admission_from_a_candidate_stores_the_candidates_record(bg, introducers):  # noqa: F811
    record = candidate(bg, introducers)
    record.position, record.youth_union_member = "worker", True
    record.save()
    member, _warnings = services.member_admit(
        member=Member(
            full_name=record.full_name,
            birth_date=record.birth_date,
            sex=record.sex,
            citizen_id=record.citizen_id,
            position=record.position,
            youth_union_member=record.youth_union_member,
        ),
        organization=bg.cell,
        decided_on=D(2026, 10, 5),
        candidate=record,
        by=SYSTEM,
    )
    assert Candidate.objects.get(pk=record.pk).member == member
    assert facts(member.events.get()) == (False, True, True, record.sex == "female")


def test_a_transfer_in_carries_no_facts_on_the_admission_made_elsewhere(bg, staff_client):
    assert staff_client.post(TRANSFER_URL, transfer(bg, position="owner")).status_code == 302
    member = Member.objects.get(full_name="Hoàng Văn Nam")
    admitted_elsewhere = member.events.get(kind=EventKind.ADMISSION)
    assert admitted_elsewhere.organization_id is None
    assert facts(admitted_elsewhere) == (None, None, None, None)


def test_staff_correct_the_facts_on_the_admissions_page(
    bg, staff_client, leader_client, outsider_client
):
    member = MemberFactory(organization=bg.cell, full_name="Lý Thị Hoa", sex="female")
    event = member.events.get(kind=EventKind.ADMISSION)
    assert facts(event) == (False, True, False, True)
    url = f"/admin/members/memberevent/{event.pk}/change/"
    content = leader_client.get(url).content.decode()
    assert "Đảng viên khi được kết nạp" in content
    assert "Công nhân trực tiếp sản xuất khi kết nạp" in content
    assert 'name="owner_at_admission"' not in content  # the leader reads, changes nothing
    assert outsider_client.get(url).status_code == 404
    data = {
        "kind": event.kind,
        "occurred_on": event.occurred_on.strftime("%d/%m/%Y"),
        "decision_no": event.decision_no,
        "organization": bg.cell.pk,
        "ceremony_on": event.ceremony_on.strftime("%d/%m/%Y"),
        "owner_at_admission": "false",
        "direct_worker_at_admission": "false",
        "youth_union_at_admission": "true",
        "woman_at_admission": "true",
    }
    assert staff_client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert facts(event) == (False, False, True, True)
    # Another event's page has no such fields.
    recognition = member.events.get(kind=EventKind.RECOGNITION)
    content = staff_client.get(f"/admin/members/memberevent/{recognition.pk}/change/").content
    assert b"owner_at_admission" not in content


def test_only_an_admission_carries_the_facts(bg):
    member = MemberFactory(organization=bg.cell)
    recognition = member.events.get(kind=EventKind.RECOGNITION)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MemberEvent.objects.filter(pk=recognition.pk).update(woman_at_admission=True)


# --- an organisation cannot end while members are counted in it ------------------------------


END = D(2026, 6, 30)


def end(organization, on=END):
    organization.ended_on, organization.end_reason = on, EndReason.DISSOLVED


def test_a_cell_that_still_counts_members_cannot_end(bg, staff):
    names = ["An Văn Bình", "Bùi Thị Chi", "Cao Văn Dũng", "Đinh Thị Én"]
    for name in names:
        MemberFactory(organization=bg.cell, full_name=name)
    cell = PartyOrganization.objects.get(pk=bg.cell.pk)
    end(cell)
    with pytest.raises(ValidationError) as error:
        org_services.organization_save(organization=cell, by=staff)
    message = error.value.message_dict["ended_on"][0]
    assert bg.cell.name in message and "4 đảng viên" in message and "30/06/2026" in message
    assert "An Văn Bình, Bùi Thị Chi, Cao Văn Dũng, …" in message  # a few names
    assert PartyOrganization.objects.get(pk=bg.cell.pk).ended_on is None


def test_the_message_names_nobody_to_an_account_that_cannot_see_them(bg, outsider):
    MemberFactory(organization=bg.cell, full_name="An Văn Bình")
    cell = PartyOrganization.objects.get(pk=bg.cell.pk)
    end(cell)
    with pytest.raises(ValidationError) as error:
        org_services.organization_save(organization=cell, by=outsider)
    message = error.value.message_dict["ended_on"][0]
    assert "1 đảng viên" in message and "An Văn Bình" not in message


def test_members_moved_out_before_the_end_let_it_end(bg):
    member = MemberFactory(organization=bg.cell, full_name="An Văn Bình")
    other = PartyOrganization.objects.create(
        kind=OrganizationKind.GRASSROOTS_CELL,
        parent=bg.committee,
        code="BG-CB-MOI",
        name="Chi bộ mới",
        founded_on=D(2020, 1, 1),
    )
    services.member_event_add(
        event=MemberEvent(
            member=member,
            kind=EventKind.TRANSFER_IN,
            occurred_on=D(2026, 6, 30),
            organization=other,
        ),
        by=SYSTEM,
    )
    cell = PartyOrganization.objects.get(pk=bg.cell.pk)
    end(cell)  # the move on the end day itself counts them in the other cell that evening
    org_services.organization_save(organization=cell)
    assert PartyOrganization.objects.get(pk=bg.cell.pk).ended_on == D(2026, 6, 30)
    # Its link to the enterprise ended with it.
    assert cell.enterprise_links.get().ended_on == D(2026, 6, 30)


def test_the_admin_shows_where_members_are_counted(bg, province_admin):
    MemberFactory(organization=bg.cell, full_name="An Văn Bình")
    data = {
        "kind": bg.cell.kind,
        "parent": bg.committee.pk,
        "code": bg.cell.code,
        "name": bg.cell.name,
        "founded_on": "01/03/2018",
        "current_enterprises": [bg.enterprise.pk],
        "ended_on": "30/06/2026",
        "end_reason": EndReason.DISSOLVED,
        "leadership_terms-TOTAL_FORMS": "0",
        "leadership_terms-INITIAL_FORMS": "0",
    }
    response = client_for(province_admin).post(
        f"/admin/organizations/partyorganization/{bg.cell.pk}/change/", data
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["ended_on"]
    assert "vẫn còn 1 đảng viên trong đảng số" in errors[0] and "An Văn Bình" in errors[0]
    assert PartyOrganization.objects.get(pk=bg.cell.pk).ended_on is None


def test_organizations_never_imports_members():
    # The guard reaches organizations through the hook members registers, not an import.
    root = Path(__file__).resolve().parents[2] / "organizations"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "import members" in path.read_text() or "from members" in path.read_text()
    ]
    assert offenders == []
    from organizations.services import END_CHECKS

    assert [check.__module__ for check in END_CHECKS] == ["members.guards"]
