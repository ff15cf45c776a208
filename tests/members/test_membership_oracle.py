"""The membership oracle (issue 8): a citizen ID or party card number already held by a member
counted in the numbers is refused as a form error on every path — the member's change form,
both journeys, the events that make someone counted again, the services, and two saves racing
— never a 500. The holder is named only to an account that may see them; anyone else reads
that the number is on record elsewhere and to ask the committee above, and learns no name."""

import contextlib
import datetime
import html
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.models import model_to_dict

from members import services
from members.models import Member, MemberEvent
from members.models.members import PERSONAL_FIELDS
from members.services import records
from organizations.access import SYSTEM
from tests.conftest import account, build_world
from tests.factories import MemberFactory, citizen_id
from tests.forms import admission, transfer
from tests.members.records import candidate_at_resolution
from tests.members.test_bad_input import ADMIT_URL, TRANSFER_URL

pytestmark = pytest.mark.django_db
D = datetime.date
EVENT_URL = "/admin/members/memberevent/add/"

SECRET_NAME = "Lý Văn Bí Mật"
CARD = "20241234"
ELSEWHERE = "đã có trong hồ sơ ở nơi khác: hãy liên hệ cấp ủy cấp trên để kiểm tra."
LABELS = {"citizen_id": "Số CCCD", "card_number": "Số thẻ đảng viên"}
FIELDS = ["citizen_id", "card_number"]


@pytest.fixture
def secret(bg):
    """A member counted in Bắc Giang's numbers, whose numbers the Hà Nội account tries."""
    return MemberFactory(
        organization=bg.cell,
        full_name=SECRET_NAME,
        birth_date=D(1996, 5, 17),
        citizen_id=citizen_id(777, 1996),
        card_number=CARD,
    )


def number(holder, field):
    return getattr(holder, field)


def written(*members):
    """What the tables hold, to compare before and after a refusal."""
    return (
        Member.objects.count(),
        MemberEvent.objects.count(),
        [(m.citizen_id, m.card_number, m.counted_in_id) for m in Member.objects.order_by("pk")],
    )


def assert_refused_elsewhere(content, field, value, *hidden):
    """The refusal as an account outside the holder's committee reads it."""
    assert f"{LABELS[field]} {value} {ELSEWHERE}" in content, content
    for text in (SECRET_NAME, *hidden):
        assert text not in content


def error_on_field(content, field):
    """The errors Django shows on the field (its error list, tied to the input)."""
    errors = re.search(f'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', content)
    return html.unescape(errors.group(1)) if errors else ""


def change_data(member, **fields):
    data = model_to_dict(member, fields=list(PERSONAL_FIELDS))
    data = {k: "" if v is None else v for k, v in data.items()}
    data["birth_date"] = member.birth_date.strftime("%d/%m/%Y")
    for flag in ("youth_union_member", "trade_union_member"):
        if not data[flag]:
            data.pop(flag)
    data.update(fields)
    return data


# --- the admin's change form of a member -------------------------------------------------


@pytest.mark.parametrize("field", FIELDS)
def test_outsider_changing_their_member_to_a_counted_number_gets_a_form_error(
    field, bg, hn, secret, outsider_client
):
    mine = MemberFactory(organization=hn.cell, birth_date=D(1996, 5, 17))
    before = written()
    response = outsider_client.post(
        f"/admin/members/member/{mine.pk}/change/",
        change_data(mine, **{field: number(secret, field)}),
    )
    assert response.status_code == 200  # was a 500
    content = response.content.decode()
    assert_refused_elsewhere(content, field, number(secret, field), bg.cell.name)
    assert ELSEWHERE in error_on_field(content, field)
    assert written() == before


@pytest.mark.parametrize("field", FIELDS)
def test_staff_changing_a_member_to_a_number_held_in_their_committee_learn_who_holds_it(
    field, bg, cell2, secret, staff_client
):
    mine = MemberFactory(organization=cell2, birth_date=D(1996, 5, 17))
    before = written()
    response = staff_client.post(
        f"/admin/members/member/{mine.pk}/change/",
        change_data(mine, **{field: number(secret, field)}),
    )
    assert response.status_code == 200
    message = (
        f"{LABELS[field]} {number(secret, field)} đã thuộc về đảng viên {SECRET_NAME}, đang được "
        f"tính đảng số ở {bg.cell.name}; mỗi người chỉ được tính đảng số ở một nơi."
    )
    assert message in error_on_field(response.content.decode(), field)
    assert written() == before


