"""What an import found and did: counts for the command's last line, details for the preview,
and the file of invalid rows to fix and send again."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils import formats
from django.utils.translation import gettext as _

from organizations.imports.results import ChangedLine, Details, InvalidLine, RestoredZero


@dataclass
class ImportOutcome:
    file_name: str
    sha256: str
    read_as: str
    header_line: int
    headers: list[str]
    ignored_columns: list[str]
    counted_on: datetime.date
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    # The first of each kind of detail (all of them unless the import was told how many to
    # keep), and how many there were in `.total`.
    invalid_lines: Details[InvalidLine] = field(default_factory=Details)
    changed_lines: Details[ChangedLine] = field(default_factory=Details)
    restored: Details[RestoredZero] = field(default_factory=Details)
    not_in_list: list = field(default_factory=list)  # Enterprise, with zone
    zones: list[str] = field(default_factory=list)
    new_zones: list[str] = field(default_factory=list)
    written: bool = False  # whether the database holds the import now
    record: object = None  # the EnterpriseImport, once written

    @property
    def summary(self) -> str:
        """The command's last line."""
        return (
            f"created={self.created} updated={self.updated} "
            f"unchanged={self.unchanged} invalid={self.invalid}"
        )

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.invalid

    def errors_csv(self) -> bytes:
        """The file of invalid rows (see `write_errors_csv`) as bytes."""
        out = io.BytesIO()
        self.write_errors_csv(out)
        return out.getvalue()

    def write_errors_csv(self, file: BinaryIO) -> None:
        """Write the invalid rows kept (see `InvalidRowsFile`) to `file`."""
        with InvalidRowsFile(file, self.headers) as errors:
            for invalid in self.invalid_lines:
                errors.add(invalid)


class InvalidRowsFile:
    """The file of invalid rows, written as they are found: the file's own columns and a "Lỗi"
    column, in UTF-8 with a BOM so that Excel opens it with its Vietnamese intact. A row at a
    time, so that the file's size, not a copy of it, is what a long list of errors costs. Fixed,
    it imports as it is. Use it as a context manager; `file` stays open, it is the caller's."""

    def __init__(self, file: BinaryIO, headers: list[str]):
        self.file = file
        self.headers = headers
        self.text = None

    def __enter__(self):
        return self

    def add(self, invalid: InvalidLine) -> None:
        if self.text is None:  # the header line with the first invalid row: none without
            self.text = io.TextIOWrapper(
                self.file, encoding="utf-8-sig", newline="", write_through=False
            )
            self.writer = csv.writer(self.text, lineterminator="\r\n")
            self.writer.writerow([*self.headers, _("Error")])
            self.width = len(self.headers)
            self.line = _("Line")
        messages = "; ".join(
            f"{self.line} {invalid.line}" + (f", {column}" if column else "") + f": {message}"
            for column, message in invalid.errors
        )
        values = invalid.values[: self.width]
        cells = [_cell(value) for value in values] + [""] * (self.width - len(values))
        self.writer.writerow([*cells, messages])

    def __exit__(self, *exc_info):
        if self.text is not None:
            self.text.flush()
            self.text.detach()
            self.text = None


_NUMBER = re.compile(r"[-+]?[\d.,]+")


def _cell(value) -> str:
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    text = "" if value is None else str(value)
    # A cell Excel would run as a formula is neutralised, as in exports; numbers stay numbers.
    if text[:1] in ("=", "+", "-", "@") and not _NUMBER.fullmatch(text):
        text = "'" + text
    return text
