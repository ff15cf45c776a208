"""Search as Vietnamese is typed: without tones or marks, in any case. "dinh tram" finds
"KCN Đình Trám", "nguyen van a" finds "Nguyễn Văn A", on both databases.

`fold` is the rule, one table for Python and the databases: each Vietnamese letter with a tone
or a mark becomes its base letter (đ → d, ơ → o, ấ → a …), a tone or mark typed as a separate
combining character is dropped, then lower case. The database applies the same table with
`kcn_fold(text)`: on PostgreSQL an IMMUTABLE SQL function (`translate` with this table, then
`lower`; organizations' migration 0013), which a trigram index on the searched columns serves
(LIKE '%…%'); on SQLite the Python function, registered on each connection. tests/test_search.py
checks that both give the same text for every Vietnamese letter.

The `folded` transform (`full_name__folded__contains`) is what the admin's searches use
(organizations.admin.base), with the search term folded the same way."""

from __future__ import annotations

from django.db.models import CharField, TextField, Transform

FUNCTION = "kcn_fold"

_BASES = {
    "a": "àáảãạăằắẳẵặâầấẩẫậ",
    "d": "đ",
    "e": "èéẻẽẹêềếểễệ",
    "i": "ìíỉĩị",
    "o": "òóỏõọôồốổỗộơờớởỡợ",
    "u": "ùúủũụưừứửữự",
    "y": "ỳýỷỹỵ",
}
MARKED = "".join(letters for letters in _BASES.values())
MARKED += MARKED.upper()
BASES = "".join(base * len(letters) for base, letters in _BASES.items())
BASES += BASES.upper()
# Tones and marks typed as combining characters (grave, acute, tilde, hook, dot below;
# circumflex, breve, horn): dropped.
COMBINING = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
_TABLE = str.maketrans(MARKED, BASES, COMBINING)


def fold(text: str | None) -> str | None:
    if text is None:
        return None
    return str(text).translate(_TABLE).lower()


@CharField.register_lookup
@TextField.register_lookup
class Folded(Transform):
    lookup_name = "folded"
    function = FUNCTION
    output_field = TextField()


# PostgreSQL: translate() deletes the characters of its second argument that have no
# counterpart in the third (the combining marks, placed last).
POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(text) RETURNS text
AS $$ SELECT lower(translate($1, '{MARKED}{COMBINING}', '{BASES}')) $$
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
"""
