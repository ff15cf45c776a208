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

import unicodedata

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


# --- Sorting people as Vietnamese lists do (issue 14, point 2) -------------------------------
#
# A list of people is sorted by given name (the last word), then by family and middle names,
# as Vietnamese dictionaries compare words: first the letters, the marked letters distinct and
# after their base (a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư), tones ignored; then, only when
# the letters are equal, the tones: ngang < huyền < hỏi < ngã < sắc < nặng. Case, Unicode
# form (NFC or NFD) and where a tone mark sits (Hòa, Hoà) make no difference.
#
# `collation_key` makes of a name a key in which plain byte order is that order, stored in a
# column (`CollationKeyField`) that an index serves: the lists' pages are read from the index,
# never sorted in Python. The key holds lower-case ASCII letters only, on which PostgreSQL's
# collations (glibc's, ICU's) and SQLite's byte order all agree: each letter is two of them
# ("ba" upwards), a space between words "ab", the end of a part "aa" (below any letter, so
# "An" < "Anh" and "Lê" < "Lê Văn"), a tone one letter per word ("a" ngang … "f" nặng).

ALPHABET = "0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_CODES = {
    letter: chr(ord("b") + i // 26) + chr(ord("a") + i % 26) for i, letter in enumerate(ALPHABET)
}
_END, _SPACE = "aa", "ab"
# The tones as combining marks (NFD), in the dictionaries' order after ngang (no mark).
_TONES = {"\u0300": "b", "\u0309": "c", "\u0303": "d", "\u0301": "e", "\u0323": "f"}
_WORD_BREAKS = frozenset(" \t\n\r-–—_/.,")
_LOOKALIKES = str.maketrans({"ð": "đ", "ɖ": "đ"})  # the Icelandic eth typed for Đ
COLLATION_KEY_LENGTH = 400


def _word_key(word: str) -> tuple[str, str]:
    """The letters' codes and the tone of one word."""
    tone = "a"
    kept = []
    for char in unicodedata.normalize("NFD", word):
        if char in _TONES:
            if tone == "a":
                tone = _TONES[char]
            continue
        kept.append(char)
    codes = []
    for char in unicodedata.normalize("NFC", "".join(kept)):
        code = _CODES.get(char)
        if code is None:
            # A letter of no Vietnamese word (ç, ñ, ö …): its base letter; anything else goes.
            base = "".join(c for c in unicodedata.normalize("NFD", char) if c.isascii())
            code = "".join(_CODES.get(c, "") for c in base)
        codes.append(code)
    return "".join(codes), tone


def collation_key(full_name: str | None) -> str:
    """The sort key of a person's full name: the given name's letters, the family and middle
    names' letters, the given name's tones, the others' tones. See above."""
    text = (full_name or "").lower().translate(_LOOKALIKES)
    words = "".join(" " if char in _WORD_BREAKS else char for char in text).split()
    keys = [_word_key(word) for word in words]
    keys = [key for key in keys if key[0]]  # punctuation alone is no word
    given, rest = keys[-1:], keys[:-1]
    parts = [
        _SPACE.join(letters for letters, _ in given),
        _SPACE.join(letters for letters, _ in rest),
        "".join(tone for _, tone in given),
        "".join(tone for _, tone in rest),
    ]
    return _END.join(parts)[:COLLATION_KEY_LENGTH]


class CollationKeyField(CharField):
    """A column kept equal to `collation_key(<source field>)` on every write that goes through
    the field: `save()` and `bulk_create` (both ask the field for its value). `bulk_update`
    and `QuerySet.update` do not: a path that writes the name that way names this column too
    (members.imports.register). The models' `save(update_fields=[…"full_name"…])` add it."""

    def __init__(self, *args, source: str = "full_name", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", COLLATION_KEY_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.source != "full_name":
            kwargs["source"] = self.source
        if kwargs.get("max_length") == COLLATION_KEY_LENGTH:
            del kwargs["max_length"]
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        if kwargs.get("default") == "":
            del kwargs["default"]
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = collation_key(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def with_collation_key(update_fields, source: str = "full_name", key: str = "sort_name"):
    """`save()`'s `update_fields` with the key's column when they name its source."""
    if update_fields is not None and source in update_fields:
        return {*update_fields, key}
    return update_fields
