"""python manage.py report_figures --committee CODE (--year YYYY | --term YYYY-YYYY |
--from dd/mm/yyyy --to dd/mm/yyyy) [--as-of dd/mm/yyyy] [--format json|table]

Every figure of the organisation's subtree for the period, beside the same period last year,
and the statistical tables: for other tools (JSON, the contract in the README) and for checks
by hand (a table). For operators: it reads every record, whatever the account. An unknown
organisation or a period that cannot be is a message and exit status 2.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kcn_party.dates import short_date
from organizations.models import PartyOrganization
from reports import figures as figures_module
from reports import tables as tables_module
from reports.adjustments import adjustments_into
from reports.periods import Period, PeriodError, parse_date, parse_term, parse_year
from reports.serialize import figures_data
from reports.targets.evaluation import evaluate
from reports.templatetags.reports_tags import shown

FORMATS = ("json", "table")
USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Print every figure of an organisation's subtree for a year, a term or two dates, with "
        "the same period last year, and the statistical tables (JSON or a table)."
    )

    def add_arguments(self, parser):
        # Plain strings, checked in handle(): the messages are then Vietnamese, as everywhere.
        parser.add_argument("--committee", help="The code of the organisation, e.g. BG-KCN.")
        parser.add_argument("--year", help="A year, e.g. 2025.")
        parser.add_argument("--term", help="A congress term, e.g. 2020-2025.")
        parser.add_argument("--from", dest="start", help="The first day, dd/mm/yyyy.")
        parser.add_argument("--to", dest="end", help="The last day, dd/mm/yyyy.")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help="The date of the figures, dd/mm/yyyy (default: the period's end, or today).",
        )
        parser.add_argument("--format", default="json", help="json (default) or table.")

    def handle(self, *args, **options):
        try:
            root = self._organization(options["committee"])
            period = self._period(root, options)
            as_of = parse_date(options["as_of"], "--as-of") if options["as_of"] else None
            if options["format"] not in FORMATS:
                raise CommandError(_("The format is json or table."), returncode=USAGE_ERROR)
            figures = figures_module.compute(root, period, as_of=as_of)
        except PeriodError as error:
            raise CommandError(error.message, returncode=USAGE_ERROR) from None
        tables = tables_module.build(root, figures.current, figures.last_year, figures=figures)
        # A closed period is as it was closed; an open one shows the adjustments of the
        # closed period just before it.
        adjustments = None if figures.closed else adjustments_into(root, figures.current)
        targets = evaluate(root, period, figures=figures)
        if options["format"] == "json":
            data = figures_data(figures, tables, adjustments, targets)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render(figures, tables, targets))

    def _organization(self, code):
        if not code:
            raise CommandError(
                _("Give the organisation: --committee CODE."), returncode=USAGE_ERROR
            )
        organization = PartyOrganization.objects.filter(code=code.strip()).first()
        if organization is None:
            raise CommandError(
                _("No organisation with code %(code)s.") % {"code": code}, returncode=USAGE_ERROR
            )
        return organization

    def _period(self, root, options) -> Period:
        given = [
            name
            for name, present in (
                ("year", options["year"]),
                ("term", options["term"]),
                ("dates", options["start"] or options["end"]),
            )
            if present
        ]
        if not given:
            raise PeriodError(
                _(
                    "Give the period: --year YYYY, --term YYYY-YYYY, or --from dd/mm/yyyy "
                    "--to dd/mm/yyyy."
                )
            )
        if len(given) > 1:
            raise PeriodError(_("Give one period only: --year, --term, or --from and --to."))
        if options["year"]:
            return Period.year(parse_year(options["year"]))
        if options["term"]:
            first, last = parse_term(options["term"])
            return Period.term(root, first, last)
        if not (options["start"] and options["end"]):
            raise PeriodError(_("Give both ends of the period: --from dd/mm/yyyy --to dd/mm/yyyy."))
        return Period.between(
            parse_date(options["start"], "--from"), parse_date(options["end"], "--to")
        )


# --- the table format -----------------------------------------------------------------------


def shown_change(change) -> str:
    return "—" if change is None else number_format(change, 2)


def columns(rows: list[tuple[str, str, str, str]]) -> list[str]:
    """The label left-aligned, the figures right-aligned, each column as wide as its widest."""
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for label, *figures in rows:
        cells = [figure.rjust(width) for figure, width in zip(figures, widths[1:], strict=True)]
        lines.append("  ".join([label.ljust(widths[0]), *cells]).rstrip())
    return lines


def shown_target(result) -> tuple[str, str, str, str, str]:
    """(organisation and figure, target, actual, status and % achieved, pace)."""
    target, assessment = result.target, result.assessment
    status = assessment.status_label
    if assessment.achieved is not None:
        status += f" {number_format(assessment.achieved, 2)}%"
    return (
        f"{target.organization.code}: {target.label} ({target.period_label})",
        target.range_label,
        shown(result.value),
        status,
        assessment.pace_label or "",
    )


def render(figures, tables, targets=()) -> str:
    header = (_("Figure"), _("This period"), _("Same period last year"), "%")
    lines = [
        f"{figures.root.name} ({figures.root.code})",
        _("%(period)s: %(start)s – %(end)s; figures as of %(as_of)s; compared with %(last)s.")
        % {
            "period": figures.period.label,
            "start": short_date(figures.period.start),
            "end": short_date(figures.period.end),
            "as_of": short_date(figures.as_of),
            "last": f"{short_date(figures.last_year.start)} – {short_date(figures.last_year.end)}",
        },
        "",
    ]
    rows = [header] + [
        (f.label, shown(f.value), shown(f.last_year), shown_change(f.change_percent))
        for f in figures.figures
    ]
    lines += columns(rows)
    for table in tables.values():
        lines += ["", table.title]
        rows = [header] + [
            (row.label, shown(row.this), shown(row.last_year), shown_change(row.change_percent))
            for row in table.rows
        ]
        lines += columns(rows)
        for check, held in table.checks.items():
            if not held:
                lines.append(
                    _("%(table)s fails its check (%(check)s): look at the records of the period.")
                    % {"table": table.title, "check": check}
                )
    if targets:
        lines += ["", _("Targets")]
        rows = [(_("Target"), _("Asked"), _("Actual"), _("Status"), _("Pace"))]
        rows += [shown_target(result) for result in targets]
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        for row in rows:
            lines.append(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
    return "\n".join(lines)
