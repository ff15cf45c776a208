"""Spreadsheets to download: sheets (a title, lines above the headers, the headers and the
rows) written as XLSX or CSV, the same way for every page that offers them.

- numbers stay numbers; a Decimal (a percentage) is shown with 2 decimals;
- no text cell runs as a formula: one that begins with = + - @ gets an apostrophe, as in the
  admin's exports (organizations.imports.values.neutralise_formula);
- a CSV starts with a UTF-8 BOM, so that Excel reads the Vietnamese right; several sheets
  follow one another, each under its title, a blank line between them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

from organizations.imports.values import neutralise_formula

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT_FORMAT = "0.00"


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: list[str]
    rows: list[list]
    # Lines above the headers: the organisation, the period, the date of the figures.
    caption: tuple[str, ...] = ()


def cell(value):
    """A cell as written: numbers as numbers, text made safe."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else value
    if isinstance(value, int | Decimal | float):
        return value
    return neutralise_formula(str(value))


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for sheet in sheets:
        # Excel's limits on a sheet's name: 31 characters, no []:*?/\ and each name once.
        name = "".join(c for c in sheet.title if c not in "[]:*?/\\")[:31] or "Sheet"
        base, n = name, 2
        while name in used:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(name)
        out = workbook.create_sheet(name)
        for line in sheet.caption:
            out.append([cell(line)])
        if sheet.caption:
            out.append([])
        out.append([cell(header) for header in sheet.headers])
        for header_cell in out[out.max_row]:
            header_cell.font = Font(bold=True)
        for row in sheet.rows:
            out.append([cell(value) for value in row])
            for written in out[out.max_row]:
                if isinstance(written.value, Decimal):
                    written.number_format = PERCENT_FORMAT
        out.column_dimensions["A"].width = 48
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv_text(sheets: list[Sheet]) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream)
    for index, sheet in enumerate(sheets):
        if index:
            writer.writerow([])
        writer.writerow([cell(sheet.title)])
        for line in sheet.caption:
            writer.writerow([cell(line)])
        writer.writerow([cell(header) for header in sheet.headers])
        for row in sheet.rows:
            writer.writerow([cell(value) for value in row])
    return stream.getvalue()


def response(sheets: list[Sheet], file_format: str, name: str) -> HttpResponse:
    """The file of `sheets` as a download named `name` (without extension)."""
    stem = slugify(name) or "bao-cao"
    if file_format == "xlsx":
        result = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    else:
        body = csv_text(sheets).encode("utf-8-sig")
        result = HttpResponse(body, content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return result
