"""Text as boards type it: Unicode normalisation, stray spaces, and a folded form for matching
words whatever their diacritics, case and punctuation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Invisible characters that Excel and web pages leave in cells, and odd spaces.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_ODD_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u3000"), " ")
_NOT_WORD = re.compile(r"[^0-9a-z%]+")


_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def clean(value: str) -> str:
    """NFC, invisible characters removed, trimmed, inner runs of spaces made one. Called on
    every cell of a workbook: each step runs only when the cell needs it."""
    if not value:
        return value
    if not value.isascii():
        if _INVISIBLE_RE.search(value):
            value = value.translate(_INVISIBLE)
        if not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
    value = value.strip()
    # Runs of spaces, and what isprintable() refuses: tabs, line breaks, no-break spaces.
    if "  " in value or not value.isprintable():
        value = " ".join(value.split())
    return value


def normalize_text(text: str) -> str:
    """A whole file's text without invisible characters and with odd spaces made plain: done
    once on the text, it spares a national list a million calls per cell."""
    if text.isascii():
        return text
    # str.replace scans in C; str.translate would look every character up in a dict.
    for char in _INVISIBLE:
        if chr(char) in text:
            text = text.replace(chr(char), "")
    for char in _ODD_SPACES:
        if chr(char) in text:
            text = text.replace(chr(char), " ")
    return text


def trim_cells(cells: list[str], nfc: bool = True) -> list[str]:
    """Cells of `normalize_text`'s text trimmed, inner runs of spaces and line breaks made one;
    unless the whole text is known to be NFC (`nfc`), the cells that are not are normalised
    (checking each is cheaper than normalising the whole text)."""
    trimmed = []
    for cell in cells:
        cell = cell.strip()
        if "  " in cell or not cell.isprintable():  # line breaks and tabs are not printable
            cell = " ".join(cell.split())
        if not nfc and not cell.isascii() and not unicodedata.is_normalized("NFC", cell):
            cell = unicodedata.normalize("NFC", cell)
        trimmed.append(cell)
    return trimmed


@lru_cache(maxsize=4096)
def fold(value: str) -> str:
    """A key for loose matching: no diacritics (đ -> d), case folded, punctuation and runs
    of spaces made one space. '%' is kept: "100% vốn" is not "100 vốn"."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _NOT_WORD.sub(" ", bare).strip()


def searchable(values) -> list[str]:
    """The values a lookup may ask the database for: a cell holding a NUL character names no
    record (PostgreSQL refuses the character in a query; the row's widget reports it)."""
    return [value for value in values if "\x00" not in str(value)]
