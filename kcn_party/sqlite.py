"""Vietnamese-aware case-insensitive search on SQLite (and the `kcn_fold` function of
kcn_party.folding, for searches without tones and marks).

SQLite's LIKE folds case for ASCII letters only, so a search for "đình trám" would not find
"KCN Đình Trám" in the embedded database although PostgreSQL finds it. Django's icontains,
istartswith and iexact compile to LIKE on SQLite; replacing the LIKE function on each new
connection makes them fold case for every letter. Subtree queries do not use LIKE (they are
ranges on the path index; see organizations.access.subtree_q).
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.db.backends.signals import connection_created

from kcn_party import folding


@lru_cache(maxsize=256)
def _pattern(pattern: str, escape: str | None) -> re.Pattern:
    parts, chars = [], iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL | re.IGNORECASE)


def like(pattern, value, escape=None):
    if pattern is None or value is None:
        return None
    return _pattern(str(pattern).casefold(), escape).fullmatch(str(value).casefold()) is not None


def install_like(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, like, deterministic=True)
        connection.connection.create_function("like", 3, like, deterministic=True)
        connection.connection.create_function(folding.FUNCTION, 1, folding.fold, deterministic=True)


connection_created.connect(install_like, dispatch_uid="kcn_party.sqlite.install_like")
