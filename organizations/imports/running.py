"""An import from the file's bytes to its outcome, as every kind of list runs it: the file
opened and its header found, then the rows below the header handed to the kind's resource
(`base.ListResource.import_rows`), then the counts and details gathered into the outcome."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils import timezone

from organizations.imports.columns import ImportKind
from organizations.imports.headers import HeaderMap, locate
from organizations.imports.outcome import ImportOutcome, InvalidRowsFile
from organizations.imports.reading import read_rows
from organizations.imports.results import ImportResult


@dataclass
class OpenedList:
    sha256: str
    read_as: str
    header: HeaderMap
    rows: Iterator[tuple[int, list]]  # below the header: each row's line and cells as read

    def invalid_rows_file(self, file: BinaryIO | None):
        """A context for the file of invalid rows written to `file` as they are found (None
        when there is no file: they are kept in the outcome)."""
        if file is None:
            return contextlib.nullcontext()
        return InvalidRowsFile(file, self.header.headers)

    def outcome(self, *, file_name: str, counted_on: datetime.date, dry_run: bool):
        return ImportOutcome(
            file_name=file_name,
            sha256=self.sha256,
            read_as=self.read_as,
            header_line=self.header.line,
            headers=self.header.headers,
            ignored_columns=self.header.ignored,
            counted_on=counted_on,
            dry_run=dry_run,
        )


def open_list(source: bytes | BinaryIO, kind: ImportKind, *, required: tuple[str, ...]):
    """Open `source` and find its header among the columns of `kind`; its rows are read as the
    import goes. Raises ImportRefused (from `rows` too, for a row further down that is wrong)."""
    data = source if isinstance(source, bytes) else source.read()
    sha256 = hashlib.sha256(data).hexdigest()
    rows = read_rows(data)  # holds the bytes until its last row is read
    header = locate(rows.table(), kind, required=required)
    return OpenedList(sha256, rows.read_as, header, rows.below(header.row_index))


@dataclass(frozen=True)
class RunFlags:
    """How an import runs: the caller's dry run, skipping of invalid rows, and details kept."""

    dry_run: bool = False
    skip_invalid: bool = False
    keep_details: bool = True
    shown: int | None = None


def prepare(opened: OpenedList, settings_class, file_name: str, flags: RunFlags, **fields):
    """The settings of an import of `opened` (counted today) and its outcome, still empty."""
    settings = settings_class(
        counted_on=timezone.localdate(),
        dry_run=flags.dry_run,
        skip_invalid=flags.skip_invalid,
        keep_details=flags.keep_details,
        shown=flags.shown,
        **fields,
    )
    outcome = opened.outcome(
        file_name=file_name, counted_on=settings.counted_on, dry_run=flags.dry_run
    )
    return settings, outcome


def fill_outcome(outcome: ImportOutcome, result: ImportResult) -> ImportOutcome:
    """The counts and details of `result` in `outcome`. An unexpected exception on a row is
    raised, never hidden."""
    if result.has_errors():
        error = (result.base_errors or result.error_rows[0].errors)[0]
        raise error.error
    totals = result.totals
    outcome.created, outcome.updated = totals["new"], totals["update"]
    outcome.unchanged = totals["skip"]
    outcome.invalid = totals["invalid"] + totals["error"]
    outcome.invalid_lines = result.invalid_lines
    outcome.changed_lines = result.changed_lines
    outcome.restored = result.restored
    return outcome
