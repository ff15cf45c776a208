"""The load test's own machinery (reports/bench/load.py), against the test's live server: the
figures it gives are only worth something if it signs in, reads pages and counts errors right.
The measurement itself is `make bench-load` (docs/benchmarks.md)."""

import http.client
import http.server
import os
import threading
import time

import pytest
from django.urls import reverse

from reports.bench import load
from reports.management.commands.bench_load import CpuMeter, cpu_seconds

PASSWORD = "correct horse battery"


def test_percentiles_by_nearest_rank():
    times = [n / 1000 for n in range(1, 101)]  # 1 … 100 ms
    assert load.percentile(times, 0.95) == 0.095
    assert load.percentile(times, 0.5) == 0.05
    assert load.percentile([], 0.95) == 0.0


def test_only_against_this_machine():
    with pytest.raises(ValueError, match="127.0.0.1"):
        load.run([], host="192.0.2.1", port=80, password="x", seconds=1)


def test_visitors_sign_in_read_their_pages_and_count_errors(
    live_server, transactional_db, staff, leader, outsider, bg
):
    host, port = live_server.url.removeprefix("http://").split(":")
    lists = [
        reverse("admin:members_member_changelist"),
        reverse("admin:organizations_partyorganization_changelist"),
    ]
    committee = reverse("admin:organizations_partyorganization_change", args=[bg.committee.pk])
    visitors = [
        load.Visitor("bg-canbo", [*lists, committee]),
        load.Visitor("bg-lanhdao", [*lists, committee]),
        # Another committee's page: a 404 on every other request, counted as errors.
        load.Visitor("hn-canbo", [lists[0], committee]),
    ]
    tally, seconds = load.run(
        visitors, host=host, port=int(port), password=PASSWORD, seconds=2, https=False
    )
    figures = load.summary(tally, seconds)
    assert figures["requests"] > 3
    assert set(figures["error_kinds"]) == {f"404 {committee}"}
    assert figures["p95_ms"] >= figures["median_ms"] > 0


def test_a_wrong_password_is_an_error_not_a_hang(live_server, transactional_db, staff):
    host, port = live_server.url.removeprefix("http://").split(":")
    tally, _ = load.run(
        [load.Visitor("bg-canbo", ["/admin/"])],
        host=host,
        port=int(port),
        password="wrong password",
        seconds=1,
        https=False,
    )
    assert tally.times == [] and list(tally.errors) == ["sign-in: bg-canbo could not sign in (200)"]


def test_paced_people_ask_at_most_once_per_pace(live_server, transactional_db, staff, leader):
    """At a pace of 0.5 s for 2 s, each person asks at most 5 times (from a random moment of
    their first half second, then every half second, one maybe still running at the end),
    where without a pace they ask again as soon as answered (tens of times here)."""
    host, port = live_server.url.removeprefix("http://").split(":")
    page = reverse("admin:members_member_changelist")
    people = [load.Visitor("bg-canbo", [page]), load.Visitor("bg-lanhdao", [page])]
    tally, seconds = load.run(
        people, host=host, port=int(port), password=PASSWORD, seconds=2, https=False, pace=0.5
    )
    figures = load.summary(tally, seconds, users=len(people), pace=0.5)
    assert figures["errors"] == 0
    assert 2 <= figures["requests"] <= 2 * 5
    assert figures["offered_rps"] == 4.0  # 2 people, one request each half second
    assert figures["rps"] <= figures["offered_rps"] * 1.25
    assert figures["client_cpu_ms_per_request"] > 0
    assert load.summary(tally, seconds)["offered_rps"] is None  # no pace: as many as answered


@pytest.mark.parametrize("pace", [0, -1])
def test_a_pace_is_a_number_of_seconds_above_zero(pace):
    with pytest.raises(ValueError, match="pace"):
        load.run([], host="127.0.0.1", port=80, password="x", seconds=1, pace=pace)


def test_the_processor_time_of_the_server_processes_is_measured():
    """bench_load's figures per request of gunicorn's workers and PostgreSQL's connections:
    what a set of processes used while the block ran, read from /proc."""
    assert cpu_seconds(os.getpid()) > 0
    assert cpu_seconds(2**22 + 1) is None  # beyond any process id: gone, counts nothing
    with CpuMeter(lambda: [os.getpid()], interval=0.05) as meter:
        started = time.process_time()
        while time.process_time() - started < 0.3:  # busy
            pass
    assert 0.2 <= meter.seconds <= 5


class ClosesWhenIdle(http.server.BaseHTTPRequestHandler):
    """Answers each GET and keeps the connection alive by its headers, then closes it: the
    kept-alive connection a server closes as the next request is sent (gunicorn's threaded
    workers, past their idle limit)."""

    protocol_version = "HTTP/1.1"
    connections: list[int] = []

    def setup(self):
        super().setup()
        self.connections.append(1)

    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
        self.close_connection = True

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def closing_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ClosesWhenIdle)
    ClosesWhenIdle.connections = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_get_on_a_connection_the_server_closed_is_sent_again_once(closing_server):
    session = load.Session("127.0.0.1", closing_server, https=False)
    assert session.request("GET", "/a") == (200, b"ok")
    time.sleep(0.1)  # the server has closed the connection it kept alive
    assert session.request("GET", "/b") == (200, b"ok")  # sent again, on a new connection
    assert len(ClosesWhenIdle.connections) == 2


def test_a_post_on_a_connection_the_server_closed_is_an_error(closing_server):
    session = load.Session("127.0.0.1", closing_server, https=False)
    assert session.request("GET", "/a") == (200, b"ok")
    time.sleep(0.1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
        session.request("POST", "/b", "x=1")  # it may have changed something: not sent again
