"""Which column is which, however the board spelled its headers.

Headers are matched loosely: with or without diacritics, in any case and spacing, with the
short forms boards use (MST, Tên DN, KCN, Lao động...), and with anything in brackets left out
("Số lao động (người)"). A numbering column (STT) is ignored. The header row is the first of
the top rows that names known columns, so a title above the table does not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from organizations.imports.errors import ImportRefused
from organizations.imports.limits import grouped
from organizations.imports.reading import Table
from organizations.imports.text import fold


@dataclass(frozen=True)
class Column:
    key: str  # the attribute the column fills
    label: str  # how the column is named in messages when the file lacks it
    synonyms: tuple[str, ...]


COLUMNS = (
    Column(
        "tax_code",
        _("Tax code (Mã số thuế)"),
        (
            "ma so thue",
            "mst",
            "ma so dn",
            "ma so doanh nghiep",
            "msdn",
            "ma so thue doanh nghiep",
            "ma so thue ma so dn",
            "ma so thue ma so doanh nghiep",
            "ma dn",
            "ma doanh nghiep",
            "mst dn",
            "tax code",
            "tax id",
        ),
    ),
    Column(
        "name",
        _("Enterprise name (Tên doanh nghiệp)"),
        (
            "ten doanh nghiep",
            "ten dn",
            "ten cong ty",
            "ten",
            "doanh nghiep",
            "ten don vi",
            "don vi",
            "ten doanh nghiep don vi",
            "ten dn don vi",
            "ten to chuc",
            "name",
            "enterprise",
            "company",
            "company name",
        ),
    ),
    Column(
        "zone",
        _("Zone (Khu công nghiệp)"),
        (
            "khu cong nghiep",
            "kcn",
            "khu",
            "ten kcn",
            "kcn kcx",
            "khu cong nghiep khu che xuat",
            "khu che xuat",
            "kcx",
            "khu kinh te",
            "kkt",
            "cum cong nghiep",
            "ccn",
            "thuoc kcn",
            "zone",
            "industrial zone",
        ),
    ),
    Column(
        "ownership",
        _("Ownership (Loại hình doanh nghiệp)"),
        (
            "loai hinh doanh nghiep",
            "loai hinh",
            "loai hinh dn",
            "loai dn",
            "loai hinh so huu",
            "hinh thuc so huu",
            "thanh phan kinh te",
            "loai hinh kinh te",
            "ownership",
            "ownership type",
        ),
    ),
    Column(
        "investor_country",
        _("Investor country (Quốc gia đầu tư)"),
        (
            "quoc gia dau tu",
            "quoc gia",
            "nuoc dau tu",
            "quoc tich",
            "quoc tich nha dau tu",
            "quoc tich dau tu",
            "investor country",
            "country",
        ),
    ),
    Column(
        "sector",
        _("Sector (Ngành nghề)"),
        (
            "nganh nghe",
            "nganh nghe kinh doanh",
            "nganh nghe chinh",
            "nganh",
            "linh vuc",
            "linh vuc hoat dong",
            "linh vuc kinh doanh",
            "sector",
            "industry",
        ),
    ),
    Column(
        "workers",
        _("Workers (Số lao động)"),
        (
            "so lao dong",
            "lao dong",
            "so ld",
            "ld",
            "so luong lao dong",
            "tong so lao dong",
            "tong lao dong",
            "so cong nhan",
            "so cong nhan lao dong",
            "so cnld",
            "cnld",
            "workers",
            "employees",
        ),
    ),
    Column(
        "licensed_on",
        _("Investment certificate date (Ngày cấp GCN đầu tư)"),
        (
            "ngay cap gcn dau tu",
            "ngay cap gcn",
            "ngay cap gcndt",
            "ngay cap gcn dkdt",
            "ngay cap giay chung nhan dau tu",
            "ngay cap giay chung nhan dang ky dau tu",
            "ngay cap phep",
            "ngay cap phep dau tu",
            "ngay cap",
            "investment certificate date",
        ),
    ),
    Column("address", _("Address (Địa chỉ)"), ("dia chi", "dia chi tru so", "tru so", "address")),
    Column(
        "legal_representative",
        _("Legal representative (Người đại diện)"),
        (
            "nguoi dai dien",
            "nguoi dai dien theo phap luat",
            "nguoi dai dien phap luat",
            "dai dien phap luat",
            "legal representative",
        ),
    ),
    Column(
        "status",
        _("Status (Trạng thái)"),
        (
            "trang thai",
            "tinh trang",
            "tinh trang hoat dong",
            "trang thai hoat dong",
            "status",
        ),
    ),
    Column("province", _("Province (Tỉnh/Thành phố)"), ("tinh", "tinh thanh pho", "province")),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}

# Numbering columns, and the "Lỗi" column of our own file of invalid rows (so that a corrected
# file of errors can be imported as it is).
IGNORED = frozenset({"", "stt", "tt", "so tt", "so thu tu", "no", "loi", "error"})
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
HEADER_SEARCH_ROWS = 15
SHOWN_COLUMNS = 20  # columns named in a message; the others are counted
SHOWN_LENGTH = 60  # characters of a column's name in a message


@cache
def _synonyms() -> dict[str, str]:
    """Folded header -> column key, with the columns of our own export (the model's field
    names in Vietnamese and in English) so that an exported file imports back."""
    from organizations.models import Enterprise

    known = {synonym: column.key for column in COLUMNS for synonym in column.synonyms}
    opts = Enterprise._meta
    for language in ("vi", "en"):
        with translation.override(language):
            for column in COLUMNS:
                try:
                    verbose = opts.get_field(column.key).verbose_name
                except Exception:  # noqa: S112 - workers, province: not model fields
                    continue
                known.setdefault(fold(str(verbose)), column.key)
            known.setdefault(fold(str(_("workers"))), "workers")
    return known


def match(header: str) -> str | None:
    """The column key a header names, "" for a column to ignore, None when unknown."""
    folded = fold(header)
    if folded in IGNORED:
        return ""
    synonyms = _synonyms()
    if folded in synonyms:
        return synonyms[folded]
    bare = fold(_BRACKETS.sub(" ", header))
    if bare in IGNORED:
        return ""
    return synonyms.get(bare)


@dataclass
class HeaderMap:
    """Where the header row is and which cell holds which column."""

    row_index: int  # index of the header row in Table.rows
    line: int
    headers: list[str]  # as the file names them, made unique
    positions: dict[str, int] = field(default_factory=dict)  # key -> cell index
    ignored: list[str] = field(default_factory=list)  # headers not understood

    def name(self, key: str) -> str:
        """The header of column `key` as the file spells it."""
        return self.headers[self.positions[key]]


def listed(names: list[str]) -> str:
    """“A”, “B”…: the first SHOWN_COLUMNS names, each shortened, then how many more, so that a
    file of a million columns does not make a message of megabytes."""
    shown = ", ".join(
        f"“{name[:SHOWN_LENGTH]}…”" if len(name) > SHOWN_LENGTH else f"“{name}”"
        for name in names[:SHOWN_COLUMNS]
    )
    if len(names) <= SHOWN_COLUMNS:
        return shown
    return _("%(columns)s and %(count)s more") % {
        "columns": shown,
        "count": grouped(len(names) - SHOWN_COLUMNS),
    }


def _unique(headers: list) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for number, header in enumerate(headers, start=1):
        header = str(header) if header != "" else f"#{number}"
        if header in seen:
            seen[header] += 1
            header = f"{header} ({seen[header]})"
        else:
            seen[header] = 1
        unique.append(header)
    return unique


def locate(table: Table, *, required: tuple[str, ...]) -> HeaderMap:
    """Find the header row and the columns. Raises ImportRefused when a required column is
    missing (naming the columns found) or when two columns claim the same meaning."""
    best_index, best_score = 0, 0
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        score = sum(1 for cell in row if isinstance(cell, str) and match(cell))
        if score > best_score:
            best_index, best_score = index, score
        if score >= 3:
            break
    header_row = table.rows[best_index]
    headers = _unique(header_row)
    found = HeaderMap(row_index=best_index, line=table.lines[best_index], headers=headers)
    for position, (raw, header) in enumerate(zip(header_row, headers, strict=True)):
        key = match(raw) if isinstance(raw, str) else None
        if key is None:
            if raw != "":
                found.ignored.append(header)
            continue
        if not key:
            continue
        if key in found.positions:
            raise ImportRefused(
                _(
                    "Columns “%(first)s” and “%(second)s” both look like %(column)s. Keep one "
                    "of them and upload the file again."
                )
                % {
                    "first": headers[found.positions[key]][:SHOWN_LENGTH],
                    "second": header[:SHOWN_LENGTH],
                    "column": COLUMNS_BY_KEY[key].label,
                },
                "duplicate_column",
            )
        found.positions[key] = position
    missing = [COLUMNS_BY_KEY[key].label for key in required if key not in found.positions]
    if missing:
        raise ImportRefused(
            _(
                "Required column not found: %(missing)s. The columns found on line %(line)s "
                "are: %(found)s."
            )
            % {
                "missing": ", ".join(str(label) for label in missing),
                "line": found.line,
                "found": listed([h for h in headers if not h.startswith("#")]) or "—",
            },
            "missing_column",
        )
    return found
