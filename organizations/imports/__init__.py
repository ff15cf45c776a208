"""Importing the lists that zone management boards send (the enterprise lists) and that
committees keep (issue 12: their organisations and mass organisations, `party` and `mass`,
written row by row through their services by `settling`).

Split along what each step does:

- `reading` (and `workbook`, `sheet`): bytes to rows (CSV in any encoding boards use, Excel),
  each row with its line, read as they stream within `limits`;
- `columns`: a kind of list, its columns each described once;
- `headers`: which column is which, however the board spelled it;
- `values`: django-import-export widgets turning cells into tax codes, ownership types, dates,
  numbers and statuses;
- `base`: the resource every kind shares, fed a chunk of rows at a time; `resource`: the
  enterprise list's, with `zones` and `preloading`; `writing`: its batches;
- `results`, `outcome`: what an import found, for the preview, the command and the file of
  invalid rows; `running`: from the bytes to the outcome; `previews`: the files a preview keeps.

The write itself (one transaction, the import record, worker counts) is
`organizations.services.enterprise_list_import`, which the admin and the
`import_enterprises` command both call; for the lists of issue 12,
`services.organization_list_import` and `mass_organization_list_import`.
"""

from organizations.imports.errors import ImportRefused

__all__ = ["ImportRefused"]
