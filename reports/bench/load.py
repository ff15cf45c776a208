"""A load test against a running server: simulated staff and leaders of the demo committees,
each signed in once, requesting the main lists, a member's page and their committee's page
one after the other for a fixed time, over keep-alive connections, as a browser behind nginx
would (X-Forwarded-Proto: https). Only ever against 127.0.0.1: `manage.py bench_load`.

The figures: requests, requests per second, the median, p95 and p99 of the response times,
and the errors (any answer other than 200, or no answer)."""

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

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Session:
    """A keep-alive connection with its cookies, as one browser tab."""

    def __init__(self, host: str, port: int, *, https: bool = True):
        self.host, self.port, self.https = host, port, https
        self.origin = f"{'https' if https else 'http'}://{host}:{port}"
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Accept-Language": "vi", "Connection": "keep-alive"}
        if self.https:
            headers["X-Forwarded-Proto"] = "https"  # as nginx says it, in front of the application
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
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
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, content.decode("utf-8", "replace")

    def sign_in(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/admin/login/")
        token = CSRF_FIELD.search(page)
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
) -> tuple[Tally, float]:
    """Each visitor in a thread of its own: sign in, then request their pages in turn (from a
    random one) until `seconds` have passed. Returns the tally and the seconds measured.
    `https`: the requests come as from nginx ending TLS (X-Forwarded-Proto), as a production
    server behind its proxy expects them; off, as plain HTTP (a test's live server)."""
    if host not in ("127.0.0.1", "localhost"):
        raise ValueError("the load test runs only against this machine (127.0.0.1)")
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
        turn = random.Random(seed + number).randrange(len(paths))  # noqa: S311 - not secret
        while not stop.is_set():
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
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
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return tally, time.perf_counter() - started


def percentile(times: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of `times`."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def summary(tally: Tally, seconds: float) -> dict:
    times = tally.times
    return {
        "requests": len(times),
        "seconds": round(seconds, 1),
        "rps": round(len(times) / seconds, 1) if seconds else 0.0,
        "median_ms": round(statistics.median(times) * 1000) if times else 0,
        "p95_ms": round(percentile(times, 0.95) * 1000),
        "p99_ms": round(percentile(times, 0.99) * 1000),
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(sorted(tally.errors.items())),
    }
