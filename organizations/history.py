"""The change trail (issue 13): who changed which record, when, from what to what.

django-simple-history keeps a historical table beside each model staff change; every model
declares it with `history = trail(ItsQuerySet)`. This module is what the project adds:

- **Scoped like the records.** A historical model's rows are scoped by the same lookups as its
  record's (`scope_path`, followed from the historical row: a member's entry belongs to the
  cell the member was in when it was written, an event's to its member's organisation), so the
  historical models satisfy `access.check_scopes` (organizations.E004) like every other model,
  and the administrators' log (`admin/trail.py`) lists only their subtree. A record whose
  scope is more than a path (the import records) scopes its entries by the records the
  account sees.
- **Who.** The account acting (`kcn_party.actor`: the request's account, or the `by` a
  service runs for), else the request's user (`HistoryRequestMiddleware`), else nobody: a
  command run without `--user` or the demo loader, which say why in the entry's reason
  (`reason`).
- **Set-based writes.** The paths that write rows with `UPDATE` or `INSERT ... SELECT` (the
  enterprise import, in bulk or through COPY; the status actions) add their entries with one
  `INSERT ... SELECT` from the rows they wrote (`record_rows`), in the same transaction.

`settings.SIMPLE_HISTORY_ENABLED = False` turns the trail off (the import benchmark measures
with and without it); `record_rows` obeys it too.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.dispatch import receiver
from django.utils import timezone
from simple_history.manager import HistoricalQuerySet, HistoryDescriptor
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kcn_party import actor
from organizations import access

_reason = contextvars.ContextVar("kcn_history_reason", default="")


@contextlib.contextmanager
def reason(text: str):
    """Within the block, entries written without a reason of their own carry `text` (why
    nobody is named: "load_demo", a command run without an account)."""
    token = _reason.set(text[:100])
    try:
        yield
    finally:
        _reason.reset(token)


def acting_account(instance=None, request=None, **kwargs):
    """The account an entry names: the one acting (kcn_party.actor), else the request's."""
    by = actor.current()
    if by is None and request is not None:
        by = getattr(request, "user", None)
    return actor.account(by)


@receiver(pre_create_historical_record, dispatch_uid="kcn_history_reason")
def _fill_reason(sender, history_instance, **kwargs):
    if not history_instance.history_change_reason and _reason.get():
        history_instance.history_change_reason = _reason.get()


def current_reason() -> str:
    """Why the entries written now name no account ("" when they do)."""
    return _reason.get()


def enabled() -> bool:
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def _historical_queryset(record_queryset: type[access.ScopedQuerySet]) -> type:
    """The QuerySet of a record's entries, scoped as the record (see the module's doc)."""
    custom = record_queryset.in_scope is not access.ScopedQuerySet.in_scope
    paths = record_queryset.scope_path

    class TrailQuerySet(HistoricalQuerySet, access.ScopedQuerySet):
        scope_path = "" if custom else paths

        def in_scope(self, scope: access.Scope):
            if not custom:
                return access.ScopedQuerySet.in_scope(self, scope)
            if scope.everything:
                return self
            record = self.model.instance_type
            seen = record._default_manager.in_scope(scope).values("pk")
            return self.filter(**{f"{record._meta.pk.attname}__in": seen})

    TrailQuerySet.__qualname__ = TrailQuerySet.__name__ = f"{record_queryset.__name__}Trail"
    return TrailQuerySet


class _HistoryDescriptor(HistoryDescriptor):
    """`Model.history`, whose manager class is built once. simple_history's builds a new
    class (`Manager.from_queryset`) at every access, about 0.7 ms, and every row saved with a
    trail reads it (the post_save entry, `bulk_create_with_history`): 6,135 times in the
    demo's load."""

    def __init__(self, model, manager, queryset):
        super().__init__(model, manager=manager, queryset=queryset)
        self.manager = manager.from_queryset(queryset)

    def __get__(self, instance, owner):
        return self.manager(self.model, instance)