def test_a_duplicate_in_the_same_cell_says_so(bg, secret, staff_client):
    mine = MemberFactory(organization=bg.cell, birth_date=D(1996, 5, 17))
    response = staff_client.post(
        f"/admin/members/member/{mine.pk}/change/", change_data(mine, card_number=CARD)
    )
    assert response.status_code == 200
    assert (
        f"Số thẻ đảng viên {CARD} đã thuộc về đảng viên {SECRET_NAME}, đang được tính đảng số "
        f"ngay tại chi bộ này ({bg.cell.name})"
    ) in error_on_field(response.content.decode(), "card_number")
    mine.refresh_from_db()
    assert mine.card_number == ""


def test_an_unused_number_saves(hn, secret, outsider_client):
    mine = MemberFactory(organization=hn.cell, birth_date=D(1996, 5, 17))
    response = outsider_client.post(
        f"/admin/members/member/{mine.pk}/change/", change_data(mine, card_number="01239876")
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.card_number == "01239876"


def test_the_add_form_of_a_member_is_closed_whatever_the_number(bg, secret, staff_client):
    # A record begins with one of the two journeys, which are tested below.
    before = written()
    data = change_data(secret, full_name="Người Khác", card_number=CARD)
    assert staff_client.post("/admin/members/member/add/", data).status_code == 403
    assert written() == before


def test_leader_cannot_change_a_member_whatever_the_number(bg, cell2, secret, leader_client):
    mine = MemberFactory(organization=cell2, birth_date=D(1996, 5, 17))
    before = written()
    response = leader_client.post(
        f"/admin/members/member/{mine.pk}/change/", change_data(mine, card_number=CARD)
    )
    assert response.status_code == 403
    assert SECRET_NAME not in response.content.decode()
    for url, data in [(ADMIT_URL, admission(bg)), (TRANSFER_URL, transfer(bg))]:
        assert leader_client.post(url, {**data, "card_number": CARD}).status_code == 403
    assert written() == before


# --- the two journeys --------------------------------------------------------------------


def person_with(secret, field):
    """The personal data of a new person who carries the secret member's `field`."""
    values = {field: number(secret, field)}
    if field == "citizen_id":
        values["birth_date"] = "17/05/1996"  # a citizen ID must match its date of birth
    return values


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("url", "data"), [(ADMIT_URL, admission), (TRANSFER_URL, transfer)])
def test_outsider_recording_a_person_with_a_counted_number_gets_a_form_error(
    url, data, field, bg, hn, secret, outsider_client
):
    before = written()
    response = outsider_client.post(url, data(hn, **person_with(secret, field)))
    assert response.status_code == 200
    content = response.content.decode()
    assert_refused_elsewhere(content, field, number(secret, field), bg.cell.name)
    assert ELSEWHERE in error_on_field(content, field)
    assert written() == before


@pytest.mark.parametrize(("url", "data"), [(ADMIT_URL, admission), (TRANSFER_URL, transfer)])
def test_staff_recording_a_card_held_in_their_committee_learn_who_holds_it(
    url, data, bg, cell2, secret, staff_client
):
    before = written()
    response = staff_client.post(url, data(bg, organization=cell2.pk, card_number=CARD))
    assert response.status_code == 200
    assert (
        f"Số thẻ đảng viên {CARD} đã thuộc về đảng viên {SECRET_NAME}, đang được tính đảng số "
        f"ở {bg.cell.name}"
    ) in error_on_field(response.content.decode(), "card_number")
    assert written() == before


