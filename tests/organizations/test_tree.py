import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organizations import services
from organizations.models import EndReason, OrganizationKind, PartyOrganization
from tests.factories import PartyOrganizationFactory

K = OrganizationKind
pytestmark = pytest.mark.django_db


def org(kind, parent=None, **kwargs):
    return PartyOrganizationFactory(kind=kind, parent=parent, **kwargs)


def test_path_follows_the_tree_and_subtree_is_one_prefix():
    province = org(K.PROVINCE)
    committee = org(K.UPPER_GRASSROOTS, province)
    grassroots = org(K.GRASSROOTS_COMMITTEE, committee)
    sub = org(K.SUBORDINATE_CELL, grassroots)
    other = org(K.UPPER_GRASSROOTS, province)

    assert sub.path == f"{province.pk:07d}/{committee.pk:07d}/{grassroots.pk:07d}/{sub.pk:07d}/"
    assert [province.depth, committee.depth, sub.depth] == [0, 1, 3]
    assert set(PartyOrganization.objects.within(committee)) == {committee, grassroots, sub}
    assert list(sub.ancestors()) == [province, committee, grassroots]
    assert not other.is_within(committee)


def test_moving_an_organisation_moves_its_subtree():
    province = org(K.PROVINCE)
    first = org(K.UPPER_GRASSROOTS, province)
    second = org(K.UPPER_GRASSROOTS, province)
    grassroots = org(K.GRASSROOTS_COMMITTEE, first)
    partial = org(K.PARTIAL_COMMITTEE, grassroots)
    cell = org(K.SUBORDINATE_CELL, partial)

    grassroots.parent = second
    services.organization_save(organization=grassroots)

    cell.refresh_from_db()
    partial.refresh_from_db()
    assert cell.path.startswith(second.path) and cell.is_within(grassroots)
    assert (partial.depth, cell.depth) == (3, 4)
    assert set(PartyOrganization.objects.within(first)) == {first}


@pytest.mark.parametrize(
    ("kind", "parent_kind"),
    [
        (K.GRASSROOTS_CELL, None),
        (K.SUBORDINATE_CELL, K.UPPER_GRASSROOTS),
        (K.PARTIAL_COMMITTEE, K.UPPER_GRASSROOTS),
        (K.GRASSROOTS_COMMITTEE, K.PROVINCE),
        (K.PROVINCE, K.PROVINCE),
    ],
)
def test_a_kind_sits_only_under_the_kinds_it_may(kind, parent_kind):
    parent = None
    if parent_kind == K.UPPER_GRASSROOTS:
        parent = org(K.UPPER_GRASSROOTS, org(K.PROVINCE))
    elif parent_kind:
        parent = org(parent_kind)
    before = PartyOrganization.objects.count()
    candidate = PartyOrganization(
        kind=kind,
        parent=parent,
        code="NEW",
        name="Chi bộ mới",
        founded_on=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=candidate)
    assert "parent" in error.value.message_dict
    assert PartyOrganization.objects.count() == before


def test_a_subordinate_cell_may_sit_under_a_partial_committee():
    grassroots = org(K.GRASSROOTS_COMMITTEE, org(K.UPPER_GRASSROOTS))
    partial = org(K.PARTIAL_COMMITTEE, grassroots)
    cell = PartyOrganization(
        kind=K.SUBORDINATE_CELL,
        parent=partial,
        code="X",
        name="Chi bộ Kỹ thuật",
        founded_on=datetime.date(2024, 1, 1),
    )
    services.organization_save(organization=cell)
    assert cell.is_within(grassroots)


def test_an_organisation_cannot_move_under_its_own_subtree():
    upper = org(K.UPPER_GRASSROOTS)
    grassroots = org(K.GRASSROOTS_COMMITTEE, upper)
    partial = org(K.PARTIAL_COMMITTEE, grassroots)
    other_grassroots = org(K.GRASSROOTS_COMMITTEE, upper)
    partial_below = org(K.PARTIAL_COMMITTEE, other_grassroots)
    # A grassroots committee cannot sit under a partial committee anyway; check the cycle rule
    # on a kind that could: move a partial committee under itself.
    partial.parent = partial
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=partial)
    assert "parent" in error.value.message_dict
    partial.refresh_from_db()
    assert partial.parent == grassroots
    assert partial_below.parent == other_grassroots


