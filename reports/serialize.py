"""The figures as JSON-ready data: the contract of `report_figures --format json` (and of the
JSON endpoint of issue 11), documented in the README. Dates are ISO, counts are numbers, and a
percentage is a string with 2 decimals ("76.92") so that it stays exact."""

from __future__ import annotations

from decimal import Decimal

from reports.figures import Figures
from reports.periods import Period
from reports.tables import Table
from reports.values import Count, Value


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def value_data(value: Value) -> dict:
    """{"value", "numerator", "denominator", "percent"}: a count's value is the count (the
    rest null); a percentage's value is its percent, beside its two counts."""
    if isinstance(value, Count):
        return {"value": value.value, "numerator": None, "denominator": None, "percent": None}
    shown = decimal_text(value.percent)
    return {
        "value": shown,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "percent": shown,
    }


def period_data(period: Period) -> dict:
    return {
        "kind": period.kind,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "label": str(period.label),
    }


def table_data(table: Table) -> dict:
    return {
        "title": table.title,
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "this": value_data(row.this),
                "last_year": value_data(row.last_year),
                "change_percent": decimal_text(row.change_percent),
            }
            for row in table.rows
        ],
        "checks": dict(table.checks),
    }


def closed_data(closed) -> dict | None:
    """The closing the figures were read from (None: computed from the records)."""
    if closed is None:
        return None
    return {
        "period": period_data(closed.period),
        "closed_at": closed.closed_at.isoformat(),
        "closed_by": closed.closed_by.get_username() if closed.closed_by_id else None,
    }


def adjustments_data(adjustments) -> dict | None:
    """The adjustments shown in a period (reports.adjustments.Adjustments of the closed period
    just before it): each figure as stored and as the records now give it, and each correction
    with who made it and when."""
    if adjustments is None:
        return None
    return {
        "closed": closed_data(adjustments.closed),
        "differences": [
            {
                "key": difference.key,
                "label": difference.label,
                "stored": value_data(difference.stored),
                "now": value_data(difference.now),
            }
            for difference in adjustments.differences
        ],
        "corrections": [
            {
                "made_at": correction.recorded_at.isoformat(),
                "made_by": correction.recorded_by.get_username()
                if correction.recorded_by_id
                else None,
                "action": correction.action,
                "record_type": correction.record_type,
                "record_id": correction.record_id,
                "record": correction.record,
                "dated": correction.dated.isoformat(),
            }
            for correction in adjustments.corrections
        ],
    }


def target_data(result) -> dict:
    """One target (reports.targets.evaluation.TargetResult): what it asks, its figure and
    where it stands."""
    target, assessment = result.target, result.assessment
    source = target.source
    return {
        "organization": {"code": target.organization.code, "name": target.organization.name},
        "key": target.metric,
        "params": target.params,
        "label": target.label,
        "unit": target.unit,
        "period": {
            "kind": target.period_kind,
            "first_year": target.first_year,
            "last_year": target.last_year,
            "label": target.period_label,
        },
        "comparison": target.comparison,
        "minimum": decimal_text(target.minimum),
        "maximum": decimal_text(target.maximum),
        "source": None
        if source is None
        else {
            "number": source.number,
            "issued_on": source.issued_on.isoformat(),
            "issuer": source.issuer,
            "title": source.title,
        },
        "part_of": result.part_of,
        **value_data(result.value),
        "status": str(assessment.status.value),
        "status_label": assessment.status_label,
        "achieved_percent": decimal_text(assessment.achieved),
        "exceeded_percent": decimal_text(assessment.exceeded),
        "pace": None if assessment.pace is None else str(assessment.pace.value),
        "pace_label": assessment.pace_label,
        "expected_share_percent": decimal_text(assessment.expected_share),
        "expected": decimal_text(assessment.expected),
    }


def figures_data(
    figures: Figures, tables: dict[str, Table], adjustments=None, targets=None
) -> dict:
    """The whole JSON: the figures and tables; `adjustments` (reports.closing), those shown in
    the period, when asked for; `targets` (reports.targets.evaluation.evaluate of the same root
    and period), evaluated here when not given."""
    from reports.targets.evaluation import evaluate

    if targets is None:
        targets = evaluate(figures.root, figures.period, figures=figures)
    root = figures.root
    return {
        "committee": {"code": root.code, "name": root.name},
        "period": period_data(figures.period),
        "as_of": figures.as_of.isoformat(),
        "last_year": period_data(figures.last_year),
        "metrics": [
            {
                "key": figure.key,
                "params": dict(figure.params),
                "label": figure.label,
                "unit": figure.metric.unit,
                "kind": figure.metric.kind,
                "scope": figure.metric.scope,
                "definition": str(figure.metric.definition),
                **value_data(figure.value),
                "last_year": value_data(figure.last_year),
                "change_percent": decimal_text(figure.change_percent),
            }
            for figure in figures.figures
        ],
        "tables": {key: table_data(table) for key, table in tables.items()},
        "closed": closed_data(figures.closed),
        "adjustments": adjustments_data(adjustments),
        "targets": [target_data(result) for result in targets],
    }
