"""What an import finds in each row, for the preview and the command: counts for every row,
details only for what is shown.

A list of half a million rows must not keep half a million details: `Details` keeps the first
ones a preview shows and counts the others, and the rows of invalid lines go to the file of
invalid rows as they come (`outcome.InvalidRowsFile`) instead of staying in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS
from import_export.results import Result


@dataclass(slots=True)  # one per invalid row: a national list may have hundreds of thousands
class InvalidLine:
    line: int
    errors: list[tuple[str, str]]  # (column as the file names it, message)
    values: list  # the row as read (without its trailing blank cells), for the file of errors


@dataclass
class ChangedLine:
    line: int
    key: str  # the value rows are merged by (a tax code)
    name: str
    changes: list[tuple[str, str, str]]  # (column, old, new)

    @property
    def tax_code(self) -> str:
        return self.key


@dataclass
class RestoredZero:
    """A key typed as a number whose leading zero Excel dropped, put back."""

    line: int
    typed: str
    tax_code: str


@dataclass
class Absent:
    """An enterprise of a zone the list covers that the list does not name."""

    pk: int
    tax_code: str
    name: str
    status: str
    zone: str


class Details(list):
    """The first `limit` of a series of details (all of them when `limit` is None), and in
    `total` how many there were."""

    def __init__(self, limit: int | None = None):
        super().__init__()
        self.limit = limit
        self.total = 0

    def add(self, item) -> None:
        self.total += 1
        if self.limit is None or len(self) < self.limit:
            self.append(item)


class ImportResult(Result):
    """django-import-export's result of a whole list, read in chunks: one instance gathers the
    counts of every chunk. Row results of valid rows are not kept (on a national list they
    would be the bulk of the memory); invalid rows are handed to `invalid` (see `ListResource`)
    with their line and the row as read."""

    def __init__(self, positions: dict[str, int], shown: int | None, sink=None):
        super().__init__()
        self.positions = positions  # column name -> position, to order messages as the file
        self.invalid_lines = Details(shown)
        self.changed_lines = Details(shown)
        self.restored = Details(shown)
        self.sink = sink  # the file of invalid rows, written as they come (or None: kept)
        self.chunk_lines: list[int] = []  # line of each row of the chunk being imported
        self.chunk_rows: list[list] = []  # each row as read, every column

    def append_row_result(self, row_result):
        if row_result.errors:  # an unexpected exception: kept, the service raises it
            super().append_row_result(row_result)

    def append_invalid_row(self, number, row, validation_error):
        errors = []
        for column, messages in validation_error.message_dict.items():
            column = "" if column == NON_FIELD_ERRORS else column
            errors.extend((column, message) for message in messages)
        errors.sort(key=lambda error: self.positions.get(error[0], -1))
        values = self.chunk_rows[number - 1]
        invalid = InvalidLine(line=self.chunk_lines[number - 1], errors=errors, values=values)
        if self.sink is not None:
            self.sink.add(invalid)
            invalid.values = []  # in the file now: the page shows only the messages
        self.invalid_lines.add(invalid)

    def has_validation_errors(self):
        return bool(self.invalid_lines.total)
