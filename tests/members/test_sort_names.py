"""People lists sorted as Vietnamese lists are (issue 14, point 2): by given name, then family
and middle names; the letters first (ă â đ ê ô ơ ư after their base), the tones only when the
letters are equal (ngang < huyền < hỏi < ngã < sắc < nặng); case, Unicode form and where the
tone mark sits make no difference. The order comes from a stored key that the lists' indexes
serve, kept by every path that writes a name."""

from __future__ import annotations

import datetime
import re
import unicodedata

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kcn_party.folding import collation_key
from members import services
from members.models import AwarenessClass, AwarenessParticipant, Candidate, Member
from tests.factories import MemberFactory
from tests.members.imports.helpers import register, row, run

D = datetime.date

# Written by hand, in the order a Vietnamese list puts them.
IN_ORDER = [
    "Nguyễn Văn An",
    "Trần Thị Ân",
    "Lê Văn Bình",
    "Phạm Dung",
    "Hoàng Đào",
]
SAME_GIVEN_NAME = ["Bùi Thị Hà", "Đặng Thu Hà", "Đỗ Thị Hà", "Lê Thu Hà", "Nguyễn Thị Hà"]
TONES = ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]


def test_the_key_orders_by_given_name_then_family_and_middle_names():
    assert sorted(IN_ORDER, key=collation_key) == IN_ORDER
    assert sorted(SAME_GIVEN_NAME, key=collation_key) == SAME_GIVEN_NAME


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Trần Văn Anh", "Lê Văn Ăn"),  # a < ă, whatever the rest
        ("Lê Văn Ăn", "Trần Văn Ân"),  # ă < â
        ("Vũ Thị Dung", "Ngô Văn Đăng"),  # d < đ: every D before the first Đ
        ("Phạm Thị Đào", "Lê Thị Em"),  # đ < e
        ("Mai Văn Tể", "Mai Văn Tế"),  # the same letters (tê): hỏi < sắc
        ("Ngô Thị Oanh", "Ngô Thị Ôn"),  # o < ô
        ("Hồ Văn Ôn", "Hồ Văn Ơn"),  # ô < ơ
        ("Lý Văn Ut", "Lý Văn Út"),  # the same letters: ngang < sắc
        ("Lý Văn Út", "Lý Văn Ưt"),  # u < ư, before any tone
        ("Lê An", "Lê Anh"),  # a word before the longer one it begins
        ("Lê Văn An", "Lê Văn Văn An"),  # then the family and middle names, word by word
        ("Hà Văn Nam", "Hà Văn Năm"),
    ],
)
def test_letters_first_then_tones(before, after):
    assert collation_key(before) < collation_key(after)


def test_tones_in_the_dictionaries_order():
    assert sorted(TONES, key=collation_key) == TONES
    assert sorted(["Nguyễn Thị Bạ", "Nguyễn Thị Bà", "Nguyễn Thị Ba"], key=collation_key) == [
        "Nguyễn Thị Ba",
        "Nguyễn Thị Bà",
        "Nguyễn Thị Bạ",
    ]


def test_one_name_however_it_is_typed_has_one_key():
    spellings = [
        "Nguyễn Thị Hòa",
        "Nguyễn Thị Hoà",  # the tone on the other vowel
        unicodedata.normalize("NFD", "Nguyễn Thị Hòa"),
        unicodedata.normalize("NFD", "Nguyễn Thị Hoà"),
        "NGUYỄN THỊ HÒA",
        "  nguyễn   thị hòa ",
    ]
    assert len({collation_key(name) for name in spellings}) == 1
    assert collation_key("Ðỗ Văn Nam") == collation_key("Đỗ Văn Nam")  # Ð typed for Đ


def test_the_key_is_lower_case_ascii_letters_so_any_collation_keeps_its_order():
    for name in [*IN_ORDER, *TONES, "Nguyễn Văn An-Khang", "Lò Văn Dũng 2", "Ñguyen Çao"]:
        assert re.fullmatch(r"[a-z]*", collation_key(name)), name
    assert len(collation_key("Nguyễn " * 18 + "Văn An")) <= 400


# --- In the database and on the lists' pages -------------------------------------------------


def _names_on_page(content: str, names) -> list[str]:
    found = [(content.find(f">{name}<"), name) for name in names]
    assert all(at >= 0 for at, _ in found), [name for at, name in found if at < 0]
    return [name for _, name in sorted(found)]


