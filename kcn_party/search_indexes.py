"""The migrations' operations for searching without tones (kcn_party.folding) on PostgreSQL:
the pg_trgm extension and the `kcn_fold` function, and a trigram index on `kcn_fold(column)` of each
column the admin searches in the large tables, which serves LIKE '%…%' whatever the term's
place in the text. Nothing is done on SQLite, whose `kcn_fold` is registered per connection and
whose tables are searched by reading them."""

from __future__ import annotations

from django.db import migrations

from kcn_party.folding import FUNCTION, POSTGRESQL_FUNCTION


def _index_name(table: str, column: str) -> str:
    return f"{table}_{column}_fold_trgm"[:63]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def folding_function() -> migrations.RunPython:
    forwards = [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        POSTGRESQL_FUNCTION,
    ]
    backwards = [f"DROP FUNCTION IF EXISTS {FUNCTION}(text)"]
    return migrations.RunPython(_on_postgresql(forwards), _on_postgresql(backwards))


def search_indexes(table: str, columns: list[str]) -> migrations.RunPython:
    forwards = [
        f'CREATE INDEX IF NOT EXISTS "{_index_name(table, column)}" ON "{table}" '
        f'USING gin ({FUNCTION}("{column}") gin_trgm_ops)'
        for column in columns
    ]
    backwards = [f'DROP INDEX IF EXISTS "{_index_name(table, column)}"' for column in columns]
    return migrations.RunPython(_on_postgresql(forwards), _on_postgresql(backwards))
