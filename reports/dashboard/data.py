"""Everything the dashboard shows, computed once for a selection: the targets (from their
slot), the key figures (kỳ này | cùng kỳ | %), the breakdown by sub-organisation with who is
behind first, the growth since founding, and the charts' data with their tables.

The figures come from the figures layer only (reports.figures, which reads a closed period
from its closing, and reports.monthly for the monthly points: those stored with the closing
of a closed period, else computed from the records, many at once); the lists of records from
reports.selectors.
The number of queries depends on the kinds of record the figures read, never on the data or
the period's length.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kcn_party.dates import short_date
from reports import closing, monthly, selectors
from reports import figures as figures_module
from reports import metrics as registry
from reports.dashboard import targets as target_slot
from reports.dashboard.selection import Selection
from reports.monthly import month_ends
from reports.values import Count, Ratio, Value, change, percent, rounded

# The figure the breakdown and the monthly chart follow unless another is chosen.
DEFAULT_FOCUS = "members_admitted"
# The figures beside the focus in the breakdown, when the registry has them.
SUMMARY_KEYS = (
    "members_counted",
    "members_admitted",
    "organizations_founded",
    "unions_founded",
    "members_rated_good",
)
COVERAGE_KEYS = ("coverage_party", "coverage_union")


def focus_metrics() -> list:
    """The figures a leader may follow month by month: the counts (a closing stores their
    monthly points, reports.monthly)."""
    return monthly.followed()


def focus_choices() -> list[tuple[str, str]]:
    """(key, label) of each figure that may be followed, for the page's selector."""
    return [(metric.key, str(metric.label)) for metric in focus_metrics()]


def focus_metric(key: str):
    choices = {metric.key: metric for metric in focus_metrics()}
    return choices.get(key) or choices.get(DEFAULT_FOCUS) or next(iter(choices.values()))


@dataclass(frozen=True)
class KeyFigure:
    """A figure as the page shows it (a Figure's metric is callable, which templates call)."""

    key: str
    params: dict
    label: str
    definition: str
    value: Value
    last_year: Value
    change_percent: Decimal | None

    @classmethod
    def of(cls, figure) -> KeyFigure:
        return cls(
            figure.key,
            dict(figure.params),
            figure.label,
            str(figure.metric.definition),
            figure.value,
            figure.last_year,
            figure.change_percent,
        )


# --- the breakdown ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    organization: object
    value: Value  # of the focus figure
    share: Decimal | None  # of the whole (a count's part of the root's figure)
    last_year: Value
    change_percent: Decimal | None
    target: object | None  # the part of a split target, if any
    others: list[Value]  # the summary figures, in the order of `Breakdown.columns`

    @property
    def behind(self) -> bool:
        if self.target is not None:
            return self.target.status == target_slot.BELOW
        return self.change_percent is not None and self.change_percent < 100


@dataclass(frozen=True)
class BreakdownView:
    # Metrics are callable: templates get their key and label, never the metric itself.
    key: str
    label: str
    columns: list[str]  # the labels of the summary figures
    rows: list[ChildRow]
    split: bool  # whether the focus target is split among the children


def behind_first(rows: list[ChildRow]) -> list[ChildRow]:
    """Who is behind first: by the part of a split target achieved, else by the figure
    against the same period last year (lowest first); those without a comparison last."""

    def key(row: ChildRow):
        if row.target is not None and row.target.achieved is not None:
            return (0, row.target.achieved, row.organization.path)
        if row.change_percent is not None:
            return (0, row.change_percent, row.organization.path)
        return (1, Decimal(0), row.organization.path)

    return sorted(rows, key=key)


