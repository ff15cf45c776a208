"""The admission pipeline's candidates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kcn_party import actor
from kcn_party.dates import short_date
from members.models import (
    Candidate,
    CandidateStage,
)
from members.services.records import check_scope

# --- candidates -----------------------------------------------------------------------------


@actor.as_by
@transaction.atomic
def candidate_save(*, candidate: Candidate, by) -> list[str]:
    """Validate and save a candidate; returns warnings about deadlines that have passed."""
    if candidate.organization_id:
        check_scope(by, candidate.organization)
    if candidate.pk:
        stored = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if stored.member_id and stored.decided_on != candidate.decided_on:
            raise ValidationError(
                {
                    "decided_on": _(
                        "The admission is on the member's record: correct its date there."
                    )
                }
            )
    elif candidate.decided_on:
        raise ValidationError({"decided_on": _("Record the admission with “Record an admission”.")})
    # Its check constraints repeat what Candidate.clean() says, in the staff's words; the
    # related records come from scoped choices (the admin) or as objects (the callers).
    candidate.full_clean(
        exclude=["organization", "enterprise", "introducer_1", "introducer_2"],
        validate_constraints=False,
    )
    candidate.save()
    warnings = []
    due = candidate.decision_due_on
    if candidate.stage == CandidateStage.CELL_RESOLUTION and due and due < timezone.localdate():
        warnings.append(
            _("The upper committee's decision was due on %(date)s.") % {"date": short_date(due)}
        )
    return warnings
