"""Access to members, their events, candidates, classes and ratings, with three people: staff
of the Bắc Giang committee may work, a leader of it may only look, and staff of the Hà Nội
committee (the outsider) gets 404 on every Bắc Giang record and never sees one in a list, an
autocomplete, an export, the due list or the rating screen."""

import pytest
from django import forms

from members.models import (
    AwarenessClass,
    Candidate,
    EventKind,
    Member,
    MemberEvent,
    MemberRating,
    OrganizationRating,
    RatingLevel,
    StudySession,
)
from tests.members.records import build_records

pytestmark = pytest.mark.django_db

# A name to find each committee's records by, in pages and files.
BG_MEMBER, BG_CANDIDATE = "Trần Văn Hùng", "Nguyễn Thị Bích Ngọc"
HN_MEMBER, HN_CANDIDATE = "Lê Văn Thành", "Vũ Thị Mai"


@pytest.fixture
def mine(bg):
    """Bắc Giang's records: the staff's and the leader's, never the outsider's."""
    return build_records(bg, BG_MEMBER, BG_CANDIDATE)


@pytest.fixture
def theirs(hn):
    return build_records(hn, HN_MEMBER, HN_CANDIDATE)


def record_of(records, attr):
    if attr == "cell_rating":
        return OrganizationRating.objects.get(organization=records.member.organization, year=2025)
    return getattr(records, attr)


def shown_as(records, attr) -> str:
    """What a list shows of the record: a name, a title, the rated cell."""
    record = record_of(records, attr)
    if attr in ("member", "event", "rating"):
        return records.member.full_name
    if attr == "candidate":
        return record.full_name
    if attr == "cell_rating":
        return record.organization.name
    return record.title


# model -> attribute of the records
RECORDS = {
    "member": "member",
    "memberevent": "event",
    "candidate": "candidate",
    "awarenessclass": "awareness",
    "theoryclass": "theory",
    "studysession": "study",
    "memberrating": "rating",
    "organizationrating": "cell_rating",
}


def change_url(model, pk):
    return f"/admin/members/{model}/{pk}/change/"


@pytest.mark.parametrize(("model", "attr"), RECORDS.items())
def test_three_people_on_each_record(
    model, attr, mine, theirs, staff_client, leader_client, outsider_client
):
    url = change_url(model, record_of(mine, attr).pk)

    response = staff_client.get(url)
    assert response.status_code == 200 and b'name="_save"' in response.content
    response = leader_client.get(url)
    assert response.status_code == 200 and b'name="_save"' not in response.content

    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(url.replace("/change/", "/history/")).status_code == 404
    delete = url.replace("/change/", "/delete/")
    assert outsider_client.get(delete).status_code == 404
    assert outsider_client.post(delete, {"post": "yes"}).status_code == 404
    assert type(record_of(mine, attr)).objects.filter(pk=record_of(mine, attr).pk).exists()
    # The outsider's own record of the same kind opens: the 404 is the scope, not the page.
    assert outsider_client.get(change_url(model, record_of(theirs, attr).pk)).status_code == 200


@pytest.mark.parametrize(("model", "attr"), RECORDS.items())
def test_lists_show_the_committees_records_only(
    model, attr, mine, theirs, staff_client, leader_client, outsider_client
):
    ours, others = shown_as(mine, attr), shown_as(theirs, attr)
    listing = f"/admin/members/{model}/"
    for client in (staff_client, leader_client):
        content = client.get(listing).content.decode()
        assert ours in content and others not in content
    content = outsider_client.get(listing).content.decode()
    assert others in content and ours not in content


# --- the leader looks --------------------------------------------------------------------------

