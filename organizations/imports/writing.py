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
- The change trail (organizations/history.py): on PostgreSQL each batch's statement also
  writes the entries of the enterprises and worker counts it wrote, from what the upsert
  returns, so they are written on the second thread with the rows; on SQLite the service
  adds them after the last batch (`history.record_rows`).
"""

from __future__ import annotations

import datetime
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from functools import partial
from operator import attrgetter

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from organizations import history
from organizations.models import Enterprise, WorkforceSnapshot

_ENTERPRISE = [field for field in Enterprise._meta.concrete_fields if not field.primary_key]
_COUNT_COLUMNS = ("tax_code", "counted_on", "workers", "source")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _Null:
    """COPY's NULL, which must not be escaped like a backslash in the data."""

    def __str__(self):
        return "\\N"


NULL = _Null()


def _copy_value(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None or value is NULL:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime.date):  # datetimes too, with their offset
        return value.isoformat()
    return str(value)


def _copy_date(value):
    return NULL if value is None else value.isoformat()


def _copy_payload(rows) -> bytes:
    """Rows of text, numbers and NULL in COPY's text format. A value with a backslash, tab or
    line break is escaped; the test is made on the whole line, which is far cheaper."""
    lines = []
    for row in rows:
        line = "\t".join(map(str, row))
        if (
            line.count("\\") != row.count(NULL)
            or "\n" in line
            or "\r" in line
            or line.count("\t") != len(row) - 1
        ):
            line = "\t".join(map(_copy_value, row))
        lines.append(line)
    lines.append("")
    return "\n".join(lines).encode()


