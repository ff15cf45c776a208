"""The django-import-export resource for enterprise lists, configured for bulk.

django-import-export drives the rows (one `import_row` per row, results, counts); this resource
makes each row cheap enough for national lists:

- existing enterprises of the file's tax codes (with their worker count as of the list's date)
  and all zones are read before the rows, in a few queries, not one per row;
- rows are validated in memory, never with `full_clean` per row: check digits, repeats within
  the file, choices, dates, lengths, the account's zones;
- unchanged rows are skipped; new and changed rows are written by batch (`use_bulk`), as one
  upsert on the tax code, and worker counts that differ from the one in force become dated
  snapshots (`writing.BatchWriter`, which measured faster than `bulk_create`);
- details (changed values, restored zeros) are kept only when a preview asks for them.

The transaction, the lock against a concurrent import and the import record belong to
`organizations.services.enterprise_list_import`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from operator import attrgetter

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Result

from organizations import access
from organizations.imports.headers import HeaderMap
from organizations.imports.text import fold
from organizations.imports.values import (
    DateWidget,
    OwnershipWidget,
    StatusWidget,
    TaxCodeWidget,
    TextWidget,
    WorkersWidget,
    ZoneWidget,
)
from organizations.imports.writing import BatchWriter
from organizations.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseStatus,
    OrganizationKind,
    PartyOrganization,
    WorkforceSnapshot,
    Zone,
    ZoneKind,
)

BATCH_SIZE = 5000


@dataclass
class ImportSettings:
    """What an import may do, decided by the service before any row is read."""

    scope: access.Scope
    counted_on: datetime.date
    zone: Zone | None = None  # fills the zone when the list has no zone column (or a blank)
    committee: PartyOrganization | None = None  # owner of zones created by the import
    create_zones: bool = False
    dry_run: bool = True
    skip_invalid: bool = False
    keep_details: bool = True
    record: EnterpriseImport | None = None  # the record the writes point at
    source: str = ""  # written on worker counts


# --- Results ---------------------------------------------------------------------------------


@dataclass(slots=True)  # one per invalid row: a national list may have hundreds of thousands
class InvalidLine:
    line: int
    errors: list[tuple[str, str]]  # (column as the file names it, message)
    values: list  # the row as read (without its trailing blank cells), for the file of errors


@dataclass
class ChangedLine:
    line: int
    tax_code: str
    name: str
    changes: list[tuple[str, str, str]]  # (column, old, new)


@dataclass
class Absent:
    """An enterprise of a zone the list covers that the list does not name."""

    pk: int
    tax_code: str
    name: str
    status: str
    zone: str


@dataclass
class RestoredZero:
    line: int
    typed: str
    tax_code: str


class EnterpriseImportResult(Result):
    """Counts for every row; details only for what the preview shows. Row results of valid
    rows are not kept: on a national list they would be the bulk of the memory."""

    def __init__(self, lines: list[int], rows: list[list], positions: dict[str, int]):
        super().__init__()
        self.lines = lines
        self.read_rows = rows  # as read, every column: the file of invalid rows gives them back
        self.positions = positions  # column name -> position, to order messages as the file
        self.invalid_lines: list[InvalidLine] = []
        self.changed_lines: list[ChangedLine] = []
        self.restored: list[RestoredZero] = []

    def append_row_result(self, row_result):
        if row_result.errors:  # an unexpected exception: kept, the service raises it
            super().append_row_result(row_result)

    def append_invalid_row(self, number, row, validation_error):
        errors = []
        for column, messages in validation_error.message_dict.items():
            column = "" if column == NON_FIELD_ERRORS else column
            errors.extend((column, message) for message in messages)
        errors.sort(key=lambda error: self.positions.get(error[0], -1))
        self.invalid_lines.append(
            InvalidLine(
                line=self.lines[number - 1], errors=errors, values=self.read_rows[number - 1]
            )
        )

    def has_validation_errors(self):
        return bool(self.invalid_lines)


# --- Existing enterprises and zones ----------------------------------------------------------

_DEFAULTS = {f.attname: f.get_default() for f in Enterprise._meta.concrete_fields}
# What is read of an existing enterprise: what a list can change, and its keys.
_LOADED = [
    f.attname
    for f in Enterprise._meta.concrete_fields
    if f.attname
    not in ("created_at", "updated_at", "created_by_import_id", "last_changed_by_import_id")
]


class PreloadedEnterprises(BaseInstanceLoader):
    """Existing enterprises of the file's tax codes, read before the rows in one query (not one
    per row), each with its worker count in force on the list's date. Kept as tuples of the
    columns a list can change: the model instance is built only for the row being imported
    (the columns left out are never written back to an existing enterprise)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        codes = sorted({code for code in resource.codes if code})
        in_force = (
            WorkforceSnapshot.objects.filter(
                enterprise=OuterRef("pk"), counted_on__lte=resource.settings.counted_on
            )
            .order_by("-counted_on")
            .values("workers")[:1]
        )
        rows = (
            Enterprise.objects.with_tax_codes(codes)
            .annotate(workers_in_force=Subquery(in_force))
            .values_list(*_LOADED, "workers_in_force")
        )
        position = _LOADED.index("tax_code")
        self.by_code: dict[str, tuple] = {values[position]: values for values in rows}

    def get_instance(self, row):
        values = self.by_code.get(self.resource.current_code)
        if values is None:
            return None
        # As Django builds an instance from the database, without __init__ (see init_instance).
        instance = Enterprise.__new__(Enterprise)
        instance._state = ModelState()
        instance._state.adding, instance._state.db = False, "default"
        state = instance.__dict__
        state.update(_DEFAULTS)
        state.update(zip(_LOADED, values[:-1], strict=True))
        state["workers_in_force"] = values[-1]
        return instance


