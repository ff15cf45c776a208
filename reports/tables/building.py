"""Building the tables for a period beside the same period last year: a closed period's
tables, and a closed last year's column, are the stored ones (reports.closing); every line
the closings do not give, of every table and both periods, is computed at once
(reports.tables.base.computed: one statement per kind of record)."""

from __future__ import annotations

from reports import closing
from reports.periods import Period
from reports.tables.base import TABLES, Row, Table, computed
from reports.values import Count


def build(
    root,
    current: Period,
    last_year: Period | None = None,
    keys=None,
    *,
    from_records: bool = False,
    figures=None,
) -> dict[str, Table]:
    """The tables (every one, or those of `keys`) of `root`'s subtree for `current`, beside
    `last_year` (default: the same period last year). A closed period's tables, and a closed
    last year's column, are the stored ones; a balance starts from the closed period before
    (reports.closing). `from_records` computes from the records all the same.

    `figures`, the figures of `root` computed for the same periods (reports.figures.compute,
    read or computed as these tables are), gives the lines that are figures (the zone table's
    coverage and members per workers) instead of computing them again."""
    last_year = last_year or current.same_period_last_year()
    closings = closing.Closings() if from_records else closing.lookup(root, current, last_year)
    specs = list(TABLES.values()) if keys is None else [TABLES[key] for key in keys]
    stored = {spec.key: closings.table(current, spec.key) for spec in specs}
    stored_last = {
        spec.key: closings.lines(last_year, spec.key) for spec in specs if stored[spec.key] is None
    }
    # The lines no closing gives: (table, period), all computed together.
    wanted = [
        (spec, period)
        for spec in specs
        if stored[spec.key] is None
        for period in (current, last_year)
        if period is current or stored_last[spec.key] is None
    ]
    made = computed(
        root, [spec.planned(period, _known(root, figures, period)) for spec, period in wanted]
    )
    lines = {
        (spec.key, period): closings.carried(spec.key, period, got)
        for (spec, period), got in zip(wanted, made, strict=True)
    }
    tables = {}
    for spec in specs:
        if stored[spec.key] is not None:
            tables[spec.key] = stored[spec.key]
            continue
        this = lines[spec.key, current]
        last = stored_last[spec.key] or lines[spec.key, last_year]
        earlier = {line.key: line.value for line in last.lines}
        rows = [
            Row(line.key, str(line.label), line.value, earlier.get(line.key, Count(0)))
            for line in this.lines
        ]
        checks = {name: held and last.checks.get(name, True) for name, held in this.checks.items()}
        tables[spec.key] = Table(spec.key, str(spec.title), rows, checks)
    return tables


def _known(root, figures, period: Period) -> dict | None:
    """The values of `figures` (of `root`) for `period`, if it is one of their two periods."""
    if figures is None or figures.root.pk != root.pk:
        return None
    if period == figures.current:
        return {(f.key, tuple(f.params.items())): f.value for f in figures.figures}
    if period == figures.last_year:
        return {(f.key, tuple(f.params.items())): f.last_year for f in figures.figures}
    return None
