"""The interface is Vietnamese by default, English on request; dates dd/mm/yyyy, numbers 1.260."""

import datetime

import pytest
from django.utils import formats, translation


@pytest.mark.django_db
def test_login_page_is_in_vietnamese_by_default(client):
    content = client.get("/admin/login/").content.decode()
    assert 'lang="vi"' in content
    assert "Công tác xây dựng Đảng" in content
    assert "Mật khẩu" in content  # Django's own strings too


@pytest.mark.django_db
def test_english_is_available(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    assert response.status_code == 302
    content = client.get("/admin/login/").content.decode()
    assert 'lang="en"' in content and "Party building in industrial zones" in content


def test_dates_and_numbers_follow_vietnamese_conventions():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2025, 3, 15), "SHORT_DATE_FORMAT") == "15/03/2025"
        assert formats.date_format(datetime.date(2025, 3, 15)) == "15/03/2025"
        assert formats.number_format(1260, force_grouping=True) == "1.260"
        assert formats.number_format(93.9, 1) == "93,9"
        assert formats.sanitize_separators("1.260") == "1260"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"


@pytest.mark.django_db
def test_lists_show_dates_and_counts_the_vietnamese_way(bg, staff_client):
    content = staff_client.get("/admin/organizations/enterprise/").content.decode()
    assert "1.260" in content  # the latest worker count of the Bắc Giang enterprise
    content = staff_client.get("/admin/organizations/partyorganization/").content.decode()
    assert "01/03/2018" in content  # the cell's founding date


def test_every_message_is_translated():
    from babel.messages.pofile import read_po

    from kcn_party.translations import LOCALE_DIR

    with (LOCALE_DIR / "vi/LC_MESSAGES/django.po").open("rb") as po_file:
        catalog = read_po(po_file)

    def translated(message):
        strings = [message.string] if isinstance(message.string, str) else message.string
        return all(strings) and not message.fuzzy

    missing = [message.id for message in catalog if message.id and not translated(message)]
    assert missing == []


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_english_is_chosen(client):
    content = client.get(
        "/admin/login/", headers={"accept-language": "en-US,en;q=0.9"}
    ).content.decode()
    assert 'lang="vi"' in content
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    content = client.get("/admin/login/", headers={"accept-language": "vi"}).content.decode()
    assert 'lang="en"' in content
