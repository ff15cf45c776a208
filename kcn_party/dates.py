"""Dates in messages as committees write them, whatever the interface's language, and a
date typed wrong named by its field."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def short_date(day: datetime.date) -> str:
    """23/11/2026: the form of every date in a message (the formats of kcn_party/formats/ give
    the same in templates and widgets)."""
    return day.strftime("%d/%m/%Y")


class NamedDateField(forms.DateField):
    """A form's date whose error names the field and what was typed (issue 14, point 4):
    "Ngày kết nạp: “31/02/2025” không phải là một ngày: hãy viết theo dạng dd/mm/yyyy." —
    Django's own ("Nhập một ngày hợp lệ.") names neither, and a form's errors are also read
    away from their field (the list at the top, a message after a redirect)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if getattr(error, "code", None) != "invalid":
                raise
            label = capfirst(str(self.label)) if self.label else ""
            raise ValidationError(named_error(label, not_a_date(value)), code="invalid") from None


def not_a_date(value) -> str:
    """The message for a date that cannot be read, with what was typed (shortened)."""
    text = str(value).strip()
    text = text if len(text) <= 40 else f"{text[:39]}…"
    return _("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": text}


def named_error(label, message) -> str:
    """`message` prefixed with the field's label ("Ngày kết nạp: …"), or the option or
    parameter typed ("--from: …"), when there is one."""
    if not label:
        return str(message)
    return _("%(field)s: %(error)s") % {"field": label, "error": message}


def date_formfield(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: the model's dates as `NamedDateField`."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", NamedDateField)
    return db_field.formfield(**kwargs)
