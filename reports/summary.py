"""The figures of a large subtree kept month by month and day by day (reports.models.Summary),
so that the nation's running year reads a few kept rows, not a year of its records.

What is kept, for each organisation of a kept kind (`KEPT_KINDS`: the province-level bodies,
and the national node above them) once `start_keeping` (`manage.py keep_figures`) has begun,
and each month from the first kept: the numbers of every planned figure's terms
(reports.metrics.batch.Term), and of the tables' lines (`keep`), as the records give them.

- A FLOW term (rows dated in the period: admitted, founded, recruits) is kept as its sum from
  the first month kept to each month's end, and for a day as its sum from the day's month's
  first day: a period from a month's first day to D is two months' difference plus D's day.
- A STATE term (rows in force at the end of a day: members counted, coverage) is kept as its
  number at each month's end, and for a day as its change since the end of the month before:
  the number on D less the number then, over the rows `Term.changed` names between the two
  days only (a month's or a few days' changes, read from the records).
- A YEAR term (the ratings of a year) is kept by year.

What is read is thus always what the records give (tests/reports/test_summary.py compares the
two on random days, roots and writes, on both databases). A write to the records marks the
rows it may change stale (`mark`, `mark_years`, `mark_moved`, from every write path:
reports.summary_marks); a stale or missing row is computed again when it is next read, and a
computation a write overtakes does not store its row as fresh (`Summary.version`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from organizations.models import OrganizationKind
from reports.metrics import batch
from reports.metrics.batch import FLOW, STATE, YEAR
from reports.metrics.grouping import Groups
from reports.metrics.registry import children_in
from reports.models import Summary, SummaryKind
from reports.periods import Period, add_months

# The kinds of organisation whose figures are kept: those whose subtree is too large to read
# a year of its records in a request.
KEPT_KINDS = (OrganizationKind.PROVINCE,)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return add_months(month_start(day), 1) - datetime.timedelta(days=1)


def _lineage(path: str) -> list[str]:
    """The paths of the organisation at `path` and of each above it, the top first."""
    parts = [part for part in path.split("/") if part]
    return ["".join(f"{part}/" for part in parts[:n]) for n in range(1, len(parts) + 1)]


def _above(paths: Iterable[str]) -> Q:
    """The kept organisations at or above any of `paths`."""
    prefixes = {prefix for path in paths if path for prefix in _lineage(path)}
    if not prefixes:
        return Q(pk__in=[])
    return Q(organization__path__in=prefixes, organization__kind__in=KEPT_KINDS)


def _stale(rows) -> int:
    """Mark `rows` stale, and move their version on: a computation of them that began before
    this write does not then write them fresh (`_store`). The number of rows marked."""
    return rows.update(stale=True, version=F("version") + 1)


def mark(paths: Iterable[str], days: Iterable[datetime.date | None] | None = None) -> int:
    """The kept rows of the organisations at or above any of `paths` that hold one of `days`
    (None: every row) — stale: computed again before they are read. A month's row holds its
    days; a day's row (kept from its month's first day) holds the days of its month up to it.
    One UPDATE."""
    rows = Summary.objects.filter(_above(paths))
    if days is not None:
        days = {day for day in days if day is not None}
        if not days:
            return 0
        held = Q(kind=SummaryKind.MONTH, start__in={month_start(day) for day in days})
        for day in days:
            held |= Q(kind=SummaryKind.DAY, start__gte=day, start__lte=month_end(day))
        rows = rows.filter(held)
    return _stale(rows)


def mark_years(paths: Iterable[str], years: Iterable[int]) -> int:
    """The kept years `years` of the organisations at or above any of `paths` — stale."""
    starts = {datetime.date(year, 1, 1) for year in years if year}
    if not starts:
        return 0
    return _stale(Summary.objects.filter(_above(paths), kind=SummaryKind.YEAR, start__in=starts))


def mark_moved(old_path: str, new_path: str) -> int:
    """A subtree moved in the tree: every kept row of the organisations above one of its
    places and not the other (those above both keep the same subtree) — stale."""

    changed = set(_lineage(old_path)[:-1]) ^ set(_lineage(new_path)[:-1])
    if not changed:
        return 0
    return _stale(
        Summary.objects.filter(organization__path__in=changed, organization__kind__in=KEPT_KINDS)
    )


def enabled() -> bool:
    return getattr(settings, "KEEP_FIGURES", True)


def _request_key(metric, params) -> str:
    return "&".join([metric.key, *(f"{name}={value}" for name, value in sorted(params.items()))])


_ACCRUALS: dict = {}


def accruals(root, metric, params) -> tuple[str, ...] | None:
    """How each term of the metric's plan accrues, or None when the figure cannot be kept (no
    plan, a term that says nothing, a state without `changed`). Planned once per figure."""
    key = (metric.key, metric.plan, tuple(sorted(params.items())))
    if key not in _ACCRUALS:
        found = None
        if metric.plan is not None:
            plan = metric.plan(Groups(root), Period.month(2000, 1), **params)
            terms = plan.terms if plan is not None else ()
            if terms and all(
                term.accrues in (FLOW, YEAR) or (term.accrues == STATE and term.changed)
                for term in terms
            ):
                kinds = {term.accrues for term in terms}
                found = tuple(term.accrues for term in terms) if len(kinds) == 1 else None
        _ACCRUALS[key] = found
    return _ACCRUALS[key]


def _add(into: dict, other: dict, sign: int = 1) -> dict:
    for key, numbers in other.items():
        mine = into.get(key)
        if mine is None:
            into[key] = [sign * number for number in numbers]
        else:
            into[key] = [a + sign * b for a, b in zip(mine, numbers, strict=True)]
    return into


# --- what is kept: every figure the registry plans, with each parameter value ---------------


def kept_requests(root) -> list[tuple[object, dict[str, str]]]:
    """The (metric, parameters) whose numbers are kept: every planned figure of the registry
    that can be, each variant, and every other request registered with `keep` (the tables'
    lines)."""
    from reports.metrics import metrics

    found = []
    for metric in [*metrics(), *EXTRA]:
        for params in metric.variants():
            if accruals(root, metric, params) is not None:
                found.append((metric, params))
    return found


EXTRA: list = []


def keep(metric) -> None:
    """Keep the numbers of `metric` (a planned Metric outside the registry) too."""
    if all(metric.key != other.key for other in EXTRA):
        EXTRA.append(metric)


# --- computing a month --------------------------------------------------------------------


def _month_parts(root, by_child: bool, month: datetime.date, first: bool) -> dict[int, dict]:
    """{organisation id: {"f": the month's flows, "d": its states' change over the month}}
    for `root` (or each child, by child): one `batch.numbers` call. The first month kept has
    its states whole (their change from nothing)."""
    before = month - datetime.timedelta(days=1)
    return _changes(root, by_child, None if first else before, month_end(month), since=month)


def _changes(root, by_child: bool, before, until, *, since=None) -> dict[int, dict]:
    """{organisation id: {"f": the flows from the day after `before` (or `since`) to `until`,
    "d": the states' change between the ends of `before` and `until`}} — with no `before`,
    the states whole at `until`: one `batch.numbers` call for every kept figure."""
    requests, windows, slots = [], [], []
    flows = Period.between(since or before + datetime.timedelta(days=1), until)
    for metric, params in kept_requests(root):
        kinds = accruals(root, metric, params)
        key = _request_key(metric, params)
        if kinds[0] == FLOW:
            requests.append((metric, params, flows))
            windows.append(None)
            slots.append(("f", key, 1))
        elif kinds[0] == STATE:
            if before is None:
                requests.append((metric, params, Period.between(until, until)))
                windows.append(None)
                slots.append(("d", key, 1))
            else:
                between = (before, until)
                requests += [
                    (metric, params, Period.between(until, until)),
                    (metric, params, Period.between(before, before)),
                ]
                windows += [between, between]
                slots += [("d", key, 1), ("d", key, -1)]
    parts: dict[int, dict] = defaultdict(lambda: {"f": {}, "d": {}})
    found = batch.numbers(root, requests, by_child=by_child, windows=windows)
    for (part, key, sign), (_plan, by_group) in zip(slots, found, strict=True):
        for group, numbers in by_group.items():
            _add(parts[group][part], {key: numbers}, sign)
    return parts


def _year_numbers(root, by_child: bool, year: int) -> dict[int, dict]:
    """{organisation id: the YEAR figures' numbers of `year`}: one `batch.numbers` call."""
    requests = [
        (metric, params, Period.year(year))
        for metric, params in kept_requests(root)
        if accruals(root, metric, params)[0] == YEAR
    ]
    found = batch.numbers(root, requests, by_child=by_child)
    result: dict[int, dict] = defaultdict(dict)
    for (metric, params, _period), (_plan, by_group) in zip(requests, found, strict=True):
        for group, numbers in by_group.items():
            result[group][_request_key(metric, params)] = list(numbers)
    return result


def start_keeping(root, since: datetime.date, *, until: datetime.date | None = None) -> int:
    """Compute and keep the months of `root`, and of each kept child of it (by child, in the
    same statements), from `since`'s month to the last whole month before `until` (today).
    What a committee's figures need kept to read the running year fast; `keep_figures`. The
    number of rows written."""
    today = until or timezone.localdate()
    last = add_months(month_start(today), -1)
    kept_children = [child for child in root.children.all() if child.kind in KEPT_KINDS]
    keepers = [root, *kept_children]
    Summary.objects.filter(organization__in=keepers).delete()
    if month_start(since) > last:
        return 0
    # The first month, to compute: `_refresh` computes it and every month after it to the last.
    Summary.objects.bulk_create(
        Summary(organization=keeper, kind=SummaryKind.MONTH, start=month_start(since), stale=True)
        for keeper in keepers
    )
    _refresh(root, False, [root], last)
    if kept_children:
        _refresh(root, True, kept_children, last)
    return Summary.objects.filter(organization__in=keepers, kind=SummaryKind.MONTH).count()


def _refresh(root, by_child: bool, organizations, until_month) -> None:
    """Bring the kept months of `organizations` (`root`, or its children by child) up to
    date to `until_month`: the stale ones computed again, the missing ones after the last
    computed, and the sums of every month after a changed one written again from the
    months' parts."""
    ids = [organization.pk for organization in organizations]
    rows = Summary.objects.filter(organization_id__in=ids, kind=SummaryKind.MONTH)
    known = {}
    for pk, start, stale in rows.values_list("organization_id", "start", "stale"):
        known[pk, start] = stale
    if not known:
        return
    first_month = min(start for _pk, start in known)
    months, month = [], first_month
    while month <= until_month:
        if any(known.get((pk, month), True) for pk in ids):
            months.append(month)
        month = add_months(month, 1)
    if not months:
        return
    # The rows from the first month to compute on, as they are now (the missing made, stale):
    # each is written only if no write has marked it while the months were computed.
    Summary.objects.bulk_create(
        [
            Summary(organization_id=pk, kind=SummaryKind.MONTH, start=month, stale=True)
            for month in months
            for pk in ids
            if (pk, month) not in known
        ],
        ignore_conflicts=True,
    )
    versions = {
        (pk, start): version
        for pk, start, version in Summary.objects.filter(
            organization_id__in=ids, kind=SummaryKind.MONTH, start__gte=months[0]
        ).values_list("organization_id", "start", "version")
    }
    computed = {
        month: _month_parts(root, by_child, month, month == first_month) for month in months
    }
    with transaction.atomic():
        existing = {
            (row.organization_id, row.start): row
            for row in Summary.objects.select_for_update().filter(
                organization_id__in=ids, kind=SummaryKind.MONTH, start__gte=months[0]
            )
        }
        previous = dict(
            Summary.objects.filter(
                organization_id__in=ids,
                kind=SummaryKind.MONTH,
                start=add_months(months[0], -1),
            ).values_list("organization_id", "numbers")
        )
        changed = []
        month = months[0]
        while month <= until_month:
            for pk in ids:
                row = existing.get((pk, month))
                part = computed[month].get(pk, {"f": {}, "d": {}}) if month in computed else None
                if part is None:
                    part = row.parts if row is not None and row.parts else {"f": {}, "d": {}}
                before = previous.get(pk) or {"c": {}, "s": {}}
                numbers = {
                    "c": _add(dict(before["c"]), part["f"]),
                    "s": _add(dict(before["s"]), part["d"]),
                }
                previous[pk] = numbers
                if row is None or row.version != versions.get((pk, month)):
                    continue  # marked while computing: stale, computed again when next read
                if row.numbers != numbers or row.parts != part or row.stale:
                    row.numbers, row.parts, row.stale = numbers, part, False
                    changed.append(row)
            month = add_months(month, 1)
        Summary.objects.bulk_update(changed, ["numbers", "parts", "stale"])


def _claim(ids, kind: str, start: datetime.date) -> dict[int, int]:
    """The rows of `ids` for `kind` and `start`, made if missing (stale, to be computed), as
    {organisation id: version} before computing them: `_store` writes only those whose version
    has not moved since, for a write made meanwhile (`mark`) leaves its row stale."""
    Summary.objects.bulk_create(
        [
            Summary(organization_id=pk, kind=kind, start=start, stale=True, numbers={}, parts={})
            for pk in ids
        ],
        ignore_conflicts=True,
    )
    return dict(
        Summary.objects.filter(organization_id__in=ids, kind=kind, start=start).values_list(
            "organization_id", "version"
        )
    )


def _store(kind: str, start: datetime.date, versions: dict[int, int], numbers: dict) -> None:
    """Write `numbers` ({organisation id: numbers}) into the rows claimed with `versions`,
    fresh, except those a write has marked since."""
    with transaction.atomic():
        rows = list(
            Summary.objects.select_for_update().filter(
                organization_id__in=list(versions), kind=kind, start=start
            )
        )
        kept = []
        for row in rows:
            if row.version == versions.get(row.organization_id):
                row.numbers, row.stale = numbers[row.organization_id], False
                kept.append(row)
        Summary.objects.bulk_update(kept, ["numbers", "stale"])


# --- reading --------------------------------------------------------------------------------


def _keepers(root, by_child: bool):
    """The organisations whose kept rows give the values asked for — the root, or every child
    of it — and the first month kept of them all; None when one of them keeps none (then
    everything is computed from the records). One query for a root, two by child."""
    if root.kind not in KEPT_KINDS:
        return None
    if by_child:
        keepers = list(root.children.all())
        if not keepers or any(child.kind not in KEPT_KINDS for child in keepers):
            return None
    else:
        keepers = [root]
    firsts = dict(
        Summary.objects.filter(organization__in=keepers, kind=SummaryKind.MONTH)
        .values("organization")
        .annotate(first=Min("start"))
        .values_list("organization", "first")
    )
    if any(keeper.pk not in firsts for keeper in keepers):
        return None
    return keepers, max(firsts.values())


def values(root, requests, *, by_child: bool = False, children=None) -> list[dict[int, object]]:
    """What `batch.values` gives — {root.pk: value}, or by child {child.pk: value} — read from
    the kept figures where `root` (or, by child, every child) keeps them, from the records
    otherwise (a figure that cannot be kept, a period starting before the first month kept or
    not on a month's first day). One query more than `batch.values` for a province-level
    body that keeps nothing, none for another."""
    requests = list(requests)
    kept = _keepers(root, by_child) if enabled() and requests else None
    if kept is None:
        return batch.values(root, requests, by_child=by_child, children=children)
    keepers, first = kept
    readable, live = [], []
    for index, (metric, params, period) in enumerate(requests):
        kinds = accruals(root, metric, params)
        fits = kinds is not None and (
            (kinds[0] == FLOW and period.start.day == 1 and period.start >= first)
            # A state on a day after the first month kept: the month before it is kept.
            or (kinds[0] == STATE and period.end >= month_end(first))
            or kinds[0] == YEAR
        )
        (readable if fits else live).append(index)
    results: list = [None] * len(requests)
    if live:
        for index, found in zip(
            live,
            batch.values(root, [requests[i] for i in live], by_child=by_child, children=children),
            strict=True,
        ):
            results[index] = found
    if readable:
        for index, found in zip(
            readable,
            _read(root, by_child, keepers, [requests[i] for i in readable], children),
            strict=True,
        ):
            results[index] = found
    return results


def _read(root, by_child, keepers, requests, children) -> list[dict[int, object]]:
    """The values of `requests` from the kept rows: a flow from a month's first day to D is
    the sum to the end of the month before D less the sum to the end of the month before the
    period, plus D's day row (the flows from D's month's first day); a state on D is the
    state at the end of the month before plus D's day row (the change since); a day that ends
    its month needs no day row."""
    ids = [organization.pk for organization in keepers]
    today = timezone.localdate()
    months, days = set(), set()
    for metric, params, period in requests:
        kinds = accruals(root, metric, params)
        if kinds[0] == YEAR:
            continue
        day = period.end
        months.add(add_months(month_start(day), -1))
        if _whole(day, today):
            months.add(month_start(day))
        else:
            days.add(day)
        if kinds[0] == FLOW:
            months.add(add_months(period.start, -1))
    if months:
        _refresh(root, by_child, keepers, max(months))
    rows = defaultdict(dict)
    for pk, start, numbers in Summary.objects.filter(
        organization_id__in=ids, kind=SummaryKind.MONTH, start__in=months
    ).values_list("organization_id", "start", "numbers"):
        rows[start][pk] = numbers
    day_rows = _days(root, by_child, ids, sorted(days))
    years = _years(root, by_child, keepers, requests)
    results = []
    for metric, params, period in requests:
        kinds = accruals(root, metric, params)
        key = _request_key(metric, params)
        day, size = period.end, len(kinds)
        whole = _whole(day, today)
        last = month_start(day) if whole else add_months(month_start(day), -1)
        totals: dict[int, list[int]] = {}
        for pk in ids:
            if kinds[0] == FLOW:
                numbers = _minus(
                    rows[last].get(pk, {}).get("c", {}).get(key),
                    rows[add_months(period.start, -1)].get(pk, {}).get("c", {}).get(key),
                    size,
                )
                if not whole:
                    numbers = _plus(numbers, day_rows[day].get(pk, {}).get("c", {}).get(key))
            elif kinds[0] == STATE:
                numbers = _plus([0] * size, rows[last].get(pk, {}).get("s", {}).get(key))
                if not whole:
                    numbers = _plus(numbers, day_rows[day].get(pk, {}).get("s", {}).get(key))
            else:
                numbers = _plus([0] * size, years.get((day.year, pk), {}).get(key))
            totals[pk] = numbers
        plan = metric.plan(Groups(root, by_child), period, **params)
        results.append(_made(root, by_child, metric, period, plan, totals, children))
    return results


def _whole(day: datetime.date, today: datetime.date) -> bool:
    """Whether `day` ends a month that is over: its month's row gives it. The last day of
    the running month has a day row, like every other: the month's row is kept once the
    month is over, not rewritten at each of its last day's writes."""
    return day == month_end(day) and day < today


def _plus(numbers: list[int], more) -> list[int]:
    return numbers if not more else [a + b for a, b in zip(numbers, more, strict=True)]


def _days(root, by_child, ids, days, *, eve=True) -> dict[datetime.date, dict[int, dict]]:
    """{day: {organisation id: {"c": the flows from the day's month's first day, "s": the
    states' change since the end of the month before}}}: kept by day; a day missing or stale
    is computed from the latest fresh day of its month before it (or the month's start) and
    the changes between the two (one `batch.numbers` call), then kept. When that is not the
    day before, the day before is kept first (`eve`): a write dated today, the commonest, then
    makes the next reading compute one day of changes, not the month's."""
    found: dict[datetime.date, dict[int, dict]] = defaultdict(dict)
    if not days:
        return found
    for pk, start, numbers in Summary.objects.filter(
        organization_id__in=ids, kind=SummaryKind.DAY, start__in=days, stale=False
    ).values_list("organization_id", "start", "numbers"):
        found[start][pk] = numbers
    for day in days:
        if all(pk in found[day] for pk in ids):
            continue
        # Claimed before anything is read for it: a write from now on leaves it stale.
        versions = _claim(ids, SummaryKind.DAY, day)
        fresh = Summary.objects.filter(organization_id__in=ids, kind=SummaryKind.DAY, stale=False)
        earlier = defaultdict(set)
        for pk, start in fresh.filter(start__gte=month_start(day), start__lt=day).values_list(
            "organization_id", "start"
        ):
            earlier[start].add(pk)
        base_day = max(
            (start for start, held in earlier.items() if len(held) == len(ids)), default=None
        )
        base = (
            dict(fresh.filter(start=base_day).values_list("organization_id", "numbers"))
            if base_day
            else {}
        )
        if len(base) < len(ids):  # marked meanwhile: from the month's start
            base_day, base = None, {}
        eve_day = day - datetime.timedelta(days=1)
        if eve and base_day != eve_day and eve_day >= month_start(day):
            base_day, base = eve_day, _days(root, by_child, ids, [eve_day], eve=False)[eve_day]
        before = base_day or month_start(day) - datetime.timedelta(days=1)
        changes = _changes(root, by_child, before, day)
        for pk in ids:
            mine = base.get(pk, {"c": {}, "s": {}})
            change = changes.get(pk, {"f": {}, "d": {}})
            found[day][pk] = {
                "c": _add(dict(mine["c"]), change["f"]),
                "s": _add(dict(mine["s"]), change["d"]),
            }
        _store(SummaryKind.DAY, day, versions, found[day])
    return found


def _minus(end, begin, size) -> list[int]:
    end = end or [0] * size
    begin = begin or [0] * size
    return [a - b for a, b in zip(end, begin, strict=True)]


def _made(root, by_child, metric, period, plan, totals, children) -> dict[int, object]:
    if not by_child:
        numbers = totals.get(root.pk)
        return {root.pk: plan.make(*numbers) if numbers and any(numbers) else metric.zero()}
    listed = [
        child.pk for child in (children if children is not None else children_in(root, period))
    ]
    result = {pk: metric.zero() for pk in listed}
    for pk, numbers in totals.items():
        if any(numbers):
            result[pk] = plan.make(*numbers)
    return result


def _years(root, by_child, keepers, requests) -> dict[tuple[int, int], dict]:
    """{(year, organisation id): numbers} of the YEAR figures asked for: kept by year, computed
    when missing or stale (one statement for all the organisations)."""
    years = {
        period.end.year
        for metric, params, period in requests
        if accruals(root, metric, params)[0] == YEAR
    }
    if not years:
        return {}
    ids = [organization.pk for organization in keepers]
    found = {}
    fresh = Summary.objects.filter(
        organization_id__in=ids,
        kind=SummaryKind.YEAR,
        start__in=[datetime.date(year, 1, 1) for year in years],
        stale=False,
    ).values_list("organization_id", "start", "numbers")
    for pk, start, numbers in fresh:
        found[start.year, pk] = numbers
    for year in years:
        if all((year, pk) in found for pk in ids):
            continue
        start = datetime.date(year, 1, 1)
        versions = _claim(ids, SummaryKind.YEAR, start)
        computed = _year_numbers(root, by_child, year)
        for pk in ids:
            found[year, pk] = computed.get(pk, {})
        _store(SummaryKind.YEAR, start, versions, {pk: found[year, pk] for pk in ids})
    return found


__all__ = [
    "KEPT_KINDS",
    "keep",
    "mark",
    "mark_moved",
    "mark_years",
    "start_keeping",
    "values",
]