# add page or journey -> what staff get. A member record begins with a journey, and a
# cell's ratings are entered on one screen: those two add pages are closed to everyone.
ADD_PAGES = {
    "/admin/members/member/add/": 403,
    "/admin/members/memberrating/add/": 403,
    "/admin/members/memberevent/add/": 200,
    "/admin/members/candidate/add/": 200,
    "/admin/members/awarenessclass/add/": 200,
    "/admin/members/theoryclass/add/": 200,
    "/admin/members/studysession/add/": 200,
    "/admin/members/organizationrating/add/": 200,
    "/admin/members/member/admit/": 200,
    "/admin/members/member/transfer-in/": 200,
}


@pytest.mark.parametrize(("url", "for_staff"), ADD_PAGES.items())
def test_leader_cannot_open_an_add_page_or_a_journey(
    url, for_staff, mine, staff_client, leader_client
):
    assert staff_client.get(url).status_code == for_staff
    assert leader_client.get(url).status_code == 403


def test_leader_is_offered_no_way_to_record(mine, staff_client, leader_client):
    url = f"/admin/members/member/admit/?candidate={mine.candidate.pk}"
    assert staff_client.get(url).status_code == 200
    assert leader_client.get(url).status_code == 403
    # The journeys are not offered on the member list, nor the admission on the candidate's
    # page, nor an event on the member's.
    for journey in (
        b'href="/admin/members/member/admit/"',
        b'href="/admin/members/member/transfer-in/"',
    ):
        assert journey in staff_client.get("/admin/members/member/").content
        assert journey not in leader_client.get("/admin/members/member/").content
    admit_link = f"/admin/members/member/admit/?candidate={mine.candidate.pk}".encode()
    candidate_page = change_url("candidate", mine.candidate.pk)
    assert admit_link in staff_client.get(candidate_page).content
    assert admit_link not in leader_client.get(candidate_page).content
    event_link = f"/admin/members/memberevent/add/?member={mine.member.pk}".encode()
    member_page = change_url("member", mine.member.pk)
    assert event_link in staff_client.get(member_page).content
    assert event_link not in leader_client.get(member_page).content


def event_data(member, **fields):
    """The event form as staff fill it in: an award, by default."""
    return {
        "member": member.pk,
        "kind": EventKind.AWARD,
        "occurred_on": "05/03/2025",
        "decision_no": "15-QĐ/ĐU",
        "issued_by": "Đảng ủy Các KCN",
        "organization": "",
        "counterpart": "",
        "ceremony_on": "",
        "badge_years": "",
        "note": "Bằng khen của Tỉnh ủy",
        **fields,
    }


def test_leader_cannot_add_an_event_staff_can(mine, staff_client, leader_client):
    url = "/admin/members/memberevent/add/"
    response = leader_client.post(url, event_data(mine.member))
    assert response.status_code == 403
    assert not MemberEvent.objects.filter(note="Bằng khen của Tỉnh ủy").exists()

    response = staff_client.post(url, event_data(mine.member))
    assert response.status_code == 302
    assert MemberEvent.objects.get(note="Bằng khen của Tỉnh ủy").member == mine.member


def test_leader_cannot_change_a_record(mine, leader_client):
    response = leader_client.post(
        change_url("member", mine.member.pk), {"full_name": "Đổi tên", "sex": "male"}
    )
    assert response.status_code == 403
    response = leader_client.post(
        change_url("candidate", mine.candidate.pk), {"full_name": "Đổi tên"}
    )
    assert response.status_code == 403
    response = leader_client.post(
        change_url("memberevent", mine.event.pk), event_data(mine.member, note="Đổi")
    )
    assert response.status_code == 403
    mine.member.refresh_from_db()
    mine.candidate.refresh_from_db()
    mine.event.refresh_from_db()
    assert (mine.member.full_name, mine.candidate.full_name, mine.event.note) == (
        BG_MEMBER,
        BG_CANDIDATE,
        "Giấy khen",
    )


ENTRY = "/admin/members/memberrating/enter/"


def entry_url(cell, year=2025):
    return f"{ENTRY}?organization={cell.pk}&year={year}"


