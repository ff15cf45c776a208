"""Every target of an organisation for a period, with its figure and where it stands.

The figures come from `reports.figures` (the same numbers as the command, the tables and the
dashboard): the organisation's own targets read the figures already computed when they are
given (`figures=`), or one query per figure the targets name; the parts of its split targets
given to its direct sub-organisations read one grouped query per figure (a GROUP BY on the path
prefix, as `figures.breakdown`). The number of queries does not grow with the data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from reports import figures as figures_module
from reports.metrics import REGISTRY, children_in
from reports.periods import TERM, YEAR, Period
from reports.targets.models import Target
from reports.targets.status import Assessment, assess_target
from reports.values import Value


@dataclass(frozen=True)
class TargetResult:
    target: Target
    value: Value
    assessment: Assessment

    @property
    def organization(self):
        return self.target.organization

    @property
    def is_part(self) -> bool:
        """A sub-organisation's part of a split target (or a target of its own)."""
        return self.target.organization_id != self._root_id

    _root_id: int = 0

    @property
    def part_of(self) -> str | None:
        """The code of the organisation whose target this one is a part of (None for a whole
        target); read with the targets, without a query."""
        if self.target.parent_id is None:
            return None
        return self.target.parent.organization.code


def targets_for(root, period: Period, *, children: bool = True):
    """The targets of `root` (and of its direct sub-organisations) that apply to `period`: a
    year's, each year of a term that includes it, or a term's. Other periods (a month, two
    dates) have none."""
    whose = (
        Q(organization=root) | Q(organization__parent=root) if children else Q(organization=root)
    )
    targets = Target.objects.filter(whose)
    if period.kind == YEAR:
        targets = targets.for_year(period.start.year)
    elif period.kind == TERM:
        targets = targets.for_term(period.start.year, period.end.year)
    else:
        return Target.objects.none()
    return targets.filter(metric__in=list(REGISTRY)).select_related(
        "organization", "source", "parent__organization"
    )


def evaluate(
    root,
    period: Period,
    *,
    as_of: datetime.date | None = None,
    figures: figures_module.Figures | None = None,
    children: bool = True,
) -> list[TargetResult]:
    """Each target of `root` (and, with `children`, of its direct sub-organisations) for
    `period`, with the figure at the date of the figures (`as_of`, default: the period's end or
    today), its status, % achieved, and its pace while the period runs. `figures`, computed for
    the same root and period, saves the queries of the root's own figures. A PeriodError if
    the date does not fit the period."""
    if figures is not None:
        as_of = figures.as_of
    as_of = figures_module.as_of_date(period, as_of)
    current = period.until(as_of)
    targets = list(targets_for(root, period, children=children).order_by(
        "organization__path", "metric", "parameters", "first_year"))  # fmt: skip
    if not targets:
        return []
    running = period.running(timezone.localdate())
    own: dict[tuple, Value] = {}
    parts: dict[tuple, dict[int, Value]] = {}
    sub_organizations = None
    results = []
    for target in targets:
        metric = REGISTRY[target.metric]
        params = target.params
        key = (target.metric, target.parameters)
        if target.organization_id == root.pk:
            if key not in own:
                own[key] = _own_value(metric, params, root, current, figures)
            value = own[key]
        else:
            if key not in parts:
                if sub_organizations is None:
                    sub_organizations = children_in(root, current)
                parts[key] = metric(
                    root, current, by_child=True, children=sub_organizations, **params
                )
            value = parts[key].get(target.organization_id, metric.zero())
        assessment = assess_target(target, value, period=period, today=as_of if running else None)
        results.append(TargetResult(target, value, assessment, _root_id=root.pk))
    return results


def _own_value(metric, params, root, current: Period, figures) -> Value:
    if figures is not None:
        try:
            return figures.get(metric.key, **params).value
        except KeyError:
            pass
    return metric(root, current, **params)[root.pk]
