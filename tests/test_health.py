import socket
import threading
import time
from unittest import mock

import pytest
from django.db import OperationalError, connection

from kcn_party import health


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_root_leads_to_the_admin(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.fixture
def silent_server():
    """A server on a free local port that accepts connections and never says a word, as a
    database server does when it is stuck (issue 8: /healthz hung for over 90 s on one)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


def postgresql_at(port: int) -> dict:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "kcn_party",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "OPTIONS": {},
    }


@pytest.mark.django_db
def test_healthz_answers_503_within_seconds_when_the_database_never_answers(
    client, silent_server, monkeypatch
):
    port, accepted = silent_server
    monkeypatch.setattr(health, "database_settings", lambda: postgresql_at(port))
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert accepted, "the health check did try the silent server"
    assert response.status_code == 503
    assert elapsed < health.TIMEOUT_SECONDS + 3, elapsed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement timeout")
@pytest.mark.django_db
def test_the_health_query_gives_up_when_the_server_answers_too_slowly(monkeypatch):
    """A server that connects but takes too long over the query (locks, overload): the
    statement timeout ends the health query, not the load balancer's patience."""
    monkeypatch.setattr(health, "QUERY", "SELECT pg_sleep(30)")
    started = time.monotonic()
    assert health.database_answers() is False
    assert time.monotonic() - started < health.TIMEOUT_SECONDS + 3


@pytest.mark.django_db
def test_the_health_check_leaves_the_request_connection_alone(client):
    # Its own short-lived connection: a timeout there never leaves the request's connection
    # in a broken state, and the health check opens no transaction on it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    before = connection.connection
    assert health.database_answers() is True
    assert connection.connection is before