def ratings_data(client, cell, level):
    """The rating screen filled in as staff do: every member listed, and the cell, at `level`."""
    formset = client.get(entry_url(cell)).context["formset"]
    data = {
        "ratings-TOTAL_FORMS": len(formset.forms),
        "ratings-INITIAL_FORMS": len(formset.forms),
        "ratings-MIN_NUM_FORMS": 0,
        "ratings-MAX_NUM_FORMS": 2000,
        "cell-level": level,
    }
    for n, form in enumerate(formset.forms):
        data |= {
            f"ratings-{n}-member": form.initial["member"],
            f"ratings-{n}-level": level,
            f"ratings-{n}-note": "",
        }
    return data


def cell_levels(cell) -> set[str]:
    """The levels recorded for 2025 in `cell`, of its members and of the cell itself."""
    members = MemberRating.objects.filter(organization=cell, year=2025)
    itself = OrganizationRating.objects.filter(organization=cell, year=2025)
    return {*members.values_list("level", flat=True), *itself.values_list("level", flat=True)}


def test_leader_sees_the_rating_screen_read_only(bg, mine, leader_client):
    response = leader_client.get(entry_url(bg.cell))
    assert response.status_code == 200
    content = response.content.decode()
    assert BG_MEMBER in content and response.context["cell"] == bg.cell
    assert 'name="_save"' not in content and 'name="ratings-0-level"' not in content


def test_leader_posting_the_rating_screen_writes_nothing(bg, mine, staff_client, leader_client):
    data = ratings_data(leader_client, bg.cell, RatingLevel.EXCELLENT)
    leader_client.post(entry_url(bg.cell), data)
    assert cell_levels(bg.cell) == {RatingLevel.GOOD}

    response = staff_client.post(entry_url(bg.cell), data)
    assert response.status_code == 302
    assert cell_levels(bg.cell) == {RatingLevel.EXCELLENT}


def test_leader_posting_the_rating_screen_is_refused(bg, mine, leader_client):
    data = ratings_data(leader_client, bg.cell, RatingLevel.EXCELLENT)
    assert leader_client.post(entry_url(bg.cell), data).status_code == 403


# --- the outsider sees nothing of Bắc Giang -------------------------------------------------


def autocomplete(client, model, field, term=""):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "members", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return " | ".join(row["text"] for row in response.json()["results"])


AUTOCOMPLETES = [
    pytest.param(model, field, ours, others, id=f"{model}.{field}")
    for model, field, ours, others in [
        ("candidate", "introducer_1", BG_MEMBER, HN_MEMBER),
        ("candidate", "introducer_2", BG_MEMBER, HN_MEMBER),
        ("memberevent", "member", BG_MEMBER, HN_MEMBER),
        ("theoryparticipant", "member", BG_MEMBER, HN_MEMBER),
        ("awarenessparticipant", "candidate", BG_CANDIDATE, HN_CANDIDATE),
    ]
]


@pytest.mark.parametrize(("model", "field", "ours", "others"), AUTOCOMPLETES)
def test_autocompletes_offer_the_committees_people_only(
    model, field, ours, others, mine, theirs, staff_client, outsider_client
):
    assert ours in autocomplete(staff_client, model, field)
    assert others not in autocomplete(staff_client, model, field, others.split()[0])
    assert others in autocomplete(outsider_client, model, field)
    assert ours not in autocomplete(outsider_client, model, field)
    assert ours not in autocomplete(outsider_client, model, field, ours.split()[0])


def export_csv(client):
    """Export the members as staff do: open the export page, keep every column, choose CSV."""
    url = "/admin/members/member/export/"
    form = client.get(url).context["form"]
    columns = {
        name: "on" for name, field in form.fields.items() if isinstance(field, forms.BooleanField)
    }
    csv_choice = next(value for value, label in form.fields["format"].choices if label == "csv")
    return client.post(url, {"format": csv_choice, "resource": "0", **columns})


