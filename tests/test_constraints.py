"""kcn_party.constraints decides a check constraint in Python exactly as Django's query does:
for every check constraint of the apps' models, on values at and around the condition's
bounds, NULL and values of the wrong type, both give the same outcome."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from kcn_party import constraints
from kcn_party.constraints import CheckConstraint


def project_check_constraints():
    for model in apps.get_models():
        if model._meta.app_label not in ("organizations", "members", "reports"):
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                yield model, constraint


def _lookups(condition):
    """(field name, lookup, right-hand side) of every lookup in a Q."""
    for child in getattr(condition, "children", ()):
        if isinstance(child, Q):
            yield from _lookups(child)
        elif isinstance(child, tuple):
            name, _, lookup = child[0].partition("__")
            yield name, lookup or "exact", child[1]


def _near(value):
    if isinstance(value, bool):
        return [value, not value]
    if isinstance(value, int):
        return [value - 1, value, value + 1]
    if isinstance(value, datetime.date):
        day = datetime.timedelta(days=1)
        return [value - day, value, value + day]
    if isinstance(value, str):
        return [value, value + " "]
    if isinstance(value, list | tuple):
        return [*value[:3], "không có"]
    return []


def _candidates(model, condition) -> dict[str, list]:
    """For each field the condition names: values around its bounds, NULL, and values of
    another type (which the Python side must leave to the database)."""
    values: dict[str, list] = {}
    for name, lookup, right in _lookups(condition):
        field = model._meta.get_field(name)
        pool = values.setdefault(field.attname, [None])
        if lookup == "isnull":
            continue
        if isinstance(right, F):
            other = model._meta.get_field(right.name).attname
            values.setdefault(other, [None])
            continue
        pool.extend(_near(right))
    for attname, pool in values.items():
        field = next(f for f in model._meta.concrete_fields if f.attname == attname)
        if isinstance(field, models.DateField):
            pool += [datetime.date(2020, 1, 1), datetime.date(2020, 1, 2), "2020-01-01"]
        elif isinstance(field, models.IntegerField | models.ForeignKey):
            pool += [0, 5, 6, 2**70, 5.5]
        elif isinstance(field, models.CharField | models.TextField):
            pool += ["", "x"]
        elif isinstance(field, models.BooleanField):
            pool += [True, False, 1]
        values[attname] = list(dict.fromkeys(pool, None))  # keep order, drop repeats
    return values


def _outcome(check, model, instance, exclude=None) -> bool | type:
    """Whether the check passes; the type of what it raised other than a ValidationError."""
    try:
        check(model, instance, exclude=exclude)
    except ValidationError as error:
        assert error.messages == [str(constraint_message(check))]
        return False
    except Exception as error:  # noqa: BLE001 - both sides must fail alike
        return type(error)
    return True


def constraint_message(check):
    return check.__self__.get_violation_error_message()


CASES = [
    pytest.param(model, constraint, id=f"{model._meta.label}.{constraint.name}")
    for model, constraint in project_check_constraints()
]


def test_the_apps_check_constraints_are_decided_in_python_and_migrate_as_djangos():
    assert CASES
    for model, constraint in project_check_constraints():
        assert isinstance(constraint, CheckConstraint), (model, constraint.name)
        path, _args, _kwargs = constraint.deconstruct()
        assert path == "django.db.models.CheckConstraint"


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "constraint"), CASES)
def test_python_and_the_database_agree(model, constraint):
    database = models.CheckConstraint(
        condition=constraint.condition,
        name=constraint.name,
        violation_error_message=constraint.violation_error_message,
        violation_error_code=constraint.violation_error_code,
    )
    candidates = _candidates(model, constraint.condition)
    names = list(candidates)
    combinations = list(itertools.product(*candidates.values()))
    # At most 400 per constraint: every value of each field still appears.
    step = max(1, len(combinations) // 400)
    decided = 0
    for values in combinations[::step]:
        instance = model()
        for attname, value in zip(names, values, strict=True):
            instance.__dict__[attname] = value
        fast = constraints.holds(constraint.condition, model, instance)
        expected = _outcome(database.validate, model, instance)
        assert _outcome(constraint.validate, model, instance) == expected, (
            constraint.name,
            dict(zip(names, values, strict=True)),
        )
        if fast is not constraints._UNSUPPORTED:
            decided += 1
            assert fast == expected, (constraint.name, dict(zip(names, values, strict=True)))
    if isinstance(constraint.condition, Q):
        assert decided, f"{constraint.name}: never decided in Python"


@pytest.mark.django_db
def test_a_condition_on_an_excluded_field_passes_as_in_django():
    from organizations.models import MembershipCount

    constraint = next(
        c
        for c in MembershipCount._meta.constraints
        if c.name == "membershipcount_recruited_within_members"
    )
    count = MembershipCount(members=3, recruited=4)
    with pytest.raises(ValidationError) as caught:
        constraint.validate(MembershipCount, count)
    assert caught.value.messages == [str(constraint.get_violation_error_message())]
    constraint.validate(MembershipCount, count, exclude={"recruited"})
    models.CheckConstraint.validate(constraint, MembershipCount, count, exclude={"recruited"})
