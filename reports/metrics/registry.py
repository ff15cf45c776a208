"""The metric registry: each figure's key, Vietnamese label, unit, definition and the one
function that computes it. Adding a metric is writing one function under `@metric(...)`.

A metric function takes the groups to compute for (`grouping.Groups`: the root's whole
subtree, or each direct child of the root), the period (already cut at the date of the
figures), and its parameters, and returns {organisation id: value} for the groups that have
rows, in ONE query whatever the grouping. `Metric.__call__` does the rest: it checks the
parameters, and in the grouped form gives each child without rows its zero.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from reports.metrics.grouping import Groups
from reports.periods import Period
from reports.values import Count, Ratio, Value

COUNT, PERCENT = "count", "percent"
# A flow over the period (admitted in 2025), or a state on its last day (members counted).
PERIOD, DATE = "period", "date"
# Where a metric's rows belong: to an organisation of the tree (a member's cell), or to a zone,
# in the care of a zone committee (an enterprise's union): 0 below a zone committee.
TREE, ZONES = "tree", "zones"


class MetricError(ValueError):
    """An unknown metric or parameter: the message says which, in the interface's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Metric:
    key: str  # stable, part of the JSON contract
    label: Promise
    unit: str  # COUNT or PERCENT
    definition: Promise  # the same text as docs/figures.md
    kind: str  # PERIOD or DATE
    function: Callable[..., dict[int, Value]] = field(repr=False)
    # {parameter: {value: label}}; the first value of each is the default.
    params: Mapping[str, Mapping[str, Promise]] = field(default_factory=dict)
    scope: str = TREE
    # Whether the figures list every combination of the parameters' values (of_which × …), or
    # each parameter's values alone, the others at their default: coverage by ownership group
    # and by size band, not by both at once (9 × 4 figures). Any combination can be asked for.
    crossed: bool = True
    # What the value is made of, for computing many figures at once (reports.metrics.batch):
    # plan(groups, period, **params) -> Plan; None computes it with `function`, one query.
    plan: Callable | None = field(default=None, repr=False, compare=False)

    def zero(self) -> Value:
        return Count.zero() if self.unit == COUNT else Ratio.zero()

    def checked(self, params: Mapping[str, str]) -> dict[str, str]:
        """`params` with each one's default filled in; a MetricError for anything unknown."""
        for name, value in params.items():
            if name not in self.params:
                raise MetricError(
                    _("The figure “%(label)s” has no parameter %(name)s.")
                    % {"label": self.label, "name": name}
                )
            if value not in self.params[name]:
                raise MetricError(
                    _("%(value)s is not a value of %(name)s for “%(label)s” (it takes %(values)s).")
                    % {
                        "value": value,
                        "name": name,
                        "label": self.label,
                        "values": ", ".join(self.params[name]),
                    }
                )
        return {name: params.get(name, next(iter(values))) for name, values in self.params.items()}

    def variants(self) -> list[dict[str, str]]:
        """The parameters' values the figures list, the defaults first: every combination, or
        (not `crossed`) each parameter's values with the others at their default."""
        names = list(self.params)
        if self.crossed:
            return [
                dict(zip(names, values, strict=True))
                for values in itertools.product(*(self.params[name] for name in names))
            ]
        defaults = self.checked({})
        variants = [defaults]
        for name in names:
            variants += [{**defaults, name: value} for value in list(self.params[name])[1:]]
        return variants

    def label_for(self, params: Mapping[str, str]) -> str:
        """The label, with the parameters that are not their default ("…: of which re-admitted")."""
        parts = [
            str(self.params[name][value])
            for name, value in self.checked(params).items()
            if value != next(iter(self.params[name]))
        ]
        return ": ".join([str(self.label), *parts])

    def __call__(
        self,
        root,
        period: Period,
        *,
        by_child: bool = False,
        children=None,
        **params,
    ) -> dict[int, Value]:
        """{root.pk: value}, or with `by_child`, {child.pk: value} for each direct child of
        `root` (those active at some time in the period, and any other with rows), in one
        query. `children` saves the query for them when several metrics are computed."""
        values = self.function(Groups(root, by_child), period, **self.checked(params))
        if not by_child:
            return {root.pk: values.get(root.pk, self.zero())}
        if children is None:
            children = children_in(root, period)
        result = {child.pk: values.pop(child.pk, self.zero()) for child in children}
        result.update(values)
        return result


def children_in(root, period: Period) -> list:
    """The direct children of `root` that were active at some time in `period`."""
    return list(
        root.children.filter(founded_on__lte=period.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=period.start))
        .order_by("path")
    )


REGISTRY: dict[str, Metric] = {}


def metric(
    *,
    key: str,
    label: Promise,
    unit: str,
    definition: Promise,
    kind: str,
    params: Mapping[str, Mapping[str, Promise]] | None = None,
    scope: str = TREE,
    crossed: bool = True,
):
    """Register the decorated function as the metric `key`."""

    def register(function) -> Metric:
        if key in REGISTRY:
            raise ValueError(f"metric {key!r} is registered twice")
        if unit not in (COUNT, PERCENT) or kind not in (PERIOD, DATE) or scope not in (TREE, ZONES):
            raise ValueError(f"metric {key!r}: unit, kind or scope unknown")
        REGISTRY[key] = Metric(
            key=key,
            label=label,
            unit=unit,
            definition=definition,
            kind=kind,
            function=function,
            params=params or {},
            scope=scope,
            crossed=crossed,
        )
        return REGISTRY[key]

    return register


def planned(key: str):
    """Give the metric `key` the decorated function as its plan (reports.metrics.batch): the
    same value as its function, computed with the other planned metrics of its family."""

    def attach(plan):
        REGISTRY[key] = dataclasses.replace(REGISTRY[key], plan=plan)
        return plan

    return attach


def get(key: str) -> Metric:
    try:
        return REGISTRY[key]
    except KeyError:
        raise MetricError(_("There is no figure %(key)s.") % {"key": key}) from None


def metrics(keys=None) -> list[Metric]:
    """The metrics `keys` name (every one, in the order registered, when None)."""
    return list(REGISTRY.values()) if keys is None else [get(key) for key in keys]
