"""What the organisations' bulk writes tell the apps above them, which organizations never
imports.

`rows_written` is sent by the writes that send no post_save or pre_delete for each row —
`QuerySet.update`, `bulk_create`, `bulk_update`, `INSERT … SELECT`, COPY — with `sender` the
model written and:

- `rows`: a QuerySet of the rows written, read by the receivers when it is sent (before an
  UPDATE: the rows as they were, which it is about to change; after a write: as they are);
- `fields`: the rows' date fields the write set (None: all of them; () none: `days` say);
- `days`: dates the rows held on the other side of the write (the end date an UPDATE sets,
  or the one it replaces), None ignored;
- `attributes`: True when what changed has no date of its own (an organisation's unit type),
  so that what depends on it is looked at too.

The members' bulk writes send it too (members imports organizations). reports marks from it
the kept figures the write may change (reports.summary_marks); a receiver that finds nothing
kept does not read `rows` at all, so that sending it costs nothing then.
"""

from django.dispatch import Signal

rows_written = Signal()
