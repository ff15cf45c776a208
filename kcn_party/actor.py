"""Who is acting, for the records that say who changed what before the audit trail (issue 13)
takes over: the signed-in account of the request (`ActorMiddleware`), or the account a service
was given as `by` (`acting(by)`). Nothing here decides access; it only remembers.

A context variable rather than a thread-local: each request and each `acting` block sees its
own value, under threads and under asyncio alike, and it falls back to None (nobody known: a
command or the demo loader) outside both."""

from __future__ import annotations

import contextlib
import contextvars
import functools

_current = contextvars.ContextVar("kcn_party_actor", default=None)


def current():
    """The account acting now, or None (a process no account runs, or nobody known)."""
    return _current.get()


@contextlib.contextmanager
def acting(by):
    """Within the block, `by` is the one acting (an account, or organizations.access.SYSTEM)."""
    token = _current.set(by)
    try:
        yield
    finally:
        _current.reset(token)


def account(by):
    """`by` as an account to store in a foreign key: None for SYSTEM, nobody, or anything
    that is not a signed-in account."""
    if by is None or not getattr(by, "is_authenticated", False):
        return None
    return by


def as_by(service):
    """Run `service` with its `by` keyword as the one acting, when it is an account: the
    records it writes (the change trail's entries) name that account, whoever calls it (the
    admin, a command's `--user`, a test). SYSTEM and None leave the one acting as it was."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        by = kwargs.get("by")
        if account(by) is None:
            return service(*args, **kwargs)
        with acting(by):
            return service(*args, **kwargs)

    return run
