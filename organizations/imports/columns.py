"""What a kind of list is: its columns, each described once (how boards head it, how a message
names it, which widget reads its cells, which attribute of the row type it fills), the model a
row becomes, and the column rows are merged by.

The enterprise lists are one kind (`organizations.imports.enterprises`); the lists still to come
(organisations, mass organisations, members, ratings) declare theirs the same way, and the
reading, the headers, the rows' loop and the outcome serve them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation

from organizations.imports.text import fold


@dataclass(frozen=True)
class Column:
    key: str  # the column's name in the code (a list's column, an export's field)
    label: str  # how a message names the column when the file lacks it
    synonyms: tuple[str, ...]  # folded headers boards write for it
    # Makes the widget that reads its cells (see `values`); None for a column read only to
    # help another (a province for the zones an import creates), never stored.
    widget: Callable[[], object] | None = None
    attribute: str = ""  # what it fills on the row type; the key by default
    heading: str = ""  # how the app's own export heads it, if not the model field's name
    exported: bool = True  # part of the list as the app exports it

    @property
    def target(self) -> str:
        return self.attribute or self.key


@dataclass(frozen=True)
class ImportKind:
    """A kind of list: `model` is the row type, `key` the column rows are merged by."""

    model: type[models.Model]
    columns: tuple[Column, ...]
    key: str
    by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_key", {column.key: column for column in self.columns})

    @property
    def list_columns(self) -> tuple[str, ...]:
        """The columns of the list as the app exports it, in order: an export imports back."""
        return tuple(column.key for column in self.columns if column.exported)

    @cached_property
    def synonyms(self) -> dict[str, str]:
        """Folded header -> column key: the spellings boards use, and how the app's own export
        heads each column in Vietnamese and in English, so that an exported file imports back."""
        known = {synonym: column.key for column in self.columns for synonym in column.synonyms}
        for language in ("vi", "en"):
            with translation.override(language):
                for column in self.columns:
                    heading = column.heading or self._verbose_name(column.key)
                    if heading:
                        known.setdefault(fold(str(heading)), column.key)
        return known

    def _verbose_name(self, name: str) -> str:
        try:
            return self.model._meta.get_field(name).verbose_name
        except FieldDoesNotExist:  # a column that is no field of the model (a province)
            return ""
