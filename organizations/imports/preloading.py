"""The enterprises a list names that the records already hold, read before their rows: one
query per chunk of the list (not one per row), each enterprise with its worker count in force
on the list's date. Kept as tuples of the columns a list can change: the model instance is
built only for the row being imported (the columns left out are never written back)."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Subquery
from import_export.instance_loaders import BaseInstanceLoader

from organizations.imports.base import new_instance
from organizations.models import Enterprise, WorkforceSnapshot

_DEFAULTS = {f.attname: f.get_default() for f in Enterprise._meta.concrete_fields}
# What is read of an existing enterprise: what a list can change, and its keys.
_LOADED = [
    f.attname
    for f in Enterprise._meta.concrete_fields
    if f.attname
    not in ("created_at", "updated_at", "created_by_import_id", "last_changed_by_import_id")
]
_CODE = _LOADED.index("tax_code")


def existing_enterprises(codes: list[str], counted_on: datetime.date) -> dict[str, tuple]:
    """Tax code -> the enterprise's loaded columns and its workers in force on `counted_on`."""
    if not codes:
        return {}
    in_force = (
        WorkforceSnapshot.objects.filter(enterprise=OuterRef("pk"), counted_on__lte=counted_on)
        .order_by("-counted_on")
        .values("workers")[:1]
    )
    rows = (
        Enterprise.objects.with_tax_codes(codes)
        .annotate(workers_in_force=Subquery(in_force))
        .values_list(*_LOADED, "workers_in_force")
    )
    return {values[_CODE]: values for values in rows}


class PreloadedEnterprises(BaseInstanceLoader):
    """The instance loader of a chunk: its enterprises were asked for when the chunk was
    prepared (`base.ListResource`)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.by_code: dict[str, tuple] = resource.chunk.existing.result()

    def get_instance(self, row):
        values = self.by_code.get(self.resource.current_key)
        if values is None:
            return None
        instance = new_instance(Enterprise, _DEFAULTS, adding=False)
        state = instance.__dict__
        state.update(zip(_LOADED, values[:-1], strict=True))
        state["workers_in_force"] = values[-1]
        return instance
