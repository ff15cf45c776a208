"""Memory given back to the system after a large request.

glibc keeps the memory a process frees for its own later use. After the preview of a national
.xlsx list, what reading it took stayed with the server process for good (issue 8);
`malloc_trim` returns it. Elsewhere than on
glibc, nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


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