def test_outsider_admitting_a_candidate_with_a_counted_citizen_id_gets_a_form_error(
    bg, hn, secret, outsider
):
    from tests.conftest import client_for

    introducers = [MemberFactory(organization=hn.cell) for _ in range(2)]
    candidate = candidate_at_resolution(hn, introducers)
    candidate.citizen_id = secret.citizen_id
    candidate.birth_date = secret.birth_date
    candidate.sex = secret.sex
    services.candidate_save(candidate=candidate, by=SYSTEM)
    before = written()
    response = client_for(outsider).post(
        ADMIT_URL,
        admission(
            hn,
            candidate=candidate.pk,
            full_name=candidate.full_name,
            citizen_id=candidate.citizen_id,
            birth_date="17/05/1996",
            decided_on="05/10/2026",
        ),
    )
    assert response.status_code == 200
    assert_refused_elsewhere(
        response.content.decode(), "citizen_id", secret.citizen_id, bg.cell.name
    )
    assert written() == before
    candidate.refresh_from_db()
    assert candidate.member_id is None


# --- events that make a member counted again -------------------------------------------------


@pytest.fixture
def gone(bg, hn):
    """A Hà Nội member transferred to Bắc Giang, where they were recorded anew and are counted:
    Hà Nội keeps its record, no longer counted, with the same numbers."""
    member = MemberFactory(
        organization=hn.cell,
        birth_date=D(1996, 5, 17),
        citizen_id=citizen_id(777, 1996),
        card_number=CARD,
    )
    services.member_event_add(
        event=MemberEvent(
            member=member,
            kind="transfer_out",
            occurred_on=D(2024, 3, 1),
            counterpart="Đảng bộ Các KCN tỉnh Bắc Giang",
        ),
        by=SYSTEM,
    )
    MemberFactory(
        organization=bg.cell,
        full_name=SECRET_NAME,
        birth_date=D(1996, 5, 17),
        citizen_id=member.citizen_id,
        card_number=CARD,
        admitted_on=D(2018, 3, 1),
    )
    member.refresh_from_db()
    assert member.counted_in_id is None
    return member


def event_data(member, **fields):
    data = {
        "member": member.pk,
        "kind": "transfer_in",
        "occurred_on": "02/09/2025",
        "decision_no": "12-GGT",
        "issued_by": "",
        "organization": "",
        "counterpart": "",
        "note": "",
    }
    data.update(fields)
    return data


def test_outsider_bringing_back_a_member_counted_elsewhere_gets_a_form_error(
    bg, hn, gone, outsider_client
):
    before = written()
    response = outsider_client.post(
        EVENT_URL,
        event_data(gone, organization=hn.cell.pk, counterpart="Đảng bộ Các KCN tỉnh Bắc Giang"),
    )
    assert response.status_code == 200  # was a 500
    content = response.content.decode()
    assert_refused_elsewhere(content, "citizen_id", gone.citizen_id, bg.cell.name)
    assert_refused_elsewhere(content, "card_number", CARD, bg.cell.name)
    assert written() == before


def test_outsider_undoing_a_transfer_out_by_correcting_it_gets_a_form_error(
    bg, gone, outsider_client
):
    transfer_out = gone.events.get(kind="transfer_out")
    before = written()
    response = outsider_client.post(
        f"/admin/members/memberevent/{transfer_out.pk}/change/",
        event_data(gone, kind="award", occurred_on="01/03/2024", note="Giấy khen"),
    )
    assert response.status_code == 200  # was a 500
    assert_refused_elsewhere(response.content.decode(), "card_number", CARD, bg.cell.name)
    assert written() == before
    transfer_out.refresh_from_db()
    assert transfer_out.kind == "transfer_out"


