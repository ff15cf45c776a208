"""Importing the enterprise lists that zone management boards send.

Split along what each step does:

- `reading`: bytes to rows (CSV in any encoding boards use, Excel), each row with its line;
- `headers`: which column is which, however the board spelled it;
- `values`: django-import-export widgets turning cells into tax codes, ownership types, dates,
  numbers and statuses;
- `resource`: the django-import-export resource that validates rows in memory and writes them
  in bulk.

The write itself (one transaction, the import record, worker counts) is
`organizations.services.enterprise_list_import`, which the admin and the
`import_enterprises` command both call.
"""

from organizations.imports.errors import ImportRefused

__all__ = ["ImportRefused"]
