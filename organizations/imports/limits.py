"""How much a list may hold (settings.UPLOAD_LIMITS), read when a file is read so that a
deployment or a test may change them; and the refusals of a file that holds more."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kcn_party.uploads import megabytes
from organizations.imports.errors import ImportRefused, refused


@dataclass(frozen=True)
class Limits:
    columns: int
    rows: int
    cells: int
    line_bytes: int
    unzipped_bytes: int

    @classmethod
    def current(cls) -> Limits:
        limits = settings.UPLOAD_LIMITS
        return cls(
            columns=limits["COLUMNS"],
            rows=limits["ROWS"],
            cells=limits["CELLS"],
            line_bytes=limits["LINE_BYTES"],
            unzipped_bytes=limits["UNZIPPED_BYTES"],
        )

    @property
    def line_size(self) -> str:
        return megabytes(self.line_bytes)


def grouped(value: int) -> str:
    """1.000.000, as Vietnamese writes it (1,000,000 in English)."""
    return number_format(value, force_grouping=True)


def too_many_rows(limits: Limits) -> ImportRefused:
    message = _(
        "The file has more than %(limit)s rows. Split it into several files and upload them one "
        "by one."
    )
    return refused("too_large", message, limit=grouped(limits.rows))


def too_many_cells(limits: Limits) -> ImportRefused:
    message = _(
        "The file has more than %(limit)s cells. Split it into several files and upload them "
        "one by one."
    )
    return refused("too_large", message, limit=grouped(limits.cells))


def too_many_columns(line: int, count: int, limits: Limits) -> ImportRefused:
    message = _(
        "Line %(line)s has %(count)s columns; a list may have at most %(limit)s. Delete the "
        "columns that are not part of the list and upload the file again."
    )
    return refused(
        "too_large", message, line=line, count=grouped(count), limit=grouped(limits.columns)
    )
