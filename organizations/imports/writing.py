"""What an import batch writes: enterprises upserted by tax code, then the worker counts that
changed, both as `INSERT ... ON CONFLICT ... DO UPDATE`, which SQLite (3.35+) and PostgreSQL
share.

They are built here rather than through `QuerySet.bulk_create(update_conflicts=True)`, which
produces the same statements, because of what measured on a national list (see
docs/benchmarks.md):

- Django prepares each of its million values through the field's full conversion chain; that
  cost more than the rest of the import together. The values here are already what the
  columns hold (the widgets made them so).
- PostgreSQL parses a statement's parameters at about 3.5 µs each; COPY into a temporary
  table, then one `INSERT ... SELECT`, is four times faster.
- PostgreSQL does its part (copy, upsert, index and foreign-key checks) on a second thread,
  over the same connection and so in the same transaction, while Python reads the next batch
  on the other processor. The values are formatted for COPY before they are handed over, so
  that the second thread only waits on the server and hardly competes for the interpreter.
  A failed write stops it and is raised when the rows are done, before anything commits.
"""

from __future__ import annotations

import datetime
import queue
import threading
from collections.abc import Sequence
from operator import attrgetter

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from organizations.models import Enterprise, WorkforceSnapshot

_ENTERPRISE = [field for field in Enterprise._meta.concrete_fields if not field.primary_key]
_COUNT_COLUMNS = ("tax_code", "counted_on", "workers", "source")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or not value.isprintable():  # tabs and line breaks are not printable
            return value.translate(_COPY_ESCAPES)
        return value
    if isinstance(value, datetime.date):  # datetimes too, with their offset
        return value.isoformat()
    return str(value)


def _copy_payload(rows) -> bytes:
    return "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows).encode()


