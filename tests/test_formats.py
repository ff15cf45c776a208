"""Numbers as Vietnamese writes them, and what is not a number written as itself (issue 14,
point 5): a year is 2025, never 2.025, in every list and read-only page; a count in a message
is 3.000; the greeting names the person."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from members.models import RatingLevel
from members.services import ratings_save
from organizations.access import SYSTEM, Role
from organizations.admin.imports import finished, nothing_written
from organizations.models.fields import YearField
from tests.conftest import account, client_for
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(bg):
    member = MemberFactory(organization=bg.cell, full_name="Nguyễn Thị Lan")
    ratings_save(
        organization=bg.cell, year=2025, levels={member: (RatingLevel.GOOD, "")}, by=SYSTEM
    )
    return member


def test_every_year_field_of_the_apps_is_a_year_field():
    from django.apps import apps

    years = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ("organizations", "members", "reports")
        for field in model._meta.concrete_fields
        if field.name.endswith("year") and not isinstance(field, YearField)
    ]
    assert years == []


@pytest.mark.parametrize("role", [Role.STAFF, Role.LEADER])
def test_the_ratings_list_and_a_ratings_page_show_the_year_as_written(bg, rated, role):
    client = client_for(account(bg.committee, role, f"bg-{role}"))
    listing = client.get("/admin/members/memberrating/").content.decode()
    assert ">2025<" in listing
    assert "2.025" not in listing
    rating = rated.ratings.get()
    page = client.get(f"/admin/members/memberrating/{rating.pk}/change/").content.decode()
    assert "2025" in page
    assert "2.025" not in page


def test_a_year_stays_an_integer_to_forms_filters_and_migrations():
    field = YearField("year")
    assert not field.choices
    assert field.deconstruct()[1] == "django.db.models.PositiveSmallIntegerField"
    assert dict(field.flatchoices)[2025] == "2025"


def _messages_of(say, outcome) -> list[str]:
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    say(request, outcome)
    return [str(message) for message in get_messages(request)]


def _outcome(invalid: int):
    return SimpleNamespace(created=3000, updated=12, unchanged=1_250_000, invalid=invalid)


def test_counts_in_the_imports_messages_are_grouped_as_vietnamese_writes_them():
    assert _messages_of(finished, _outcome(0)) == [
        "Đã nhập xong: 3.000 mới, 12 thay đổi, 1.250.000 không đổi, bỏ qua 0 dòng không hợp lệ."
    ]
    assert "4.321" in _messages_of(nothing_written, _outcome(4321))[0]


def test_the_greeting_names_the_person_in_the_admin_and_on_the_dashboard(bg):
    user = account(bg.committee, Role.STAFF, "bg-an")
    user.first_name, user.last_name = "Vũ Văn", "An"
    user.save()
    client = client_for(user)
    assert "<strong>Vũ Văn An</strong>" in client.get("/admin/").content.decode()
    assert (
        "Vũ Văn An" in client.get(f"/bao-cao/?year={datetime.date.today().year}").content.decode()
    )


def test_the_member_lists_filters_say_what_they_filter(bg, staff_client):
    page = staff_client.get("/admin/members/member/").content.decode()
    assert "Bởi tình trạng sinh hoạt tại chi bộ" in page
    assert "Bởi số đoàn viên, hội viên" not in page
