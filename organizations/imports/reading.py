"""Bytes to rows, as management boards really send them, within settings.UPLOAD_LIMITS.

CSV in UTF-8 with or without a byte-order mark, UTF-16 ("Unicode text" from Excel, tab
separated) or Windows-1258, with the separator sniffed (comma, semicolon, tab); .xlsx read as it
streams (`sheet`), numbers and dates kept as Excel typed them. Text is normalised (NFC,
trimmed), blank lines and trailing blank cells are skipped, and every row keeps its physical
line number so that messages point at the line the user sees in Excel. Text typed in the legacy
TCVN3 or VNI fonts is refused with a message explaining how to convert it.

A file is read as it streams, a row at a time (`read_rows`), never whole in memory a second
time: a CSV line by line as it decodes, refused at the first line, row, column or cell over the
limits; a workbook once `workbook.check_workbook` has found its sheet within them, by
`sheet.read_sheet`, only the rows and columns its cells use. An import holds a chunk of rows at
a time, so that its memory does not grow with the list.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.utils.translation import gettext_lazy as _

from organizations.imports.errors import ImportRefused
from organizations.imports.limits import (
    Limits,
    grouped,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from organizations.imports.sheet import read_sheet
from organizations.imports.text import normalize_text, trim_cells
from organizations.imports.workbook import check_workbook

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)
SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}
HEAD_BYTES = 256 * 1024  # enough of a file to sniff its separator and its font
HEAD_ROWS = 2000  # rows read when a file is opened: its header, and a workbook's font check


@dataclass
class Table:
    """The non-blank rows of a file, each with its physical line (row in Excel) number."""

    lines: list[int] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    read_as: str = ""  # how the file was read, for the import record


class Rows:
    """The non-blank rows of a file, each with its physical line (row in Excel) number, read
    as they stream; the first HEAD_ROWS are read when the file is opened (`head`). What is
    wrong with a row further down is raised when it is read."""

    def __init__(self, read_as: str, rows: Iterator[tuple[int, list]]):
        self.read_as = read_as
        self._rows = rows
        self.head: list[tuple[int, list]] = list(islice(rows, HEAD_ROWS))
        if not self.head:
            raise ImportRefused(_("The file is empty."), "empty")

    def table(self) -> Table:
        """The first rows, where the header is."""
        return Table(
            lines=[line for line, _cells in self.head],
            rows=[cells for _line, cells in self.head],
            read_as=self.read_as,
        )

    def __iter__(self) -> Iterator[tuple[int, list]]:
        """Every row, once."""
        head, self.head = self.head, []
        yield from head
        yield from self._rows

    def below(self, index: int) -> Iterator[tuple[int, list]]:
        """The rows after the `index`-th (from 0): those below the header."""
        return islice(self, index + 1, None)


def read_rows(data: bytes) -> Rows:
    """Open a CSV or .xlsx file sent by a board, to be read a row at a time. Raises
    ImportRefused: when opened for what its beginning shows, later for a row that is wrong."""
    if not data or data.isspace():
        raise ImportRefused(_("The file is empty."), "empty")
    limits = Limits.current()
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, limits)
    if data.startswith(OLE_MAGIC):
        raise ImportRefused(
            _(
                "This is an Excel 97-2003 workbook (.xls), which cannot be read. Open it in "
                "Excel, save it as “Excel Workbook (.xlsx)” or “CSV UTF-8”, and upload it again."
            ),
            "xls",
        )
    _refuse_what_is_not_text(data)
    return _read_csv(data, limits)


# What a file that is neither a workbook nor text most often is, by its first bytes.
_NOT_LISTS = [
    (b"%PDF", _("a PDF document")),
    (b"\x89PNG", _("an image (PNG)")),
    (b"\xff\xd8\xff", _("an image (JPEG)")),
    (b"GIF8", _("an image (GIF)")),
    (b"\x7fELF", _("a program")),
    (b"MZ", _("a program")),
    (b"\x1f\x8b", _("a compressed archive (gzip)")),
    (b"Rar!", _("a compressed archive (RAR)")),
    (b"7z\xbc\xaf\x27\x1c", _("a compressed archive (7z)")),
    (b"{\\rtf", _("a Word document (RTF)")),
]
# Bytes that text never has (controls other than tab, line feed, form feed, carriage return).
_CONTROLS = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"


def _refuse_what_is_not_text(data: bytes) -> None:
    """Refuse a file that is neither an .xlsx workbook nor text: named by what it looks like,
    rather than read as text in an unknown encoding (a legacy font, damaged UTF-16)."""
    kind = next((kind for magic, kind in _NOT_LISTS if data.startswith(magic)), None)
    head = data[:4096]
    if kind is None and not data.startswith(
        (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        if head.count(b"\x00") > len(head) // 4:  # UTF-16 without its mark: its characters
            order = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
            text = head[: len(head) // 2 * 2].decode(order, errors="replace")
            head = text.encode("latin-1", errors="replace")  # a control stays a control
        if len(head.translate(None, _CONTROLS)) < len(head) * 0.97:
            kind = _("binary data, not text")
    if kind is not None:
        raise ImportRefused(
            _(
                "This is not a readable Excel or CSV file: it looks like %(kind)s. Upload the "
                "list as an Excel workbook (.xlsx) or a CSV file."
            )
            % {"kind": kind},
            "not_a_list",
        )


def read_table(data: bytes) -> Table:
    """Every row of a CSV or .xlsx file at once (for a short list, or a test). Raises
    ImportRefused."""
    rows = read_rows(data)
    table = Table(read_as=rows.read_as)
    for line, cells in rows:
        table.lines.append(line)
        table.rows.append(cells)
    return table


# --- Encodings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Encoding:
    codec: str  # decodes the whole file, its byte-order mark included
    label: str  # for the import record
    refusal: tuple  # (message, code) when the text does not decode


def _encoding(data: bytes) -> _Encoding:
    """How the file's text is encoded, found without decoding it whole."""
    if data.startswith(codecs.BOM_UTF8):
        return _Encoding("utf-8-sig", "UTF-8 (BOM)", _damaged("utf-8"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _Encoding("utf-16", "UTF-16", _damaged("utf-16"))
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without its mark
        order = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return _Encoding(order, "UTF-16", _damaged(order))
    if _decodes(data, "utf-8"):
        return _Encoding("utf-8", "UTF-8", _damaged("utf-8"))
    # An 8-bit file. Legacy Vietnamese fonts are recognised by their bytes, which read as
    # Latin-1 symbols in the middle of words; anything else is taken as Windows-1258.
    lines = data[:HEAD_BYTES].decode("latin-1").splitlines()[:2000]
    _refuse_legacy_fonts(cell for line in lines for cell in re.split(r"[,;\t]", line))
    refusal = (
        _(
            "The file's text encoding is not recognised. Save it from Excel as "
            "“CSV UTF-8 (Comma delimited)” or as .xlsx and upload it again."
        ),
        "encoding",
    )
    return _Encoding("cp1258", "Windows-1258", refusal)


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether `data` is valid `encoding` text, checked a megabyte at a time rather than by
    decoding a second copy of the whole file."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), 1024 * 1024):
            decoder.decode(view[start : start + 1024 * 1024])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _damaged(encoding: str) -> tuple:
    return (
        _(
            "The file is damaged: it is not valid %(encoding)s text. Save it from Excel "
            "again and upload it again."
        )
        % {"encoding": encoding.upper()},
        "damaged",
    )


def _head(data: bytes, encoding: _Encoding) -> str:
    """The beginning of the file's text."""
    try:
        return codecs.getincrementaldecoder(encoding.codec)().decode(data[:HEAD_BYTES])
    except UnicodeDecodeError as exc:
        raise ImportRefused(*encoding.refusal) from exc


# TCVN3 (ABC) puts Vietnamese letters on Latin-1 symbols (« for ô, ® for đ, § for Đ, ¸ for á,
# the soft hyphen for ư...); VNI writes a base letter followed by a mark (Coâng, Vieät, Ñoàng).
# Read as Unicode, both put characters in the middle of words that Vietnamese never has there.
_TCVN3_SYMBOLS = "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾"
_VNI_ONLY = "øöñÑïûäåëüæ"
_LEGACY = re.compile(
    rf"[A-Za-z][{_TCVN3_SYMBOLS}{_VNI_ONLY}]|[{_TCVN3_SYMBOLS}{_VNI_ONLY}][A-Za-z]|[aeoAEO][âÂêÊ]"
)
_COMBINING = re.compile("[\u0300-\u036f]")
# Letters only Vietnamese Unicode text has: ă đ ơ ư and the precomposed letters with tones.
_VIETNAMESE = re.compile("[ăĂđĐơƠưƯ\u1ea0-\u1ef9]")


def _refuse_legacy_fonts(texts) -> None:
    """Refuse text typed in TCVN3 or VNI: cells with their marks in mid-word and none of the
    letters only Unicode Vietnamese has. Headers are often retyped in Unicode while the rows
    were pasted from an old file, so cells are counted, not characters."""
    legacy = non_ascii = 0
    sample = ""
    for text in texts:
        if not isinstance(text, str) or text.isascii():
            continue
        non_ascii += 1
        if _LEGACY.search(text) and not _VIETNAMESE.search(text):
            legacy += 1
            sample = sample or text
    if legacy >= 2 and legacy * 10 >= non_ascii:
        raise ImportRefused(
            _(
                "The file seems to be typed in a legacy Vietnamese font (TCVN3/ABC such as "
                ".VnTime, or VNI such as VNI-Times), e.g. “%(sample)s”: its letters would be "
                "stored garbled. Convert it to Unicode first (in Unikey: Công cụ → Chuyển mã, "
                "source TCVN3 (ABC) or VNI Windows, destination Unicode), save it as .xlsx or "
                "CSV UTF-8 and upload it again."
            )
            % {"sample": sample.strip()[:60]},
            "legacy_font",
        )


# --- CSV -----------------------------------------------------------------------------------


def _sniff_separator(text: str) -> str:
    """The separator that splits the first lines into the most rows of one same width."""
    sample = text[:65536].splitlines()[:30]
    best, best_score = ",", (0, 0)
    for separator in SEPARATORS:
        widths: dict[int, int] = {}
        try:
            for row in csv.reader(sample, delimiter=separator):
                if len(row) > 1:
                    widths[len(row)] = widths.get(len(row), 0) + 1
        except csv.Error:
            continue
        if widths:
            width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
            if (count, width) > best_score:
                best, best_score = separator, (count, width)
    return best


def _sample_cells(head: str, separator: str):
    """The cells of the first lines, for the legacy fonts' check. A line the csv module cannot
    read ends the sample: reading the file says what is wrong with it."""
    try:
        for row in csv.reader(head[:200_000].splitlines()[:2000], delimiter=separator):
            yield from row
    except csv.Error:
        return


# Characters that need `normalize_text` (invisible ones, odd spaces) or NFC (combining marks):
# one search of each line that has any non-ASCII character.
_SPECIAL = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00a0\u2007\u202f\u3000\u0300-\u036f]")
_COMBINING = re.compile("[\u0300-\u036f]")


class _Lines:
    """The file's physical lines (ended by CRLF, LF or CR, as Excel writes them), decoded as
    they are read and normalised; a line longer than the limit is refused before it is read
    whole. Remembers whether the lines read since `nfc_since()` were all NFC."""

    def __init__(self, data: bytes, encoding: _Encoding, limits: Limits):
        self.stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding.codec, newline="")
        self.encoding = encoding
        self.limits = limits
        self.number = 0
        self.combining = False

    def __iter__(self):
        limit = self.limits.line_bytes
        readline = self.stream.readline
        while True:
            try:
                # Characters are 1 to 4 bytes: at most `limit` of them, and a line ending.
                line = readline(limit + 2)
            except UnicodeDecodeError as exc:
                raise ImportRefused(*self.encoding.refusal) from exc
            if not line:
                return
            self.number += 1
            if len(line) * 4 > limit and len(line.rstrip("\r\n").encode("utf-8")) > limit:
                raise ImportRefused(
                    _(
                        "Line %(line)s is longer than %(limit)s: the file is not a list of "
                        "enterprises, or its lines are not separated. Save it from Excel as "
                        "“CSV UTF-8 (Comma delimited)” or as .xlsx and upload it again."
                    )
                    % {"line": self.number, "limit": self.limits.line_size},
                    "line",
                )
            if not line.isascii() and _SPECIAL.search(line):
                line = normalize_text(line)
                self.combining = self.combining or _COMBINING.search(line) is not None
            yield line

    def nfc_since(self) -> bool:
        """Whether the lines read since the last call held no combining mark."""
        nfc, self.combining = not self.combining, False
        return nfc


