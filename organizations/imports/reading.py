"""Bytes to rows, as management boards really send them.

CSV in UTF-8 with or without a byte-order mark, UTF-16 ("Unicode text" from Excel, tab
separated) or Windows-1258, with the separator sniffed (comma, semicolon, tab); .xlsx through
python-calamine, numbers and dates kept as Excel typed them. Text is normalised (NFC,
trimmed), blank lines are skipped, and every row keeps its physical line number so that
messages point at the line the user sees in Excel. Text typed in the legacy TCVN3 or VNI fonts
is refused with a message explaining how to convert it.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from organizations.imports.errors import ImportRefused
from organizations.imports.text import clean, normalize_text, trim_cells

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)
SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}


@dataclass
class Table:
    """The non-blank rows of a file, each with its physical line (row in Excel) number."""

    lines: list[int] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    read_as: str = ""  # how the file was read, for the import record


def read_table(data: bytes) -> Table:
    """Read a CSV or .xlsx file sent by a board. Raises ImportRefused."""
    if not data.strip():
        raise ImportRefused(_("The file is empty."), "empty")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE_MAGIC):
        raise ImportRefused(
            _(
                "This is an Excel 97-2003 workbook (.xls), which cannot be read. Open it in "
                "Excel, save it as “Excel Workbook (.xlsx)” or “CSV UTF-8”, and upload it again."
            ),
            "xls",
        )
    text, encoding = _decode(data)
    return _read_csv(text, encoding)


# --- Encodings -----------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """The text and a description of its encoding."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8"), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "UTF-16"
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without its mark
        order = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return _strict(data, order), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # An 8-bit file. Legacy Vietnamese fonts are recognised by their bytes, which read as
    # Latin-1 symbols in the middle of words; anything else is taken as Windows-1258.
    lines = data.decode("latin-1").splitlines()[:2000]
    _refuse_legacy_fonts(cell for line in lines for cell in re.split(r"[,;\t]", line))
    try:
        return data.decode("cp1258"), "Windows-1258"
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            _(
                "The file's text encoding is not recognised. Save it from Excel as "
                "“CSV UTF-8 (Comma delimited)” or as .xlsx and upload it again."
            ),
            "encoding",
        ) from exc


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            _(
                "The file is damaged: it is not valid %(encoding)s text. Save it from Excel "
                "again and upload it again."
            )
            % {"encoding": encoding.upper()},
            "damaged",
        ) from exc


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


def _read_csv(text: str, encoding: str) -> Table:
    separator = _sniff_separator(text)
    sample = text[:200_000].splitlines()[:2000]
    _refuse_legacy_fonts(cell for row in csv.reader(sample, delimiter=separator) for cell in row)
    table = Table(read_as=f"CSV, {encoding}, {SEPARATOR_NAMES[separator]}")
    text = normalize_text(text)
    # Text typed or pasted with combining marks (decomposed tones) is not NFC; a search in C is
    # cheaper than is_normalized on the whole text, which then normalises it all to compare.
    nfc = _COMBINING.search(text) is None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    lines, rows = table.lines, table.rows
    next_line = 1
    try:
        for cells in reader:
            line, next_line = next_line, reader.line_num + 1
            cells = trim_cells(cells, nfc)
            if any(cells):
                lines.append(line)
                rows.append(cells)
    except csv.Error as exc:
        raise ImportRefused(
            _("Line %(line)s cannot be read as CSV: %(error)s") % {"line": next_line, "error": exc},
            "csv",
        ) from exc
    if not table.rows:
        raise ImportRefused(_("The file is empty."), "empty")
    return table


# --- Excel ---------------------------------------------------------------------------------


def _cell(value):
    """Text cleaned; whole numbers as text (a tax code typed as a number); other numbers and
    dates as Excel typed them, for the widgets to read."""
    kind = type(value)
    if kind is str:  # most cells, first
        return clean(value) if value else value
    if kind is float:
        return str(int(value)) if value.is_integer() else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    return value


def _read_xlsx(data: bytes) -> Table:
    # python-calamine (Rust) rather than openpyxl's read-only mode, which read a 100,000-row
    # list in 23 s against calamine's 1.5 s (docs/benchmarks.md).
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            sheet.name
            for sheet in workbook.sheets_metadata
            if sheet.visible == SheetVisibleEnum.Visible and sheet.typ == SheetTypeEnum.WorkSheet
        ] or workbook.sheet_names
        sheet = workbook.get_sheet_by_name(sheets[0])
        # From cell A1, so that each row's index is its row number in Excel.
        values = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several kinds on a damaged or foreign file
        raise ImportRefused(
            _(
                "The file cannot be opened as an Excel workbook (.xlsx). Open it in Excel, save "
                "it as “Excel Workbook (.xlsx)” or “CSV UTF-8”, and upload it again."
            ),
            "xlsx",
        ) from exc
    table = Table(read_as=f"Excel (.xlsx), {sheet.name}")
    lines, rows = table.lines, table.rows
    for line, row in enumerate(values, start=1):
        cells = list(map(_cell, row))
        values[line - 1] = None  # keep one copy of the sheet in memory, not two
        if any(cells):  # blank cells are "" (False); a 0 in a cell is the text "0"
            lines.append(line)
            rows.append(cells)
    _refuse_legacy_fonts(cell for row in table.rows[:2000] for cell in row)
    if not table.rows:
        raise ImportRefused(_("The file is empty."), "empty")
    return table