class BatchWriter:
    """Writes the batches of one import; use it as a context manager around the rows.

    `update` names the enterprise attributes an existing row takes from the list; `record` is
    the import that created the new enterprises and last changed them all."""

    def __init__(self, *, update: Sequence[str], record: int):
        self.db = connections[DEFAULT_DB_ALIAS]
        self.postgresql = self.db.vendor == "postgresql"
        self.record = record
        quote = self.db.ops.quote_name
        columns = [field.column for field in _ENTERPRISE]
        by_attname = {field.attname: field.column for field in _ENTERPRISE}
        self._enterprise_columns = ", ".join(map(quote, columns))
        self._enterprise_conflict = " ON CONFLICT (tax_code) DO UPDATE SET " + ", ".join(
            f"{quote(c)} = EXCLUDED.{quote(c)}"
            for c in (by_attname[name] for name in (*update, "updated_at"))
        )
        self._values = attrgetter(*(field.attname for field in _ENTERPRISE))
        stamped = ("created_at", "updated_at", "created_by_import_id", "last_changed_by_import_id")
        self._stamped = [i for i, f in enumerate(_ENTERPRISE) if f.attname in stamped]
        self._dates = [i for i, f in enumerate(_ENTERPRISE) if f.get_internal_type() == "DateField"]
        self._datetimes = [
            i for i, f in enumerate(_ENTERPRISE) if f.get_internal_type() == "DateTimeField"
        ]
        snapshot = {field.name: field.column for field in WorkforceSnapshot._meta.concrete_fields}
        key, day, workers, source = (
            quote(snapshot[name]) for name in ("enterprise", "counted_on", "workers", "source")
        )
        enterprise = Enterprise._meta
        self._counts_sql = (
            f"INSERT INTO {quote(WorkforceSnapshot._meta.db_table)} ({key}, {day}, {workers}, "  # noqa: S608
            f"{source}) SELECT e.{quote(enterprise.pk.column)}, v.counted_on, v.workers, v.source "
            f"FROM {{rows}} JOIN {quote(enterprise.db_table)} e ON e.tax_code = v.tax_code "
            f"WHERE true ON CONFLICT ({key}, {day}) DO UPDATE SET {workers} = EXCLUDED.{workers}, "
            f"{source} = EXCLUDED.{source}"
        )
        self._table = quote(enterprise.db_table)
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    # --- the two statements -------------------------------------------------------------------

    def _enterprise_rows(self, enterprises: list[Enterprise]) -> list[list]:
        now = timezone.now()
        stamp = {
            "created_at": now,
            "updated_at": now,
            "created_by_import_id": self.record,
            "last_changed_by_import_id": self.record,
        }
        stamps = [(i, stamp[_ENTERPRISE[i].attname]) for i in self._stamped]
        rows = []
        for enterprise in enterprises:
            row = list(self._values(enterprise))
            for i, value in stamps:
                row[i] = value
            rows.append(row)
        return rows

    def write(self, enterprises: list[Enterprise], counts: list[tuple]) -> None:
        """Upsert `enterprises`, then record `counts`: (tax code, counted on, workers,
        source), one count per enterprise and day (a later import of the same day replaces
        it). Enterprises are found by tax code, so nothing waits for the keys just written."""
        if self.error is not None:
            raise self.error
        rows = self._enterprise_rows(enterprises)
        if self.postgresql:
            self.queue.put((_copy_payload(rows), _copy_payload(counts) if counts else b""))
        else:
            self._write_sqlite(rows, counts)

    def _write_postgresql(self, enterprises: bytes, counts: bytes) -> None:
        with self.db.cursor() as cursor:
            cursor.execute("TRUNCATE kcn_staging_enterprise")
            with cursor.cursor.copy(
                f"COPY kcn_staging_enterprise ({self._enterprise_columns}) FROM STDIN"
            ) as copy:
                copy.write(enterprises)
            cursor.execute(
                f"INSERT INTO {self._table} ({self._enterprise_columns}) "  # noqa: S608
                f"SELECT {self._enterprise_columns} FROM kcn_staging_enterprise"
                + self._enterprise_conflict
            )
            if counts:
                cursor.execute("TRUNCATE kcn_staging_counts")
                with cursor.cursor.copy(
                    f"COPY kcn_staging_counts ({', '.join(_COUNT_COLUMNS)}) FROM STDIN"
                ) as copy:
                    copy.write(counts)
                cursor.execute(self._counts_sql.format(rows="kcn_staging_counts v"))

    def _write_sqlite(self, rows: list[list], counts: list[tuple]) -> None:
        adapt_date = self.db.ops.adapt_datefield_value
        adapt_datetime = self.db.ops.adapt_datetimefield_value
        for row in rows:
            for i in self._dates:
                row[i] = adapt_date(row[i])
            for i in self._datetimes:
                row[i] = adapt_datetime(row[i])
        placeholder = "(" + ", ".join(["%s"] * len(_ENTERPRISE)) + ")"
        with self.db.cursor() as cursor:
            for batch in self._batches(rows, len(_ENTERPRISE)):
                cursor.execute(
                    f"INSERT INTO {self._table} ({self._enterprise_columns}) VALUES "  # noqa: S608
                    + ", ".join([placeholder] * len(batch))
                    + self._enterprise_conflict,
                    [value for row in batch for value in row],
                )
            counts = [(code, adapt_date(day), n, source) for code, day, n, source in counts]
            for batch in self._batches(counts, 4):
                # SQLite names the columns of a VALUES list column1, column2...
                values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
                rows_sql = (
                    "(SELECT column1 AS tax_code, column2 AS counted_on, column3 AS workers, "  # noqa: S608
                    f"column4 AS source FROM (VALUES {values})) v"
                )
                cursor.execute(
                    self._counts_sql.format(rows=rows_sql),
                    [value for row in batch for value in row],
                )

    def _batches(self, rows: list, columns: int):
        """Rows per statement, within SQLite's limit on parameters."""
        size = self.db.ops.bulk_batch_size([None] * columns, rows) or len(rows)
        for start in range(0, len(rows), size):
            yield rows[start : start + size]

    # --- the second thread (PostgreSQL) ----------------------------------------------------

    def __enter__(self):
        if self.postgresql:
            table = self._table
            with self.db.cursor() as cursor:
                # Foreign keys checked at each statement, on the second thread, rather than all
                # at the commit.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS kcn_staging_enterprise ON COMMIT DROP "  # noqa: S608
                    f"AS SELECT {self._enterprise_columns} FROM {table} WITH NO DATA"
                )
                cursor.execute(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS kcn_staging_counts (tax_code "
                    "varchar(14), counted_on date, workers integer, source varchar(255)) "
                    "ON COMMIT DROP"
                )
            self.db.inc_thread_sharing()
            self.thread = threading.Thread(target=self._run, name="kcn-import-writer", daemon=True)
            self.thread.start()
        return self

    def _run(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self._write_postgresql(*batch)
                except BaseException as exc:  # raised in the importing thread
                    self.error = exc

    def __exit__(self, exc_type, exc, traceback):
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.db.dec_thread_sharing()
        if self.error is not None and exc is None:
            raise self.error
