"""A second factor for administrators (issue 13, point 4): an administrator enrols an
authenticator app (QR code or the secret) and is then asked for its code after the password;
OTP_REQUIRED_FOR_ADMINS makes it mandatory. Staff and leaders sign in with their password
alone and may not enrol; nobody browses another account's device."""

import base64

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
ENROL, VERIFY = "/xac-thuc/dang-ky/", "/xac-thuc/"


def code_of(device, shift: int = 0) -> str:
    """The code the app shows now (shift: another one, so a wrong one)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{(value + shift) % 10**device.digits:0{device.digits}d}"


def signed_in(user) -> Client:
    """A browser signed in with the password on the sign-in page, as people do."""
    client = Client()
    response = client.post(
        "/admin/login/", {"username": user.username, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302, response.status_code
    return client


@pytest.fixture
def device(bg_admin):
    return TOTPDevice.objects.create(user=bg_admin, name="authenticator", confirmed=True)


def test_off_by_default_an_administrator_signs_in_with_the_password(settings, bg_admin):
    assert settings.OTP_REQUIRED_FOR_ADMINS is False
    assert signed_in(bg_admin).get("/admin/").status_code == 200


def test_an_administrator_enrols_an_app_then_gives_its_code_after_the_password(settings, bg_admin):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code then the right one, at once
    client = signed_in(bg_admin)
    page = client.get(ENROL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and page.context["secret"] in text
    assert "Quét mã QR này bằng một ứng dụng xác thực" in text
    device = TOTPDevice.objects.get(user=bg_admin)
    assert not device.confirmed

    # A wrong code: said in Vietnamese, nothing confirmed.
    response = client.post(ENROL, {"code": code_of(device, shift=1)})
    assert response.status_code == 200
    assert "Mã này không đúng hoặc đã hết hạn" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    response = client.post(ENROL, {"code": "mười hai"})
    assert "Mã chỉ gồm chữ số." in response.content.decode()

    response = client.post(ENROL, {"code": code_of(device), "next": "/admin/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "Đã đăng ký ứng dụng xác thực" in response.content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed

    # Signing in again: the password, then the code before any page.
    client.post("/admin/logout/")
    client = signed_in(bg_admin)
    response = client.get("/admin/members/member/")
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fadmin%2Fmembers%2Fmember%2F"
    assert client.get("/bao-cao/").url.startswith(VERIFY)
    # The code of the enrolment's 30 seconds is spent: the app's next one is what people type.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    response = client.post(VERIFY, {"code": code_of(device), "next": "/admin/members/member/"})
    assert response.status_code == 302 and response.url == "/admin/members/member/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_opens_nothing(bg_admin, device):
    client = signed_in(bg_admin)
    response = client.post(VERIFY, {"code": code_of(device, shift=1)})
    assert response.status_code == 200
    assert "Mã này không đúng hoặc đã hết hạn" in response.content.decode()
    assert client.get("/admin/").url.startswith(VERIFY)
    response = client.post(VERIFY, {"code": ""})
    assert "Nhập mã 6 chữ số mà ứng dụng hiển thị." in response.content.decode()
    # Signing out stays open.
    assert client.post("/admin/logout/").status_code == 200


def test_the_code_is_asked_once_per_session(bg_admin, device):
    client = signed_in(bg_admin)
    assert client.post(VERIFY, {"code": code_of(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get(VERIFY).status_code == 302  # nothing more to give
    # Another browser signing in is asked again.
    assert signed_in(bg_admin).get("/admin/").url.startswith(VERIFY)


def test_required_for_administrators_not_for_staff_and_leaders(settings, bg_admin, staff, leader):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    client = signed_in(bg_admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == f"{ENROL}?next=%2Fadmin%2F"
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=bg_admin)
    client.post(ENROL, {"code": code_of(device)})
    assert client.get("/admin/").status_code == 200
    # The committee's staff and its leader sign in with their password alone.
    assert signed_in(staff).get("/admin/").status_code == 200
    assert signed_in(leader).get("/bao-cao/").status_code == 200


def test_staff_and_leaders_may_not_enrol(staff_client, leader_client):
    for client in (staff_client, leader_client):
        assert client.get(ENROL).status_code == 403
        assert client.post(ENROL, {"code": "123456"}).status_code == 403
        assert client.get(VERIFY).status_code == 302  # no code owed: on to the admin
    assert not TOTPDevice.objects.exists()


def test_nobody_browses_the_devices_nor_sees_another_accounts_secret(
    bg_admin, device, hn, province_admin
):
    from organizations.access import Role
    from tests.conftest import account

    outsider_admin = account(hn.committee, Role.ADMIN, "hn-quantri")
    for user in (outsider_admin, province_admin):
        client = client_for(user)
        assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
        assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 404
        page = client.get(ENROL)
        assert page.status_code == 200
        own = TOTPDevice.objects.get(user=user)
        assert own.pk != device.pk and own.key != device.key
        assert page.context["secret"] == base64.b32encode(own.bin_key).decode()
        assert base64.b32encode(device.bin_key).decode() not in page.content.decode()
    # Enrolling again replaces the administrator's device only once the new one is confirmed.
    client = signed_in(bg_admin)
    client.post(VERIFY, {"code": code_of(device)})
    page = client.get(ENROL).content.decode()
    assert "Bạn đã đăng ký một ứng dụng xác thực: xác nhận ứng dụng này sẽ thay thế" in page
    assert TOTPDevice.objects.filter(user=bg_admin).count() == 2
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


@pytest.mark.parametrize("odd", ["huge", "nul", "nul-inside", "long", "not-a-number", "negative"])
def test_odd_codes_are_refused_with_a_message(odd, bg_admin, device):
    from tests.test_fuzz import ODD

    client = signed_in(bg_admin)
    for url in (VERIFY, ENROL):
        response = client.post(url, {"code": ODD[odd], "next": ODD[odd]})
        assert response.status_code in (200, 302), (url, response.status_code)
    assert client.get("/admin/").url.startswith(VERIFY)  # no code given, nothing opened
    assert TOTPDevice.objects.filter(user=bg_admin, confirmed=True).count() == 1
