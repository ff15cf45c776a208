"""Dates in messages as committees write them, whatever the interface's language."""

from __future__ import annotations

import datetime


def short_date(day: datetime.date) -> str:
    """23/11/2026: the form of every date in a message (the formats of kcn_party/formats/ give
    the same in templates and widgets)."""
    return day.strftime("%d/%m/%Y")