class Inline:
    """Runs each job at once, in the calling thread: the queries of a dry run."""

    def submit(self, job, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(job(*args))
        except BaseException as exc:  # raised by future.result(), where the result is used
            future.set_exception(exc)
        return future


class BatchWriter:
    """Writes the batches of one import; use it as a context manager around the rows.

    `update` names the enterprise attributes an existing row takes from the list; `record` is
    the import that created the new enterprises and last changed them all.

    On PostgreSQL every query of the import runs on the writer's thread while it writes
    (`submit`), in the order asked: one connection serves one statement at a time, and a COPY
    in progress must not meet another thread's query."""

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
            "FROM {rows} JOIN {enterprises} e ON e.tax_code = v.tax_code "
            f"WHERE true ON CONFLICT ({key}, {day}) DO UPDATE SET {workers} = EXCLUDED.{workers}, "
            f"{source} = EXCLUDED.{source}"
        )
        self._table = quote(enterprise.db_table)
        self._pk = quote(enterprise.pk.column)
        self._trail = self._trail_sql(quote) if self.postgresql and history.enabled() else None
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def _trail_sql(self, quote) -> tuple[str, str, list]:
        """The entries of a batch, as data-modifying parts of its statement (PostgreSQL): the
        enterprises the upsert returns, "+" for those this import created; the counts the
        counts' upsert returns, "+" for those it inserted. With their parameters (when, who,
        why), taken here, in the thread the import runs in."""
        enterprise = history.historical_model(Enterprise)._meta
        snapshot = history.historical_model(WorkforceSnapshot)._meta
        stamp = "history_date, history_type, history_user_id, history_change_reason"
        entry_columns = ", ".join(
            quote(f.column) for f in enterprise.concrete_fields if history.copied(f)
        )
        count_columns = ", ".join(
            quote(f.column) for f in snapshot.concrete_fields if history.copied(f)
        )
        enterprises = (
            f"INSERT INTO {quote(enterprise.db_table)} ({entry_columns}, {stamp}) "  # noqa: S608
            f"SELECT {entry_columns}, %(now)s, CASE WHEN created_by_import_id = %(record)s "
            "THEN '+' ELSE '~' END, %(user)s, %(reason)s FROM written"
        )
        counts = (
            f"INSERT INTO {quote(snapshot.db_table)} ({count_columns}, {stamp}) "  # noqa: S608
            f"SELECT {count_columns}, %(now)s, CASE WHEN inserted THEN '+' ELSE '~' END, "
            "%(user)s, %(reason)s FROM counted"
        )
        user = history.acting_account()
        parameters = {
            "record": self.record,
            "user": user.pk if user is not None else None,
            "reason": history.current_reason() or None,
        }
        self._returned = entry_columns  # the record's id among them
        self._counted = f"{count_columns}, (xmax = 0) AS inserted"
        return enterprises, counts, parameters

    # --- the two statements -------------------------------------------------------------------

    def _enterprise_rows(self, enterprises: list[Enterprise], stamp: dict, date) -> list[list]:
        """Each enterprise's column values, `stamp` (import and times, already in the
        backend's form) in their columns, dates through `date`."""
        stamps = [(i, stamp[_ENTERPRISE[i].attname]) for i in self._stamped]
        dates = self._dates
        rows = []
        for enterprise in enterprises:
            row = list(self._values(enterprise))
            for i, value in stamps:
                row[i] = value
            for i in dates:
                row[i] = date(row[i])
            rows.append(row)
        return rows

    def write(self, enterprises: list[Enterprise], counts: list[tuple]) -> None:
        """Upsert `enterprises`, then record `counts`: (tax code, counted on, workers,
        source), one count per enterprise and day (a later import of the same day replaces
        it). Enterprises are found by tax code, so nothing waits for the keys just written."""
        if self.error is not None:
            raise self.error
        now = timezone.now()
        if self.postgresql:
            # COPY's text format, made here: the second thread only waits on the server.
            stamp = dict.fromkeys(("created_at", "updated_at"), now.isoformat())
            stamp |= dict.fromkeys(
                ("created_by_import_id", "last_changed_by_import_id"), str(self.record)
            )
            rows = self._enterprise_rows(enterprises, stamp, _copy_date)
            counts = [(code, day.isoformat(), str(n), source) for code, day, n, source in counts]
            payload = (_copy_payload(rows), _copy_payload(counts) if counts else b"")
            self.queue.put(partial(self._write_postgresql, *payload))
        else:
            stamp = dict.fromkeys(
                ("created_at", "updated_at"), self.db.ops.adapt_datetimefield_value(now)
            )
            stamp |= dict.fromkeys(
                ("created_by_import_id", "last_changed_by_import_id"), self.record
            )
            rows = self._enterprise_rows(enterprises, stamp, self.db.ops.adapt_datefield_value)
            self._write_sqlite(rows, counts)

    def _write_postgresql(self, enterprises: bytes, counts: bytes) -> None:
        upsert = (
            f"INSERT INTO {self._table} ({self._enterprise_columns}) "  # noqa: S608
            f"SELECT {self._enterprise_columns} FROM kcn_staging_enterprise"
            + self._enterprise_conflict
        )
        with self.db.cursor() as cursor:
            cursor.execute("TRUNCATE kcn_staging_enterprise, kcn_staging_counts")
            with cursor.cursor.copy(
                f"COPY kcn_staging_enterprise ({self._enterprise_columns}) FROM STDIN"
            ) as copy:
                copy.write(enterprises)
            if self._trail is not None:
                self._write_with_trail(cursor, upsert, bool(counts), counts)
                return
            if not counts:
                cursor.execute(upsert)
                return
            with cursor.cursor.copy(
                f"COPY kcn_staging_counts ({', '.join(_COUNT_COLUMNS)}) FROM STDIN"
            ) as copy:
                copy.write(counts)
            # One statement: the counts join the keys the upsert returns, rather than look
            # each enterprise up again by its tax code.
            cursor.execute(
                f"WITH written AS ({upsert} RETURNING {self._pk}, tax_code) "
                + self._counts_sql.format(rows="kcn_staging_counts v", enterprises="written")
            )

    def _write_with_trail(self, cursor, upsert: str, has_counts: bool, counts: bytes) -> None:
        """The batch's upserts and their entries in one statement (data-modifying CTEs)."""
        enterprises, count_entries, parameters = self._trail
        parameters = {**parameters, "now": timezone.now()}
        written = f"WITH written AS ({upsert} RETURNING {self._returned})"
        if has_counts:
            with cursor.cursor.copy(
                f"COPY kcn_staging_counts ({', '.join(_COUNT_COLUMNS)}) FROM STDIN"
            ) as copy:
                copy.write(counts)
            counted = self._counts_sql.format(rows="kcn_staging_counts v", enterprises="written")
            written += (
                f", counted AS ({counted} RETURNING {self._counted}), "
                f"counted_trail AS ({count_entries})"
            )
        # psycopg reads %(name)s placeholders; the statement holds no other percent sign.
        cursor.execute(f"{written} {enterprises}", parameters)

    def _write_sqlite(self, rows: list[list], counts: list[tuple]) -> None:
        adapt_date = self.db.ops.adapt_datefield_value
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
                    self._counts_sql.format(rows=rows_sql, enterprises=self._table),
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

    def submit(self, job, *args) -> Future:
        """Run `job(*args)` where the import's queries run: after the writes asked for before
        it, on the writer's thread (PostgreSQL), or at once (SQLite)."""
        if self.thread is None:
            return Inline().submit(job, *args)
        if self.error is not None:
            raise self.error
        future: Future = Future()
        self.queue.put(partial(self._answer, future, job, *args))
        return future

    def _answer(self, future: Future, job, *args) -> None:
        if self.error is not None:  # the transaction failed: say why, not what followed
            future.set_exception(self.error)
            return
        try:
            future.set_result(job(*args))
        except BaseException as exc:
            future.set_exception(exc)

    def _run(self) -> None:
        # The ORM's queries on this thread (the records a chunk names, a zone created) go
        # through the importing thread's connection, inside its transaction: Django would
        # otherwise open another connection here, which sees none of it.
        connections[DEFAULT_DB_ALIAS] = self.db
        try:
            self._serve()
        finally:
            del connections[DEFAULT_DB_ALIAS]

    def _serve(self) -> None:
        while (job := self.queue.get()) is not None:
            if job.func == self._answer:  # answers even after a failed write, with the failure
                job()
            elif self.error is None:
                try:
                    job()
                except BaseException as exc:  # raised in the importing thread
                    self.error = exc

    def __exit__(self, exc_type, exc, traceback):
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.db.dec_thread_sharing()
        if self.error is not None and exc is None:
            raise self.error