_ZONE_PREFIXES = {
    "khu cong nghiep": ("kcn", ZoneKind.INDUSTRIAL),
    "kcn": ("kcn", ZoneKind.INDUSTRIAL),
    "khu che xuat": ("kcx", ZoneKind.EXPORT_PROCESSING),
    "kcx": ("kcx", ZoneKind.EXPORT_PROCESSING),
    "khu kinh te": ("kkt", ZoneKind.ECONOMIC),
    "kkt": ("kkt", ZoneKind.ECONOMIC),
    "khu cong nghe cao": ("khu cong nghe cao", ZoneKind.HIGH_TECH),
    "cum cong nghiep": ("ccn", ZoneKind.CLUSTER),
    "ccn": ("ccn", ZoneKind.CLUSTER),
}


def zone_keys(name: str) -> tuple[str, str, str | None]:
    """(full key, key without the kind, kind) of a zone name: "Khu công nghiệp Đình Trám" and
    "KCN Đình Trám" share the full key "kcn dinh tram", and "Đình Trám" finds either."""
    folded = fold(name)
    for prefix, (short, kind) in _ZONE_PREFIXES.items():
        if folded.startswith(prefix + " "):
            bare = folded[len(prefix) + 1 :]
            return f"{short} {bare}", bare, kind
    return folded, folded, None


