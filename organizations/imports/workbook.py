"""An .xlsx workbook's real size, found before its sheet is read (`sheet.read_sheet`).

python-calamine, which read workbooks before, built a sheet's range as one dense block, from
its first to its last cell: a 1.6 KB file with headers and one cell at XFD1048576 asked for
512 GB and Rust aborted the server process, which Python cannot catch. The sheet is now read as
it streams, but what a list may hold is still checked first, and nothing in the file can be
trusted for its size: the `<dimension>` element may lie or be missing, and a part's declared
size may lie too (a zip bomb). So before the sheet is read:

- the archive's parts are counted, and names equal but for case are refused (calamine finds a
  part by its name in any case);
- each part calamine reads when it opens a workbook (shared strings, styles, the workbook and
  its relationships) and the sheet to be read are unpacked here, in chunks, and measured: their
  real sizes must be the declared ones, and together under settings.UPLOAD_LIMITS
  ["UNZIPPED_BYTES"];
- the sheet is chosen as the import reads it (the first visible worksheet) and its cell
  references are scanned as the chunks stream by, for the last row and the columns used. Cells
  written the usual way (`<c r="B7"`) are scanned with regular expressions; a sheet written any
  other way (cells without a reference, which Excel places after the previous one) is read
  with expat, placing each cell as calamine does.

Every cell counts, even one kept only for its formatting: the size found is never smaller than
calamine's range was (the check keeps calamine's rules, the import's before). A sheet over the
limits is refused, naming its last cell; the check also tells the reader where the rows begin,
whether every cell is written the usual way, and whether dates count from 1904.
"""

from __future__ import annotations

import copy
import io
import pyexpat
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kcn_party.uploads import megabytes
from organizations.imports.errors import ImportRefused, refused
from organizations.imports.limits import Limits, grouped

CHUNK = 1024 * 1024  # unpacked bytes scanned at a time
MAX_PARTS = 10_000  # a workbook has tens of parts; the archive's directory is read in full
MAX_TAG = 1024 * 1024  # no tag of a sheet is this long
# A sheet written without cell references is read with expat, about 250 ns an element: this
# bounds the time a crafted sheet of empty elements can take (Excel never writes one).
MAX_ELEMENTS = 25_000_000
OPENED = ("xl/sharedstrings.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels", "xl/workbook.xml")

# A cell written the usual way, with its reference first: the letters, and the row.
_LETTERS = re.compile(rb'<c r="([A-Za-z]{1,3})[0-9]{1,7}"')
_ROWS = re.compile(rb'<c r="[A-Za-z]{1,3}([0-9]{1,7})"')
# Any cell: an element whose local name is "c", with a namespace prefix or without.
_CELL = re.compile(rb"<(?:[^\s<>/!?=]*:)?c[\s/>]")
_REFERENCE = re.compile(r"([A-Za-z]+)([0-9]+)")


@dataclass(frozen=True)
class Sheet:
    name: str
    path: str  # of its part, in lower case


@dataclass
class Extent:
    """The rows and columns a sheet's cells reach (0-based), as calamine will lay them out."""

    last_row: int = -1
    first_column: int | None = None
    last_column: int = -1
    usual: bool = True  # every cell written `<c r="B7"`, without a namespace prefix

    def add(self, row: int, first_column: int, last_column: int) -> None:
        self.last_row = max(self.last_row, row)
        if self.first_column is None or first_column < self.first_column:
            self.first_column = first_column
        self.last_column = max(self.last_column, last_column)

    @property
    def rows(self) -> int:
        """Rows laid out: calamine's rows begin at the sheet's first row, used or not."""
        return self.last_row + 1

    @property
    def columns(self) -> int:
        return 0 if self.first_column is None else self.last_column - self.first_column + 1

    def exceeds(self, limits: Limits) -> bool:
        rows, columns = self.rows, self.columns
        return rows > limits.rows or columns > limits.columns or rows * columns > limits.cells


def unreadable() -> ImportRefused:
    return ImportRefused(
        _(
            "The file cannot be opened as an Excel workbook (.xlsx). Open it in Excel, save it "
            "as “Excel Workbook (.xlsx)” or “CSV UTF-8”, and upload it again."
        ),
        "xlsx",
    )


def _too_large_unpacked(limits: Limits) -> ImportRefused:
    message = _(
        "The workbook is damaged or too large once unpacked (more than %(limit)s). Open it in "
        "Excel, save it again as “Excel Workbook (.xlsx)” and upload it again."
    )
    return refused("unzipped", message, limit=megabytes(limits.unzipped_bytes))


