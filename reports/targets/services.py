"""Writes of targets: saving one, copying last year's, splitting one among sub-organisations.

Each takes the acting account as `by` (a user, or organizations.access.SYSTEM for commands and
the demo): an account writes only inside its subtree, and only with its role's permission, so a
leader, who only looks, changes no target whatever page or command it comes through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kcn_party import actor
from organizations import access
from reports.targets.models import PeriodKind, Target, Unit, number


def _check_may_write(by, organization, action: str = "change") -> None:
    if by is access.SYSTEM:
        return
    if not access.may_write_in(by, organization.path) or not by.has_perm(
        f"reports.{action}_target"
    ):
        raise PermissionDenied(_("You may not change the targets of %(name)s.") % {
            "name": organization.name})  # fmt: skip


@actor.as_by
@transaction.atomic
def target_save(*, target: Target, by) -> Target:
    """Check `target` (Vietnamese messages: maximum ≥ minimum, a percentage ≤ 100, a figure of
    the registry with its parameters) and save it."""
    _check_may_write(by, target.organization, "add" if target.pk is None else "change")
    target.full_clean()
    target.save()
    return target


@dataclass
class CopyOutcome:
    created: list[Target] = field(default_factory=list)
    existing: int = 0  # already set for the year: left as they are


@actor.as_by
@transaction.atomic
def targets_copy_year(*, organization, year: int, by) -> CopyOutcome:
    """Copy the yearly targets of `year - 1` of `organization` and its subtree to `year`, with
    their bounds, documents and splits. A target the year already has is left as it is; the
    targets of each year of a term need no copy."""
    _check_may_write(by, organization, "add")
    outcome = CopyOutcome()
    previous = (
        Target.objects.within(organization)
        .filter(period_kind=PeriodKind.YEAR, first_year=year - 1)
        .select_related("organization")
        .order_by("organization__path", "pk")  # a whole before its parts
    )
    if by is not access.SYSTEM:
        previous = previous.visible_to(by)
    existing = {
        (t.organization_id, t.metric, t.parameters): t
        for t in Target.objects.within(organization).filter(
            period_kind=PeriodKind.YEAR, first_year=year
        )
    }
    copies: dict[int, Target] = {}
    for old in previous:
        found = existing.get((old.organization_id, old.metric, old.parameters))
        if found is not None:
            copies[old.pk] = found
            outcome.existing += 1
            continue
        new = _like(
            old,
            organization=old.organization,
            period_kind=PeriodKind.YEAR,
            first_year=year,
            last_year=year,
            minimum=old.minimum,
            maximum=old.maximum,
            parent=copies.get(old.parent_id),
            note=old.note,
        )
        new.full_clean()
        new.save()
        copies[old.pk] = new
        outcome.created.append(new)
    return outcome


@dataclass
class SplitCheck:
    """The parts of a split target against the whole."""

    target: Target
    parts: list[Target]
    total: Decimal | None  # the parts' minimums added up (a count target)
    warnings: list[str] = field(default_factory=list)

    @property
    def short_by(self) -> Decimal | None:
        if self.total is None or self.total >= self.target.minimum:
            return None
        return self.target.minimum - self.total


def split_check(target: Target, parts: Iterable[Target] | None = None) -> SplitCheck:
    """Whether the parts of `target` cover it: for a count, their minimums add up to at least
    the whole's; for a percentage, none asks less than the whole. A warning for each shortfall
    (a split may be short on purpose, while a sub-organisation is being founded)."""
    parts = list(target.parts.select_related("organization") if parts is None else parts)
    if not parts:
        return SplitCheck(target, parts, None)
    if target.unit == Unit.COUNT:
        total = sum((part.minimum for part in parts), Decimal(0))
        check = SplitCheck(target, parts, total)
        if check.short_by is not None:
            check.warnings.append(
                _(
                    "The parts add up to %(parts)s, %(short)s short of the whole's %(whole)s: "
                    "the sub-organisations can meet their parts and the committee miss its "
                    "target."
                )
                % {
                    "parts": number(total),
                    "short": number(check.short_by),
                    "whole": number(target.minimum),
                }
            )
        return check
    check = SplitCheck(target, parts, None)
    for part in parts:
        if part.minimum < target.minimum:
            check.warnings.append(
                _("The part of %(name)s (%(part)s%%) asks less than the whole (%(whole)s%%).")
                % {
                    "name": part.organization.name,
                    "part": number(part.minimum),
                    "whole": number(target.minimum),
                }
            )
    return check


def _like(target: Target, **fields) -> Target:
    """A new target for the same figure as `target`, counted and compared the same way, under
    the same document; `fields` give the rest."""
    return Target(
        metric=target.metric,
        parameters=target.parameters,
        unit=target.unit,
        comparison=target.comparison,
        source_id=target.source_id,
        **fields,
    )


@actor.as_by
@transaction.atomic
def target_split(*, target: Target, parts, by) -> SplitCheck:
    """Split `target` among sub-organisations of its organisation: `parts` gives, for each one,
    (organisation, minimum, maximum or None); a minimum of None removes that one's part. Each
    part is a target of the sub-organisation, with the whole's figure, period, unit, comparison
    and document. Returns the check of the parts against the whole (`split_check`)."""
    _check_may_write(by, target.organization, "change")
    existing = {part.organization_id: part for part in target.parts.all()}
    errors = []
    for organization, minimum, maximum in parts:
        if organization.parent_id != target.organization_id:
            errors.append(
                _("%(name)s is not directly under %(whole)s: only its sub-organisations share "
                  "its target.") % {"name": organization.name, "whole": target.organization.name}
            )  # fmt: skip
            continue
        _check_may_write(by, organization, "change")
        part = existing.get(organization.pk)
        if minimum is None:
            if part is not None:
                part.delete()
            continue
        if part is None:
            part = _like(
                target,
                organization=organization,
                parent=target,
                period_kind=target.period_kind,
                first_year=target.first_year,
                last_year=target.last_year,
            )
        part.minimum, part.maximum = minimum, maximum
        try:
            part.full_clean()
        except ValidationError as error:
            for messages in error.message_dict.values():
                errors.extend(f"{organization.name}: {message}" for message in messages)
            continue
        part.save()
    if errors:
        raise ValidationError(errors)
    return split_check(target)