def test_member_export_holds_the_committees_members_only(
    mine, theirs, staff_client, leader_client, outsider_client
):
    for client in (staff_client, leader_client):
        response = export_csv(client)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        body = response.content.decode("utf-8-sig")
        assert BG_MEMBER in body and HN_MEMBER not in body
    body = export_csv(outsider_client).content.decode("utf-8-sig")
    assert HN_MEMBER in body and BG_MEMBER not in body


def test_due_list_holds_the_committees_people_only(
    bg, hn, mine, theirs, staff_client, leader_client, outsider_client
):
    url = "/admin/members/candidate/due/"
    for client in (staff_client, leader_client):
        content = client.get(url).content.decode()
        assert BG_CANDIDATE in content and bg.cell.name in content
        assert HN_CANDIDATE not in content and hn.cell.name not in content
    response = outsider_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert HN_CANDIDATE in content and hn.cell.name in content
    assert BG_CANDIDATE not in content and bg.cell.name not in content


def test_rating_screen_refuses_a_cell_outside_the_scope(
    bg, hn, mine, theirs, staff_client, outsider_client
):
    response = outsider_client.get(entry_url(bg.cell))
    assert response.status_code == 404  # as if the other committee's cell did not exist
    content = response.content.decode()
    assert bg.cell.name not in content and BG_MEMBER not in content
    # Their own cell opens, with its members.
    content = outsider_client.get(entry_url(hn.cell)).content.decode()
    assert hn.cell.name in content and HN_MEMBER in content

    # Posting ratings for the other committee's cell writes nothing.
    data = ratings_data(staff_client, bg.cell, RatingLevel.NOT_FULFILLED)
    outsider_client.post(entry_url(bg.cell), data)
    assert cell_levels(bg.cell) == {RatingLevel.GOOD}


def test_outsider_cannot_reach_a_member_through_the_forms(mine, theirs, outsider_client):
    # The admission journey does not open the other committee's candidate.
    url = f"/admin/members/member/admit/?candidate={mine.candidate.pk}"
    assert outsider_client.get(url).status_code == 404
    # An event form does not name the other committee's member, nor accepts them.
    response = outsider_client.get(f"/admin/members/memberevent/add/?member={mine.member.pk}")
    assert response.status_code == 200 and BG_MEMBER not in response.content.decode()
    response = outsider_client.post("/admin/members/memberevent/add/", event_data(mine.member))
    assert response.status_code == 200
    assert "member" in response.context["adminform"].form.errors
    assert not MemberEvent.objects.filter(note="Bằng khen của Tỉnh ủy").exists()


# --- staff work within their committee ------------------------------------------------------

PERSON = {
    "full_name": "Đinh Văn Mới",
    "birth_date": "12/04/1999",
    "sex": "male",
    "ethnicity": "Kinh",
    "religion": "Không",
    "hometown": "",
    "citizen_id": "",
    "phone": "",
    "education": "12/12",
    "professional_level": "",
    "political_theory": "",
    "card_number": "",
    "enterprise": "",
    "position": "worker",
}


def admission(cell):
    return {
        "candidate": "",
        "organization": cell.pk,
        "decided_on": "03/11/2026",
        "decision_no": "101-QĐ/ĐU",
        "issued_by": "Đảng ủy Các KCN",
        "ceremony_on": "",
        **PERSON,
    }


def transfer_in(cell):
    return {
        "kind": "permanent",
        "counterpart": "Đảng bộ Khối Doanh nghiệp tỉnh Bắc Ninh",
        "organization": cell.pk,
        "occurred_on": "02/11/2026",
        "decision_no": "7-GGT",
        "issued_by": "Ban Tổ chức Tỉnh ủy Bắc Ninh",
        "standing": "official",
        "admitted_on": "10/05/2019",
        "admitted_in": "",
        "ceremony_on": "",
        "recognized_on": "24/05/2020",
        **PERSON,
    }


