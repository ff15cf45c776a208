"""A workbook's sheet read as it streams, a row at a time: the memory it takes does not grow with
the sheet's rows (python-calamine lays a sheet out whole, about 1 KB a row, before the first row
comes out).

The sheet has been checked first (`workbook.check_workbook`): its parts unpack to their declared
sizes within the limits, and its cells stay within the rows and columns a list may have. Cells
are read as python-calamine 0.9 read them, which the import used before and which the tests
compare this reader with:

- text from the shared strings, inline strings and formulas' cached text, with XML's entities
  and line ends and Excel's `_xHHHH_` escapes decoded, and rich text's runs joined (phonetic
  guides left out);
- numbers as floats; booleans; error cells and empty ones as "";
- numbers in a date or time format (by the cell's style: Excel's built-in formats 14-22, 45 and
  47, or a custom format with date or time letters outside quotes and brackets) as a date, a
  datetime or a time of day; in an elapsed-time format (`[h]:mm`) as a timedelta; from 1904 in
  workbooks that count from it; out of the calendar's range, a float.

Rows come in the sheet's order, each with its row number and its cells from the sheet's first
used column. Cells written the usual way (`<c r="B7" ...>`, as Excel, LibreOffice and openpyxl
write them) are read with regular expressions, a block of the part at a time; any other sheet
(cells without references, prefixed names) with expat. A sheet whose rows are out of order is
refused: Excel never writes one, and a row read a second time would have to be held back.
"""

from __future__ import annotations

import datetime
import io
import pyexpat
import re
import zipfile
from collections.abc import Iterator

from organizations.imports.errors import ImportRefused
from organizations.imports.limits import Limits, too_many_columns, too_many_rows
from organizations.imports.text import clean
from organizations.imports.workbook import (
    MAX_ELEMENTS,
    MAX_TAG,
    CheckedSheet,
    column_number,
    unreadable,
)

# A cell written the usual way: its reference, its style and type in Excel's order (any other
# attribute, or another order, is read from the rest), then its content: a value alone, an
# inline text alone, or anything else (formulas, rich text), read by `value`.
_CELL = re.compile(
    rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?([^>]*?)'
    rb"(?:/>|>(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>|(.*?))</c>)",
    re.S,
)
_ATTRIBUTE = re.compile(rb'([a-zA-Z:]+)\s*=\s*"([^"]*)"')
_VALUE = re.compile(rb"<v(?:\s[^>]*)?>(.*?)</v>", re.S)
_INLINE = re.compile(rb"<is(?:\s[^>]*)?>(.*?)</is>", re.S)
_RUN_TEXT = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>|<rPh\b[^>]*/>", re.S)
_STRING = re.compile(rb"<si(?:\s[^>]*)?(?:/>|>(.*?)</si>)", re.S)
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ESCAPE = re.compile(r"_x([0-9a-fA-F]{4})_")
_DAY_MS = 86_400_000

# Unpacked bytes read at a time: the cells of a block are matched at once, about 6 bytes of
# Python objects for each byte of XML.
BLOCK = 256 * 1024

DATE, DURATION = "date", "duration"
# Excel's built-in number formats that show a date or a time, and the elapsed time.
_BUILT_IN = {**dict.fromkeys((14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 47), DATE), 46: DURATION}


def read_sheet(data: bytes, sheet: CheckedSheet, limits: Limits) -> Iterator[tuple[int, list]]:
    """The rows of `sheet` in the workbook `data`: (row number, cells) for each row that has
    cells; blank cells are "". Raises ImportRefused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise unreadable() from exc
    with archive:
        strings = _shared_strings(archive, sheet.strings) if sheet.strings else []
        formats = _cell_formats(archive, sheet.styles) if sheet.styles else []
        reader = _Reader(strings, formats, sheet, limits)
        if _utf16(archive, sheet.part):
            # calamine could not read one either; and the check's quick scan looks for UTF-8
            raise unreadable()
        chunks = _chunks(archive, sheet.part)
        if sheet.usual:
            yield from reader.quick(chunks)
        else:
            yield from reader.exact(chunks)


def _chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    try:
        with archive.open(name) as part:
            while chunk := part.read(BLOCK):
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError, RuntimeError) as exc:
        raise unreadable() from exc


def _utf16(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether a part is UTF-16 text."""
    with archive.open(name) as part:
        head = part.read(2)
    return head in (b"\xff\xfe", b"\xfe\xff") or head[1:2] == b"\x00"


# --- Text -------------------------------------------------------------------------------------


def _text(raw: bytes) -> str:
    """The text of an element's content as XML and Excel wrote it."""
    text = raw.decode("utf-8")
    if "\r" in text:  # XML reads a line end as \n; a \r of the text itself is written _x000D_
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _ESCAPE.sub(lambda found: chr(int(found[1], 16)), text)
    return text


