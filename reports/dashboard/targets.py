"""The dashboard's slot for targets (issue 11 points 1–2, built in `reports/targets/`).

The dashboard shows one row per target in scope — the actual figure, the target, % achieved,
the status with its traffic light, and the pace — and it gets them from ONE call:

    reports.targets.dashboard.target_rows(*, root, figures) -> list[TargetRow]

`root` is the organisation shown, `figures` the `reports.figures.Figures` already computed
for the period (so the provider reads the actual values from it and runs only the queries
for the targets themselves). Each row is a `TargetRow` below, or any object with the same
attributes. Until that module exists, `target_rows` here gives [] and the dashboard shows the
figures without targets: no target is ever made up here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.module_loading import import_string
from django.utils.translation import pgettext_lazy

from reports.values import Value

PROVIDER = "reports.targets.dashboard.target_rows"

# The status rule's three outcomes (issue 11 point 2), with their traffic lights.
BELOW, MET, EXCEEDED = "below", "met", "exceeded"
STATUS_LABELS = {
    BELOW: pgettext_lazy("target status", "not met"),
    MET: pgettext_lazy("target status", "met"),
    EXCEEDED: pgettext_lazy("target status", "exceeded"),
}
STATUS_LIGHTS = {BELOW: "red", MET: "green", EXCEEDED: "blue"}
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
    status: str  # BELOW, MET or EXCEEDED
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


def provider() -> Callable | None:
    """The targets module's function, or None while `reports.targets` is not installed. Only
    the module's absence is tolerated: an error inside it must show, not hide the targets."""
    try:
        return import_string(PROVIDER)
    except ImportError as error:
        if getattr(error, "name", None) in {"reports.targets", "reports.targets.dashboard"}:
            return None
        if isinstance(error, ModuleNotFoundError):
            raise
        # import_string says "does not define" when the module has no such function yet.
        if "does not define" in str(error):
            return None
        raise


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
