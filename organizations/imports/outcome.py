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

from organizations.imports.resource import ChangedLine, InvalidLine, RestoredZero


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
    invalid_lines: list[InvalidLine] = field(default_factory=list)
    changed_lines: list[ChangedLine] = field(default_factory=list)
    restored: list[RestoredZero] = field(default_factory=list)
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
        """Write the invalid rows to `file` with the file's own columns and a "Lỗi" column, in
        UTF-8 with a BOM so that Excel opens it with its Vietnamese intact; a row at a time, so
        that the file's size, not a copy of it, is what a long list of errors costs. Fixed, it
        imports as it is."""
        text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="", write_through=False)
        try:
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow([*self.headers, _("Error")])
            width = len(self.headers)
            line = _("Line")
            for invalid in self.invalid_lines:
                messages = "; ".join(
                    f"{line} {invalid.line}" + (f", {column}" if column else "") + f": {message}"
                    for column, message in invalid.errors
                )
                values = invalid.values[:width]
                cells = [_cell(value) for value in values] + [""] * (width - len(values))
                writer.writerow([*cells, messages])
            text.flush()
        finally:
            text.detach()  # the file stays open: it is the caller's


_NUMBER = re.compile(r"[-+]?[\d.,]+")


def _cell(value) -> str:
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    text = "" if value is None else str(value)
    # A cell Excel would run as a formula is neutralised, as in exports; numbers stay numbers.
    if text[:1] in ("=", "+", "-", "@") and not _NUMBER.fullmatch(text):
        text = "'" + text
    return text
