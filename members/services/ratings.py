"""Annual ratings of members and cells."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kcn_party import actor
from members.models import Member, MemberRating, OrganizationRating, RatingLevel
from members.selectors import excellent_quota_warning, rateable
from members.services.records import check_scope
from organizations import history, signals
from organizations.models import PartyOrganization

# --- ratings --------------------------------------------------------------------------------


@actor.as_by
@transaction.atomic
@signals.batch()
def ratings_save(
    *,
    organization: PartyOrganization,
    year: int,
    levels: dict[Member, tuple[str, str]],
    organization_level: str | None = None,
    by,
) -> list[str]:
    """Record a year's ratings of a cell's members (member -> (level, note)) and of the cell
    itself, in one go; members left out keep what they had. Returns warnings: the HTXS quota,
    and members rated although admitted too recently to be rated."""
    check_scope(by, organization)
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("A year still to come cannot be rated.")})
    existing = {
        rating.member_id: rating
        for rating in MemberRating.objects.filter(year=year, member__in=list(levels))
    }
    new, changed = [], []
    for member, (level, note) in levels.items():
        rating = existing.get(member.pk)
        if rating is None:
            new.append(
                MemberRating(
                    member=member, year=year, level=level, note=note, organization=organization
                )
            )
        elif (rating.level, rating.note, rating.organization_id) != (
            level,
            note,
            organization.pk,
        ):
            rating.level, rating.note, rating.organization = level, note, organization
            changed.append(rating)
    for rating in new + changed:
        rating.full_clean(
            exclude=["member", "organization"], validate_unique=False, validate_constraints=False
        )
    # The kept figures of the year (reports.summary): where the changed ratings were (sent
    # before the write) and where every written one is now.
    moved = MemberRating.objects.filter(pk__in=[rating.pk for rating in changed])
    signals.rows_written.send(sender=MemberRating, rows=moved)
    history.bulk_create(MemberRating, new)
    history.bulk_update(MemberRating, changed, ["level", "note", "organization"])
    if new or changed:
        written = MemberRating.objects.filter(year=year, member__in=[r.member_id for r in new])
        signals.rows_written.send(sender=MemberRating, rows=written | moved)
    if organization_level:
        rating = OrganizationRating.objects.filter(
            organization=organization, year=year
        ).first() or OrganizationRating(organization=organization, year=year)
        rating.level = organization_level
        rating.full_clean(exclude=["organization"], validate_constraints=False)
        rating.save()

    warnings = excellent_quota_warning(organization, year)
    too_recent = [
        member.full_name
        for member, (level, _note) in levels.items()
        if level != RatingLevel.NOT_RATED and not rateable(member, year)
    ]
    if too_recent:
        warnings.append(too_recent_warning(year, too_recent))
    return warnings


def too_recent_warning(year: int, names: list[str]) -> str:
    """The warning for members rated for `year` though admitted too recently to be rated."""
    return _(
        "Admitted less than %(months)d months before the end of %(year)d, usually not rated: "
        "%(names)s."
    ) % {
        "months": settings.MEMBER_RULES["RATING_MIN_MONTHS"],
        "year": year,
        "names": ", ".join(names),
    }


@actor.as_by
@transaction.atomic
def organization_rating_save(*, rating: OrganizationRating, by) -> OrganizationRating:
    check_scope(by, rating.organization)
    rating.full_clean()
    rating.save()
    return rating