class _TrailRecords(HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:  # the one super() has just set
            setattr(
                sender,
                self.manager_name,
                _HistoryDescriptor(
                    descriptor.model,
                    manager=descriptor.manager_class,
                    queryset=descriptor.queryset_class,
                ),
            )


def trail(record_queryset: type[access.ScopedQuerySet], *, excluded_fields=(), **options):
    """The `HistoricalRecords` of a model whose QuerySet is `record_queryset`: entries scoped
    as its rows, naming the account acting. `excluded_fields`: what the entries leave out (the
    state services derive from other records, large snapshots)."""
    queryset = _historical_queryset(record_queryset)
    module = sys._getframe(1).f_globals["__name__"]
    # An abstract base gives the historical model its scoped default manager (organizations'
    # check that every model has a scope reads the default manager); migrations flatten it.
    base = type(
        f"{record_queryset.__name__}TrailBase",
        (models.Model,),
        {
            "__module__": module,
            "objects": queryset.as_manager(),
            "Meta": type("Meta", (), {"abstract": True}),
        },
    )
    return _TrailRecords(
        bases=[base],
        historical_queryset=queryset,
        excluded_fields=list(excluded_fields),
        get_user=acting_account,
        **options,
    )


def historical_model(model):
    """The historical model of a model with a trail."""
    return getattr(model, model._meta.simple_history_manager_attribute).model


FIRST_ENTRY = "first entry"  # record_rows(created_if=…): "+" for a row that has no entry yet


def record_rows(queryset, *, history_type: str = "~", created_if: str = "", user=None) -> int:
    """Add one entry per row of `queryset` with the row as it is now: `INSERT ... SELECT` from
    the model's table, in one statement whatever the number of rows. `history_type` "+", "~"
    or "-"; with `created_if` (a condition on the row's columns, e.g. `created_by_import_id =
    7`, or FIRST_ENTRY: the row has no entry yet), "+" where it holds and "~" elsewhere.
    `user` defaults to the account acting."""
    if not enabled():
        return 0
    model = queryset.model
    history = historical_model(model)
    db = router.db_for_write(model)
    connection = connections[db]
    quote = connection.ops.quote_name
    record_columns = [f.column for f in history._meta.concrete_fields if copied(f)]
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    if created_if == FIRST_ENTRY:
        created_if = f"NOT EXISTS (SELECT 1 FROM {quote(history._meta.db_table)} h WHERE h.{pk} = {table}.{pk})"  # noqa: E501, S608
    if created_if:
        kind = f"CASE WHEN {created_if} THEN '+' ELSE '~' END"
        kind_params = []
    else:
        kind, kind_params = "%s", [history_type]
    user = acting_account() if user is None else actor.account(user)
    try:
        pks_sql, pks_params = queryset.values("pk").query.sql_with_params()
    except EmptyResultSet:  # pk__in=[]: no row, no entry
        return 0
    columns = ", ".join(quote(c) for c in record_columns)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, history_type, "  # noqa: S608
        "history_user_id, history_change_reason) "
        f"SELECT {columns}, %s, {kind}, %s, %s FROM {table} WHERE {pk} IN ({pks_sql})"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [now, *kind_params, user.pk if user else None, _reason.get() or None, *pks_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def bulk_create(model, objs, **options) -> list:
    """`model.objects.bulk_create(objs)` with an entry ("+") for each row created, in the same
    transaction, naming the account acting."""
    objs = list(objs)
    if not enabled() or not objs:
        return model._default_manager.bulk_create(objs, **options)
    return bulk_create_with_history(objs, model, default_change_reason=_reason.get(), **options)


def bulk_update(model, objs, fields, **options) -> int:
    """`model.objects.bulk_update(objs, fields)` with an entry ("~") for each row: give it
    only the rows that changed."""
    objs = list(objs)
    if not enabled() or not objs:
        return model._default_manager.bulk_update(objs, fields, **options) if objs else 0
    return bulk_update_with_history(
        objs, model, fields, default_change_reason=_reason.get(), **options
    )


def entries(model, objs, *, history_type: str = "~") -> None:
    """Entries for rows already written in bulk (`objs` as they now are): for the writers that
    update more rows than changed (a timeline's derived state) and name the changed ones."""
    objs = list(objs)
    if enabled() and objs:
        getattr(model, model._meta.simple_history_manager_attribute).bulk_history_create(
            objs, update=history_type == "~", default_change_reason=_reason.get()
        )


_TRAIL_COLUMNS = {"history_id", "history_date", "history_type", "history_user_id"}
_TRAIL_COLUMNS |= {"history_change_reason"}


def copied(field) -> bool:
    """Whether an entry's column is a copy of the record's (not one of the trail's own)."""
    return field.column not in _TRAIL_COLUMNS