@pytest.mark.django_db
def test_the_member_list_is_in_vietnamese_order_on_the_page(bg, staff_client):
    names = [*IN_ORDER, *SAME_GIVEN_NAME, *TONES]
    for name in reversed(names):
        MemberFactory(organization=bg.cell, full_name=name)
    assert Member.objects.filter(full_name="Ba").get().sort_name == collation_key("Ba")
    content = staff_client.get("/admin/members/member/").content.decode()
    expected = sorted(names, key=collation_key)
    assert _names_on_page(content, names) == expected
    assert expected[:5] == ["Nguyễn Văn An", "Trần Thị Ân", "Ba", "Bà", "Bả"]
    # The name column's own ordering, both ways.
    ascending = staff_client.get("/admin/members/member/", {"o": "1"}).content.decode()
    assert _names_on_page(ascending, names) == expected
    descending = staff_client.get("/admin/members/member/", {"o": "-1"}).content.decode()
    assert _names_on_page(descending, names) == expected[::-1]


@pytest.mark.django_db
def test_the_candidate_list_and_a_classes_participants_are_in_vietnamese_order(bg, staff_client):
    for n, name in enumerate(reversed(IN_ORDER)):
        Candidate.objects.create(
            organization=bg.cell,
            full_name=name,
            birth_date=D(1998, 1, 1 + n),
            sex="male",
            identified_on=D(2025, 1, 1),
        )
    content = staff_client.get("/admin/members/candidate/").content.decode()
    assert _names_on_page(content, IN_ORDER) == IN_ORDER

    course = AwarenessClass.objects.create(
        organization=bg.committee, title="Lớp nhận thức 2025", started_on=D(2025, 3, 1)
    )
    services.awareness_participants_add(  # in bulk: the key from the field all the same
        course=course, participants=[AwarenessParticipant(full_name=n) for n in IN_ORDER[::-1]]
    )
    assert [p.full_name for p in course.participants.all()] == IN_ORDER


@pytest.mark.django_db
def test_a_renamed_person_moves_in_the_list(bg):
    member = MemberFactory(organization=bg.cell, full_name="Trần Văn An")
    member.full_name = "Trần Văn Tùng"
    member.save(update_fields=["full_name"])  # the key follows, though not named
    member.refresh_from_db()
    assert member.sort_name == collation_key("Trần Văn Tùng")


@pytest.mark.django_db
def test_the_register_import_keeps_the_keys_of_new_and_changed_members(bg):
    first = run(
        register(
            row(**{"Họ và tên": "Hoàng Văn Đào", "Số CCCD": "024085000101"}),
            row(**{"Họ và tên": "Nguyễn Thị Ân", "Số CCCD": "024185000102", "Giới tính": "Nữ"}),
        ),
        bg.committee,
    )
    assert first.summary == "created=2 updated=0 unchanged=0 invalid=0", first.summary
    assert {m.full_name: m.sort_name for m in Member.objects.all()} == {
        "Hoàng Văn Đào": collation_key("Hoàng Văn Đào"),
        "Nguyễn Thị Ân": collation_key("Nguyễn Thị Ân"),
    }
    # A name corrected in the register (written with bulk_update): its key follows.
    again = run(
        register(
            row(**{"Họ và tên": "Hoàng Văn Bảo", "Số CCCD": "024085000101"}),
            row(**{"Họ và tên": "Nguyễn Thị Ân", "Số CCCD": "024185000102", "Giới tính": "Nữ"}),
        ),
        bg.committee,
    )
    assert again.summary == "created=0 updated=1 unchanged=1 invalid=0", again.summary
    corrected = Member.objects.get(citizen_id="024085000101")
    assert (corrected.full_name, corrected.sort_name) == (
        "Hoàng Văn Bảo",
        collation_key("Hoàng Văn Bảo"),
    )
    assert list(Member.objects.values_list("full_name", flat=True)) == [
        "Nguyễn Thị Ân",
        "Hoàng Văn Bảo",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_key_of_the_people_already_kept(bg):
    MemberFactory(organization=bg.cell, full_name="Hoàng Đào")
    Candidate.objects.create(
        organization=bg.cell,
        full_name="Trần Thị Ân",
        birth_date=D(1998, 1, 1),
        sex="female",
        identified_on=D(2025, 1, 1),
    )
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("members", "0012_history_anonymised")])  # before the key
        executor.loader.build_graph()
        executor.migrate([("members", "0013_sort_name")])
        with connection.cursor() as cursor:
            for table, name in (
                ("members_member", "Hoàng Đào"),
                ("members_candidate", "Trần Thị Ân"),
            ):
                cursor.execute(f"SELECT sort_name FROM {table} WHERE full_name = %s", [name])  # noqa: S608
                assert cursor.fetchone() == (collation_key(name),)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_the_register_export_lists_people_in_the_lists_order(bg):
    from members.imports.exports import register_rows

    for name in reversed(IN_ORDER):
        MemberFactory(organization=bg.cell, full_name=name)
    assert [values[0] for values in register_rows(Member.objects.all())] == IN_ORDER
