"""Which column of a kind of list (`columns.ImportKind`) is which, however the board spelled
its headers.

Headers are matched loosely: with or without diacritics, in any case and spacing, with the
short forms boards use (MST, Tên DN, KCN, Lao động...), and with anything in brackets left out
("Số lao động (người)"). A numbering column (STT) is ignored. The header row is the first of
the top rows that names known columns, so a title above the table does not matter.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from organizations.imports.columns import ImportKind
from organizations.imports.errors import ImportRefused
from organizations.imports.limits import grouped
from organizations.imports.reading import Table
from organizations.imports.text import fold

# Numbering columns, and the "Lỗi" column of our own file of invalid rows (so that a corrected
# file of errors can be imported as it is).
IGNORED = frozenset({"", "stt", "tt", "so tt", "so thu tu", "no", "loi", "error"})
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
HEADER_SEARCH_ROWS = 15
SHOWN_COLUMNS = 20  # columns named in a message; the others are counted
SHOWN_LENGTH = 60  # characters of a column's name in a message


def match(header: str, kind: ImportKind) -> str | None:
    """The key of the column of `kind` that `header` names, "" for a column to ignore, None
    when unknown."""
    folded = fold(header)
    if folded in IGNORED:
        return ""
    synonyms = kind.synonyms
    if folded in synonyms:
        return synonyms[folded]
    bare = fold(_BRACKETS.sub(" ", header))
    if bare in IGNORED:
        return ""
    return synonyms.get(bare)


@dataclass
class HeaderMap:
    """Where the header row is and which cell holds which column."""

    row_index: int  # index of the header row in Table.rows
    line: int
    headers: list[str]  # as the file names them, made unique
    positions: dict[str, int] = field(default_factory=dict)  # key -> cell index
    ignored: list[str] = field(default_factory=list)  # headers not understood
    # The date the list states above its headers ("Số liệu đến ngày 30/06/2025"), if any.
    stated_on: datetime.date | None = None

    def name(self, key: str) -> str:
        """The header of column `key` as the file spells it."""
        return self.headers[self.positions[key]]


def listed(names: list[str]) -> str:
    """“A”, “B”…: the first SHOWN_COLUMNS names, each shortened, then how many more, so that a
    file of a million columns does not make a message of megabytes."""
    shown = ", ".join(
        f"“{name[:SHOWN_LENGTH]}…”" if len(name) > SHOWN_LENGTH else f"“{name}”"
        for name in names[:SHOWN_COLUMNS]
    )
    if len(names) <= SHOWN_COLUMNS:
        return shown
    return _("%(columns)s and %(count)s more") % {
        "columns": shown,
        "count": grouped(len(names) - SHOWN_COLUMNS),
    }


def _unique(headers: list) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for number, header in enumerate(headers, start=1):
        header = str(header) if header != "" else f"#{number}"
        if header in seen:
            seen[header] += 1
            header = f"{header} ({seen[header]})"
        else:
            seen[header] = 1
        unique.append(header)
    return unique


def locate(table: Table, kind: ImportKind, *, required: tuple[str, ...]) -> HeaderMap:
    """Find the header row among the table's first rows, and the columns of `kind`. Raises
    ImportRefused when a required column is missing (naming the columns found) or when two
    columns claim the same meaning."""
    best_index, best_score = 0, 0
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        score = sum(1 for cell in row if isinstance(cell, str) and match(cell, kind))
        if score > best_score:
            best_index, best_score = index, score
        if score >= 3:
            break
    header_row = table.rows[best_index]
    headers = _unique(header_row)
    found = HeaderMap(
        row_index=best_index,
        line=table.lines[best_index],
        headers=headers,
        stated_on=stated_date(table.rows[:best_index]),
    )
    for position, (raw, header) in enumerate(zip(header_row, headers, strict=True)):
        key = match(raw, kind) if isinstance(raw, str) else None
        if key is None:
            if raw != "":
                found.ignored.append(header)
            continue
        if not key:
            continue
        if key in found.positions:
            raise ImportRefused(
                _(
                    "Columns “%(first)s” and “%(second)s” both look like %(column)s. Keep one "
                    "of them and upload the file again."
                )
                % {
                    "first": headers[found.positions[key]][:SHOWN_LENGTH],
                    "second": header[:SHOWN_LENGTH],
                    "column": kind.by_key[key].label,
                },
                "duplicate_column",
            )
        found.positions[key] = position
    missing = [kind.by_key[key].label for key in required if key not in found.positions]
    if missing:
        raise ImportRefused(
            _(
                "Required column not found: %(missing)s. The columns found on line %(line)s "
                "are: %(found)s."
            )
            % {
                "missing": ", ".join(str(label) for label in missing),
                "line": found.line,
                "found": listed([h for h in headers if not h.startswith("#")]) or "—",
            },
            "missing_column",
        )
    return found


# "30/06/2025", "30-6-2025", "ngày 30 tháng 6 năm 2025" in a title line above the headers.
_STATED = re.compile(
    r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)"
    r"|ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})",
    re.IGNORECASE,
)


def stated_date(rows) -> datetime.date | None:
    """The one date the title lines above a list's headers state, or None when they state
    none, or several different ones (which of them would be the counts' is not said)."""
    found = set()
    for row in rows:
        for cell in row:
            if isinstance(cell, datetime.datetime):
                found.add(cell.date())
            elif isinstance(cell, datetime.date):
                found.add(cell)
            elif isinstance(cell, str):
                for match_ in _STATED.finditer(cell):
                    day, month, year = (int(g) for g in match_.groups() if g is not None)
                    with contextlib.suppress(ValueError):
                        found.add(datetime.date(year, month, day))
    return found.pop() if len(found) == 1 else None
