"""Grouping a metric's rows by organisation: the whole subtree of a root as one group, or one
group per direct child of the root — in the same query, written once.

Every path segment is 7 digits and "/" (`PartyOrganization.save`), so all the children of a
root have paths of one length, len(root path) + 8, and the first that many characters of any
path below the root are the path of the child it lies under. Grouping by that prefix (a
GROUP BY on `Substr(path, 1, length)`) gives every child's figure in one query; with the
root's own length, the one group is the whole subtree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import F, Q
from django.db.models.functions import Substr
from django.db.models.lookups import Exact

from organizations.access import subtree_q

SEGMENT = 8  # "0000042/"
V = TypeVar("V")


@dataclass(frozen=True)
class Groups:
    """The groups a metric's rows fall in: `root`'s whole subtree, or each direct child's."""

    root: object  # PartyOrganization
    by_child: bool = False

    @property
    def length(self) -> int:
        return len(self.root.path) + (SEGMENT if self.by_child else 0)

    def within(self, path_lookup: str) -> Q:
        """Rows whose organisation (its path reached by `path_lookup`) lies in a group. By
        child, the root's own rows lie in none: they are no child's."""
        inside = subtree_q(path_lookup, self.root.path)
        if self.by_child:
            inside &= Q(**{f"{path_lookup}__gt": self.root.path})
        return inside

    def key(self, path_lookup: str) -> Substr:
        """The group of a row: the path of the root, or of the child, its organisation lies
        under."""
        return Substr(F(path_lookup), 1, self.length)

    def apart(self, path_lookup: str, other_lookup: str) -> Q:
        """Rows whose organisation at `other_lookup` is none, or lies outside the group of the
        one at `path_lookup`: a member who came from (or went to) outside the group. A move
        between two cells of one group is no flow of that group."""
        return Q(**{f"{other_lookup}__isnull": True}) | ~Q(
            Exact(self.key(other_lookup), self.key(path_lookup))
        )

    @staticmethod
    def organization_id(key: str) -> int:
        """The organisation a group's key (its path) ends with."""
        return int(key[-SEGMENT:-1])

    def collect(self, rows: Iterable[tuple], make: Callable[..., V]) -> dict[int, V]:
        """{organisation id: make(*the row's other columns)} from rows of (group key, …)."""
        return {self.organization_id(key): make(*values) for key, *values in rows}