class ZoneResolver:
    """Zone names to zones: the account's zones only; an unknown zone is created (once) when
    the import may create zones, else it is a row error."""

    def __init__(self, settings: ImportSettings):
        self.settings = settings
        self.by_full: dict[str, list[Zone]] = {}
        self.by_bare: dict[str, list[Zone]] = {}
        self.by_id: dict[int, Zone] = {}
        for zone in Zone.objects.select_related("committee").only(
            "name", "province", "kind", "committee__path"
        ):
            self._index(zone)
        self._may_write: dict[int, bool] = {}
        self.created: list[Zone] = []  # zones this import creates (unsaved in a dry run)
        self._seen: dict[str, Zone | str] = {}  # value -> zone, or the error message

    def _index(self, zone: Zone) -> None:
        full, bare, _kind = zone_keys(zone.name)
        self.by_full.setdefault(full, []).append(zone)
        self.by_bare.setdefault(bare, []).append(zone)
        if zone.pk:
            self.by_id[zone.pk] = zone

    def may_write(self, zone: Zone) -> bool:
        if zone.pk is None:  # created by this import, in the account's committee
            return True
        allowed = self._may_write.get(zone.pk)
        if allowed is None:
            allowed = self._may_write[zone.pk] = self.settings.scope.contains_path(
                zone.committee.path
            )
        return allowed

    def resolve(self, value, province: str = "") -> Zone | None:
        """The zone named `value` (None for a blank cell). Raises ValueError with the message
        for the row."""
        found = self._seen.get(value)
        if found is not None:  # most rows: a zone named before
            if isinstance(found, str):
                raise ValueError(found)
            return found
        if value is None or value == "":
            return None
        try:
            zone = self._find(str(value), province)
        except ValueError as exc:
            self._seen[value] = str(exc)
            raise
        self._seen[value] = zone
        return zone

    def _find(self, name: str, province: str) -> Zone:
        full, bare, kind = zone_keys(name)
        candidates = self.by_full.get(full, []) if kind else self.by_bare.get(bare, [])
        mine = [zone for zone in candidates if self.may_write(zone)]
        if len(mine) == 1:
            return mine[0]
        if len(mine) > 1:
            raise ValueError(
                _("Several zones are called “%(name)s”: write the zone's full name, e.g. %(full)s.")
                % {"name": name, "full": ", ".join(zone.name for zone in mine)}
            )
        if candidates:
            # As the file names it, never as the records do, and without whose zone it is:
            # an import must not tell one committee about another's zones.
            raise ValueError(
                _(
                    "Zone “%(name)s” is not one of your committee's zones: you may import only "
                    "into those."
                )
                % {"name": name}
            )
        if not self.settings.create_zones:
            raise ValueError(
                _(
                    "Unknown zone “%(name)s”. Add the zone first, or import with the option to "
                    "create the zones the list names."
                )
                % {"name": name}
            )
        return self._create(name, kind or ZoneKind.INDUSTRIAL, province)

    def _create(self, name: str, kind: str, province: str) -> Zone:
        committee = self.settings.committee
        if committee is None or committee.kind != OrganizationKind.UPPER_GRASSROOTS:
            raise ValueError(
                _("Zone “%(name)s” does not exist and no zone committee was given to own it.")
                % {"name": name}
            )
        province = province or self._province_of(committee)
        if not province:
            raise ValueError(
                _(
                    "Zone “%(name)s” does not exist and its province is unknown: add a "
                    "“Tỉnh/Thành phố” column."
                )
                % {"name": name}
            )
        zone = Zone(name=name, kind=kind, province=province, committee=committee)
        if not self.settings.dry_run:
            zone.full_clean()
            zone.save()
        self.created.append(zone)
        self._index(zone)
        return zone

    def _province_of(self, committee) -> str:
        provinces = {
            zone.province for zone in self.by_id.values() if zone.committee_id == committee.pk
        }
        return provinces.pop() if len(provinces) == 1 else ""


# --- The resource ------------------------------------------------------------------------------


def _field(attribute: str, widget) -> fields.Field:
    # A blank cell (None from the widget) keeps the value the records hold.
    return fields.Field(
        attribute=attribute, column_name=attribute, widget=widget, saves_null_values=False
    )


def _blank(value) -> bool:
    return value is None or value == ""


def _assign_zone(instance: Enterprise, zone: Zone) -> None:
    """`instance.zone = zone` without the descriptor's checks (database routing, instance
    types), which cost a national list a second: the zone comes from the resolver, which
    read it from the one database."""
    instance.__dict__["zone_id"] = zone.pk
    instance._state.fields_cache["zone"] = zone


# The columns of an enterprise list, in order: what the import reads and the export writes,
# so that an exported list imports back.
LIST_COLUMNS = (
    "tax_code",
    "name",
    "zone",
    "ownership",
    "investor_country",
    "sector",
    "workers",
    "licensed_on",
    "address",
    "legal_representative",
    "status",
)


