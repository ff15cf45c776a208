"""Closing a period (khóa sổ) and reopening it: the only writes of closed periods.

- `period_close`: a committee's staff close a month, quarter, half year or year that has
  ended. Every figure of the registry (each parameter value, with its counts), its breakdown
  by child, every table, for the figures the dashboard may follow their breakdown the same
  period last year and their monthly points, and the tree and enterprises as they stood are
  stored; from then on they are what the figures of that period are.
- Periods follow one another: the first closing of a committee may start anywhere, each later
  one starts the day after the last closed period ends, so the start of a period is the end of
  the one before and the printed tables agree from one period to the next.
- `period_reopen`: only the body above the committee (an account of an organisation above
  it) reopens, with a reason; the closing stays on record, reopened, and the period can be
  closed again (a new closing).

Each refusal is a ValidationError with a Vietnamese message, and nothing is written.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kcn_party import actor
from kcn_party.dates import short_date
from organizations import access
from organizations.access import Role
from organizations.models import PartyOrganization
from reports import figures as figures_module
from reports import monthly, snapshot
from reports import tables as tables_module
from reports.models import ClosedKind, ClosedPeriod
from reports.periods import Period
from reports.serialize import figures_data, value_data

CLOSERS = (Role.STAFF, Role.ADMIN)
REASON_MAX = 2000
DAY = datetime.timedelta(days=1)


def _closer(by):
    """What decides for `by` alone: True for SYSTEM and a superuser, False for an anonymous or
    inactive account or one whose role neither closes nor reopens; otherwise its staff
    profile, for the rule of the committee to decide."""
    if by is access.SYSTEM:
        return True
    if not getattr(by, "is_authenticated", False) or not by.is_active:
        return False
    if by.is_superuser:
        return True
    profile = access.staff_profile(by)
    return profile if profile is not None and profile.role in CLOSERS else False


def may_close(by, committee) -> bool:
    """Whether `by` may close `committee`'s periods: its own staff or administrators, a
    superuser, or SYSTEM. A leader only looks; the body above reopens, it does not close."""
    closer = _closer(by)
    if isinstance(closer, bool):
        return closer
    return closer.organization_id == committee.pk


def may_reopen(by, committee) -> bool:
    """Whether `by` may reopen `committee`'s closed periods: staff or administrators of an
    organisation above the committee (whose subtree holds the committee's parent), a
    superuser, or SYSTEM; never the committee's own accounts."""
    closer = _closer(by)
    if isinstance(closer, bool):
        return closer
    if committee.parent_id is None:
        return False
    parent_path = committee.path[: -len(f"{committee.pk:07d}/")]
    return access.scope_of(by).contains_path(parent_path)


def _not_found():
    # An outsider is not told that the committee exists.
    return ValidationError(_("No such committee."), code="not_found")


def period_close_check(*, committee: PartyOrganization, period: Period, by) -> None:
    """Raise what closing `period` for `committee` would raise, writing nothing (for forms)."""
    if by is not access.SYSTEM and not access.scope_of(by).contains_path(committee.path):
        raise _not_found()
    if not may_close(by, committee):
        raise ValidationError(
            _("Only the staff of %(committee)s close its periods; you may look at them.")
            % {"committee": committee.name},
            code="forbidden",
        )
    if period.kind not in ClosedKind.values:
        raise ValidationError(
            _("A month, a quarter, a half year or a year is closed, not %(period)s.")
            % {"period": period.label},
            code="kind",
        )
    today = timezone.localdate()
    if period.end >= today:
        raise ValidationError(
            _("%(period)s ends on %(end)s: a period is closed once it has ended.")
            % {"period": period.label, "end": short_date(period.end)},
            code="not_ended",
        )
    if committee.founded_on > period.end:
        raise ValidationError(
            _("%(committee)s was founded on %(founded)s, after %(period)s.")
            % {
                "committee": committee.name,
                "founded": short_date(committee.founded_on),
                "period": period.label,
            },
            code="before_founding",
        )
    in_force = ClosedPeriod.objects.in_force().filter(committee=committee)
    overlapping = in_force.filter(start__lte=period.end, end__gte=period.start).first()
    if overlapping is not None:
        raise ValidationError(
            _("%(period)s overlaps %(closed)s (%(start)s – %(end)s), already closed.")
            % {
                "period": period.label,
                "closed": overlapping.period.label,
                "start": short_date(overlapping.start),
                "end": short_date(overlapping.end),
            },
            code="overlap",
        )
    last = in_force.order_by("-end").first()
    if last is not None and period.start != last.end + DAY:
        following = last.end + DAY
        raise ValidationError(
            _(
                "The period to close starts the day after the last closed one (%(closed)s, "
                "to %(end)s): on %(start)s."
            )
            % {
                "closed": last.period.label,
                "end": short_date(last.end),
                "start": short_date(following),
            },
            code="not_next",
        )


def breakdown_data(breakdown) -> dict:
    return {
        "children": [child.pk for child in breakdown.children],
        "values": [
            {
                "key": key,
                "params": dict(params),
                "values": {str(pk): value_data(value) for pk, value in values.items()},
            }
            for (key, params), values in breakdown.values.items()
        ],
    }


def monthly_data(committee: PartyOrganization, period: Period) -> dict:
    """The monthly points of every figure the dashboard may follow (reports.monthly), with
    their default parameters, this period and the same days last year, from the records: one
    `batch.values` call for all of them."""
    days = monthly.month_ends(period, period.end)
    followed = monthly.followed()
    found = monthly.compute(committee, period, days, followed)
    return {
        "days": [day.isoformat() for day in days],
        "values": [
            {
                "key": metric.key,
                "params": metric.checked({}),
                "this": [value_data(value) for value in this],
                "last_year": [value_data(value) for value in last],
            }
            for metric, (this, last) in zip(followed, found, strict=True)
        ],
    }


def followed_last_year_data(committee: PartyOrganization, period: Period) -> dict:
    """The figures the dashboard may follow (default parameters) for each direct child, the
    same period last year: the breakdown's cùng kỳ column, as the dashboard of the period
    would compute it (the stored one when last year is closed)."""
    followed = monthly.followed()
    grouped = figures_module.breakdown(
        committee, period.same_period_last_year(), keys=[metric.key for metric in followed]
    )
    return {
        "values": [
            {
                "key": metric.key,
                "params": metric.checked({}),
                "values": {
                    str(pk): value_data(value) for pk, value in grouped.get(metric.key).items()
                },
            }
            for metric in followed
        ]
    }


def period_figures(committee: PartyOrganization, period: Period) -> dict:
    """What a closing stores: every figure, the tables, the breakdown by child, and for the
    figures the dashboard may follow, their breakdown the same period last year and their
    monthly points, computed from the records (the cùng kỳ of a closed last year is its stored
    one; the monthly points' last year is from the records, as the dashboard of an open period
    computes it)."""
    figures = figures_module.compute(committee, period)
    tables = tables_module.build(committee, figures.current, figures.last_year, figures=figures)
    # The targets are evaluated against the figures wherever they are shown, closed or not.
    data = figures_data(figures, tables, targets=())
    data["breakdown"] = breakdown_data(figures_module.breakdown(committee, period))
    data["breakdown_last_year"] = followed_last_year_data(committee, period)
    data["monthly"] = monthly_data(committee, period)
    return data


@actor.as_by
@transaction.atomic
def period_close(*, committee: PartyOrganization, period: Period, by) -> ClosedPeriod:
    """Close `period` for `committee`: store its figures, tables, breakdown and the tree as it
    stood. `by` is the acting account (request.user) or access.SYSTEM. A ValidationError,
    with nothing written, when it may not be closed."""
    # Closings of one committee one at a time: the checks below see the last one.
    PartyOrganization.objects.select_for_update().filter(pk=committee.pk).first()
    period_close_check(committee=committee, period=period, by=by)
    # The figures first, then the snapshot: what the figures' computation takes is given back
    # before the snapshot's rows are read, so the peak is the larger of the two, not their sum.
    figures = period_figures(committee, period)
    tree = snapshot.take(committee, period.start, period.end)
    closed = ClosedPeriod(
        committee=committee,
        kind=period.kind,
        start=period.start,
        end=period.end,
        closed_at=timezone.now(),
        closed_by=actor.account(by),
        figures=figures,
        tree=tree,
    )
    closed.full_clean(exclude=["figures", "tree"])
    closed.save()
    return closed


@actor.as_by
def period_reopen(*, closed: ClosedPeriod, by, reason: str) -> ClosedPeriod:
    """Reopen `closed` (recorded: who, when, why). Only the body above the committee may."""
    committee = closed.committee
    if by is not access.SYSTEM and not access.scope_of(by).contains_path(committee.path):
        raise _not_found()
    if not may_reopen(by, committee):
        raise ValidationError(
            _("Only the body above %(committee)s reopens its closed periods.")
            % {"committee": committee.name},
            code="forbidden",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reopen_reason": _("Say why the period is reopened.")}, code="required"
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reopen_reason": _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX}},
            code="max_length",
        )
    with transaction.atomic():
        # Locked, so that two reopenings of one closing do not both pass.
        current = ClosedPeriod.objects.select_for_update().get(pk=closed.pk)
        if current.reopened_at is not None:
            raise ValidationError(
                _("%(period)s was already reopened on %(day)s.")
                % {
                    "period": current.period.label,
                    "day": short_date(timezone.localtime(current.reopened_at).date()),
                },
                code="reopened",
            )
        current.reopened_at = timezone.now()
        current.reopened_by = actor.account(by)
        current.reopen_reason = reason
        current.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    return current
