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


# --- without tones or marks (issue 14, point 2) -------------------------------------------------

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)


@pytest.mark.django_db
def test_the_database_folds_every_vietnamese_letter_as_python_does():
    from django.db.models import CharField, Func, Value

    from kcn_party.folding import fold

    for text in (VIETNAMESE, VIETNAMESE.upper(), "KCN Đình Trám — Nguyễn Văn A, 12-QĐ/ĐU"):
        folded = (
            Zone.objects.annotate(
                f=Func(Value(text), function="kcn_fold", output_field=CharField())
            )
            .values_list("f", flat=True)
            .first()
        )
        expected = fold(text)
        if folded is None:  # no zone on record: ask without a table
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("SELECT kcn_fold(%s)", [text])
                folded = cursor.fetchone()[0]
        assert folded == expected
    assert fold(VIETNAMESE) == (
        "aaaaaaaaaaaaaaaaaabcddeeeeeeeeeeeeghiiiiiiklmnoooooooooooooooooopqrstuuuuuuuuuuuuvxyyyyyy"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "found"),
    [("dinh tram", True), ("ĐÌNH TRÁM", True), ("kcn dinh", True), ("dinh tran", False)],
)
def test_lists_are_searched_without_tones(bg, staff_client, typed, found):
    from tests.factories import ZoneFactory

    ZoneFactory(name="KCN Đình Trám", province="Bắc Giang", committee=bg.committee)
    content = staff_client.get("/admin/organizations/zone/", {"q": typed}).content.decode()
    assert ("KCN Đình Trám" in content) is found


@pytest.mark.django_db
def test_members_are_found_by_their_name_typed_without_tones_within_the_scope(bg, hn, staff_client):
    from tests.factories import MemberFactory

    MemberFactory(organization=bg.cell, full_name="Nguyễn Văn A")
    MemberFactory(organization=hn.cell, full_name="Nguyễn Văn Ánh")
    content = staff_client.get("/admin/members/member/", {"q": "nguyen van a"}).content.decode()
    assert "Nguyễn Văn A" in content
    assert "Nguyễn Văn Ánh" not in content  # Hà Nội's
    found = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "members", "model_name": "candidate", "field_name": "introducer_1",
         "term": "nguyen van"},
    ).json()  # fmt: skip
    assert [result["text"] for result in found["results"]] == ["Nguyễn Văn A (17/05/1990)"]


@pytest.mark.django_db
def test_a_search_without_tones_is_served_by_an_index_on_postgresql(bg):
    from django.db import connection
    from django.db.models import Q

    from members.models import Member

    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes exist on PostgreSQL only; SQLite reads the table")
    searched = Member.objects.order_by().filter(
        Q(full_name__folded__contains="nguyen")
        | Q(citizen_id__folded__contains="nguyen")
        | Q(card_number__folded__contains="nguyen")
        | Q(phone__folded__contains="nguyen")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = searched.explain()
    assert "members_member_full_name_fold_trgm" in plan, plan
    assert "Seq Scan on members_member" not in plan, plan