def _entity(found: re.Match) -> str:
    name = found[1]
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    return _ENTITIES[name]


def _rich_text(raw: bytes) -> str:
    """The text of a string item or an inline string: its runs joined, phonetic guides left
    out."""
    if raw.startswith(b"<t>") and raw.endswith(b"</t>") and raw.count(b"<") == 2:
        return _text(raw[3:-4])
    return "".join(_text(run) for run in _RUN_TEXT.findall(_PHONETIC.sub(b"", raw)))


def _shared_strings(archive: zipfile.ZipFile, name: str) -> list[str]:
    strings: list[str] = []
    carry = b""
    for chunk in _chunks(archive, name):
        block = carry + chunk
        cut = block.rfind(b"</si>")
        cut = cut + 5 if cut != -1 else block.rfind(b"<si")
        cut = max(cut, 0)
        block, carry = block[:cut], block[cut:]
        found = _STRING.findall(block)
        if len(found) != block.count(b"<si") or b":si" in block:
            return _shared_strings_exactly(archive, name)  # prefixed or odd: read by expat
        strings.extend(clean(_rich_text(item)) if item else "" for item in found)
        if len(carry) > 64 * MAX_TAG:  # no string of Excel's is this long
            raise unreadable()
    if carry.strip() and b"<si" in carry:
        return _shared_strings_exactly(archive, name)
    return strings


def _shared_strings_exactly(archive: zipfile.ZipFile, name: str) -> list[str]:
    strings: list[str] = []
    state = {"text": None, "phonetic": 0, "in_t": False}

    def start(tag, attrs):
        local = tag.rpartition(":")[2]
        if local == "si":
            state["text"] = []
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "t" and not state["phonetic"]:
            state["in_t"] = True

    def end(tag):
        local = tag.rpartition(":")[2]
        if local == "si":
            strings.append("".join(state["text"]))
            state["text"] = None
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "t":
            state["in_t"] = False

    def characters(text):
        if state["in_t"] and state["text"] is not None:
            state["text"].append(text)

    _expat(_chunks(archive, name), start, end, characters)
    return [clean(_ESCAPE.sub(lambda found: chr(int(found[1], 16)), text)) for text in strings]


def _parsed(chunks, start, end, characters) -> Iterator[None]:
    """Feed `chunks` to expat with these handlers, pausing after each chunk."""
    parser = pyexpat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
    except pyexpat.ExpatError as exc:
        raise unreadable() from exc


def _expat(chunks, start, end, characters) -> None:
    for _paused in _parsed(chunks, start, end, characters):
        pass


# --- Dates ------------------------------------------------------------------------------------


def _cell_formats(archive: zipfile.ZipFile, name: str) -> list[str | None]:
    """For each cell style (`s`), DATE, DURATION or None."""
    custom: dict[int, str] = {}
    styles: list[int] = []
    depth = {"cellXfs": 0}

    def start(tag, attrs):
        local = tag.rpartition(":")[2]
        if local == "numFmt" and attrs.get("numFmtId", "").isdigit():
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            depth["cellXfs"] += 1
        elif local == "xf" and depth["cellXfs"]:
            number = attrs.get("numFmtId", "0")
            styles.append(int(number) if number.isdigit() else 0)

    def end(tag):
        if tag.rpartition(":")[2] == "cellXfs":
            depth["cellXfs"] -= 1

    _expat(_chunks(archive, name), start, end, lambda text: None)
    return [_format_kind(custom[n]) if n in custom else _BUILT_IN.get(n) for n in styles]


def _format_kind(code: str) -> str | None:
    """Whether a custom number format shows a date or time (DATE), an elapsed time (DURATION,
    `[h]:mm`) or neither: date and time letters count outside quotes, brackets and escapes, in
    the format's first section."""
    escaped = quoted = am_pm = elapsed = False
    brackets = 0
    previous = " "
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*":  # the next character is shown as it is
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            return None
        elif char == "[":
            brackets += 1
        elif char == "]":
            if brackets == 1 and elapsed:
                return DURATION
            brackets = max(0, brackets - 1)
        elif brackets == 0 and not am_pm and char in "aA":
            am_pm = True
        elif brackets == 0 and char in ("pmPM/" if am_pm else "dmhysDMHYS"):
            return DATE
        elif not (elapsed and char.lower() == previous.lower()):
            elapsed = previous == "[" and char in "mhsMHS"
        previous = char
    return None