def _read_csv(data: bytes, limits: Limits) -> Rows:
    encoding = _encoding(data)
    head = _head(data, encoding)
    separator = _sniff_separator(head)
    _refuse_legacy_fonts(_sample_cells(head, separator))
    del head
    read_as = f"CSV, {encoding.label}, {SEPARATOR_NAMES[separator]}"
    return Rows(read_as, _csv_rows(data, encoding, separator, limits))


def _csv_rows(data: bytes, encoding: _Encoding, separator: str, limits: Limits):
    source = _Lines(data, encoding, limits)
    reader = csv.reader(source, delimiter=separator, strict=False)
    rows = cells_read = 0
    next_line = 1
    try:
        for cells in reader:
            line, next_line = next_line, reader.line_num + 1
            if len(cells) > limits.columns:
                cells = _within_columns(cells, line, limits)
            # Text typed or pasted with combining marks (decomposed tones) is not NFC; only
            # the cells of lines that have any are normalised.
            cells = trim_cells(cells, source.nfc_since())
            while cells and not cells[-1]:  # Excel pads rows to the widest
                cells.pop()
            if cells:
                rows += 1
                cells_read += len(cells)
                if rows > limits.rows:
                    raise too_many_rows(limits)
                if cells_read > limits.cells:
                    raise too_many_cells(limits)
                yield line, cells
    except csv.Error as exc:
        raise _unreadable_line(next_line, exc) from exc


