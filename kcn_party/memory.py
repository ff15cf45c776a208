"""The server process's memory: settled once it has loaded, given back after a large request.

A server process holds tens of thousands of objects that live as long as it does: Django's,
the apps' modules, the URLconf, the models. Python's collector walked all of them on each full
collection, a pause of 50–150 ms that fell on whatever request was running (a dashboard's p95
was 260–320 ms against a median of 170 ms, docs/benchmarks.md); `settle` moves them out of its
reach once they are loaded (gc.freeze), as the server's workers start.

glibc keeps the memory a process frees for its own later use. After the preview of a national
.xlsx list, what reading it took stayed with the server process for good (issue 8);
`malloc_trim` returns it. Elsewhere than on
glibc, nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc


@functools.cache
def _trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def give_back() -> None:
    """Return the memory freed so far to the system, where the C library allows it."""
    trim = _trim()
    if trim is not None:
        trim(0)


def settle() -> None:
    """Load what the requests will need (every view, through the URLconf), then leave what is
    alive now out of the collector's walks for good: it lives as long as the process."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view and what they import
    gc.collect()
    gc.freeze()
