"""The dashboard's slot for targets (issue 11 points 1–2, built in `reports/targets/`).

The dashboard shows one row per target in scope — the actual figure, the target, % achieved,
the status with its traffic light, and the pace — and it gets them from ONE call:

    reports.targets.evaluation.evaluate(root, period, figures=figures) -> [TargetResult]

(`figures`, the `reports.figures.Figures` already computed for the page, saves the queries of
the root's own figures). Each result carries the `Target` (its metric, parameters, minimum,
maximum, range, source document, and `parent` when it is a sub-organisation's part of a split
target) and its `Assessment` (status, % achieved, pace, expected). `rows_from_results` turns
them into the `TargetRow`s below: the root's own targets, each with the parts of it given to
its sub-organisations. Until `reports.targets` is installed, `target_rows` gives [] and the
dashboard shows the figures without targets: no target is ever made up here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.module_loading import import_string
from django.utils.translation import pgettext_lazy

from reports.values import Value

PROVIDER = "reports.targets.evaluation.evaluate"

# The status rule's outcomes (issue 11 point 2), with their traffic lights; a percentage of
# nothing (nobody rated yet) has no figure and no status.
BELOW, MET, EXCEEDED, NO_FIGURE = "below", "met", "exceeded", "no_figure"
STATUS_LABELS = {
    BELOW: pgettext_lazy("target status", "not met"),
    MET: pgettext_lazy("target status", "met"),
    EXCEEDED: pgettext_lazy("target status", "exceeded"),
    NO_FIGURE: pgettext_lazy("target status", "no figure yet"),
}
STATUS_LIGHTS = {BELOW: "red", MET: "green", EXCEEDED: "blue", NO_FIGURE: "grey"}
# The pace of a running period: on track or behind the elapsed share of the period.
ON_TRACK, BEHIND = "on_track", "behind"
PACE_LABELS = {
    ON_TRACK: pgettext_lazy("target pace", "on track"),
    BEHIND: pgettext_lazy("target pace", "behind schedule"),
}
PACE_LIGHTS = {ON_TRACK: "green", BEHIND: "amber"}


@dataclass(frozen=True)
class TargetRow:
    """One target in scope, as the dashboard, its exports and the print view show it."""

    key: str  # the metric's key
    params: Mapping[str, str]  # the metric's parameters ({} for none)
    label: str
    actual: Value
    minimum: Decimal | int
    maximum: Decimal | int | None  # for a range such as 30–50
    target_text: str  # "30–50", "≥ 2", "> 85%"
    achieved: Decimal | None  # "đạt X%": actual ÷ minimum × 100
    status: str  # BELOW, MET, EXCEEDED or NO_FIGURE
    pace: str | None = None  # ON_TRACK or BEHIND in a running period, else None
    expected: Decimal | None = None  # what the pace expects by the date of the figures
    source: str = ""  # the document: "09-NQ/ĐU, 15/01/2025"
    # A split target: each sub-organisation's part, by its id, as rows of their own.
    parts: Mapping[int, TargetRow] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def light(self) -> str:
        return STATUS_LIGHTS[self.status]

    @property
    def exceeded_by(self) -> Decimal | None:
        """ "Vượt Y%": X − 100 when X > 100."""
        if self.achieved is None or self.achieved <= 100:
            return None
        return self.achieved - 100

    @property
    def pace_label(self) -> str:
        return str(PACE_LABELS[self.pace]) if self.pace else ""

    @property
    def pace_light(self) -> str:
        return PACE_LIGHTS.get(self.pace, "")


# The codes of reports.targets.status (Status, Pace) as the dashboard names them.
STATUS_CODES = {"not_met": BELOW, "met": MET, "exceeded": EXCEEDED, "no_figure": NO_FIGURE}
PACE_CODES = {"on_pace": ON_TRACK, "behind": BEHIND}


def _evaluate() -> Callable | None:
    """The targets module's function, or None while `reports.targets` is not installed. Only
    the module's absence is tolerated: an error inside it must show, not hide the targets."""
    try:
        return import_string(PROVIDER)
    except ImportError as error:
        if getattr(error, "name", None) in {"reports.targets", "reports.targets.evaluation"}:
            return None
        raise


def row_from_result(result, parts=None) -> TargetRow:
    """A TargetRow from a reports.targets.evaluation.TargetResult."""
    target, assessment = result.target, result.assessment
    metric = target.metric_object
    pace = getattr(assessment, "pace", None)
    return TargetRow(
        key=target.metric,
        params=metric.checked(target.params) if metric is not None else dict(target.params),
        label=str(target.label),
        actual=result.value,
        minimum=target.minimum,
        maximum=target.maximum,
        target_text=target.range_label,
        achieved=assessment.achieved,
        status=STATUS_CODES[str(getattr(assessment.status, "value", assessment.status))],
        pace=PACE_CODES[str(getattr(pace, "value", pace))] if pace else None,
        expected=assessment.expected,
        source=str(target.source) if target.source_id else "",
        parts=parts or {},
    )


def rows_from_results(results, root) -> list[TargetRow]:
    """The root's own targets, each with its parts given to its direct sub-organisations (by
    their ids); a sub-organisation's target of its own, not a part, is not the root's row."""
    parts: dict[int, dict[int, TargetRow]] = {}
    for result in results:
        target = result.target
        if target.organization_id != root.pk and target.parent_id is not None:
            parts.setdefault(target.parent_id, {})[target.organization_id] = row_from_result(result)
    return [
        row_from_result(result, parts.get(result.target.pk))
        for result in results
        if result.target.organization_id == root.pk
    ]


def provider() -> Callable | None:
    """The function giving the target rows of (root, figures), or None without targets."""
    evaluate = _evaluate()
    if evaluate is None:
        return None

    def rows(*, root, figures) -> list[TargetRow]:
        return rows_from_results(evaluate(root, figures.period, figures=figures), root)

    return rows


def target_rows(*, root, figures) -> list:
    """The targets of `root` for the period of `figures`, each with its status and pace."""
    function = provider()
    if function is None:
        return []
    return list(function(root=root, figures=figures))


def row_for(rows, key: str, params: Mapping[str, str] | None = None):
    """The target row of the metric `key` (with `params`), or None."""
    params = dict(params or {})
    for row in rows:
        if row.key == key and dict(row.params) == params:
            return row
    return None