@dataclass(frozen=True)
class CheckedSheet:
    """The sheet to read, found within the limits, and what reading it takes."""

    name: str
    part: str  # the sheet's part, as the archive names it
    strings: str | None  # the shared strings' part, if any
    styles: str | None  # the styles' part (which cells are dates), if any
    first_column: int  # 0-based: rows are read from the first column used
    usual: bool  # every cell written the usual way (`<c r="B7"`), for the quick reading
    date1904: bool  # dates counted from 1904 (old Mac workbooks), not 1900


def check_workbook(data: bytes, limits: Limits) -> CheckedSheet:
    """Check the workbook `data` against `limits`; returns the sheet to read. Raises
    ImportRefused."""
    if data.count(b"PK\x01\x02") > MAX_PARTS:  # each part's entry in the archive's directory
        raise unreadable()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise unreadable() from exc
    with archive:
        parts: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            name = info.filename.lower()
            if name in parts:  # which one calamine would read is not ours to guess
                raise unreadable()
            parts[name] = info
        budget = _Budget(limits)
        for name in OPENED:
            if name in parts:
                budget.measure(archive, parts[name])
        sheet = _chosen_sheet(archive, parts)
        if sheet.path not in parts:
            raise unreadable()
        extent = _scan(archive, parts[sheet.path], budget)
        date1904 = any(
            attrs.get("date1904", "").lower() in ("1", "true")
            for attrs in _elements(archive, parts.get("xl/workbook.xml"), "workbookPr")
        )
    _check_extent(sheet, extent, limits)
    strings, styles = parts.get("xl/sharedstrings.xml"), parts.get("xl/styles.xml")
    return CheckedSheet(
        name=sheet.name,
        part=parts[sheet.path].filename,
        strings=strings.filename if strings else None,
        styles=styles.filename if styles else None,
        first_column=extent.first_column or 0,
        usual=extent.usual,
        date1904=date1904,
    )


class _Budget:
    """Unpacked bytes left for the parts calamine reads."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.left = limits.unzipped_bytes

    def open(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
        """The part's unpacked bytes, read up to the budget whatever size it declares: Python's
        zipfile would stop at the declared size, which may lie."""
        if info.file_size > self.left:
            raise _too_large_unpacked(self.limits)
        probe = copy.copy(info)
        probe.file_size = self.left + 1
        try:
            return archive.open(probe)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
            raise unreadable() from exc  # damaged, encrypted, or packed in an unknown way

    def chunks(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
        """The part in chunks; refused when it unpacks past the budget or to another size than
        it declares."""
        size = 0
        with self.open(archive, info) as part:
            while True:
                try:
                    chunk = part.read(CHUNK)
                except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:  # bad CRC...
                    raise unreadable() from exc
                if not chunk:
                    break
                size += len(chunk)
                if size > self.left:
                    raise _too_large_unpacked(self.limits)
                yield chunk
        if size != info.file_size:
            raise unreadable()
        self.left -= size

    def measure(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        for _chunk in self.chunks(archive, info):
            pass

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        return b"".join(self.chunks(archive, info))


# --- Which sheet: the first visible worksheet, found as calamine finds it ------------------------


def _chosen_sheet(archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo]) -> Sheet:
    targets = {}  # relationship id -> part path, as calamine resolves it
    for attrs in _elements(archive, parts.get("xl/_rels/workbook.xml.rels"), "Relationship"):
        target = attrs.get("Target", "")
        if target.startswith("/xl/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = f"xl/{target}"
        targets[attrs.get("Id", "")] = target
    sheets = []
    for attrs in _elements(archive, parts.get("xl/workbook.xml"), "sheet"):
        relationship = attrs.get("r:id", attrs.get("relationships:id"))
        path = targets.get(relationship, "")
        visible = attrs.get("state", "visible") == "visible"
        worksheet = path.split("/")[1:2] == ["worksheets"]
        sheets.append((Sheet(attrs.get("name", ""), path.lower()), visible and worksheet))
    if not sheets:
        raise unreadable()
    chosen = next((sheet for sheet, readable in sheets if readable), sheets[0][0])
    # Calamine reads the first sheet of that name, should two have it.
    return next(sheet for sheet, _readable in sheets if sheet.name == chosen.name)


def _elements(archive, info, local_name: str) -> list[dict]:
    """The attributes (names as written) of every element called `local_name` in a small
    part, read with expat (which refuses entity expansion bombs)."""
    if info is None:
        return []
    found = []
    parser = pyexpat.ParserCreate()

    def start(name, attrs):
        if name.rpartition(":")[2] == local_name:
            found.append(attrs)

    parser.StartElementHandler = start
    try:
        parser.Parse(_small_budget().read(archive, info), True)
    except pyexpat.ExpatError as exc:
        raise unreadable() from exc
    return found


def _small_budget() -> _Budget:
    """The workbook's own parts are a few kilobytes; 16 MB is more than any real one."""
    limits = Limits(columns=0, rows=0, cells=0, line_bytes=0, unzipped_bytes=16 * 1024 * 1024)
    return _Budget(limits)


