"""Exports of the reports' pages as XLSX and CSV: each page gives its sheets (a title, the
headers and the rows, as in `Sheet`), and organizations.sheets writes them as a file.

- numbers stay numbers: a count is an integer, a percentage a number with 2 decimals
  (76.92), its numerator and denominator in their own columns;
- the headers are Vietnamese, as the page shows them;
- text made formula-safe, and a CSV with its BOM, by organizations.sheets.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kcn_party.dates import short_date
from organizations.sheets import (  # noqa: F401 - the pages' exports are written by these
    FORMATS,
    XLSX_TYPE,
    Sheet,
    cell,
    csv_text,
    response,
    xlsx_bytes,
)
from reports.values import Count, Value


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