def _within_columns(cells: list[str], line: int, limits: Limits) -> list[str]:
    """A row wider than the limit, without its blank trailing cells (Excel writes them for a
    stray space far to the right); refused when what lies beyond the limit is not blank."""
    if "".join(cells[limits.columns :]).strip():
        width = len(cells)
        while not cells[width - 1].strip():
            width -= 1
        raise too_many_columns(line, width, limits)
    return cells[: limits.columns]


def _unreadable_line(line: int, exc: csv.Error) -> ImportRefused:
    if str(exc).startswith("field larger than field limit"):
        return ImportRefused(
            _(
                "Line %(line)s has a cell longer than %(limit)s characters, perhaps because a "
                'quotation mark (") opens a cell and never closes it. Check that line, save the '
                "file and upload it again."
            )
            % {"line": line, "limit": grouped(csv.field_size_limit())},
            "csv",
        )
    return ImportRefused(
        _("Line %(line)s cannot be read as CSV: %(error)s") % {"line": line, "error": exc},
        "csv",
    )


# --- Excel ---------------------------------------------------------------------------------


def _read_xlsx(data: bytes, limits: Limits) -> Rows:
    sheet = check_workbook(data, limits)
    rows = Rows(f"Excel (.xlsx), {sheet.name}", _xlsx_rows(data, sheet, limits))
    _refuse_legacy_fonts(cell for _line, cells in rows.head for cell in cells)
    return rows


def _xlsx_rows(data: bytes, sheet, limits: Limits):
    for line, cells in read_sheet(data, sheet, limits):
        while cells and cells[-1] == "":  # blank cells are ""; a 0 in a cell is the text "0"
            cells.pop()
        if cells:
            yield line, cells
