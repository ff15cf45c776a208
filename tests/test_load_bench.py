"""The load test's own machinery (reports/bench/load.py), against the test's live server: the
figures it gives are only worth something if it signs in, reads pages and counts errors right.
The measurement itself is `make bench-load` (docs/benchmarks.md)."""

import pytest
from django.urls import reverse

from reports.bench import load

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