# --- How far the sheet's cells reach ------------------------------------------------------------


def column_number(letters: str) -> int:
    """A1 is column 1, Z1 26, AA1 27, XFD1 16384."""
    number_ = 0
    for letter in letters.upper():
        number_ = number_ * 26 + ord(letter) - 64
    return number_


def column_letters(number_: int) -> str:
    letters = ""
    while number_:
        number_, rest = divmod(number_ - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _scan(archive, info, budget: _Budget) -> Extent:
    extent = Extent()
    carry = b""
    chunks = budget.chunks(archive, info)
    for chunk in chunks:
        text = carry + chunk
        cut = text.rfind(b"<")  # tags never hold "<": every tag before it is whole
        if cut == -1:
            cut = len(text)
        block, carry = text[:cut], text[cut:]
        if len(carry) > MAX_TAG:
            raise unreadable()
        if not _scan_block(block, extent):
            chunks.close()
            return _scan_exactly(archive, info, budget)
    if carry and not _scan_block(carry, extent):
        return _scan_exactly(archive, info, budget)
    return extent


def _scan_block(block: bytes, extent: Extent) -> bool:
    """Add the cells of `block` to `extent`; False when some cell is not written the usual
    way (without its reference first, or with a namespace prefix)."""
    letters = _LETTERS.findall(block)
    cells = block.count(b"<c")  # <col>, <cols>... count too: then count exactly
    if cells != len(letters) or b":c" in block:
        cells = len(_CELL.findall(block))
        if cells != len(letters):
            return False
    if not letters:
        return True
    columns = [column_number(text.decode()) - 1 for text in set(letters)]
    last_row = max(map(int, _ROWS.findall(block))) - 1
    extent.add(last_row, min(columns), max(columns))
    return True


def _scan_exactly(archive, info, budget: _Budget) -> Extent:
    """Every cell placed as calamine places it: by its reference, else after the previous cell
    of its row; a row without a number follows the previous row."""
    extent = Extent(usual=False)
    state = {"row": 0, "column": 0, "elements": 0}

    def reference(text: str) -> tuple[int, int]:
        match = _REFERENCE.fullmatch(text)
        if match is None or int(match[2]) == 0:
            raise unreadable()  # calamine could not read it either
        return int(match[2]) - 1, column_number(match[1]) - 1

    def start(name, attrs):
        state["elements"] += 1
        if state["elements"] > MAX_ELEMENTS:
            raise unreadable()  # saved again from Excel, it is read the quick way
        local = name.rpartition(":")[2]
        if local == "row" and "r" in attrs:
            if not attrs["r"].isdigit() or int(attrs["r"]) == 0:
                raise unreadable()
            state["row"] = int(attrs["r"]) - 1
        elif local == "c":
            if "r" in attrs:
                row, state["column"] = reference(attrs["r"])
            else:
                row = state["row"]
            extent.add(row, state["column"], state["column"])

    def end(name):
        local = name.rpartition(":")[2]
        if local == "c":
            state["column"] += 1
        elif local == "row":
            state["row"] += 1
            state["column"] = 0

    parser = pyexpat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    since_tag = 0  # bytes since the last ">": expat keeps a tag whole until it ends
    try:
        for chunk in budget.chunks(archive, info):
            end = chunk.rfind(b">")
            since_tag = since_tag + len(chunk) if end == -1 else len(chunk) - end - 1
            if since_tag > MAX_TAG:
                raise unreadable()
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except pyexpat.ExpatError as exc:
        raise unreadable() from exc
    return extent


def _check_extent(sheet: Sheet, extent: Extent, limits: Limits) -> None:
    if not extent.exceeds(limits):
        return
    rows, columns = extent.rows, extent.columns
    raise ImportRefused(
        _(
            "The sheet “%(sheet)s” has data as far as cell %(cell)s: %(rows)s rows × %(columns)s "
            "columns = %(cells)s cells, more than a list may have (at most %(max_columns)s "
            "columns, %(max_rows)s rows and %(max_cells)s cells). Delete what lies outside the "
            "list (in Excel, Ctrl+End goes to the last cell), save the file and upload it again."
        )
        % {
            "sheet": sheet.name[:60],
            "cell": f"{column_letters(extent.last_column + 1)}{extent.last_row + 1}",
            "rows": grouped(rows),
            "columns": grouped(columns),
            "cells": grouped(rows * columns),
            "max_columns": grouped(limits.columns),
            "max_rows": grouped(limits.rows),
            "max_cells": grouped(limits.cells),
        },
        "too_large",
    )
