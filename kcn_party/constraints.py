"""Check constraints validated without a query when their condition is simple.

Django validates a `CheckConstraint` (`Model.full_clean()`, a model form) with one database
query per constraint (`Q.check`), built and compiled anew each time: about a millisecond of
the server's CPU, and a record of ours carries up to a dozen of them, most of them a range or
a choice. `CheckConstraint` here decides those in Python, exactly as the database would:

- a condition made of AND, OR and NOT over lookups `exact`, `in`, `isnull`, `gt`, `gte`,
  `lt`, `lte` on the record's own fields, against constants or `F()` of its own fields;
- whole numbers and dates compared with each other, text and booleans for equality only
  (SQLite and PostgreSQL compare text for equality byte by byte; their order depends on the
  collation, so an order on text goes to the database);
- NULL as SQL has it: a comparison with NULL is unknown, and an unknown condition passes (as
  Django's check, which wraps it in COALESCE(…, TRUE)).

Anything else (a function, a join, a value of another type, another database) goes to
Django's query, so that the outcome and the message are always Django's. The migrations see a
plain `django.db.models.CheckConstraint` (`deconstruct`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import F, Q

_UNSUPPORTED = object()  # decided by the database
_EXCLUDED = object()  # a field the caller excluded: Django passes the constraint (FieldError)

_ORDER = {"gt", "gte", "lt", "lte"}
_EQUALITY = {"exact", "in"}
# Beyond 64 bits the database refuses the value rather than compares it.
_BIGINT = (-(2**63), 2**63 - 1)


class _Excluded(Exception):
    pass


class _Unsupported(Exception):
    pass


def _kind(value):
    """'number', 'date', 'text', 'bool' or None for NULL; _Unsupported for anything else."""
    if value is None:
        return None
    kind = type(value)
    if kind is bool:
        return "bool"
    if isinstance(value, int) and not isinstance(value, bool):
        if not _BIGINT[0] <= value <= _BIGINT[1]:
            raise _Unsupported
        return "number"
    if kind is datetime.date:
        return "date"
    if isinstance(value, str):
        return "text"
    raise _Unsupported


class _Record:
    """The record's field values as Django's check sees them (`_get_field_expression_map`):
    by field name, without the excluded fields."""

    def __init__(self, model, instance, exclude):
        self.fields = {field.name: field for field in model._meta.local_concrete_fields}
        self.instance = instance
        self.exclude = set(exclude or ())
        self.pk = model._meta.pk

    def value(self, name: str):
        if name == "pk":
            if "pk" in self.exclude:
                raise _Excluded
            field = self.pk
        else:
            field = self.fields.get(name)
            if field is None or field.generated:
                raise _Unsupported
            if name in self.exclude:
                raise _Excluded
        value = getattr(self.instance, field.attname)
        if hasattr(value, "resolve_expression"):  # e.g. F("n") + 1 before an update
            raise _Unsupported
        return value


def _compare(lookup: str, left, right):
    if lookup == "isnull":
        if type(right) is not bool:
            raise _Unsupported
        return (left is None) == right
    if lookup == "in":
        if not isinstance(right, (list, tuple, set, frozenset)) or not right:
            raise _Unsupported
        kinds = {_kind(item) for item in right}
        left_kind = _kind(left)
        if None in kinds or len(kinds) != 1 or (left_kind is not None and {left_kind} != kinds):
            raise _Unsupported
        return None if left is None else left in right
    left_kind, right_kind = _kind(left), _kind(right)
    if lookup == "exact" and right is None:
        raise _Unsupported  # Django makes it IS NULL; rare enough for the database
    if left_kind is not None and right_kind is not None and left_kind != right_kind:
        raise _Unsupported
    if lookup in _ORDER and "text" in (left_kind, right_kind):
        raise _Unsupported
    if lookup in _ORDER and "bool" in (left_kind, right_kind):
        raise _Unsupported
    if left is None or right is None:
        return None
    if lookup == "exact":
        return left == right
    if lookup == "gt":
        return left > right
    if lookup == "gte":
        return left >= right
    if lookup == "lt":
        return left < right
    return left <= right  # lte


def _lookup(record: _Record, key: str, right):
    name, _, lookup = key.partition("__")
    lookup = lookup or "exact"
    if "__" in lookup or lookup not in _ORDER | _EQUALITY | {"isnull"}:
        raise _Unsupported
    left = record.value(name)
    if isinstance(right, F):
        if "__" in right.name:
            raise _Unsupported
        right = record.value(right.name)
    elif hasattr(right, "resolve_expression"):
        raise _Unsupported
    return _compare(lookup, left, right)


def _evaluate(record: _Record, condition: Q):
    """True, False or None (unknown), in SQL's three-valued logic."""
    if not condition.children:
        raise _Unsupported
    outcomes = []
    for child in condition.children:
        if isinstance(child, Q):
            outcomes.append(_evaluate(record, child))
        elif isinstance(child, tuple) and len(child) == 2:
            outcomes.append(_lookup(record, *child))
        else:
            raise _Unsupported
    if condition.connector == Q.AND:
        result = False if False in outcomes else (None if None in outcomes else True)
    elif condition.connector == Q.OR:
        result = True if True in outcomes else (None if None in outcomes else False)
    else:
        raise _Unsupported
    if condition.negated:
        result = None if result is None else not result
    return result


def holds(condition: Q, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
    """Whether `instance` satisfies `condition` as Django's CheckConstraint.validate decides
    it (True also when the condition names an excluded field); _UNSUPPORTED when only the
    database can tell."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return _UNSUPPORTED
    if not isinstance(condition, Q):
        return _UNSUPPORTED
    try:
        result = _evaluate(_Record(model, instance, exclude), condition)
    except _Excluded:
        return True
    except _Unsupported:
        return _UNSUPPORTED
    if result is None:  # COALESCE(condition, TRUE)
        return connection.features.supports_comparing_boolean_expr
    return result


class CheckConstraint(models.CheckConstraint):
    """`models.CheckConstraint`, validated in Python when its condition is simple (see the
    module's doc); the same outcome and message as Django's query."""

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        outcome = holds(self.condition, model, instance, exclude=exclude, using=using)
        if outcome is _UNSUPPORTED:
            return super().validate(model, instance, exclude=exclude, using=using)
        if not outcome:
            raise ValidationError(
                self.get_violation_error_message(), code=self.violation_error_code
            )

    def deconstruct(self):
        # The database's constraint is Django's: migrations need no change.
        _path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs
