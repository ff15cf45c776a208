"""The user guide (docs/huong-dan-su-dung.md, issue 14 point 8): its pictures are there and are
the browser tests' (tests/e2e/test_screenshots.py), what it says of the enterprise import is
what the import reads, and the site serves it — linked from both headers, to every signed-in
account (it holds no committee's records), the anonymous sent to sign in."""

import inspect
import re

import pytest
from django.urls import reverse

from kcn_party import guide
from organizations.imports.headers import match
from organizations.imports.resource import ENTERPRISES
from organizations.imports.values import OwnershipWidget
from organizations.models import Ownership
from tests.conftest import client_for
from tests.e2e import test_screenshots

DOCS = guide.DOCS
TEXT = guide.GUIDE.read_text(encoding="utf-8")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
TITLE = "Hướng dẫn sử dụng"


def table_after(header: str) -> list[list[str]]:
    """The rows of the guide's table whose header line starts with `header`."""
    lines = TEXT.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


# --- the file -------------------------------------------------------------------------------------


def test_every_picture_the_guide_shows_is_in_docs():
    pictures = IMAGE.findall(TEXT)
    assert len(pictures) >= 10
    missing = [name for name in pictures if not (DOCS / name).is_file()]
    assert not missing, f"the guide links pictures that docs/ does not hold: {missing}"


def test_every_picture_the_browser_tests_take_is_in_the_guide():
    tests = {
        name
        for name, function in inspect.getmembers(test_screenshots, inspect.isfunction)
        if name.startswith("test_")
    }
    # Each screenshot test says which picture it takes...
    assert tests == set(test_screenshots.GUIDE_PICTURES), (
        "each test of tests/e2e/test_screenshots.py names its picture in GUIDE_PICTURES"
    )
    # ...the guide shows each of them, and docs/guide/ holds no picture the tests do not take.
    shown = set(IMAGE.findall(TEXT))
    taken = set(test_screenshots.GUIDE_PICTURES.values())
    assert taken <= shown, f"pictures taken but not in the guide: {sorted(taken - shown)}"
    kept = {f"guide/{path.name}" for path in (DOCS / "guide").glob("*.png")}
    assert kept <= taken, f"pictures in docs/guide/ no test takes: {sorted(kept - taken)}"


def test_the_pictures_stay_small():
    for name in test_screenshots.GUIDE_PICTURES.values():
        if name.startswith("guide/"):
            assert (DOCS / name).stat().st_size < 250_000, name


def test_the_columns_the_guide_lists_are_the_columns_the_import_reads():
    rows = table_after("| Cột |")
    keys = []
    for label, spellings, _note in rows:
        found = {match(spelling, ENTERPRISES) for spelling in spellings.split(", ")}
        assert len(found) == 1 and None not in found, (label, found)
        keys.append(found.pop())
    assert sorted(keys) == sorted(column.key for column in ENTERPRISES.columns)


def test_the_ownership_spellings_the_guide_lists_are_read_as_it_says():
    widget = OwnershipWidget()
    rows = table_after("| Ghi trong tệp |")
    assert {label for _spellings, label in rows} == {str(o.label) for o in Ownership}
    for spellings, label in rows:
        for spelling in spellings.split(", "):
            assert str(Ownership(widget.clean(spelling)).label) == label, spelling


# --- the page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["staff", "leader", "outsider", "bg_admin"])
def test_every_signed_in_account_reads_the_guide(person, request):
    client = client_for(request.getfixturevalue(person))
    response = client.get(reverse("guide"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<title>{TITLE} ·" in page
    assert '<h1 id="huong-dan-su-dung">Hướng dẫn sử dụng</h1>' in page
    # The contents beside it, and the pictures linked where the site serves them.
    assert '<a href="#dang-nhap-va-trang-chu">Đăng nhập và trang chủ</a>' in page
    assert '<a href="#lanh-dao">' in page and '<a id="lanh-dao"></a>' in page
    assert '<img alt="Trang chủ của cán bộ văn phòng" src="guide/trang-chu-can-bo.png"' in page
    assert "<table>" in page
    picture = client.get(reverse("guide_picture", args=["guide/trang-chu-can-bo.png"]))
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/png"
    assert b"".join(picture.streaming_content).startswith(b"\x89PNG")


def test_every_picture_resolves_from_the_page(staff_client):
    # The page is /huong-dan/: a picture linked as guide/NAME.png is /huong-dan/guide/NAME.png.
    for name in set(IMAGE.findall(TEXT)):
        response = staff_client.get(reverse("guide") + name)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content).startswith(b"\x89PNG"), name


def test_the_anonymous_are_sent_to_sign_in(client):
    for url in (reverse("guide"), reverse("guide_picture", args=["guide/trang-chu-can-bo.png"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login") + "?next=")


@pytest.mark.parametrize(
    "name",
    [
        "guide/nothing.png",
        "guide/../dashboard.png",
        "guide/..%2F..%2Fpyproject.toml",
        "../README.md",
        "guide/trang-chu-can-bo.PNG",
        "guide/.hidden.png",
        "huong-dan-su-dung.md",
        "guide/guide/trang-chu-can-bo.png",
        "x.svg",
    ],
)
def test_only_the_guides_pictures_are_served(name, staff_client):
    response = staff_client.get(f"/huong-dan/{name}")
    assert response.status_code == 404


def test_the_guide_answers_only_reads(staff_client):
    assert staff_client.post(reverse("guide")).status_code == 405


# --- the link in both headers ---------------------------------------------------------------------


def test_staff_find_the_guide_in_the_admins_header(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("guide")}" class="to-guide">{TITLE}</a>' in page


def test_leaders_find_the_guide_in_the_dashboards_header(leader_client, leader):
    page = leader_client.get(reverse("reports:dashboard")).content.decode()
    assert f'<a href="{reverse("guide")}" class="to-guide">{TITLE}</a>' in page
    page = leader_client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("guide")}" class="to-guide">{TITLE}</a>' in page


def test_the_anonymous_see_no_link_on_the_sign_in_page(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert 'class="to-guide"' not in page


# --- the list imports' pages list their own columns (found while writing the guide) ---------------


def test_each_list_import_page_lists_its_own_columns(staff_client):
    organizations = staff_client.get(reverse("admin:organizations_partyorganization_import"))
    mass = staff_client.get(reverse("admin:organizations_massorganization_import"))
    enterprises = staff_client.get(reverse("admin:organizations_enterprise_import"))
    assert "Mã tổ chức cấp trên" in organizations.content.decode()
    assert "Loại đoàn thể" in mass.content.decode()
    for response in (organizations, mass):
        assert "Người đại diện theo pháp luật" not in response.content.decode()
    assert "Người đại diện theo pháp luật" in enterprises.content.decode()
