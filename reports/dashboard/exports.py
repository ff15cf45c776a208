"""Exports of the reports' pages as XLSX and CSV: each page gives its sheets (a title, the
headers and the rows, as in `Sheet`), and one writer per format turns them into a file.

- numbers stay numbers: a count is an integer, a percentage a number with 2 decimals
  (76.92), its numerator and denominator in their own columns;
- the headers are Vietnamese, as the page shows them;
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
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from kcn_party.dates import short_date
from organizations.imports.values import neutralise_formula
from reports.values import Count, Value

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


def value_cells(value: Value) -> list:
    """A figure's cells: the value (a count, or a percentage), then its numerator and
    denominator (blank for a count)."""
    if isinstance(value, Count):
        return [value.value, None, None]
    return [value.percent, value.numerator, value.denominator]


def value_headers(prefix: str) -> list[str]:
    return [
        prefix,
        _("%(column)s: numerator") % {"column": prefix},
        _("%(column)s: denominator") % {"column": prefix},
    ]


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


# --- the sheets of each page -------------------------------------------------------------------


def caption(root, period, as_of) -> tuple[str, ...]:
    return (
        root.name,
        _("%(period)s (%(start)s – %(end)s)")
        % {
            "period": period.label,
            "start": short_date(period.start),
            "end": short_date(period.end),
        },
        _("Figures as of %(day)s") % {"day": short_date(as_of)},
    )


def figure_headers() -> list[str]:
    return [
        pgettext("dashboard", "Figure"),
        *value_headers(_("This period")),
        *value_headers(_("Same period last year")),
        _("% of the same period last year"),
    ]


def target_sheet(rows, head) -> Sheet:
    headers = [
        pgettext("dashboard", "Target"),
        pgettext("dashboard", "Actual"),
        pgettext("dashboard", "Target figure"),
        pgettext("dashboard", "Minimum"),
        pgettext("dashboard", "Maximum"),
        pgettext("dashboard", "Achieved"),
        _("Status"),
        pgettext("dashboard", "Pace"),
        pgettext("dashboard", "Source document"),
    ]
    body = [
        [
            row.label,
            value_cells(row.actual)[0],
            row.target_text,
            row.minimum,
            row.maximum,
            row.achieved,
            row.status_label,
            row.pace_label,
            row.source,
        ]
        for row in rows
    ]
    return Sheet(pgettext("dashboard", "Targets"), headers, body, head)


def dashboard_sheets(dashboard) -> list[Sheet]:
    figures = dashboard.figures
    head = caption(figures.root, figures.period, figures.as_of)
    sheets = []
    if dashboard.targets:
        sheets.append(target_sheet(dashboard.targets, head))
    sheets.append(
        Sheet(
            pgettext("dashboard", "Key figures"),
            figure_headers(),
            [
                [
                    figure.label,
                    *value_cells(figure.value),
                    *value_cells(figure.last_year),
                    figure.change_percent,
                ]
                for figure in dashboard.key_figures
            ],
            head,
        )
    )
    breakdown = dashboard.breakdown
    focus = breakdown.label
    headers = [
        pgettext("dashboard", "Sub-organisation"),
        focus,
        _("Share of the whole (%)"),
        _("Same period last year"),
        _("% of the same period last year"),
        *breakdown.columns,
    ]
    sheets.append(
        Sheet(
            pgettext("dashboard", "By sub-organisation"),
            headers,
            [
                [
                    row.organization.name,
                    value_cells(row.value)[0],
                    row.share,
                    value_cells(row.last_year)[0],
                    row.change_percent,
                    *(value_cells(value)[0] for value in row.others),
                ]
                for row in breakdown.rows
            ],
            head,
        )
    )
    monthly = dashboard.monthly
    sheets.append(
        Sheet(
            pgettext("dashboard", "Month by month"),
            [
                pgettext("dashboard", "Up to"),
                _("This period"),
                _("Same period last year"),
                pgettext("dashboard", "Target"),
                pgettext("dashboard", "Pace"),
            ],
            [
                [
                    point.label,
                    value_cells(point.actual)[0],
                    value_cells(point.last_year)[0],
                    point.target,
                    point.pace,
                ]
                for point in monthly.points
            ],
            (*head, monthly.title),
        )
    )
    for group in dashboard.coverage:
        sheets.append(
            Sheet(
                group.title,
                [pgettext("dashboard", "Group"), *(f"{label} (%)" for label in group.labels)],
                [[row.label, *(value_cells(v)[0] for v in row.values)] for row in group.rows],
                head,
            )
        )
    return sheets


def table_sheet(table, head) -> Sheet:
    return Sheet(
        table.title,
        figure_headers(),
        [
            [row.label, *value_cells(row.this), *value_cells(row.last_year), row.change_percent]
            for row in table.rows
        ],
        head,
    )