def build_breakdown(figures, focus, target_rows) -> BreakdownView:
    root = figures.root
    columns = [
        registry.get(key)
        for key in SUMMARY_KEYS
        if key in registry.REGISTRY and key != focus.key  # the focus has its own columns
    ]
    # figures.breakdown: a period the root has closed gives the values stored with it.
    keys = list(dict.fromkeys([focus.key, *(metric.key for metric in columns)]))
    this = figures_module.breakdown(root, figures.period, keys=keys, as_of=figures.as_of)
    # A closed period's cùng kỳ by child is the one stored with it, as its figures' is.
    earlier = closing.stored_last_year_breakdown(figures.closed, focus) if figures.closed else None
    if earlier is None:
        # Read for this year's children only (`earlier.get` below): last year's are not listed.
        last = figures_module.breakdown(
            root, figures.last_year, keys=[focus.key], children=this.children
        )
        earlier = last.get(focus.key)
    whole = figures.get(focus.key, **focus.checked({})).value
    target = target_slot.row_for(target_rows, focus.key, focus.checked({}))
    parts = dict(getattr(target, "parts", {}) or {}) if target else {}
    values = this.get(focus.key)
    children = this.children
    # Each summary figure's values by child, and its zero, read once for all the children.
    summaries = [(this.get(metric.key), metric.zero()) for metric in columns]
    zero = focus.zero()
    rows = []
    for child in children:
        value = values.get(child.pk, zero)
        before = earlier.get(child.pk, zero)
        share = (
            percent(value.value, whole.value)
            if isinstance(value, Count) and isinstance(whole, Count)
            else None
        )
        others = [by_child.get(child.pk, none) for by_child, none in summaries]
        rows.append(
            ChildRow(
                child, value, share, before, change(value, before), parts.get(child.pk), others
            )
        )
    labels = [str(metric.label) for metric in columns]
    return BreakdownView(focus.key, str(focus.label), labels, behind_first(rows), bool(parts))


# --- growth since founding -------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    founded_on: datetime.date
    organizations_then: int | None
    organizations_now: int
    members_then: int | None
    members_now: int | None

    @property
    def organizations_gained(self) -> int | None:
        if self.organizations_then is None:
            return None
        return self.organizations_now - self.organizations_then

    @property
    def members_gained(self) -> int | None:
        if self.members_then is None or self.members_now is None:
            return None
        return self.members_now - self.members_then

    @property
    def since(self) -> str:
        return f"{self.founded_on.month}/{self.founded_on.year}"


def build_growth(figures) -> Growth | None:
    """The committee's founding figures, entered once on it, against the date of the figures;
    None when neither was entered."""
    root = figures.root
    if root.founding_organizations is None and root.founding_members is None:
        return None
    try:
        members_now = figures.get("members_counted").value.value
    except KeyError:
        members_now = None
    return Growth(
        root.founded_on,
        root.founding_organizations,
        selectors.grassroots_count_on(root, figures.as_of),
        root.founding_members,
        members_now,
    )


# --- charts ------------------------------------------------------------------------------------


def _number(value: Value):
    """A value as a chart draws it: the count, or the percentage (None for a share of none)."""
    if isinstance(value, Count):
        return value.value
    shown = value.percent
    return None if shown is None else float(shown)


@dataclass(frozen=True)
class MonthlyPoint:
    day: datetime.date
    actual: Value
    last_year: Value
    target: Decimal | None
    pace: Decimal | None

    @property
    def label(self) -> str:
        return short_date(self.day)


@dataclass(frozen=True)
class Monthly:
    label: str  # of the figure followed
    cumulative: bool  # a flow, added up from the period's start; else the state on each day
    points: list[MonthlyPoint]

    def chart(self) -> dict:
        has_target = any(point.target is not None for point in self.points)
        datasets = [
            {"label": _("This period"), "data": [_number(p.actual) for p in self.points]},
            {
                "label": _("Same period last year"),
                "data": [_number(p.last_year) for p in self.points],
            },
        ]
        if has_target:
            datasets += [
                {
                    "label": pgettext("dashboard", "Target"),
                    "data": [_float(p.target) for p in self.points],
                },
                {
                    "label": pgettext("dashboard", "Pace"),
                    "data": [_float(p.pace) for p in self.points],
                },
            ]
        return {
            "type": "line",
            "title": self.title,
            "labels": [p.label for p in self.points],
            "datasets": datasets,
        }

    @property
    def title(self) -> str:
        if self.cumulative:
            return _("%(figure)s, added up month by month") % {"figure": self.label}
        return _("%(figure)s, at the end of each month") % {"figure": self.label}


def _float(value: Decimal | None):
    return None if value is None else float(value)


