"""Searching as staff type: lower case Vietnamese finds upper case Vietnamese on every database."""

import pytest

from kcn_party.sqlite import like
from organizations.models import PartyOrganization, Zone


@pytest.mark.django_db
def test_lower_case_vietnamese_finds_upper_case(bg, staff_client):
    assert Zone.objects.filter(name__icontains="kcn bắc giang").exists()
    assert PartyOrganization.objects.filter(name__icontains="đảng bộ các kcn").exists()
    content = staff_client.get(
        "/admin/organizations/partyorganization/", {"q": "đảng bộ các kcn"}
    ).content
    assert bg.committee.name in content.decode()


def test_like_keeps_sql_semantics():
    assert like("%đình%", "KCN Đình Trám")
    assert like("kcn\\_1%", "KCN_1 Bắc", "\\")
    assert not like("kcn\\_1%", "KCNx1 Bắc", "\\")
    assert like("a_c", "ABC") and not like("a_c", "ABBC")
    assert like("100\\%%", "100% vốn", "\\")
    assert like(None, "x") is None
