"""The leaders' dashboard and the pages around it: the statistical tables, where to work next,
the exports, the print view and the JSON of the figures.

Every page takes the same query string (reports.dashboard.selection): an organisation the
account may see (anything else is 404, as everywhere) and a period (a bad one is a Vietnamese
message on the page, with status 400). Signing in is required; what an account sees is
decided by organizations.access, through reports.selectors.organization_for.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from organizations.access import Role, role_of
from reports import figures as figures_module
from reports import selectors
from reports import tables as tables_module
from reports.adjustments import adjustments_into
from reports.dashboard import data, exports
from reports.dashboard import selection as selection_module
from reports.periods import PeriodError, parse_date
from reports.serialize import figures_data

BAD_REQUEST = 400


def _base_context(request, selection, **extra) -> dict:
    return {
        "selection": selection,
        "kinds": selection_module.KINDS,
        "focus_choices": data.focus_choices(),
        "organizations": selectors.organization_choices(request.user, selection.root),
        "today": timezone.localdate(),
        **extra,
    }


def _error(request, template: str, selection, error: PeriodError, **extra):
    context = _base_context(request, selection, period_error=error.message, **extra)
    return render(request, template, context, status=BAD_REQUEST)


def _export_format(file_format: str) -> str:
    if file_format not in exports.FORMATS:
        raise Http404
    return file_format


def _board(request):
    """The selection the request asks for, and its dashboard; or the page that says why the
    period cannot be shown."""
    selection = selection_module.read(request)
    try:
        return selection, data.build(selection), None
    except PeriodError as error:
        return selection, None, _error(request, "reports/dashboard.html", selection, error)


# --- the dashboard ------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    selection, board, refused = _board(request)
    if refused:
        return refused
    context = _base_context(
        request, selection, board=board, figures=board.figures, charts=board.charts()
    )
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def dashboard_export(request, file_format: str):
    file_format = _export_format(file_format)
    selection, board, refused = _board(request)
    if refused:
        return refused
    name = f"bang-dieu-khien-{selection.root.code}-{board.figures.period.start:%Y}"
    return exports.response(exports.dashboard_sheets(board), file_format, name)


@login_required
@require_GET
def print_view(request):
    """The dashboard and every table, for A4 paper: one page per table."""
    selection, board, refused = _board(request)
    if refused:
        return refused
    figures = board.figures
    tables = tables_module.build(figures.root, figures.current, figures.last_year, figures=figures)
    context = _base_context(
        request, selection, board=board, figures=figures, tables=list(tables.values())
    )
    return render(request, "reports/print.html", context)


@login_required
@require_GET
def figures_json(request):
    """The same JSON as `manage.py report_figures --format json` (reports.serialize): every
    figure beside the same period last year, and the tables; `as_of=dd/mm/yyyy` is the
    command's `--as-of`. A bad period or date is {"error": message} with status 400."""
    selection = selection_module.read(request)
    as_of_text = (request.GET.get("as_of") or "").strip()
    try:
        as_of = parse_date(as_of_text, "as_of") if as_of_text else None
        figures = figures_module.compute(selection.root, selection.period(), as_of=as_of)
    except PeriodError as error:
        return JsonResponse({"error": error.message}, status=BAD_REQUEST)
    tables = tables_module.build(figures.root, figures.current, figures.last_year, figures=figures)
    # As the command: an open period shows the adjustments of the closed period before it.
    adjustments = None if figures.closed else adjustments_into(figures.root, figures.current)
    data = figures_data(figures, tables, adjustments)
    body = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


# --- the statistical tables ---------------------------------------------------------------


def _tables_for(selection, keys=None):
    period = selection.period()
    as_of = figures_module.as_of_date(period)
    current = period.until(as_of)
    return period, as_of, tables_module.build(selection.root, current, keys=keys)


@login_required
@require_GET
def tables(request, key: str | None = None):
    """Every table (or the table `key`) of the organisation for the period."""
    if key is not None and key not in tables_module.TABLES:
        raise Http404
    selection = selection_module.read(request)
    keys = [key] if key else None
    try:
        period, as_of, built = _tables_for(selection, keys)
    except PeriodError as error:
        return _error(request, "reports/tables.html", selection, error, table_key=key)
    context = _base_context(
        request,
        selection,
        period=period,
        as_of=as_of,
        tables=list(built.values()),
        all_tables=[(spec.key, spec.title) for spec in tables_module.TABLES.values()],
        table_key=key,
    )
    return render(request, "reports/tables.html", context)