def build_monthly(figures, focus, target_rows) -> Monthly:
    """The focus figure from the period's start to each month's end, beside the same days a
    year earlier; with the target and the pace (the target × the elapsed share of the period)
    when the figure has a target. A period the root has closed (`figures.closed`) gives the
    points stored with it, without a query; otherwise (or a closing that has none for the
    figure) one query for every point of both years (a metric without a plan: two per point)."""
    period = figures.period
    target = target_slot.row_for(target_rows, focus.key, focus.checked({}))
    days = month_ends(period, figures.as_of)
    stored = closing.stored_points(figures.closed, focus, days) if figures.closed else None
    this, last = stored or monthly.compute(figures.root, period, days, [focus])[0]
    points = []
    for day, actual, before in zip(days, this, last, strict=True):
        goal = pace = None
        if target is not None:
            goal = Decimal(target.minimum)
            if goal == goal.to_integral_value():  # 30, not 30,00
                goal = goal.quantize(Decimal(1))
            share = period.elapsed_share(day)
            pace = rounded(Fraction(goal) * share.numerator / share.denominator)
        points.append(MonthlyPoint(day, actual, before, goal, pace))
    return Monthly(str(focus.label), focus.kind == registry.PERIOD, points)


@dataclass(frozen=True)
class CoverageRow:
    label: str
    values: list[Value]  # one per coverage metric


@dataclass(frozen=True)
class CoverageGroup:
    title: str
    labels: list[str]  # of the coverage figures
    rows: list[CoverageRow]

    def chart(self) -> dict:
        return {
            "type": "bar",
            "title": self.title,
            "labels": [row.label for row in self.rows],
            "datasets": [
                {"label": label, "data": [_number(row.values[i]) for row in self.rows]}
                for i, label in enumerate(self.labels)
            ],
        }


def build_coverage(figures) -> list[CoverageGroup]:
    """Coverage by each parameter of the coverage metrics (ownership group, size band), from
    the figures already computed; [] while the registry has no coverage metric."""
    present = [registry.get(key) for key in COVERAGE_KEYS if key in registry.REGISTRY]
    if not present:
        return []
    first = present[0]
    groups = []
    for name, choices in first.params.items():
        rows = []
        for value, label in list(choices.items())[1:]:  # the first is "all"
            found = []
            for metric in present:
                try:
                    found.append(figures.get(metric.key, **{name: value}).value)
                except (KeyError, registry.MetricError):
                    found.append(Ratio.zero())
            rows.append(CoverageRow(str(label), found))
        title = _("Coverage by %(parameter)s") % {"parameter": _parameter_name(name)}
        groups.append(CoverageGroup(title, [str(metric.label) for metric in present], rows))
    return groups


def _parameter_name(name: str) -> str:
    names = {
        "group": pgettext("dashboard", "ownership group"),
        "band": pgettext("dashboard", "size band"),
    }
    return str(names.get(name, name))


# --- the whole page ----------------------------------------------------------------------------


@dataclass
class Dashboard:
    selection: Selection
    figures: object  # reports.figures.Figures
    targets: list
    key_figures: list  # the figures without a target
    breakdown: BreakdownView
    growth: Growth | None
    monthly: Monthly
    coverage: list[CoverageGroup]

    @property
    def root(self):
        return self.figures.root

    def charts(self) -> dict:
        """The data of every chart, for json_script."""
        data = {"monthly": self.monthly.chart()}
        for index, group in enumerate(self.coverage):
            data[f"coverage{index}"] = group.chart()
        return data


def listed(figure) -> bool:
    """Whether a figure is one of the key figures: every one, except the coverage split by
    one parameter, which its chart and table show."""
    if figure.metric.key in COVERAGE_KEYS:
        return dict(figure.params) == figure.metric.checked({})
    return True


def build(selection: Selection) -> Dashboard:
    """The dashboard of `selection`; a PeriodError if its period cannot be."""
    period = selection.period()
    figures = figures_module.compute(selection.root, period)
    rows = target_slot.target_rows(root=selection.root, figures=figures)
    focus = focus_metric(selection.metric)
    with_target = {(row.key, tuple(sorted(dict(row.params).items()))) for row in rows}
    key_figures = [
        KeyFigure.of(figure)
        for figure in figures.figures
        if listed(figure)
        and (figure.key, tuple(sorted(dict(figure.params).items()))) not in with_target
    ]
    return Dashboard(
        selection=selection,
        figures=figures,
        targets=rows,
        key_figures=key_figures,
        breakdown=build_breakdown(figures, focus, rows),
        growth=build_growth(figures),
        monthly=build_monthly(figures, focus, rows),
        coverage=build_coverage(figures),
    )
