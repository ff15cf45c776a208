"""Model fields the apps share."""

from __future__ import annotations

import functools

from django.db import models


class NormalizedCharField(models.CharField):
    """An identifier (a tax code, a citizen ID) kept as text in its canonical spelling, by
    `normalize`, whatever staff copy with it (spaces, dots); a leading zero is real."""

    @staticmethod
    def normalize(value: str) -> str:
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalize(value) if value else value

    def formfield(self, **kwargs):
        # Staff type "0312 68 78 78 - 001"; the model normalises it before the length check.
        return super().formfield(**{"max_length": 32, **kwargs})


class YearField(models.PositiveSmallIntegerField):
    """A calendar year, shown as it is written: 2025, never grouped as a number (2.025), in the
    admin's lists and read-only pages. The admin shows a field that has choices by their labels
    (display_for_field); a year's label is itself. Its filters and forms are an integer's
    (`choices` stays empty), and migrations see a PositiveSmallIntegerField."""

    @property
    def flatchoices(self):
        return _years()

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.PositiveSmallIntegerField", args, kwargs


@functools.cache
def _years() -> tuple[tuple[int, str], ...]:
    from organizations.bounds import EARLIEST_BIRTH, LATEST

    return tuple((year, str(year)) for year in range(EARLIEST_BIRTH.year, LATEST.year + 1))