def test_outsider_undoing_a_transfer_out_by_deleting_it_gets_a_message(bg, gone, outsider_client):
    transfer_out = gone.events.get(kind="transfer_out")
    before = written()
    response = outsider_client.post(
        f"/admin/members/memberevent/{transfer_out.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert_refused_elsewhere(response.content.decode(), "card_number", CARD, bg.cell.name)
    assert written() == before


def test_outsider_transferring_back_in_through_the_journey_gets_a_form_error(
    bg, hn, gone, outsider_client
):
    before = written()
    response = outsider_client.post(
        TRANSFER_URL,
        transfer(hn, citizen_id=gone.citizen_id, birth_date="17/05/1996", occurred_on="02/09/2025"),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert_refused_elsewhere(content, "citizen_id", gone.citizen_id, bg.cell.name)
    assert written() == before


# --- the services ------------------------------------------------------------------------


def refused_by_service(write, named=False, **expected):
    """`write` raises a ValidationError (not the database's IntegrityError) with `expected`
    messages on their fields, names the holder only if `named`, and writes nothing."""
    before = written()
    with pytest.raises(ValidationError) as raised:
        write()
    errors = raised.value.message_dict
    for field, text in expected.items():
        assert any(text in message for message in errors[field]), errors
    assert (SECRET_NAME in str(errors)) == named
    assert written() == before
    return errors


@pytest.mark.parametrize("field", FIELDS)
def test_services_refuse_a_counted_number_without_naming_the_holder(
    field, bg, hn, secret, outsider
):
    mine = MemberFactory(organization=hn.cell, birth_date=D(1996, 5, 17))
    setattr(mine, field, number(secret, field))
    refused_by_service(lambda: services.member_save(member=mine, by=outsider), **{field: ELSEWHERE})

    def newcomer():
        """Someone recorded anew, with the number a member of another committee holds."""
        return Member(
            full_name="Hoàng Văn Nam",
            birth_date=D(1996, 5, 17),
            sex="male",
            **{field: number(secret, field)},
        )

    def admit():
        return services.member_admit(
            member=newcomer(),
            organization=hn.cell,
            decided_on=D(2026, 10, 5),
            by=outsider,
        )

    refused_by_service(admit, **{field: ELSEWHERE})

    def transfer_in():
        return services.member_transfer_in(
            member=newcomer(),
            organization=hn.cell,
            occurred_on=D(2026, 10, 1),
            counterpart="Chi bộ thôn 3",
            admitted_on=D(2019, 2, 3),
            recognized_on=D(2020, 3, 1),
            by=outsider,
        )

    refused_by_service(transfer_in, **{field: ELSEWHERE})


def test_services_name_the_holder_to_an_account_that_sees_them(bg, cell2, secret, staff):
    mine = MemberFactory(organization=cell2, birth_date=D(1996, 5, 17))
    mine.card_number = CARD
    errors = refused_by_service(
        lambda: services.member_save(member=mine, by=staff),
        named=True,
        card_number=f"{SECRET_NAME}, đang được tính đảng số ở {bg.cell.name}",
    )
    assert ELSEWHERE not in str(errors)


def test_services_name_nobody_without_an_account(bg, cell2, secret):
    mine = MemberFactory(organization=cell2, birth_date=D(1996, 5, 17))
    mine.card_number = CARD
    refused_by_service(lambda: services.member_save(member=mine, by=SYSTEM), card_number=ELSEWHERE)


def test_event_services_refuse_a_member_counted_again(bg, hn, gone, outsider):
    arrival = MemberEvent(
        member=gone,
        kind="transfer_in",
        occurred_on=D(2025, 9, 2),
        organization=hn.cell,
        counterpart="Đảng bộ Các KCN tỉnh Bắc Giang",
    )
    # On no field of the event: the message says which number.
    expected = {"__all__": f"Số thẻ đảng viên {CARD} {ELSEWHERE}"}
    refused_by_service(lambda: services.member_event_add(event=arrival, by=outsider), **expected)
    refused_by_service(
        lambda: services.member_events_add(member=gone, events=[arrival], by=outsider), **expected
    )
    transfer_out = gone.events.get(kind="transfer_out")
    transfer_out.kind, transfer_out.counterpart, transfer_out.note = "award", "", "Giấy khen"
    refused_by_service(
        lambda: services.member_event_change(event=transfer_out, by=outsider), **expected
    )
    refused_by_service(
        lambda: services.member_event_delete(
            event=gone.events.get(kind="transfer_out"), by=outsider
        ),
        **expected,
    )


# --- two saves racing ----------------------------------------------------------------------


class Race:
    """Another save takes the number between this save's checks and its write: every check
    made while the race is armed sees no holder (the other transaction has not committed),
    and the holder is there from this save's write on (it has)."""

    def __init__(self, monkeypatch):
        self.armed = False
        self.writes = 0
        check, save = records.counted_holders, Member.save

        def blind_check(member, values):
            return [] if self.armed else check(member, values)

        def save_after_the_other(member, *args, **kwargs):
            if self.armed:
                self.armed = False
                self.writes += 1
            return save(member, *args, **kwargs)

        monkeypatch.setattr(records, "counted_holders", blind_check)
        monkeypatch.setattr(Member, "save", save_after_the_other)


@pytest.fixture
def race(monkeypatch):
    return Race(monkeypatch)


@pytest.mark.parametrize("field", FIELDS)
def test_a_race_lost_in_a_service_is_a_validation_error(field, hn, secret, outsider, race):
    mine = MemberFactory(organization=hn.cell, birth_date=D(1996, 5, 17))
    setattr(mine, field, number(secret, field))
    race.armed = True
    refused_by_service(lambda: services.member_save(member=mine, by=outsider), **{field: ELSEWHERE})
    assert race.writes == 1, "the write reached the database's constraint"


def race_lost_on_the_form(response, bg, before, race):
    """The form comes back with the card number's error, as if it had been checked in time;
    the one write that got through the check met the constraint, and nothing was written."""
    assert response.status_code == 200
    content = response.content.decode()
    assert_refused_elsewhere(content, "card_number", CARD, bg.cell.name)
    assert ELSEWHERE in error_on_field(content, "card_number")
    assert written() == before
    assert race.writes == 1


def test_a_race_lost_in_a_journey_is_a_form_error(bg, hn, secret, outsider_client, race):
    before = written()
    race.armed = True
    response = outsider_client.post(ADMIT_URL, admission(hn, card_number=CARD))
    race_lost_on_the_form(response, bg, before, race)


def test_a_race_lost_in_the_change_form_is_a_form_error(bg, hn, secret, outsider_client, race):
    mine = MemberFactory(organization=hn.cell, birth_date=D(1996, 5, 17))
    before = written()
    race.armed = True
    response = outsider_client.post(
        f"/admin/members/member/{mine.pk}/change/", change_data(mine, card_number=CARD)
    )
    race_lost_on_the_form(response, bg, before, race)


@pytest.mark.django_db(transaction=True)
def test_two_staff_admitting_one_card_number_at_once_get_one_record_and_one_form_error(
    monkeypatch,
):
    """A real race, on both databases: each admission checks the number before either writes
    (PostgreSQL lets both check; SQLite's writers wait their turn, so there the second one
    checks after the first has committed). One is written, the other is refused with the
    check's message, never the database's IntegrityError."""
    hn = build_world("HN", "01", "Hà Nội")
    staff = account(hn.committee, "staff", "hn-canbo")
    check = records.counted_holders
    both_checked = threading.Barrier(2, timeout=1.5)

    def check_then_wait(member, values):
        holders = check(member, values)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()  # SQLite: the other one is waiting for this transaction
        return holders

    monkeypatch.setattr(records, "counted_holders", check_then_wait)
    outcomes, errors = [], []

    def admit(n):
        try:
            member, _warnings = services.member_admit(
                member=Member(
                    full_name=f"Người thứ {n}",
                    birth_date=D(1996, 5, 17),
                    sex="male",
                    citizen_id=citizen_id(800 + n, 1996),
                    card_number=CARD,
                ),
                organization=hn.cell,
                decided_on=D(2026, 10, 5),
                by=staff,
            )
            outcomes.append(member.full_name)
        except ValidationError as error:
            outcomes.append(error.message_dict)
        except Exception as error:  # reported below, never hidden
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=admit, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    [winner] = [outcome for outcome in outcomes if isinstance(outcome, str)]
    [refusal] = [outcome for outcome in outcomes if isinstance(outcome, dict)]
    assert refusal == {
        "card_number": [
            f"Số thẻ đảng viên {CARD} đã thuộc về đảng viên {winner}, đang được tính đảng số "
            f"ngay tại chi bộ này ({hn.cell.name}); mỗi người chỉ được tính đảng số ở một nơi."
        ]
    }
    assert list(Member.objects.values_list("full_name", flat=True)) == [winner]
    assert MemberEvent.objects.count() == 1