class EnterpriseImportResource(resources.ModelResource):
    """One enterprise per row, upserted by tax code; a worker count per row becomes a dated
    snapshot when it differs from the one in force."""

    tax_code = _field("tax_code", TaxCodeWidget())
    name = _field("name", TextWidget(max_length=255))
    zone = _field("zone", ZoneWidget(resolve=None))
    ownership = _field("ownership", OwnershipWidget())
    investor_country = _field("investor_country", TextWidget(max_length=64))
    sector = _field("sector", TextWidget(max_length=128))
    workers = _field("workers_listed", WorkersWidget())
    licensed_on = _field("licensed_on", DateWidget())
    address = _field("address", TextWidget(max_length=255))
    legal_representative = _field("legal_representative", TextWidget(max_length=128))
    status = _field("status", StatusWidget())

    class Meta:
        model = Enterprise
        fields = LIST_COLUMNS
        import_id_fields = ["tax_code"]
        instance_loader_class = PreloadedEnterprises
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_unchanged = True
        skip_diff = True  # no deepcopy and HTML diff per row: `skip_row` compares values
        report_skipped = False

    def __init__(
        self, *, settings: ImportSettings, header: HeaderMap, lines: list[int], rows: list[list]
    ):
        super().__init__()
        self.settings = settings
        self.header = header
        self.lines = lines
        self.rows = rows
        self.zones = ZoneResolver(settings)
        # Columns as the file names them; the columns the file lacks are left alone.
        for key in list(self.fields):
            if key in header.positions:
                self.fields[key].column_name = header.name(key)
            else:
                del self.fields[key]
        if "zone" in self.fields:
            self.fields["zone"].widget = ZoneWidget(resolve=self._resolve_zone)
        self._row_fields = [f for key, f in self.fields.items() if key != "tax_code"]
        today = timezone.localdate()
        for field in self._row_fields:
            if isinstance(field.widget, DateWidget):
                field.widget.today = today
        self._name_column = self._column("name")
        self._zone_column = self._column("zone")
        self._ownership_column = self._column("ownership")
        self._cleaners = [
            (f.column_name, _assign_zone if f.attribute == "zone" else f.attribute, f.widget.clean)
            for f in self._row_fields
        ]
        self._compared = [
            (f, "zone_id" if f.attribute == "zone" else f.attribute)
            for f in self._row_fields
            if f.attribute != "workers_listed"
        ]
        compared = [attribute for _f, attribute in self._compared]
        # A tuple of the compared values, read in C (one tuple even for one column).
        self._current = (
            (attrgetter(*compared) if len(compared) > 1 else (lambda e: (getattr(e, compared[0]),)))
            if compared
            else (lambda e: ())
        )
        self._update_fields = [attribute for _f, attribute in self._compared] + [
            "last_changed_by_import_id"
        ]
        self.codes: list[str | None] = []  # the tax code of each row; None when unreadable
        self._parsed: list[tuple[str, bool] | str] = []
        self.seen: dict[str, int] = {}  # tax code -> the first line naming it
        self.touched_zones: dict[str, Zone] = {}
        self.invalid_seen = False
        self.result: EnterpriseImportResult | None = None
        self.current_code: str | None = None
        self.writer: BatchWriter | None = None  # see writing()

    def writing(self) -> BatchWriter:
        """The writer of this import's batches: the context of a real run's rows."""
        self.writer = BatchWriter(update=self._update_fields, record=self.settings.record.pk)
        return self.writer

    def get_result_class(self):
        def build():
            positions = {name: i for i, name in enumerate(self.header.headers)}
            self.result = EnterpriseImportResult(self.lines, self.rows, positions)
            return self.result

        return build

    @property
    def writes(self) -> bool:
        """Whether rows still reach the database: not in a dry run, and not once a row is
        invalid unless invalid rows are skipped (the service then rolls everything back)."""
        return not self.settings.dry_run and (self.settings.skip_invalid or not self.invalid_seen)

    # --- before the rows: every tax code parsed once, for the loader's queries ---------------

    def before_import(self, dataset, **kwargs):
        tax_code = self.fields["tax_code"]
        parse = tax_code.widget.parse
        for value in dataset.get_col(dataset.headers.index(tax_code.column_name)):
            try:
                parsed = parse(value)
                self.codes.append(parsed[0])
            except ValueError as exc:
                parsed = str(exc)
                self.codes.append(None)
            self._parsed.append(parsed)

    def after_import(self, dataset, result, **kwargs):
        # ModelResource resets the primary key sequence here, for imports that carry ids; this
        # one never does.
        pass

    # --- each row ----------------------------------------------------------------------------

    def before_import_row(self, row, row_number=None, **kwargs):
        self._line = self.lines[row_number - 1]
        self._errors: dict[str, list[str]] = {}
        self._restored = None
        self._changes = None
        parsed = self._parsed[row_number - 1]
        tax_column = self.fields["tax_code"].column_name
        if isinstance(parsed, str):
            self.current_code = None
            self._errors[tax_column] = [parsed]
            return
        code, restored = parsed
        self.current_code = code
        first = self.seen.setdefault(code, self._line)
        if first != self._line:
            self._errors[tax_column] = [
                _("Tax code %(code)s already appears on line %(line)s of this file.")
                % {"code": code, "line": first}
            ]
        elif restored:
            self._restored = RestoredZero(self._line, str(row[tax_column]), code)

    def get_or_init_instance(self, instance_loader, row):
        if self.current_code is not None and not self._errors:
            instance = instance_loader.get_instance(row)
            if instance is not None:
                return instance, False
        instance = self.init_instance(row)
        instance.tax_code = self.current_code or ""
        instance.workers_in_force = None
        return instance, True

    def after_init_instance(self, instance, new, row, **kwargs):
        self._new = new
        self._original = None if new else self._current(instance)
        self._original_zone_id = instance.zone_id

    def init_instance(self, row=None):
        # A new enterprise with the model's defaults, built as Django builds an unpickled
        # instance (no __init__, which costs a national list seconds). Nothing listens to
        # Enterprise's init signals.
        instance = Enterprise.__new__(Enterprise)
        instance._state = ModelState()
        instance.__dict__.update(_DEFAULTS)
        return instance

    def import_instance(self, instance, row, **kwargs):
        # What Field.save does, without its per-call generality: on a national list the
        # fields are saved a million times. A blank cell (None) keeps the recorded value.
        errors = self._errors
        for column, attribute, clean in self._cleaners:
            try:
                value = clean(row[column], row=row)
            except ValueError as exc:
                errors.setdefault(column, []).append(str(exc))
                continue
            if value is not None:
                if attribute is _assign_zone:
                    _assign_zone(instance, value)
                else:
                    setattr(instance, attribute, value)
        self._check_row(instance, row, errors)
        if errors:
            raise ValidationError(errors)

    def _resolve_zone(self, value, row=None, **kwargs):
        province = ""
        if row is not None and "province" in self.header.positions:
            province = str(row[self.header.name("province")] or "")
        return self.zones.resolve(value, province)

    def _column(self, key: str) -> str:
        return self.header.name(key) if key in self.header.positions else NON_FIELD_ERRORS

    def _zone_of(self, instance) -> Zone | None:
        zone = instance._state.fields_cache.get("zone")
        if zone is None and instance.zone_id:
            zone = self.zones.by_id.get(instance.zone_id)
        return zone

    def _check_row(self, instance, row, errors) -> None:
        """Rules across columns, checked in memory."""
        name_column, zone_column = self._name_column, self._zone_column
        if name_column != NON_FIELD_ERRORS and _blank(row[name_column]):
            errors.setdefault(name_column, []).append(_("The name is missing."))

        fallback = self.settings.zone
        if fallback is not None and (
            zone_column == NON_FIELD_ERRORS or (self._new and self._zone_of(instance) is None)
        ):
            _assign_zone(instance, fallback)
        zone = self._zone_of(instance)
        if zone is None:
            if zone_column not in errors:
                errors[zone_column] = [_("The zone is missing.")]
        elif zone.name not in self.touched_zones and self.zones.may_write(zone):
            self.touched_zones[zone.name] = zone

        if self._new:
            ownership_column = self._ownership_column
            if not instance.ownership and ownership_column not in errors:
                errors.setdefault(ownership_column, []).append(
                    _("The ownership type is required for a new enterprise.")
                )
            return
        existing_zone = self.zones.by_id.get(self._original_zone_id)
        if existing_zone is None or not self.zones.may_write(existing_zone):
            errors.setdefault(self._column("tax_code"), []).append(
                _(
                    "Tax code %(code)s is registered to an enterprise outside your committee's "
                    "zones; this list cannot change it."
                )
                % {"code": instance.tax_code}
            )
        elif zone is not None and zone.committee_id != existing_zone.committee_id:
            errors.setdefault(zone_column, []).append(
                _(
                    "The enterprise is in %(old)s, a zone of another committee than %(new)s: an "
                    "import does not move enterprises between committees."
                )
                % {"old": existing_zone.name, "new": zone.name}
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged rows are skipped (counted as unchanged, never written)."""
        if import_validation_errors or self._new:
            return False
        listed = getattr(instance, "workers_listed", None)
        workers_changed = listed is not None and listed != instance.workers_in_force
        current = self._current(instance)
        if current == self._original and not workers_changed:
            return True
        if self.settings.keep_details:
            self._changes = self._describe_changes(current, instance, workers_changed)
        return False

    def _describe_changes(self, current, instance, workers_changed):
        changes = []
        pairs = zip(self._compared, self._original, current, strict=True)
        for (field, attribute), old, new in pairs:
            if old != new:
                if attribute == "zone_id":
                    old, new = self.zones.by_id[old], self._zone_of(instance)
                changes.append(
                    (field.column_name, field.widget.render(old), field.widget.render(new))
                )
        if workers_changed:
            widget = self.fields["workers"].widget
            changes.append(
                (
                    self.fields["workers"].column_name,
                    widget.render(instance.workers_in_force),
                    widget.render(instance.workers_listed),
                )
            )
        return changes

    def save_instance(self, instance, is_create, row, **kwargs):
        # Queued for the next batch (Meta.use_bulk); the writer stamps the import record.
        if self.writes:
            super().save_instance(instance, is_create, row, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        if not row_result.is_valid():
            self.invalid_seen = True
            if not self.settings.skip_invalid:
                self.create_instances.clear()
                self.update_instances.clear()
            return
        if self._restored is not None:
            self.result.restored.append(self._restored)
        if self._changes:
            self.result.changed_lines.append(
                ChangedLine(
                    self._line,
                    self.current_code,
                    row_result.object_repr or "",
                    self._changes,
                )
            )

    # --- writes --------------------------------------------------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write(self.create_instances)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write(self.update_instances)

    def bulk_delete(self, using_transactions, dry_run, raise_errors, result=None):
        # An enterprise is never deleted; one missing from a list is shown as "not in this
        # list" for staff to decide on.
        self.delete_instances.clear()

    def _write(self, instances: list[Enterprise]) -> None:
        """Upsert a batch by tax code, then record the worker counts that changed. A database
        error is not caught: it rolls the whole import back."""
        batch = list(instances)
        instances.clear()
        if not batch or not self.writes:
            return
        counts = [
            (e.tax_code, self.settings.counted_on, e.workers_listed, self.settings.source)
            for e in batch
            if getattr(e, "workers_listed", None) is not None
            and e.workers_listed != e.workers_in_force
        ]
        self.writer.write(batch, counts)

    # --- after the rows --------------------------------------------------------------------

    def not_in_list(self) -> list[Absent]:
        """Enterprises of the zones this list touched (not closed) that it does not name."""
        zone_ids = [zone.pk for zone in self.touched_zones.values() if zone.pk]
        if not zone_ids:
            return []
        rows = (
            Enterprise.objects.filter(zone_id__in=zone_ids)
            .exclude(status=EnterpriseStatus.CLOSED)
            .order_by("zone__name", "name")
            .values_list("pk", "tax_code", "name", "status", "zone__name")
        )
        named = self.seen
        return [Absent(*row) for row in rows if row[1] not in named]