def _serial(value: float, kind: str, date1904: bool):
    """An Excel serial number shown as a date, a time or an elapsed time, as calamine gives it."""
    if kind == DURATION:
        return datetime.timedelta(milliseconds=round(value * _DAY_MS))
    if value < 1:  # a time of day (calamine gives midnight for negative numbers)
        milliseconds = round((value % 1) * _DAY_MS) % _DAY_MS
        return (datetime.datetime.min + datetime.timedelta(milliseconds=milliseconds)).time()
    if date1904:
        value += 1462
    total = round(value * _DAY_MS)
    days, milliseconds = divmod(total, _DAY_MS)
    # Excel counts a 29 February 1900 that never was: serials from 61 are one day ahead.
    epoch = datetime.date(1899, 12, 31) if days < 60 else datetime.date(1899, 12, 30)
    try:
        day = epoch + datetime.timedelta(days=days)
    except OverflowError:
        return value - (1462 if date1904 else 0)  # past 9999: the number as it is
    if not milliseconds:
        return day
    return datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
        milliseconds=milliseconds
    )


def _iso(text: str):
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return text


# --- Cells and rows ----------------------------------------------------------------------------


class _Reader:
    def __init__(self, strings: list[str], formats: list, sheet: CheckedSheet, limits: Limits):
        self.strings = strings
        self.formats = formats
        self.date1904 = sheet.date1904
        self.first_column = sheet.first_column
        self.limits = limits
        self.columns: dict[bytes, int] = {}  # column letters -> index in a row

    def value(self, kind: bytes | None, style: bytes | None, content: bytes | None):
        """A cell's value from its type, style and content, as calamine gave it and the import
        reads it (`cell_value`)."""
        return cell_value(self.raw_value(kind, style, content))

    def raw_value(self, kind: bytes | None, style: bytes | None, content: bytes | None):
        """A cell's value as calamine gave it."""
        if not content:
            return ""
        if kind is None or kind == b"n":
            raw = self._v(content)
            if raw is None:
                return ""
            return self.number(raw, style)
        if kind == b"s":
            raw = self._v(content)
            return "" if raw is None else self.string(raw)
        if kind == b"inlineStr":
            found = _INLINE.search(content)
            return _rich_text(found[1]) if found else ""
        raw = self._v(content)
        if raw is None:
            return ""
        if kind == b"b":
            return raw.strip() in (b"1", b"true")
        if kind == b"e":
            return ""
        if kind == b"d":
            return _iso(_text(raw).strip())
        return _text(raw)  # "str": a formula's text

    def number(self, raw: bytes, style: bytes | None):
        try:
            number = float(raw)
        except ValueError:
            return _text(raw)
        if style:
            index = int(style)
            if index < len(self.formats) and self.formats[index] is not None:
                return _serial(number, self.formats[index], self.date1904)
        return number

    def string(self, raw: bytes) -> str:
        try:
            return self.strings[int(raw)]
        except (ValueError, IndexError) as exc:
            raise unreadable() from exc

    @staticmethod
    def _v(content: bytes) -> bytes | None:
        if content.startswith(b"<v>") and content.endswith(b"</v>") and content.count(b"<") == 2:
            return content[3:-4]
        found = _VALUE.search(content)
        return found[1] if found else None

    def column(self, letters: bytes) -> int:
        index = self.columns.get(letters)
        if index is None:
            index = self.columns[letters] = column_number(letters.decode()) - 1 - self.first_column
        return index

    def quick(self, chunks: Iterator[bytes]) -> Iterator[tuple[int, list]]:
        """Cells written the usual way, a block of whole cells at a time: each block ends where
        the last cell it holds begins, which goes on in the next. The commonest cells (a
        number, a shared or inline text) are read here, the others by `value`."""
        number, current, cells = 0, None, []
        columns, limits, dates = self.columns, self.limits, self.formats
        for block in _cell_blocks(chunks):
            found = _CELL.findall(block)
            if len(found) != block.count(b"<c "):
                raise unreadable()  # the check found every cell written this way
            for letters, row, style, kind, rest, v, inline, other in found:
                if row != current:
                    row_number = int(row)
                    if row_number <= number:
                        raise _out_of_order()
                    if cells:
                        yield number, cells
                    if row_number > limits.rows:
                        raise too_many_rows(limits)
                    number, current, cells = row_number, row, []
                if rest and rest.strip():  # other attributes, or in another order
                    attributes = dict(_ATTRIBUTE.findall(rest))
                    style = style or attributes.get(b"s", b"")
                    kind = kind or attributes.get(b"t", b"")
                if other:  # formulas, rich text, attributes on the value
                    cell = self.value(kind or None, style or None, other)
                elif kind == b"inlineStr":
                    cell = clean(_text(inline)) if inline else ""
                elif kind == b"s":
                    cell = self.string(v) if v else ""
                elif kind and kind != b"n":
                    cell = self.value(kind, style or None, b"<v>" + v + b"</v>")
                elif not v:
                    cell = ""
                elif (
                    v.isdigit()
                    and len(v) <= 15
                    and (v[0] != 48 or len(v) == 1)
                    and not (style and dates and self._dated(style))
                ):
                    cell = v.decode()  # a whole number, as `cell_value` gives it
                else:
                    cell = cell_value(self.number(v, style or None))
                index = columns.get(letters)
                if index is None:
                    index = self.column(letters)
                width = len(cells)
                if index == width:
                    cells.append(cell)
                elif index > width:
                    if index >= limits.columns:
                        raise too_many_columns(number, index + 1, limits)
                    cells.extend([""] * (index - width))
                    cells.append(cell)
                else:
                    cells[index] = cell
        if cells:
            yield number, cells

    def _dated(self, style: bytes) -> bool:
        index = int(style)
        return index < len(self.formats) and self.formats[index] is not None

    def exact(self, chunks: Iterator[bytes]) -> Iterator[tuple[int, list]]:
        """Any sheet, read with expat, each cell placed as calamine places it: by its reference,
        else after the previous cell of its row; a row without a number follows the previous
        one. Rows are handed on as they end."""
        done: list[tuple[int, list]] = []
        state = {"row": 0, "column": 0, "cell": None, "elements": 0, "last": 0}

        def start(tag, attrs):
            state["elements"] += 1
            if state["elements"] > MAX_ELEMENTS:
                raise unreadable()
            local = tag.rpartition(":")[2]
            if local == "row":
                if "r" in attrs:
                    state["row"] = int(attrs["r"]) - 1
            elif local == "c":
                if "r" in attrs:
                    found = re.fullmatch(r"([A-Za-z]+)([0-9]+)", attrs["r"])
                    state["row"] = int(found[2]) - 1
                    state["column"] = column_number(found[1]) - 1
                state["cell"] = {"t": attrs.get("t"), "s": attrs.get("s"), "xml": []}
            elif state["cell"] is not None:  # its content, written again for `value`
                state["cell"]["xml"].append(f"<{local}>".encode())

        def end(tag):
            local = tag.rpartition(":")[2]
            cell = state["cell"]
            if local == "c" and cell is not None:
                content = b"".join(cell["xml"])
                kind = cell["t"].encode() if cell["t"] else None
                style = cell["s"].encode() if cell["s"] else None
                self._place(done, state, self.value(kind, style, content))
                state["cell"] = None
                state["column"] += 1
            elif local == "row":
                state["row"] += 1
                state["column"] = 0
            elif cell is not None:
                cell["xml"].append(f"</{local}>".encode())

        def characters(text):
            if state["cell"] is not None:
                escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace("\r", "&#13;")
                state["cell"]["xml"].append(escaped.encode())

        for _paused in _parsed(chunks, start, end, characters):
            finished = done[:-1]  # the last row may go on in the next chunk
            del done[:-1]
            yield from finished
        yield from done

    def _place(self, done: list, state: dict, cell) -> None:
        number = state["row"] + 1
        index = state["column"] - self.first_column
        if index < 0:
            return
        if number != state["last"]:
            if number < state["last"]:
                raise _out_of_order()
            if number > self.limits.rows:
                raise too_many_rows(self.limits)
            done.append((number, []))
            state["last"] = number
        elif not done:  # its row was handed on already
            raise _out_of_order()
        cells = done[-1][1]
        if index >= self.limits.columns:
            raise too_many_columns(number, index + 1, self.limits)
        if index >= len(cells):
            cells.extend([""] * (index - len(cells)))
            cells.append(cell)
        else:
            cells[index] = cell


def _cell_blocks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The sheet's data in blocks of whole cells, up to the end of its cells."""
    carry = b""
    for chunk in chunks:
        block = carry + chunk
        end = block.find(b"</sheetData>")
        if end != -1:
            yield block[:end]
            return
        last = block.rfind(b"<c ")
        if last == -1:  # no cell begins here ("<c " may be cut between two chunks)
            carry = block[-2:]
            continue
        block, carry = block[:last], block[last:]
        if len(carry) > 64 * MAX_TAG:  # no cell of Excel's is this long
            raise unreadable()
        yield block
    yield carry


def cell_value(value):
    """A cell as the import reads it: text cleaned; whole numbers as text (a tax code typed as a
    number); other numbers and dates as Excel typed them, for the widgets to read."""
    kind = type(value)
    if kind is str:  # most cells, first
        return clean(value) if value else value
    if kind is float:
        return str(int(value)) if value.is_integer() else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    return value


def _out_of_order() -> ImportRefused:
    return unreadable()
