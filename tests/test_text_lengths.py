"""Every text a person types has a maximum length in the form and in the database (issue 13,
point 7), for every model of the apps, including those added later: a character column has
its length; a text column (which has none) a CHECK on its length, unless no form writes it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length

# Written by the application only, never typed: {"app.Model.field": why}.
NOT_TYPED = {
    "organizations.DemoLoad.adapted": "the demo loader's note of the keys it changed",
}


def text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in ("organizations", "members", "reports"):
            continue
        if hasattr(model, "instance_type"):
            continue  # the change trail's copy of a record, written from the record only
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                yield model, field


@pytest.mark.parametrize(
    ("model", "field"),
    [pytest.param(m, f, id=f"{m._meta.label}.{f.name}") for m, f in text_fields()],
)
def test_every_typed_text_is_bounded_in_the_form_and_the_database(model, field):
    label = f"{model._meta.label}.{field.name}"
    if label in NOT_TYPED:
        return
    assert field.max_length, f"{label} has no maximum length"
    if field.editable and not field.choices:  # a choice is picked, not typed
        # A number typed with spaces or dots may be longer than what is kept (normalised).
        assert field.max_length <= (field.formfield().max_length or 0), label
    if isinstance(field, models.TextField):
        bounded = [
            constraint
            for constraint in model._meta.constraints
            if isinstance(constraint, models.CheckConstraint)
            and isinstance(getattr(constraint.condition, "lhs", None), Length)
            and constraint.condition.lhs.source_expressions[0].name == field.name
            and constraint.condition.rhs == field.max_length
        ]
        assert bounded, f"{label}: no CHECK on its length in the database"


@pytest.mark.django_db
def test_the_database_refuses_a_reason_longer_than_the_form_allows(bg):
    from django.utils import timezone

    from reports.models import ClosedPeriod

    closing = ClosedPeriod(
        committee=bg.committee,
        kind="year",
        start=timezone.localdate().replace(year=2020, month=1, day=1),
        end=timezone.localdate().replace(year=2020, month=12, day=31),
        reopen_reason="x" * 2001,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        closing.save()
