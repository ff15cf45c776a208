"""The metric registry (see registry.py). Importing this package registers every metric: each
module below holds the metrics of one kind of record, and the order of the imports is the order
of the figures in the command's output and on the dashboard."""

# isort: off
from reports.metrics import organizations  # noqa: F401  (importing registers)
from reports.metrics import members  # noqa: F401
from reports.metrics import mass  # noqa: F401
from reports.metrics import classes  # noqa: F401
from reports.metrics import ratings  # noqa: F401
from reports.metrics import coverage  # noqa: F401

# isort: on
from reports.metrics.registry import (
    COUNT,
    DATE,
    PERCENT,
    PERIOD,
    REGISTRY,
    TREE,
    ZONES,
    Metric,
    MetricError,
    children_in,
    get,
    metric,
    metrics,
)

__all__ = [
    "COUNT",
    "DATE",
    "PERCENT",
    "PERIOD",
    "REGISTRY",
    "TREE",
    "ZONES",
    "Metric",
    "MetricError",
    "children_in",
    "get",
    "metric",
    "metrics",
]
