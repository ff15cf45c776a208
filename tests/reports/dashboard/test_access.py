"""Every page of the dashboard with the three people: staff of the committee and its read-only
leader see their subtree; staff of another committee get 404 for anything of it; an account
without a committee gets 404; nobody signed in is sent to sign in."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import UserFactory

PAGES = [
    ("reports:dashboard", []),
    ("reports:dashboard_export", ["xlsx"]),
    ("reports:dashboard_export", ["csv"]),
    ("reports:print", []),
    ("reports:figures_json", []),
    ("reports:tables", []),
    ("reports:table", ["bieu1"]),
    ("reports:table_export", ["bieu1", "xlsx"]),
    ("reports:table_export", ["bieu1", "csv"]),
    ("reports:opportunities", []),
    *(
        ("reports:opportunities_export", [key, file_format])
        for key in ("large", "employers", "elsewhere")
        for file_format in ("xlsx", "csv")
    ),
]
IDS = ["/".join([name.split(":")[1], *args]) for name, args in PAGES]


def url(name, args, query="org=BG-KCN&year=2025"):
    return f"{reverse(name, args=args)}?{query}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PAGES, ids=IDS)
def test_staff_and_leader_see_their_committee(name, args, bg, staff_client, leader_client):
    for client in (staff_client, leader_client):
        assert client.get(url(name, args)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PAGES, ids=IDS)
def test_an_outsider_gets_404_for_the_committee_and_its_cells(name, args, bg, outsider_client):
    assert outsider_client.get(url(name, args)).status_code == 404
    cell = bg.cell.code
    assert outsider_client.get(url(name, args, f"org={cell}&year=2025")).status_code == 404
    # Their own committee, by default: theirs, never Bắc Giang's.
    own = outsider_client.get(url(name, args, "year=2025"))
    assert own.status_code == 200
    assert "Bắc Giang".encode() not in own.content


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PAGES, ids=IDS)
def test_an_account_without_a_committee_gets_404(name, args, bg):
    client = client_for(UserFactory(username="khong-don-vi"))
    assert client.get(url(name, args)).status_code == 404
    assert client.get(url(name, args, "year=2025")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PAGES, ids=IDS)
def test_nobody_signed_in_is_sent_to_sign_in(name, args, client, bg):
    response = client.get(url(name, args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_a_province_account_sees_the_committees_below(bg, province_admin):
    response = client_for(province_admin).get(url("reports:dashboard", []))
    assert response.status_code == 200
    assert response.context["selection"].root == bg.committee


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        reverse("reports:table", args=["bieu99"]),
        reverse("reports:table_export", args=["bieu99", "csv"]),
        reverse("reports:dashboard_export", args=["pdf"]),
        reverse("reports:table_export", args=["bieu1", "ods"]),
        reverse("reports:opportunities_export", args=["everyone", "csv"]),
    ],
)
def test_an_unknown_table_list_or_format_is_404(path, bg, staff_client):
    assert staff_client.get(f"{path}?org=BG-KCN&year=2025").status_code == 404


@pytest.mark.django_db
def test_leaders_cannot_write_anything_here(bg, leader_client):
    # Every page reads: a POST is refused as a method, never taken as a change.
    assert leader_client.post(url("reports:dashboard", [])).status_code == 405
