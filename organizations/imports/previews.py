"""The files an import's preview keeps until the staff member confirms or cancels it: the
uploaded list and its file of invalid rows.

They live in one folder of their own (settings.IMPORT_PREVIEW_DIR, by default a folder in the
system's temporary directory), so that those a preview left behind — the browser closed, the
session expired — can be removed by age (`manage.py clean_import_previews`, run by `make run`
and by a timer in production) without touching anything else. Names are random; a name that
is not one of ours is refused.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

_NAME = re.compile(r"[0-9a-f]{32}\.(upload|errors\.csv)")
UPLOAD, ERRORS = "upload", "errors.csv"


def directory() -> Path:
    """The folder, created (readable by this account only) when missing."""
    folder = Path(settings.IMPORT_PREVIEW_DIR or Path(tempfile.gettempdir()) / "kcn-party-imports")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def path(name: str) -> Path:
    """The file `name`; ValueError when it is not a preview file's name."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(name)
    return directory() / name


@contextlib.contextmanager
def create(kind: str) -> Iterator[tuple[str, BinaryIO]]:
    """A new file of `kind` (UPLOAD or ERRORS) open for writing, and its name; removed again
    if the writing fails."""
    name = f"{secrets.token_hex(16)}.{kind}"
    target = path(name)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            yield name, file
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def save(source: BinaryIO, kind: str = UPLOAD) -> str:
    """Copy `source` (an uploaded file) into a new preview file, in chunks; returns its name."""
    with create(kind) as (name, file):
        shutil.copyfileobj(source, file, 1024 * 1024)
    return name


def remove(name: str) -> None:
    with contextlib.suppress(ValueError, OSError):  # not ours, or already gone: nothing to do
        path(name).unlink()


def remove_older_than(seconds: float) -> int:
    """Remove the preview files last written more than `seconds` ago; returns how many."""
    limit = time.time() - seconds
    removed = 0
    for entry in directory().iterdir():
        if not _NAME.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):  # removed meanwhile by its own request
            if entry.stat().st_mtime < limit:
                entry.unlink()
                removed += 1
    return removed
