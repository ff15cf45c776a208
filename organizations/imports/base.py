"""What the resource of every kind of list shares: django-import-export's row loop, configured
for bulk and fed a list in chunks.

django-import-export drives the rows (one `import_row` per row, results, counts); a kind's
resource (`resource.EnterpriseImportResource`) adds its rules and its writes. Here:

- the fields are the kind's columns the file has, headed as the file heads them;
- rows come in chunks of `Meta.batch_size` (a tablib Dataset each, django-import-export's
  input), so that memory does not grow with the list: a chunk's keys are parsed and the
  records they name are asked for before the previous chunk is written, so that on PostgreSQL
  the database thread reads them while this one checks the previous chunk's rows;
- rows are validated in memory, never with `full_clean` per row; a key repeated in the file is
  an error on its later lines; unchanged rows are skipped; the rest is queued for the kind's
  writer by batch (`use_bulk`);
- details (invalid rows, changed values, restored zeros) are kept as the preview needs them
  (`results.Details`), the invalid rows written to their file as they come.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models.base import ModelState
from django.utils import timezone
from import_export import fields, resources

from organizations import access
from organizations.imports.columns import Column, ImportKind
from organizations.imports.headers import HeaderMap
from organizations.imports.results import ChangedLine, ImportResult, RestoredZero
from organizations.imports.values import DateWidget
from organizations.imports.writing import Inline

BATCH_SIZE = 5000


@dataclass
class ImportSettings:
    """What an import may do, decided by the service before any row is read."""

    scope: access.Scope
    counted_on: datetime.date
    dry_run: bool = True
    skip_invalid: bool = False
    keep_details: bool = True
    shown: int | None = None  # details kept of each kind (None: all), the others counted
    record: object = None  # the import record the writes point at
    source: str = ""  # written on dated counts


@dataclass
class Chunk:
    """Rows of a list, as read and as django-import-export reads them."""

    lines: list[int]
    rows: list[list]  # as read, every column: the file of invalid rows gives them back
    dataset: tablib.Dataset  # only the columns the import reads
    keys: list = field(default_factory=list)  # each row's parsed key, or the message why not
    existing: object = None  # a Future: the records of the chunk's keys


def chunked(rows: Iterable[tuple[int, list]], header: HeaderMap, keys: list[str], size: int
            ) -> Iterator[Chunk]:  # fmt: skip
    """`rows` in chunks of `size`, each row reduced to the columns `keys` name. A row is never
    padded to the file's width, which multiplied a few real cells into millions: only a short
    row is, up to the last column read."""
    positions = sorted(header.positions[key] for key in keys)
    names = [header.headers[position] for position in positions]
    pick = itemgetter(*positions) if len(positions) > 1 else lambda cells: (cells[positions[0]],)
    reach = positions[-1] + 1
    blank = [""] * reach

    def chunk(lines: list[int], read: list[list]) -> Chunk:
        picked = [pick(cells if len(cells) >= reach else cells + blank[len(cells) :])
                  for cells in read]  # fmt: skip
        # All rows at once: Dataset.append checks each row's width again.
        return Chunk(lines, read, tablib.Dataset(*picked, headers=names))

    lines: list[int] = []
    read: list[list] = []
    for line, cells in rows:
        lines.append(line)
        read.append(cells)
        if len(read) == size:
            yield chunk(lines, read)
            lines, read = [], []
    if read:
        yield chunk(lines, read)


def new_instance(model, defaults: dict, adding: bool = True):
    """A model instance built as Django builds an unpickled one: no __init__, which costs a
    national list seconds (nothing listens to the models' init signals)."""
    instance = model.__new__(model)
    instance._state = ModelState()
    if not adding:
        instance._state.adding, instance._state.db = False, "default"
    instance.__dict__.update(defaults)
    return instance


def assign_related(instance, name: str, attname: str, related) -> None:
    """`instance.<name> = related` without the descriptor's checks (database routing, instance
    types), which cost a national list a second: `related` was read from the one database."""
    instance.__dict__[attname] = related.pk
    instance._state.fields_cache[name] = related


class ListResource(resources.ModelResource):
    """One instance of `kind.model` per row, merged by `kind.key`. A kind's resource gives
    `kind`, its `Meta` (model, instance loader), `check_row`, `load_existing` and `write`."""

    kind: ImportKind

    class Meta:
        fields = ()  # the kind's columns the file has (see __init__)
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_unchanged = True
        skip_diff = True  # no deepcopy and HTML diff per row: `skip_row` compares values
        report_skipped = False

    def __init__(self, *, settings: ImportSettings, header: HeaderMap, invalid_rows=None):
        super().__init__()
        self.settings = settings
        self.header = header
        model = self._meta.model
        self.defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}
        # Columns as the file names them; the columns the file lacks are left alone.
        self.fields = {
            column.key: fields.Field(
                attribute=column.target,
                column_name=header.name(column.key),
                widget=self.widget(column),
                saves_null_values=False,  # a blank cell keeps the value the records hold
            )
            for column in self.kind.columns
            if column.widget is not None and column.key in header.positions
        }
        self.key_field = self.fields[self.kind.key]
        self._row_fields = [f for key, f in self.fields.items() if key != self.kind.key]
        today = timezone.localdate()
        for f in self._row_fields:
            if isinstance(f.widget, DateWidget):
                f.widget.today = today
        self._cleaners = [(f.column_name, f.attribute, f.widget.clean, self._related(f.attribute))
                          for f in self._row_fields]  # fmt: skip
        # The attributes a row may change, compared with the record's: model fields only.
        self._compared = [(f, self._attname(f.attribute)) for f in self._row_fields
                          if self._attname(f.attribute)]  # fmt: skip
        compared = [attname for _f, attname in self._compared]
        # A tuple of the compared values, read in C (one tuple even for one column).
        self._current = (
            (attrgetter(*compared) if len(compared) > 1 else (lambda e: (getattr(e, compared[0]),)))
            if compared
            else (lambda e: ())
        )
        positions = {name: i for i, name in enumerate(header.headers)}
        self.result = ImportResult(positions, settings.shown, invalid_rows)
        self.seen: dict[str, int] = {}  # key -> the first line naming it
        self.invalid_seen = False
        self.current_key: str | None = None
        self.chunk: Chunk | None = None
        self.database = Inline()  # where queries run: the writer's thread, once writing

    def widget(self, column: Column):
        return column.widget()

    def _model_field(self, attribute: str):
        """The model field `attribute` fills; None for what only the writer reads (a dated
        count), which is never compared with the records."""
        try:
            return self._meta.model._meta.get_field(attribute)
        except FieldDoesNotExist:
            return None

    def _attname(self, attribute: str) -> str | None:
        model_field = self._model_field(attribute)
        return model_field.attname if model_field is not None else None

    def _related(self, attribute: str) -> str | None:
        """The attname of the foreign key `attribute` fills, None for a plain attribute."""
        model_field = self._model_field(attribute)
        return model_field.attname if model_field is not None and model_field.is_relation else None

    def get_result_class(self):
        return lambda: self.result  # one result gathers every chunk

    @property
    def writes(self) -> bool:
        """Whether rows still reach the database: not in a dry run, and not once a row is
        invalid unless invalid rows are skipped (the service then rolls everything back)."""
        return not self.settings.dry_run and (self.settings.skip_invalid or not self.invalid_seen)

    def run(self, job, *args):
        """`job(*args)` where the import's queries run, and its result."""
        return self.database.submit(job, *args).result()

    # --- the rows, chunk by chunk ---------------------------------------------------------------

    def import_rows(self, rows: Iterable[tuple[int, list]]) -> ImportResult:
        """Import `rows` (each its line and its cells as read), the rows below the header."""
        chunks = chunked(rows, self.header, list(self.fields), self._meta.batch_size)
        current = next(chunks, None)
        if current is not None:
            self._prepare(current)
        while current is not None:
            following = next(chunks, None)
            if following is not None:  # asked for before `current` is written
                self._prepare(following)
            self.chunk = self.result.chunk = current
            self.result.chunk_lines, self.result.chunk_rows = current.lines, current.rows
            self.import_data(current.dataset, dry_run=self.settings.dry_run,
                             use_transactions=False, raise_errors=False)  # fmt: skip
            current = following
        self.chunk = None
        return self.result

    def _prepare(self, chunk: Chunk) -> None:
        """Parse the chunk's keys, and ask for the records they name."""
        parse = self.key_field.widget.parse
        for value in chunk.dataset.get_col(chunk.dataset.headers.index(self.key_field.column_name)):
            try:
                chunk.keys.append(parse(value))
            except ValueError as exc:
                chunk.keys.append(str(exc))
        keys = sorted({key[0] for key in chunk.keys if not isinstance(key, str)})
        chunk.existing = self.database.submit(self.load_existing, keys)

    def load_existing(self, keys: list[str]) -> dict:
        """The records of `keys`: key -> what the instance loader builds an instance from."""
        raise NotImplementedError

    def after_import(self, dataset, result, **kwargs):
        # ModelResource resets the primary key sequence here, for imports that carry ids; no
        # list does.
        pass

    # --- each row ----------------------------------------------------------------------------

    def before_import_row(self, row, row_number=None, **kwargs):
        self._line = self.chunk.lines[row_number - 1]
        self._errors: dict[str, list[str]] = {}
        self._restored = None
        self._changes = None
        parsed = self.chunk.keys[row_number - 1]
        key_column = self.key_field.column_name
        if isinstance(parsed, str):
            self.current_key = None
            self._errors[key_column] = [parsed]
            return
        key, restored = parsed
        self.current_key = key
        first = self.seen.setdefault(key, self._line)
        if first != self._line:
            self._errors[key_column] = [self.repeated(key, first)]
        elif restored:
            self._restored = RestoredZero(self._line, str(row[key_column]), key)

    def repeated(self, key: str, first: int) -> str:
        """The message for a key already named on line `first` of the file."""
        raise NotImplementedError

    def get_or_init_instance(self, instance_loader, row):
        if self.current_key is not None and not self._errors:
            instance = instance_loader.get_instance(row)
            if instance is not None:
                return instance, False
        instance = self.init_instance(row)
        setattr(instance, self.key_field.attribute, self.current_key or "")
        return instance, True

    def after_init_instance(self, instance, new, row, **kwargs):
        self._new = new
        self._original = None if new else self._current(instance)

    def init_instance(self, row=None):
        return new_instance(self._meta.model, self.defaults)

    def import_instance(self, instance, row, **kwargs):
        # What Field.save does, without its per-call generality: on a national list the
        # fields are saved a million times. A blank cell (None) keeps the recorded value.
        errors = self._errors
        for column, attribute, clean, related in self._cleaners:
            try:
                value = clean(row[column], row=row)
            except ValueError as exc:
                errors.setdefault(column, []).append(str(exc))
                continue
            if value is None:
                continue
            if related is None:
                setattr(instance, attribute, value)
            else:
                assign_related(instance, attribute, related, value)
        self.check_row(instance, row, errors)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, errors: dict[str, list[str]]) -> None:
        """Rules across columns, checked in memory; messages go in `errors` by column."""

    def column(self, key: str) -> str:
        """The column `key` as the file names it; messages about a column the file lacks are
        about the row."""
        return self.header.name(key) if key in self.header.positions else NON_FIELD_ERRORS

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged rows are skipped (counted as unchanged, never written)."""
        if import_validation_errors or self._new:
            return False
        current = self._current(instance)
        if current == self._original and not self.changes_beyond(instance):
            return True
        if self.settings.keep_details:
            self._changes = self._describe_changes(current, instance) + self.other_changes(instance)
        return False

    def changes_beyond(self, instance) -> bool:
        """Whether a row changes something beyond the record's own fields (a dated count)."""
        return False

    def other_changes(self, instance) -> list[tuple[str, str, str]]:
        """Those changes, described for the preview (column, old, new)."""
        return []

    def render_old(self, field, attname: str, value) -> str:
        return field.widget.render(value)

    def _describe_changes(self, current, instance) -> list[tuple[str, str, str]]:
        changes = []
        pairs = zip(self._compared, self._original, current, strict=True)
        for (f, attname), old, new in pairs:
            if old != new:
                new = getattr(instance, f.attribute) if attname != f.attribute else new
                changes.append(
                    (f.column_name, self.render_old(f, attname, old), f.widget.render(new))
                )
        return changes

    def save_instance(self, instance, is_create, row, **kwargs):
        # Queued for the next batch (Meta.use_bulk).
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
            self.result.restored.add(self._restored)
        if self._changes:
            self.result.changed_lines.add(
                ChangedLine(
                    self._line, self.current_key, row_result.object_repr or "", self._changes
                )  # fmt: skip
            )

    # --- writes --------------------------------------------------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write(self.create_instances)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write(self.update_instances)

    def bulk_delete(self, using_transactions, dry_run, raise_errors, result=None):
        # Nothing is deleted by a list: what it no longer names is shown for staff to decide on.
        self.delete_instances.clear()

    def _write(self, instances: list) -> None:
        batch = list(instances)
        instances.clear()
        if batch and self.writes:
            self.write(batch)

    def write(self, batch: list) -> None:
        """Write a batch of new or changed instances. A database error is not caught: it rolls
        the whole import back."""
        raise NotImplementedError
