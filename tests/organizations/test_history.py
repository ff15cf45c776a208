"""The history the figures need (issue 10): founding reasons, unit types (Biểu 5 rows), dated
links between organisations and enterprises, dated status and ownership of enterprises,
congresses and terms."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from organizations import bounds, selectors, services
from organizations.models import (
    Congress,
    EndReason,
    Enterprise,
    EnterpriseLink,
    EnterpriseState,
    EnterpriseStatus,
    FoundingReason,
    OrganizationKind,
    Ownership,
    PartyOrganization,
)
from tests.factories import EnterpriseFactory, PartyOrganizationFactory

D = datetime.date
K = OrganizationKind
pytestmark = pytest.mark.django_db


def new_org(bg, kind=K.GRASSROOTS_CELL, parent=None, enterprises=None, **values):
    """An organisation recorded through the service, as the admin and the demo do."""
    values.setdefault("code", f"BG-T{PartyOrganization.objects.count():03d}")
    values.setdefault("name", f"Chi bộ thử {values['code']}")
    values.setdefault("founded_on", D(2019, 4, 2))
    org = PartyOrganization(kind=kind, parent=parent or bg.committee, **values)
    services.organization_save(organization=org, enterprises=enterprises)
    org.refresh_from_db()
    return org


def enterprise(bg, ownership=Ownership.LLC, **values):
    values.setdefault("licensed_on", D(2012, 5, 4))
    return EnterpriseFactory(zone=bg.zone, ownership=ownership, **values)


def links_of(org):
    return sorted(
        (link.enterprise_id, link.started_on, link.ended_on)
        for link in EnterpriseLink.objects.filter(organization=org)
    )


def states_of(ent):
    return [
        (s.status, s.ownership, s.valid_from, s.valid_to)
        for s in EnterpriseState.objects.filter(enterprise=ent).order_by("valid_from")
    ]


# --- founding reason --------------------------------------------------------------------------


def test_founding_reason_defaults_to_new_and_is_kept(bg):
    assert bg.cell.founding_reason == FoundingReason.NEW
    merged = new_org(bg, founding_reason=FoundingReason.MERGER)
    assert merged.founding_reason == FoundingReason.MERGER
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.filter(pk=merged.pk).update(founding_reason="promoted")


def test_founding_reason_in_the_admin_form_in_vietnamese(bg, staff_client):
    page = staff_client.get("/admin/organizations/partyorganization/add/").content.decode()
    assert "Hình thức thành lập" in page and "Thành lập do hợp nhất, sáp nhập" in page
    data = {
        "kind": K.GRASSROOTS_CELL,
        "parent": bg.committee.pk,
        "code": "BG-CB-TC",
        "name": "Chi bộ tổ chức lại",
        "founded_on": "01/07/2024",
        "founding_reason": FoundingReason.REORGANISATION,
        "leadership_terms-TOTAL_FORMS": "0",
        "leadership_terms-INITIAL_FORMS": "0",
    }
    response = staff_client.post("/admin/organizations/partyorganization/add/", data)
    assert response.status_code == 302
    org = PartyOrganization.objects.get(code="BG-CB-TC")
    assert org.founding_reason == FoundingReason.REORGANISATION


# --- unit types -------------------------------------------------------------------------------


def test_a_cell_takes_the_type_of_the_enterprise_it_serves(bg):
    fdi = enterprise(bg, Ownership.FDI100)
    cell = new_org(bg, enterprises=[fdi])
    assert cell.unit_type == Ownership.FDI100
    assert bg.cell.unit_type == bg.enterprise.ownership
    # Committees above grassroots level are no row of Biểu 5.
    assert (bg.committee.unit_type, bg.province.unit_type) == ("", "")


def test_a_joint_cell_of_different_types_must_have_its_type_chosen(bg):
    llc, jsc = enterprise(bg, Ownership.LLC), enterprise(bg, Ownership.JSC)
    before = PartyOrganization.objects.count()
    with pytest.raises(ValidationError) as error:
        new_org(bg, enterprises=[llc, jsc], code="BG-GHEP")
    message = error.value.message_dict["chosen_unit_type"][0]
    assert "khác loại hình" in message and "Công ty cổ phần" in message
    assert PartyOrganization.objects.count() == before  # nothing half-written

    joint = new_org(bg, enterprises=[llc, jsc], code="BG-GHEP", chosen_unit_type=Ownership.JSC)
    assert joint.unit_type == Ownership.JSC
    # Of one type, a joint cell takes it.
    same = new_org(bg, enterprises=[llc, enterprise(bg, Ownership.LLC)], code="BG-GHEP2")
    assert same.unit_type == Ownership.LLC


def test_the_admin_asks_for_the_unit_type_of_a_mixed_joint_cell(bg, staff_client):
    llc, jsc = enterprise(bg, Ownership.LLC), enterprise(bg, Ownership.JSC)
    data = {
        "kind": K.GRASSROOTS_CELL,
        "parent": bg.committee.pk,
        "code": "BG-GHEP",
        "name": "Chi bộ ghép",
        "founded_on": "01/07/2024",
        "current_enterprises": [llc.pk, jsc.pk],
        "leadership_terms-TOTAL_FORMS": "0",
        "leadership_terms-INITIAL_FORMS": "0",
    }
    url = "/admin/organizations/partyorganization/add/"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "hãy chọn loại hình đơn vị" in errors["chosen_unit_type"][0]
    assert not PartyOrganization.objects.filter(code="BG-GHEP").exists()

    response = staff_client.post(url, {**data, "chosen_unit_type": Ownership.LLC})
    assert response.status_code == 302
    joint = PartyOrganization.objects.get(code="BG-GHEP")
    assert joint.unit_type == Ownership.LLC
    assert links_of(joint) == sorted([(llc.pk, D(2024, 7, 1), None), (jsc.pk, D(2024, 7, 1), None)])


def test_partial_committees_and_subordinate_cells_inherit_and_follow_moves(bg):
    fdi, state = enterprise(bg, Ownership.FDI100), enterprise(bg, Ownership.STATE)
    first = new_org(bg, K.GRASSROOTS_COMMITTEE, enterprises=[fdi], code="BG-DB1")
    second = new_org(bg, K.GRASSROOTS_COMMITTEE, enterprises=[state], code="BG-DB2")
    partial = new_org(bg, K.PARTIAL_COMMITTEE, parent=first, code="BG-DB1-BP")
    sub = new_org(bg, K.SUBORDINATE_CELL, parent=partial, code="BG-DB1-CB")
    assert (partial.unit_type, sub.unit_type) == (Ownership.FDI100, Ownership.FDI100)

    partial.parent = second
    services.organization_save(organization=partial)
    sub.refresh_from_db()
    partial.refresh_from_db()
    assert (partial.unit_type, sub.unit_type) == (Ownership.STATE, Ownership.STATE)

    # Their own choice is refused: the grassroots organisation's type is theirs.
    sub.chosen_unit_type = Ownership.JSC
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=sub)
    assert "tổ chức cơ sở đảng" in error.value.message_dict["chosen_unit_type"][0]


def test_an_ownership_change_reaches_the_cells_and_their_subtrees(bg):
    ent = enterprise(bg, Ownership.STATE)
    committee = new_org(bg, K.GRASSROOTS_COMMITTEE, enterprises=[ent], code="BG-DB")
    sub = new_org(bg, K.SUBORDINATE_CELL, parent=committee, code="BG-DB-CB")

    ent.ownership = Ownership.STATE_MINORITY  # equitised
    services.enterprise_save(enterprise=ent, changed_on=D(2025, 7, 1))
    committee.refresh_from_db()
    sub.refresh_from_db()
    assert (committee.unit_type, sub.unit_type) == (Ownership.STATE_MINORITY,) * 2


def test_a_joint_cell_made_mixed_by_an_ownership_change_keeps_its_type_and_is_named(
    bg, staff_client
):
    first, second = enterprise(bg, Ownership.LLC), enterprise(bg, Ownership.LLC)
    joint = new_org(bg, enterprises=[first, second], code="BG-GHEP")
    assert joint.unit_type == Ownership.LLC

    response = staff_client.post(
        f"/admin/organizations/enterprise/{second.pk}/change/",
        {
            "tax_code": second.tax_code,
            "name": second.name,
            "zone": second.zone_id,
            "ownership": Ownership.JSC,
            "status": second.status,
            "changed_on": "01/07/2025",
            "licensed_on": "04/05/2012",
            "workforce-TOTAL_FORMS": "0",
            "workforce-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert response.status_code == 200
    warnings = [str(m) for m in response.context["messages"]]
    assert any(joint.name in w and "hãy chọn loại hình đơn vị" in w for w in warnings), warnings
    joint.refresh_from_db()
    assert joint.unit_type == Ownership.LLC  # kept until staff choose
    assert selectors.unit_types_undecided(enterprises=[second]) == [joint]


def test_an_organisation_that_ends_keeps_its_unit_type(bg):
    fdi = enterprise(bg, Ownership.FDI100)
    cell = new_org(bg, enterprises=[fdi])
    cell.ended_on, cell.end_reason = D(2025, 6, 30), EndReason.DISSOLVED
    services.organization_save(organization=cell)
    cell.refresh_from_db()
    assert links_of(cell) == [(fdi.pk, D(2019, 4, 2), D(2025, 6, 30))]
    assert cell.unit_type == Ownership.FDI100
    # A later change of the enterprise is not the ended cell's.
    fdi.ownership = Ownership.JV
    services.enterprise_save(enterprise=fdi)
    cell.refresh_from_db()
    assert cell.unit_type == Ownership.FDI100


def test_refreshing_unit_types_is_set_based(bg, django_assert_max_num_queries):
    def build(count):
        ents = [enterprise(bg, Ownership.LLC) for _ in range(count)]
        for ent in ents:
            new_org(bg, enterprises=[ent])
        return ents

    small, large = build(2), build(20)
    for ents in (small, large):
        Enterprise.objects.filter(pk__in=[e.pk for e in ents]).update(ownership=Ownership.PRIVATE)
        with django_assert_max_num_queries(6):
            services.organizations_refresh_unit_types(enterprises=ents)
    assert set(
        PartyOrganization.objects.filter(enterprises__in=small + large).values_list(
            "unit_type", flat=True
        )
    ) == {Ownership.PRIVATE}


# --- dated links --------------------------------------------------------------------------------


def test_links_of_a_new_organisation_start_on_its_founding_date(bg):
    ent = enterprise(bg)
    cell = new_org(bg, enterprises=[ent], founded_on=D(2020, 3, 9))
    assert links_of(cell) == [(ent.pk, D(2020, 3, 9), None)]
    assert list(cell.enterprises.all()) == [ent]


def test_an_enterprise_leaving_a_joint_cell_for_its_own_cell_ends_the_old_link(bg):
    first, second, third = (enterprise(bg) for _ in range(3))
    joint = new_org(bg, enterprises=[first, second, third], code="BG-GHEP")
    own = new_org(bg, enterprises=[second], code="BG-RIENG", founded_on=D(2025, 3, 3))

    assert links_of(own) == [(second.pk, D(2025, 3, 3), None)]
    assert links_of(joint) == sorted(
        [
            (first.pk, D(2019, 4, 2), None),
            (second.pk, D(2019, 4, 2), D(2025, 3, 3)),
            (third.pk, D(2019, 4, 2), None),
        ]
    )
    # On the day itself the enterprise is served by its own cell only.
    served = EnterpriseLink.objects.on(D(2025, 3, 3)).filter(enterprise=second)
    assert [link.organization for link in served] == [own]
    before = EnterpriseLink.objects.on(D(2025, 3, 2)).filter(enterprise=second)
    assert [link.organization for link in before] == [joint]


def test_a_cell_of_one_enterprise_keeps_serving_it_beside_a_new_one(bg):
    # Only a joint cell is left: a cell of the enterprise itself ends by its own decision.
    first = new_org(bg, enterprises=[bg.enterprise], code="BG-MOT")
    assert links_of(bg.cell) == [(bg.enterprise.pk, D(2018, 3, 1), None)]
    assert links_of(first) == [(bg.enterprise.pk, D(2019, 4, 2), None)]


def test_changing_the_enterprises_served_dates_the_change(bg):
    first, second = enterprise(bg), enterprise(bg)
    cell = new_org(bg, enterprises=[first])
    services.organization_save(organization=cell, enterprises=[second], links_on=D(2024, 1, 15))
    assert links_of(cell) == sorted(
        [(first.pk, D(2019, 4, 2), D(2024, 1, 15)), (second.pk, D(2024, 1, 15), None)]
    )
    # Without a date, today; a link added and removed the same day was a mistake and goes.
    today = timezone.localdate()
    services.organization_save(organization=cell, enterprises=[second, first])
    assert (first.pk, today, None) in links_of(cell)
    services.organization_save(organization=cell, enterprises=[second])
    assert links_of(cell) == sorted(
        [(first.pk, D(2019, 4, 2), D(2024, 1, 15)), (second.pk, D(2024, 1, 15), None)]
    )


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (D(2019, 1, 1), "từ ngày thành lập (02/04/2019)"),
        (D(2023, 12, 31), "từ ngày 15/01/2024"),
        ("tomorrow", "không được là ngày trong tương lai"),
    ],
)
def test_a_change_of_links_that_cannot_be_dated_so_is_refused(bg, on, message):
    first, second = enterprise(bg), enterprise(bg)
    cell = new_org(bg, enterprises=[first])
    services.organization_save(organization=cell, enterprises=[second], links_on=D(2024, 1, 15))
    before = links_of(cell)
    if on == "tomorrow":
        on = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=cell, enterprises=[first], links_on=on)
    assert message in " ".join(error.value.message_dict["links_on"])
    assert links_of(cell) == before


def test_ending_an_organisation_ends_its_links_and_taking_the_end_back_reopens_them(bg):
    ent = enterprise(bg)
    cell = new_org(bg, enterprises=[ent])
    cell.ended_on, cell.end_reason = D(2024, 12, 31), EndReason.DISSOLVED
    services.organization_save(organization=cell)
    assert links_of(cell) == [(ent.pk, D(2019, 4, 2), D(2024, 12, 31))]
    assert not EnterpriseLink.objects.on(D(2024, 12, 31)).filter(organization=cell).exists()

    cell.ended_on, cell.end_reason = None, ""
    services.organization_save(organization=cell)
    assert links_of(cell) == [(ent.pk, D(2019, 4, 2), None)]


def test_the_zone_rule_still_holds_for_dated_links(bg, hn):
    cell = new_org(bg)
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=cell, enterprises=[hn.enterprise])
    assert hn.enterprise.name in error.value.message_dict["enterprises"][0]
    assert links_of(cell) == []
    # An ended link still ties the organisation to its committee: it cannot move away.
    province_two = PartyOrganizationFactory(kind=K.PROVINCE)
    other = PartyOrganizationFactory(kind=K.UPPER_GRASSROOTS, parent=province_two)
    services.organization_save(
        organization=cell, enterprises=[bg.enterprise], links_on=D(2024, 1, 1)
    )
    services.organization_save(organization=cell, enterprises=[])
    assert links_of(cell)[0][2] == timezone.localdate()
    cell.parent = other
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=cell)
    assert bg.enterprise.name in error.value.message_dict["parent"][0]


def test_the_organisation_page_shows_current_links_and_their_history(
    bg, staff_client, leader_client, outsider_client
):
    first, second = enterprise(bg, name="Công ty TNHH Cũ"), enterprise(bg, name="Công ty TNHH Mới")
    cell = new_org(bg, enterprises=[first], code="BG-LS")
    services.organization_save(organization=cell, enterprises=[second], links_on=D(2024, 1, 15))
    url = f"/admin/organizations/partyorganization/{cell.pk}/change/"
    for client in (staff_client, leader_client):
        response = client.get(url)
        links = response.context["enterprise_links"]
        rows = [(link.enterprise.name, link.ended_on) for link in links]
        assert rows == [("Công ty TNHH Mới", None), ("Công ty TNHH Cũ", D(2024, 1, 15))]
        content = response.content.decode()
        assert "Doanh nghiệp được phục vụ và lịch sử" in content and "15/01/2024" in content
    # The leader reads the enterprises served now, without the date of a change.
    content = leader_client.get(url).content.decode()
    assert "Công ty TNHH Mới" in content and "id_links_changed_on" not in content
    assert outsider_client.get(url).status_code == 404


def test_staff_change_the_enterprises_served_with_a_date_in_the_admin(bg, staff_client):
    first, second = enterprise(bg), enterprise(bg)
    cell = new_org(bg, enterprises=[first], code="BG-LS")
    data = {
        "kind": cell.kind,
        "parent": bg.committee.pk,
        "code": cell.code,
        "name": cell.name,
        "founded_on": "02/04/2019",
        "founding_reason": FoundingReason.NEW,
        "current_enterprises": [second.pk],
        "links_changed_on": "15/01/2024",
        "leadership_terms-TOTAL_FORMS": "0",
        "leadership_terms-INITIAL_FORMS": "0",
    }
    url = f"/admin/organizations/partyorganization/{cell.pk}/change/"
    response = staff_client.post(url, {**data, "links_changed_on": "01/01/2019"})
    assert response.status_code == 200
    assert "02/04/2019" in response.context["adminform"].form.errors["links_changed_on"][0]
    assert links_of(cell) == [(first.pk, D(2019, 4, 2), None)]

    assert staff_client.post(url, data).status_code == 302
    assert links_of(cell) == sorted(
        [(first.pk, D(2019, 4, 2), D(2024, 1, 15)), (second.pk, D(2024, 1, 15), None)]
    )


# --- enterprises' status and ownership over time ----------------------------------------------


def test_a_new_enterprise_history_starts_at_its_licence_or_the_start_of_records(bg):
    licensed = Enterprise(
        tax_code=EnterpriseFactory.build().tax_code,
        name="Công ty TNHH Có Giấy phép",
        zone=bg.zone,
        ownership=Ownership.FDI100,
        licensed_on=D(2016, 9, 1),
    )
    services.enterprise_save(enterprise=licensed)
    assert states_of(licensed) == [("active", "fdi100", D(2016, 9, 1), None)]

    unlicensed = Enterprise(
        tax_code=EnterpriseFactory.build().tax_code,
        name="Công ty TNHH Không Giấy phép",
        zone=bg.zone,
        ownership=Ownership.LLC,
    )
    services.enterprise_save(enterprise=unlicensed)
    assert states_of(unlicensed) == [("active", "llc", bounds.EARLIEST, None)]
    # A licence date entered later moves that start.
    unlicensed.licensed_on = D(2018, 2, 2)
    services.enterprise_save(enterprise=unlicensed)
    assert states_of(unlicensed) == [("active", "llc", D(2018, 2, 2), None)]


def test_a_change_of_status_or_ownership_closes_one_interval_and_opens_the_next(bg):
    ent = enterprise(bg, Ownership.STATE)
    ent.ownership = Ownership.JSC
    services.enterprise_save(enterprise=ent, changed_on=D(2023, 4, 1))
    ent.status = EnterpriseStatus.SUSPENDED
    services.enterprise_save(enterprise=ent, changed_on=D(2025, 8, 1))
    assert states_of(ent) == [
        ("active", "state", D(2012, 5, 4), D(2023, 4, 1)),
        ("active", "jsc", D(2023, 4, 1), D(2025, 8, 1)),
        ("suspended", "jsc", D(2025, 8, 1), None),
    ]
    on = {s.valid_from: s for s in EnterpriseState.objects.filter(enterprise=ent)}
    assert EnterpriseState.objects.on(D(2023, 3, 31)).get(enterprise=ent) == on[D(2012, 5, 4)]
    assert EnterpriseState.objects.on(D(2023, 4, 1)).get(enterprise=ent) == on[D(2023, 4, 1)]
    assert ent in Enterprise.objects.active_on(D(2025, 7, 31))
    assert ent not in Enterprise.objects.active_on(D(2025, 8, 1))
    assert ent not in Enterprise.objects.active_on(D(2012, 5, 3))  # not on record yet

    # The same day again: a correction, in place.
    ent.status = EnterpriseStatus.CLOSED
    services.enterprise_save(enterprise=ent, changed_on=D(2025, 8, 1))
    assert states_of(ent)[-1] == ("closed", "jsc", D(2025, 8, 1), None)
    assert len(states_of(ent)) == 3


@pytest.mark.parametrize(
    ("on", "message"),
    [(D(2025, 7, 31), "từ ngày 01/08/2025"), ("tomorrow", "không được là ngày trong tương lai")],
)
def test_a_change_that_cannot_be_dated_so_is_refused(bg, on, message):
    ent = enterprise(bg)
    ent.status = EnterpriseStatus.SUSPENDED
    services.enterprise_save(enterprise=ent, changed_on=D(2025, 8, 1))
    before = states_of(ent)
    ent.status = EnterpriseStatus.ACTIVE
    if on == "tomorrow":
        on = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.enterprise_save(enterprise=ent, changed_on=on)
    assert message in error.value.message_dict["changed_on"][0]
    assert states_of(ent) == before
    ent.refresh_from_db()
    assert ent.status == EnterpriseStatus.SUSPENDED


def test_history_record_is_set_based_and_marks_the_import(bg, django_assert_max_num_queries):
    from organizations.models import EnterpriseImport

    record = EnterpriseImport.objects.create(
        file_name="ds.csv", sha256="0" * 64, counted_on=D(2025, 6, 30)
    )
    for count in (3, 30):
        ents = [enterprise(bg, Ownership.LLC) for _ in range(count)]
        fresh = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    tax_code=EnterpriseFactory.build().tax_code,
                    name=f"Mới {n}",
                    zone=bg.zone,
                    ownership=Ownership.PRIVATE,
                )
                for n in range(count)
            ]
        )
        Enterprise.objects.filter(pk__in=[e.pk for e in ents]).update(
            status=EnterpriseStatus.SUSPENDED
        )
        given = Enterprise.objects.filter(pk__in=[e.pk for e in ents + fresh])
        with django_assert_max_num_queries(8):
            outcome = services.enterprise_history_record(
                enterprises=given, on=D(2025, 6, 30), import_record=record
            )
        assert (outcome.started, outcome.changed) == (count, count)
        assert states_of(ents[0])[-1] == ("suspended", "llc", D(2025, 6, 30), None)
        assert states_of(fresh[0]) == [("active", "private", bounds.EARLIEST, None)]
    assert EnterpriseState.objects.filter(import_record=record).count() == 2 * (3 + 30)
    # Nothing changed: the same few statements, which write nothing.
    with django_assert_max_num_queries(6):
        outcome = services.enterprise_history_record(enterprises=given, on=D(2025, 7, 1))
    assert (outcome.started, outcome.changed) == (0, 0)


def test_a_list_older_than_the_last_change_changes_it_in_place(bg):
    ent = enterprise(bg)
    ent.status = EnterpriseStatus.SUSPENDED
    services.enterprise_save(enterprise=ent, changed_on=D(2025, 9, 1))
    Enterprise.objects.filter(pk=ent.pk).update(status=EnterpriseStatus.ACTIVE)
    services.enterprise_history_record(enterprises=[ent], on=D(2025, 6, 30))
    assert states_of(ent) == [
        ("active", "llc", D(2012, 5, 4), D(2025, 9, 1)),
        ("active", "llc", D(2025, 9, 1), None),
    ]


def test_the_status_actions_record_the_date_asked_for(bg, staff_client):
    first, second = enterprise(bg), enterprise(bg)
    url = "/admin/organizations/enterprise/"
    page = staff_client.get(url).content.decode()
    assert 'name="changed_on"' in page and "dd/mm/yyyy" in page
    response = staff_client.post(
        url,
        {
            "action": "mark_suspended",
            "_selected_action": [first.pk, second.pk],
            "changed_on": "01/09/2025",
        },
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("Tính từ ngày 01/09/2025" in m for m in messages), messages
    assert states_of(first)[-1] == ("suspended", "llc", D(2025, 9, 1), None)

    # Blank: today.
    staff_client.post(url, {"action": "mark_active", "_selected_action": [first.pk]})
    assert states_of(first)[-1] == ("active", "llc", timezone.localdate(), None)


@pytest.mark.parametrize(
    ("changed_on", "message"),
    [
        (
            "31/02/2025",
            "Ngày thay đổi trạng thái: “31/02/2025” không phải là ngày: "
            "hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            "abc",
            "Ngày thay đổi trạng thái: “abc” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy.",
        ),
        ("01/08/2025", "sau ngày 01/08/2025"),
        ("tomorrow", "không được là ngày trong tương lai"),
    ],
)
def test_a_status_action_with_a_bad_date_changes_nothing(bg, staff_client, changed_on, message):
    ent = enterprise(bg)
    ent.status = EnterpriseStatus.SUSPENDED
    services.enterprise_save(enterprise=ent, changed_on=D(2025, 9, 1))
    before = states_of(ent)
    if changed_on == "tomorrow":
        changed_on = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = staff_client.post(
        "/admin/organizations/enterprise/",
        {"action": "mark_active", "_selected_action": [ent.pk], "changed_on": changed_on},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any(message in m for m in messages), messages
    assert states_of(ent) == before
    ent.refresh_from_db()
    assert ent.status == EnterpriseStatus.SUSPENDED


def test_the_leader_cannot_run_the_status_actions_and_the_outsider_sees_nothing(
    bg, leader_client, outsider_client
):
    for client in (leader_client, outsider_client):
        client.post(
            "/admin/organizations/enterprise/",
            {"action": "mark_closed", "_selected_action": [bg.enterprise.pk]},
        )
    assert states_of(bg.enterprise)[-1][0] == "active"
    bg.enterprise.refresh_from_db()
    assert bg.enterprise.status == EnterpriseStatus.ACTIVE


def test_the_enterprise_page_records_a_dated_change_and_shows_the_history(
    bg, staff_client, leader_client, outsider_client
):
    ent = bg.enterprise
    url = f"/admin/organizations/enterprise/{ent.pk}/change/"
    data = {
        "tax_code": ent.tax_code,
        "name": ent.name,
        "zone": ent.zone_id,
        "ownership": ent.ownership,
        "status": EnterpriseStatus.SUSPENDED,
        "changed_on": "01/10/2025",
        "workforce-TOTAL_FORMS": "0",
        "workforce-INITIAL_FORMS": "0",
    }
    assert staff_client.post(url, data).status_code == 302
    assert states_of(ent)[-1] == ("suspended", ent.ownership, D(2025, 10, 1), None)

    for client in (staff_client, leader_client):
        response = client.get(url)
        content = response.content.decode()
        assert "Trạng thái và loại hình qua các thời kỳ" in content and "01/10/2025" in content
        assert [link.organization for link in response.context["party_links"]] == [bg.cell]
    assert "id_changed_on" not in leader_client.get(url).content.decode()
    assert outsider_client.get(url).status_code == 404


# --- congresses and terms ---------------------------------------------------------------------


def test_a_term_runs_from_its_congress_to_the_day_before_the_next(bg):
    committee = bg.committee
    assert selectors.term_bounds(committee, 2020, 2025) == (D(2020, 1, 1), D(2025, 12, 31))
    for held_on, first, last in [(D(2020, 6, 23), 2020, 2025), (D(2025, 9, 15), 2025, 2030)]:
        Congress.objects.create(
            organization=committee, held_on=held_on, first_year=first, last_year=last
        )
    assert selectors.term_bounds(committee, 2020, 2025) == (D(2020, 6, 23), D(2025, 9, 14))
    assert selectors.term_bounds(committee, 2025, 2030) == (D(2025, 9, 15), D(2030, 12, 31))
    assert selectors.term_bounds(committee, 2015, 2025) == (D(2015, 1, 1), D(2025, 9, 14))
    # Another committee's congresses are not this one's.
    assert selectors.term_bounds(bg.cell, 2020, 2025) == (D(2020, 1, 1), D(2025, 12, 31))


def congress_data(committee, rows):
    data = {
        "kind": committee.kind,
        "code": committee.code,
        "name": committee.name,
        "founded_on": committee.founded_on.strftime("%d/%m/%Y"),
        "leadership_terms-TOTAL_FORMS": "0",
        "leadership_terms-INITIAL_FORMS": "0",
        "congresses-TOTAL_FORMS": str(len(rows)),
        "congresses-INITIAL_FORMS": "0",
    }
    for index, (held_on, first, last) in enumerate(rows):
        data |= {
            f"congresses-{index}-held_on": held_on,
            f"congresses-{index}-first_year": first,
            f"congresses-{index}-last_year": last,
        }
    return data


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("23/06/2019", "2020", "2025")], "trong năm đầu của nhiệm kỳ, 2020"),
        ([("23/06/2020", "2020", "2020")], "kết thúc vào năm sau năm bắt đầu"),
        ([("23/06/2020", "2020", "2025"), ("01/07/2022", "2022", "2027")], "trùng với nhiệm kỳ"),
    ],
)
def test_bad_congresses_are_refused_on_the_committee_page(bg, province_admin, rows, message):
    from tests.conftest import client_for

    # The committee's own staff may not change its place; its province may.
    grassroots = new_org(bg, K.GRASSROOTS_COMMITTEE, code="BG-DBCS")
    data = congress_data(grassroots, rows) | {"parent": bg.committee.pk}
    url = f"/admin/organizations/partyorganization/{grassroots.pk}/change/"
    response = client_for(province_admin).post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Congress.objects.exists()


def test_staff_record_congresses_leaders_read_them_outsiders_get_404(
    bg, staff_client, leader_client, outsider_client
):
    grassroots = new_org(bg, K.GRASSROOTS_COMMITTEE, code="BG-DBCS")
    url = f"/admin/organizations/partyorganization/{grassroots.pk}/change/"
    data = congress_data(grassroots, [("23/06/2020", "2020", "2025")]) | {"parent": bg.committee.pk}
    assert staff_client.post(url, data).status_code == 302
    assert selectors.term_bounds(grassroots, 2020, 2025) == (D(2020, 6, 23), D(2025, 12, 31))

    content = leader_client.get(url).content.decode()
    assert "Đại hội và nhiệm kỳ" in content and "23/06/2020" in content
    before = Congress.objects.count()
    leader_client.post(url, congress_data(grassroots, [("01/07/2025", "2025", "2030")]))
    assert Congress.objects.count() == before
    assert outsider_client.get(url).status_code == 404
    # A cell's page has no congresses.
    assert (
        "congresses-TOTAL_FORMS"
        not in staff_client.get(
            f"/admin/organizations/partyorganization/{bg.cell.pk}/change/"
        ).content.decode()
    )


def test_a_link_on_its_own_obeys_the_organisations_dates(bg):
    cell = bg.cell  # founded 01/03/2018, serving bg.enterprise since then
    cases = [
        (
            EnterpriseLink(organization=cell, enterprise=enterprise(bg), started_on=D(2017, 1, 1)),
            "được thành lập ngày 01/03/2018",
        ),
        (
            EnterpriseLink(organization=cell, enterprise=bg.enterprise, started_on=D(2020, 1, 1)),
            "trong một phần khoảng thời gian đó",
        ),
        (
            EnterpriseLink(
                organization=cell,
                enterprise=enterprise(bg),
                started_on=D(2020, 1, 1),
                ended_on=D(2019, 1, 1),
            ),
            "không được trước ngày bắt đầu phục vụ (01/01/2020)",
        ),
    ]
    for link, message in cases:
        with pytest.raises(ValidationError) as error:
            link.full_clean()
        assert message in str(error.value.messages)
