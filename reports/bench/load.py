"""A load test against a running server: simulated staff and leaders of the demo committees,
each signed in once, requesting the main lists, a member's page and their committee's page
one after the other for a fixed time, over keep-alive connections, as a browser behind nginx
would (X-Forwarded-Proto: https). Only ever against 127.0.0.1: `manage.py bench_load`.

People pause between pages: with `pace`, each one starts a request at most every `pace`
seconds (as locust's constant_pacing: a page answered in 0.2 s is followed by 0.8 s of reading
at a pace of 1 s; one answered in 1.3 s by the next at once), from a random moment of their
first `pace` seconds, so that they do not all ask at once. Without it they never pause (a
closed loop: each asks again as soon as answered), which measures how much the server can do,
not how people use it. `users / pace` requests per second are offered; the figures say how
many were achieved.

The figures: requests, requests per second offered and achieved, the median, p95 and p99 of
the response times, the errors (any answer other than 200, or no answer), and the processor
time of the client itself (it runs on the same machine as the server)."""

from __future__ import annotations

import http.client
import math
import random
import re
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Visitor:
    """One simulated person: an account, and the pages they read in turn."""

    username: str
    paths: Sequence[str]


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)  # seconds, one per answered request
    errors: dict[str, int] = field(default_factory=dict)
    client_cpu: float = 0.0  # seconds of processor the client itself used while measuring

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Session:
    """A keep-alive connection with its cookies, as one browser tab."""

    def __init__(self, host: str, port: int, *, https: bool = True):
        self.host, self.port, self.https = host, port, https
        self.origin = f"{'https' if https else 'http'}://{host}:{port}"
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self._cookie_header = ""
        self._answered = False  # whether this connection was kept alive after an answer

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        """The answer's status and body (bytes: the client reads no page but the sign-in's).

        A server closes a kept-alive connection that stayed idle past its limit (gunicorn's
        threaded workers after 2 s: the people wait at the start while all of them sign in);
        a request sent on it as it closes gets no answer. A browser then sends the request
        again on a new connection, once, if the request changes nothing (RFC 9112, 9.3.1):
        so does this client. Any other failure is the error it is."""
        reused = self._answered
        try:
            return self._send(method, path, body)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not (reused and method == "GET"):
                raise
            return self._send(method, path, body)

    def _send(self, method: str, path: str, body: str | None) -> tuple[int, bytes]:
        headers = {"Accept-Language": "vi", "Connection": "keep-alive"}
        if self.https:
            headers["X-Forwarded-Proto"] = "https"  # as nginx says it, in front of the application
        if self.cookies:
            headers["Cookie"] = self._cookie_header
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self._answered = False
            raise
        # http.client opens a new connection by itself after an answer that closed it.
        self._answered = not response.will_close
        set_cookies = response.headers.get_all("Set-Cookie")
        if set_cookies:
            for header in set_cookies:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            self._cookie_header = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return response.status, content

    def sign_in(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/admin/login/")
        token = CSRF_FIELD.search(page.decode("utf-8", "replace"))
        if status != 200 or token is None:
            raise RuntimeError(f"the sign-in page answered {status}")
        form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        status, _ = self.request("POST", "/admin/login/?next=/admin/", urlencode(form))
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")


def run(
    visitors: Sequence[Visitor],
    *,
    host: str,
    port: int,
    password: str,
    seconds: float,
    https: bool = True,
    seed: int = 1,
    pace: float | None = None,
) -> tuple[Tally, float]:
    """Each visitor in a thread of its own: sign in, then request their pages in turn (from a
    random one) until `seconds` have passed, at most one every `pace` seconds if given (see
    the module's docstring), else without pausing. Returns the tally and the seconds measured.
    `https`: the requests come as from nginx ending TLS (X-Forwarded-Proto), as a production
    server behind its proxy expects them; off, as plain HTTP (a test's live server)."""
    if host not in ("127.0.0.1", "localhost"):
        raise ValueError("the load test runs only against this machine (127.0.0.1)")
    if pace is not None and pace <= 0:
        raise ValueError("the pace is a number of seconds above 0")
    tally, lock = Tally(), threading.Lock()
    ready = threading.Barrier(len(visitors) + 1)
    stop = threading.Event()

    def visit(visitor: Visitor, number: int) -> None:
        session = Session(host, port, https=https)
        try:
            session.sign_in(visitor.username, password)
        except (RuntimeError, OSError, http.client.HTTPException) as error:
            with lock:
                tally.error(f"sign-in: {error}")
        ready.wait()
        if not session.cookies.get("sessionid"):
            return
        paths = list(visitor.paths)
        chance = random.Random(seed + number)  # noqa: S311 - not secret
        turn = chance.randrange(len(paths))
        due = time.perf_counter() + (chance.uniform(0, pace) if pace else 0.0)
        while not stop.is_set():
            # Reading the page until the next is due (at once without a pace, or when the last
            # answer took longer than the pace); stop.wait returns early when the time is up.
            if pace and stop.wait(max(0.0, due - time.perf_counter())):
                break
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
            due = started + (pace or 0.0)
            try:
                status, _ = session.request("GET", path)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    tally.error(type(error).__name__)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    tally.times.append(elapsed)
                else:
                    tally.error(f"{status} {path.split('?')[0]}")

    threads = [
        threading.Thread(target=visit, args=(visitor, number), daemon=True)
        for number, visitor in enumerate(visitors)
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    started, started_cpu = time.perf_counter(), time.process_time()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    tally.client_cpu = time.process_time() - started_cpu
    return tally, time.perf_counter() - started


def percentile(times: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of `times`."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def summary(tally: Tally, seconds: float, *, users: int = 0, pace: float | None = None) -> dict:
    """The figures of a run. `users` and `pace`: the rate offered (requests per second the
    people would make if every answer came at once; None without pauses: as many as served)."""
    times = tally.times
    return {
        "requests": len(times),
        "seconds": round(seconds, 1),
        "offered_rps": round(users / pace, 1) if pace and users else None,
        "rps": round(len(times) / seconds, 1) if seconds else 0.0,
        "median_ms": round(statistics.median(times) * 1000) if times else 0,
        "p95_ms": round(percentile(times, 0.95) * 1000),
        "p99_ms": round(percentile(times, 0.99) * 1000),
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(sorted(tally.errors.items())),
        "client_cpu_ms_per_request": round(tally.client_cpu * 1000 / len(times), 1)
        if times
        else 0.0,
    }
