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

import contextlib
import contextvars

from django.dispatch import Signal

rows_written = Signal()

_batch = contextvars.ContextVar("kcn_rows_written_batch", default=None)


@contextlib.contextmanager
def batch():
    """Within the block (one service's several statements), the receivers may keep what they
    read once for all its writes (`memo()`): what is kept does not change during one write,
    and a service that ends a dozen rows in three statements then asks once, not three times.
    Nested blocks share the outermost one's memo."""
    if _batch.get() is not None:
        yield
        return
    memo = {}
    token = _batch.set(memo)
    try:
        yield
    finally:
        _batch.reset(token)
    # What the receivers left to do once at the end (reports: one UPDATE of the kept figures
    # for the whole service call); not when the block failed, whose writes are undone.
    for done in memo.get(AT_END, []):
        done()


AT_END = "at end"  # memo()[AT_END]: callables run when the outermost block ends


def memo() -> dict | None:
    """The memo of the current `batch` (None outside one)."""
    return _batch.get()