@login_required
@require_GET
def table_export(request, key: str, file_format: str):
    file_format = _export_format(file_format)
    if key not in tables_module.TABLES:
        raise Http404
    selection = selection_module.read(request)
    try:
        period, as_of, built = _tables_for(selection, [key])
    except PeriodError as error:
        return _error(request, "reports/tables.html", selection, error, table_key=key)
    head = exports.caption(selection.root, period, as_of)
    sheets = [exports.table_sheet(table, head) for table in built.values()]
    name = f"{key}-{selection.root.code}-{period.start:%Y}"
    return exports.response(sheets, file_format, name)


# --- where to work next ---------------------------------------------------------------------


OPPORTUNITY_LISTS = ("large", "employers", "elsewhere")


def _min_workers(request) -> tuple[int, str]:
    """The size asked for (?min_workers=), else the setting; a message for a bad one."""
    text = (request.GET.get("min_workers") or "").strip()
    default = selectors.min_workers_default()
    if not text:
        return default, ""
    if not text.isdigit() or not 1 <= int(text) <= 1_000_000:
        return default, _("Give the number of workers as a whole number from 1 to 1,000,000.")
    return int(text), ""


def _opportunities(selection, min_workers: int) -> dict:
    root = selection.root
    return {
        "large": list(selectors.large_without_party(root, min_workers=min_workers)),
        "employers": selectors.employers_without_organization(root),
        "elsewhere": selectors.counted_elsewhere(root),
    }


def _opportunity_sheet(key: str, rows, min_workers: int, head) -> exports.Sheet:
    if key == "large":
        return exports.Sheet(
            _("Enterprises with %(workers)s or more workers, a union and no party organisation")
            % {"workers": min_workers},
            [
                pgettext("dashboard", "Enterprise"),
                _("Tax code"),
                pgettext("dashboard", "Zone"),
                pgettext("dashboard", "Workers"),
                pgettext("dashboard", "Workers counted on"),
            ],
            [
                [e.name, e.tax_code, e.zone.name, e.latest_workers, e.latest_workers_on]
                for e in rows
            ],
            head,
        )
    if key == "employers":
        return exports.Sheet(
            _("Enterprises where members work, without a party organisation"),
            [
                pgettext("dashboard", "Enterprise"),
                _("Tax code"),
                pgettext("dashboard", "Zone"),
                pgettext("dashboard", "Members working there"),
            ],
            [[r.name, r.tax_code, r.zone, r.members] for r in rows],
            head,
        )
    return exports.Sheet(
        _("Members working in the zones' enterprises but counted elsewhere"),
        [
            pgettext("dashboard", "Enterprise"),
            _("Tax code"),
            pgettext("dashboard", "Zone"),
            pgettext("dashboard", "Counted in"),
            pgettext("dashboard", "Members"),
        ],
        [[r.name, r.tax_code, r.zone, r.counted_in, r.members] for r in rows],
        head,
    )


@login_required
@require_GET
def opportunities(request):
    selection = selection_module.read(request)
    min_workers, message = _min_workers(request)
    lists = _opportunities(selection, min_workers)
    context = _base_context(
        request,
        selection,
        min_workers=min_workers,
        min_workers_error=message,
        lists=lists,
        totals={
            "large": len(lists["large"]),
            "employers": sum(row.members for row in lists["employers"]),
            "elsewhere": sum(row.members for row in lists["elsewhere"]),
        },
    )
    return render(request, "reports/opportunities.html", context)


@login_required
@require_GET
def opportunities_export(request, key: str, file_format: str):
    file_format = _export_format(file_format)
    if key not in OPPORTUNITY_LISTS:
        raise Http404
    selection = selection_module.read(request)
    min_workers, _message = _min_workers(request)
    rows = _opportunities(selection, min_workers)[key]
    today = timezone.localdate()
    head = (selection.root.name, _("As of %(day)s") % {"day": f"{today:%d/%m/%Y}"})
    sheet = _opportunity_sheet(key, rows, min_workers, head)
    return exports.response([sheet], file_format, f"co-hoi-{key}-{selection.root.code}")


# --- signing in -----------------------------------------------------------------------------


def home(request):
    """The site's root: the dashboard for a leader, the admin for everyone else."""
    if request.user.is_authenticated and role_of(request.user) == Role.LEADER:
        return redirect("reports:dashboard")
    return redirect("admin:index")


def landing(response, request):
    """After signing in at the admin's login with no page asked for (the admin's home), a
    leader lands on the dashboard; anyone else goes where the admin sends them."""
    if (
        request.method == "POST"
        and response.status_code == 302
        and request.user.is_authenticated
        and response.url == reverse("admin:index")
        and role_of(request.user) == Role.LEADER
    ):
        return redirect("reports:dashboard")
    return response