def test_end_needs_date_reason_and_order():
    upper = org(K.UPPER_GRASSROOTS)
    cell = org(K.GRASSROOTS_CELL, upper, founded_on=datetime.date(2020, 5, 1))
    cell.ended_on = datetime.date(2019, 1, 1)
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=cell)
    assert set(error.value.message_dict) >= {"ended_on", "end_reason"}

    cell.refresh_from_db()
    cell.end_reason = EndReason.MERGED
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=cell)
    assert "ended_on" in error.value.message_dict and "merged_into" in error.value.message_dict
    cell.refresh_from_db()
    assert cell.ended_on is None and cell.end_reason == ""


def test_dissolved_cell_stays_on_record():
    upper = org(K.UPPER_GRASSROOTS)
    cell = org(K.GRASSROOTS_CELL, upper, founded_on=datetime.date(2020, 5, 1))
    cell.ended_on, cell.end_reason, cell.end_decision_no = (
        datetime.date(2024, 2, 1),
        EndReason.DISSOLVED,
        "12-QĐ/ĐU",
    )
    services.organization_save(organization=cell)
    assert PartyOrganization.objects.filter(pk=cell.pk).exists()
    assert cell not in PartyOrganization.objects.active()
    assert cell in PartyOrganization.objects.active(on=datetime.date(2023, 1, 1))


def test_a_committee_with_active_children_cannot_end():
    upper = org(K.UPPER_GRASSROOTS)
    grassroots = org(K.GRASSROOTS_COMMITTEE, upper)
    org(K.SUBORDINATE_CELL, grassroots)
    grassroots.ended_on, grassroots.end_reason = datetime.date(2024, 2, 1), EndReason.DISSOLVED
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=grassroots)
    assert "ended_on" in error.value.message_dict


def test_merger_names_the_absorbing_organisation():
    upper = org(K.UPPER_GRASSROOTS)
    first = org(K.GRASSROOTS_CELL, upper)
    second = org(K.GRASSROOTS_CELL, upper)
    first.ended_on, first.end_reason, first.merged_into = (
        datetime.date(2024, 2, 1),
        EndReason.MERGED,
        second,
    )
    services.organization_save(organization=first)
    assert list(second.merged_from.all()) == [first]


def test_no_active_organisation_under_an_ended_one():
    upper = org(K.UPPER_GRASSROOTS)
    grassroots = org(
        K.GRASSROOTS_COMMITTEE,
        upper,
        ended_on=datetime.date(2023, 1, 1),
        end_reason=EndReason.DISSOLVED,
    )
    cell = PartyOrganization(
        kind=K.SUBORDINATE_CELL,
        parent=grassroots,
        code="Y",
        name="Chi bộ",
        founded_on=datetime.date(2022, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=cell)
    assert "parent" in error.value.message_dict


def test_future_founding_is_refused():
    cell = PartyOrganization(
        kind=K.UPPER_GRASSROOTS,
        code="Z",
        name="Đảng bộ",
        founded_on=datetime.date.today() + datetime.timedelta(days=3),
    )
    with pytest.raises(ValidationError) as error:
        services.organization_save(organization=cell)
    assert "founded_on" in error.value.message_dict


@pytest.mark.parametrize(
    "fields",
    [
        {
            "ended_on": datetime.date(2010, 1, 1),
            "end_reason": EndReason.DISSOLVED,
        },  # before founding
        {"ended_on": datetime.date(2020, 1, 1), "end_reason": ""},  # no reason
        {"end_reason": EndReason.DISSOLVED},  # reason without a date
        {"kind": "district"},  # unknown kind
    ],
)
def test_the_database_refuses_what_the_forms_would(fields):
    upper = org(K.UPPER_GRASSROOTS, founded_on=datetime.date(2015, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.filter(pk=upper.pk).update(**fields)