@pytest.mark.parametrize(("journey", "data"), [("admit", admission), ("transfer-in", transfer_in)])
def test_staff_record_into_their_own_cells_only(journey, data, bg, hn, staff_client):
    url = f"/admin/members/member/{journey}/"
    response = staff_client.post(url, data(hn.cell))
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not Member.objects.filter(full_name=PERSON["full_name"]).exists()

    response = staff_client.post(url, data(bg.cell))
    assert response.status_code == 302, response.context["form"].errors
    assert Member.objects.get(full_name=PERSON["full_name"]).organization == bg.cell


def candidate_form(cell, mine):
    return {
        "organization": cell.pk,
        "full_name": "Lò Thị Hoa",
        "birth_date": "03/07/2001",
        "sex": "female",
        "ethnicity": "Thái",
        "religion": "Không",
        "position": "worker",
        "identified_on": "01/09/2026",
        **dict.fromkeys(
            ["hometown", "citizen_id", "phone", "education", "professional_level", "enterprise"]
            + ["certificate_on", "dossier_on", "introducer_1", "introducer_2", "introducing_body"]
            + ["resolution_on", "votes_for", "official_members", "dropped_on", "drop_reason"],
            "",
        ),
    }


def awareness_form(cell, mine):
    return {
        "organization": cell.pk,
        "title": "Lớp nhận thức khóa 9",
        "started_on": "02/03/2026",
        "ended_on": "06/03/2026",
        "certificate_on": "",
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "1000",
    }


def study_form(cell, mine):
    return {
        "organization": cell.pk,
        "title": "Lớp nhận thức khóa 9",
        "started_on": "02/03/2026",
        "ended_on": "",
        "invited": "12",
        "attended": "11",
    }


def cell_rating_form(cell, mine):
    return {"organization": cell.pk, "year": "2024", "level": RatingLevel.GOOD, "note": "Lạ"}


def move_form(cell, mine):
    return event_data(mine.member, kind=EventKind.TRANSFER_IN, organization=cell.pk, note="Lạ")


# model -> (the add form filled in for a cell, the rows it would write)
ADD_FORMS = {
    "candidate": (candidate_form, lambda: Candidate.objects.filter(full_name="Lò Thị Hoa")),
    "awarenessclass": (
        awareness_form,
        lambda: AwarenessClass.objects.filter(title="Lớp nhận thức khóa 9"),
    ),
    "studysession": (study_form, lambda: StudySession.objects.filter(title="Lớp nhận thức khóa 9")),
    "organizationrating": (
        cell_rating_form,
        lambda: OrganizationRating.objects.filter(year=2024, note="Lạ"),
    ),
    "memberevent": (move_form, lambda: MemberEvent.objects.filter(note="Lạ")),
}


@pytest.mark.parametrize("model", ADD_FORMS)
def test_staff_cannot_place_a_record_in_the_other_committee(
    model, bg, hn, cell2, mine, staff_client
):
    form, written = ADD_FORMS[model]
    url = f"/admin/members/{model}/add/"
    response = staff_client.post(url, form(hn.cell, mine))
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert not written().exists()

    response = staff_client.post(url, form(cell2, mine))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert written().get().organization == cell2


def test_an_event_stays_with_its_member(mine, staff_client):
    url = change_url("memberevent", mine.event.pk)
    assert "member" not in staff_client.get(url).context["adminform"].form.fields
    other = mine.introducers[0]
    response = staff_client.post(url, event_data(other, occurred_on="02/09/2024", note="Đổi"))
    assert response.status_code == 302
    mine.event.refresh_from_db()
    assert mine.event.note == "Đổi"  # the change was taken...
    assert mine.event.member == mine.member  # ...but not the move
    assert not other.events.filter(kind=EventKind.AWARD).exists()
