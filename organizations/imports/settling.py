"""Lists whose rows are written one at a time through a service that holds their rules (the
party tree's `organization_save`, the mass organisations'): the rows' loop of `base` checks
each row's cells in memory, keeps the valid new and changed rows, and `SettledListResource.settle`
then hands them, in an order the kind chooses (parents before children), to the service. A rule
the service refuses becomes a row error, with the same line, column and message as a cell's;
the service's own savepoint leaves nothing of that row written.

These lists are short (a committee's organisations, its unions: hundreds of rows), so a
service call per row is affordable, and the one place that holds a rule keeps holding it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export.results import RowResult

from organizations.imports.base import ListResource
from organizations.imports.results import InvalidLine


@dataclass
class Pending:
    """A valid new or changed row, waiting for the service."""

    line: int
    instance: object
    new: bool
    values: list  # the row as read, for the file of invalid rows
    extra: dict = field(default_factory=dict)  # what the kind keeps for its writer


class SettledListResource(ListResource):
    """A kind's resource whose writes go row by row through its service. It gives
    `field_columns` (model field -> column key, for the service's messages), and `order` and
    `save_row` for `settle`."""

    field_columns: dict[str, str] = {}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pending: list[Pending] = []
        self.written_paths: set[str] = set()  # of the organisations whose records were written

    def before_import_row(self, row, row_number=None, **kwargs):
        super().before_import_row(row, row_number, **kwargs)
        self._values = self.chunk.rows[row_number - 1]

    def init_instance(self, row=None):
        return self._meta.model()  # a real instance: the service runs its full_clean

    def existing(self) -> dict:
        """Key -> the record of the current chunk's rows (what `_prepare` asked for)."""
        return self.chunk.existing.result()

    def get_or_init_instance(self, instance_loader, row):
        if self.current_key is not None and not self._errors:
            instance = self.existing().get(self.current_key)
            if instance is not None:
                return instance, False
        instance = self.init_instance(row)
        self.fresh(instance)
        return instance, True

    def fresh(self, instance) -> None:
        """Prepare a new record of the current row (its key, what a record would be loaded
        with)."""

    def load_existing(self, keys):
        return {}

    def save_instance(self, instance, is_create, row, **kwargs):
        # Kept for `settle`, in a dry run too: the service checks the rules the cells cannot
        # (its dry run is rolled back by the caller).
        self.pending.append(Pending(self._line, instance, is_create, self._values, self.keep()))

    def keep(self) -> dict:
        """What the row's writer needs beyond the instance (read while the row is current)."""
        return {}

    def write(self, batch):  # nothing is queued: see save_instance
        pass

    # --- after the rows -------------------------------------------------------------------------

    def order(self, pending: list[Pending]) -> Iterable[Pending]:
        """The rows in the order the service must see them."""
        return pending

    def save_row(self, pending: Pending) -> None:
        """Write one row through the service; raise ValidationError for a rule it breaks."""
        raise NotImplementedError

    def settle(self) -> None:
        """Hand every kept row to the service; a row it refuses becomes invalid."""
        for pending in self.order(self.pending):
            if pending.extra.get("invalid"):
                continue
            try:
                self.save_row(pending)
            except ValidationError as error:
                self.invalidate(pending, self.messages(error))

    def messages(self, error: ValidationError) -> list[tuple[str, str]]:
        """The service's messages, each under the column of the file that fills its field."""
        found = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        errors = []
        for name, messages in found.items():
            key = self.field_columns.get(name)
            column = self.column(key) if key else NON_FIELD_ERRORS
            column = "" if column == NON_FIELD_ERRORS else column
            errors.extend((column, message) for message in messages if (column, message)
                          not in errors)  # fmt: skip
        return errors

    def invalidate(self, pending: Pending, errors: list[tuple[str, str]]) -> None:
        """Count `pending` as invalid instead of new or changed, with `errors`."""
        pending.extra["invalid"] = True
        result = self.result
        result.totals[
            RowResult.IMPORT_TYPE_NEW if pending.new else RowResult.IMPORT_TYPE_UPDATE
        ] -= 1
        result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
        positions = result.positions
        errors = sorted(errors, key=lambda error: positions.get(error[0], -1))
        invalid = InvalidLine(line=pending.line, errors=errors, values=pending.values)
        if result.sink is not None:
            result.sink.add(invalid)
            invalid.values = []
        result.invalid_lines.add(invalid)
        changed = result.changed_lines
        for shown in [c for c in changed if c.line == pending.line]:
            changed.remove(shown)
            changed.total -= 1
        self.invalid_seen = True


def settle_in_order(pending: list[Pending], key: Callable, parent_key: Callable,
                    on_cycle: Callable[[list[Pending]], None]) -> list[Pending]:  # fmt: skip
    """`pending` with each row after the row it names as its parent (`parent_key`, matched to
    another row's `key`); the rows of a cycle are handed to `on_cycle` and left out."""
    by_key = {key(p): p for p in pending}
    ordered: list[Pending] = []
    state: dict[int, str] = {}  # id -> "visiting" | "done"

    def visit(p: Pending, trail: list[Pending]) -> None:
        mark = state.get(id(p))
        if mark == "done":
            return
        if mark == "visiting":
            cycle = trail[trail.index(p) :]
            on_cycle(cycle)
            for q in cycle:
                state[id(q)] = "done"
            return
        state[id(p)] = "visiting"
        parent = by_key.get(parent_key(p))
        if parent is not None and parent is not p:
            visit(parent, [*trail, p])
        if state.get(id(p)) != "done":
            state[id(p)] = "done"
            ordered.append(p)

    for p in pending:
        visit(p, [])
    return ordered
