from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone


class FoundedQuerySetMixin:
    """Organisations founded on `founded_on` and active until the day before `ended_on` (None:
    still active): party and mass organisations alike."""

    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(founded_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
