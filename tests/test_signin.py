"""Signing in and staying signed in (issue 13, point 4): the lockout after 5 failures, the
client's address behind a proxy, the passwords' minimum length, and the sessions' limits."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from kcn_party import sessions, signin

PASSWORD = "correct horse battery"
LOGIN = reverse("admin:login")
LOCKED_MESSAGE = "Đăng nhập tạm bị khóa trong 15 phút"


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        f"{LOGIN}?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.django_db
def test_five_failures_lock_the_account_from_that_address_for_15_minutes(staff):
    client = Client()
    for _ in range(4):
        response = sign_in(client, "bg-canbo", "wrong password")
        assert response.status_code == 200  # the form again, with its error
    response = sign_in(client, "bg-canbo", "wrong password")
    assert response.status_code == 429
    # Now even the right password is refused, with a page that says why and for how long.
    response = sign_in(client, "bg-canbo", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED_MESSAGE in page
    assert "5 lần đăng nhập sai liên tiếp" in page
    assert not Client().get("/admin/").wsgi_request.user.is_authenticated

    # Another address is not locked out, nor is another account from this one.
    assert signed_in(sign_in(Client(), "bg-canbo", PASSWORD, address="10.0.0.2"))

    # Once the 15 minutes have passed, the right password signs in again and clears the count.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert signed_in(sign_in(Client(), "bg-canbo", PASSWORD))


@pytest.mark.django_db
def test_a_success_resets_the_count(staff):
    client = Client()
    for _ in range(4):
        sign_in(client, "bg-canbo", "wrong password")
    assert signed_in(sign_in(Client(), "bg-canbo", PASSWORD))
    for _ in range(4):
        assert sign_in(Client(), "bg-canbo", "wrong password").status_code == 200
    assert signed_in(sign_in(Client(), "bg-canbo", PASSWORD))


@pytest.mark.django_db
def test_the_lockout_counts_the_client_behind_the_proxy(staff):
    with override_settings(TRUSTED_PROXIES=1):
        for _ in range(5):
            Client().post(
                LOGIN,
                {"username": "bg-canbo", "password": "wrong"},
                REMOTE_ADDR="127.0.0.1",  # nginx
                HTTP_X_FORWARDED_FOR="10.9.9.9",
            )
        # The client at 10.9.9.9 is locked out; another client through the same proxy is not.
        locked = Client().post(
            LOGIN,
            {"username": "bg-canbo", "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="10.9.9.9",
        )
        assert locked.status_code == 429
        other = Client().post(
            LOGIN,
            {"username": "bg-canbo", "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="10.8.8.8",
        )
        assert other.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "1.2.3.4", "127.0.0.1"),  # no proxy declared: the header is the client's own claim
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client claimed 6.6.6.6; nginx appended it
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.5", "1.2.3.4"),  # a load balancer, then nginx
        (2, "", "127.0.0.1"),  # the header missing: the direct peer
    ],
)
def test_the_client_address_behind_trusted_proxies(proxies, forwarded, address):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXIES=proxies):
        assert signin.client_ip(request) == address


@pytest.mark.django_db
def test_passwords_have_at_least_10_characters(staff):
    with pytest.raises(ValidationError) as error:
        validate_password("Xk9#pq2!m", staff)
    assert "10" in " ".join(error.value.messages)
    validate_password("Xk9#pq2!mz", staff)


# --- sessions ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sessions_end_with_the_browser(staff):
    client = Client()
    response = sign_in(client, "bg-canbo", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie


def _age(client, *, started=None, seen=None):
    session = client.session
    now = time.time()
    if started is not None:
        session[sessions.STARTED] = now - started
    if seen is not None:
        session[sessions.SEEN] = now - seen
    session.save()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("started", "seen", "ended"),
    [
        (59 * 60, 59 * 60, False),  # 59 minutes idle
        (61 * 60, 61 * 60, True),  # 61 minutes idle
        (8 * 3600 - 60, 30, False),  # active, 8 hours less a minute after signing in
        (8 * 3600 + 60, 30, True),  # active, but 8 hours and a minute after signing in
    ],
)
def test_sessions_end_after_8_hours_or_60_idle_minutes(staff, started, seen, ended):
    client = Client()
    assert signed_in(sign_in(client, "bg-canbo", PASSWORD))
    assert client.get("/admin/").status_code == 200
    _age(client, started=started, seen=seen)
    response = client.get("/admin/", follow=True)
    if ended:
        assert response.redirect_chain[0][0].startswith(f"{LOGIN}?next=/admin/")
        assert "Phiên làm việc đã kết thúc" in response.content.decode()
        assert not response.wsgi_request.user.is_authenticated
    else:
        assert response.redirect_chain == []
        assert response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_reading_pages_keeps_a_session_alive_without_writing_it_each_time(staff):
    client = Client()
    sign_in(client, "bg-canbo", PASSWORD)
    client.get("/admin/")
    seen = client.session[sessions.SEEN]
    client.get("/admin/")
    assert client.session[sessions.SEEN] == seen  # within the minute: not written again
    _age(client, seen=50 * 60)
    client.get("/admin/")
    assert time.time() - client.session[sessions.SEEN] < 60  # refreshed
