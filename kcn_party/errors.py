"""The errors a record's clean() finds, each under its field, as the forms show them."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def field_error(field: str, message, code: str | None = None, params=None) -> ValidationError:
    """One error on one field, to raise at once."""
    return ValidationError({field: ValidationError(message, code=code, params=params)})


class FieldErrors:
    """Errors gathered field by field while a record is checked, so that the staff read every
    one of them at once; `raise_any()` at the end raises them together."""

    def __init__(self):
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message, code: str | None = None, params=None) -> None:
        self.by_field.setdefault(field, []).append(
            ValidationError(message, code=code, params=params)
        )

    def merge(self, error: ValidationError) -> None:
        """Add the errors a check raised (a parent class's clean())."""
        error.update_error_dict(self.by_field)

    def __contains__(self, field: str) -> bool:
        return field in self.by_field

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)
