"""The member register and the ratings written out in the columns their imports read, so that an
export imported back reports every row unchanged ("Xuất"), and the templates staff fill in
("Tải tệp mẫu": the headers, one example row, and a sheet of the allowed values).

Every cell is text: names, dates as dd/mm/yyyy, citizen IDs with their leading zeros and card
numbers stay as written; a cell a spreadsheet would run as a formula gets an apostrophe (which
the import takes back)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from members import privacy
from members.imports.ratings import MEMBER_RATINGS, ORGANIZATION_RATINGS
from members.imports.register import (
    ADMISSION,
    LEAVING,
    MEMBERS,
    MOVE,
    RECOGNITION,
    RESTORED,
    TRANSFER_IN,
    slots,
)
from members.imports.values import (
    SHORT_LEVELS,
    LeavingReason,
    LevelWidget,
    PositionWidget,
    SexWidget,
    YesNoWidget,
)
from members.models import EventKind, MemberEvent, Position, RatingLevel, Sex
from organizations.imports.columns import ImportKind
from organizations.imports.values import DateWidget, neutralise_formula
from organizations.models import PartyOrganization
from organizations.models.party import CELL_KINDS

CHUNK = 2000  # members whose events are read at once


def headers(kind: ImportKind) -> list[str]:
    """The columns of a list as the app writes them (in the current language)."""
    return [str(kind.by_key[key].heading) for key in kind.list_columns]


def _date(value) -> str:
    return DateWidget().render(value)


def register_rows(members, *, personal_shown: bool = True) -> Iterator[list[str]]:
    """A register row for each of `members` (a queryset), in MEMBERS' column order: the dates
    of the events its import stands for (`register.slots`). Unless `personal_shown`, the
    citizen ID and card number are masked and the date of birth is its year
    (members.privacy): such a file is for reading, not for importing back."""
    sex, position, yes_no = SexWidget(), PositionWidget(), YesNoWidget()
    # In the lists' order (Vietnamese: by given name), as the member list shows them.
    members = members.select_related("organization", "enterprise").order_by(
        "sort_name", "birth_date", "pk"
    )
    batch: list = []
    for member in members.iterator(chunk_size=CHUNK):
        batch.append(member)
        if len(batch) == CHUNK:
            yield from _register_batch(batch, sex, position, yes_no, personal_shown)
            batch = []
    if batch:
        yield from _register_batch(batch, sex, position, yes_no, personal_shown)


def _personal(values: dict, shown: bool) -> dict:
    """The personal details of a row (keyed as the member's fields) as the account sees them."""
    if shown:
        return values
    return {key: privacy.masked(key, value, False) for key, value in values.items()}


def _register_batch(members, sex, position, yes_no, personal_shown) -> Iterator[list[str]]:
    events: dict[int, list] = {}
    for event in MemberEvent.objects.filter(member__in=members).order_by("member_id", "sequence"):
        events.setdefault(event.member_id, []).append(event)
    # A move between the committee's cells names the cell it came from, and an admission in
    # another of the committee's cells than the member's the cell, by code.
    cells = {
        cell_id
        for member_events in events.values()
        for event in member_events
        for cell_id in (
            event.counted_before_id
            if event.kind == EventKind.TRANSFER_IN and not event.counterpart
            else None,
            event.organization_id if event.kind == EventKind.ADMISSION else None,
        )
        if cell_id
    }
    codes = dict(PartyOrganization.objects.filter(pk__in=cells).values_list("pk", "code"))
    for member in members:
        found = slots(events.get(member.pk, []), member.status)
        admission = found.get(ADMISSION)
        recognition = found.get(RECOGNITION)
        transfer = found.get(TRANSFER_IN)
        move = found.get(MOVE)
        moved_from = _first_cell(events.get(member.pk, []), move) if move else None
        if moved_from == member.organization_id:
            move = moved_from = None  # back in the first cell: no move the row can say
        leaving = found.get(LEAVING)
        personal = _personal(
            {
                "birth_date": member.birth_date,
                "citizen_id": member.citizen_id,
                "card_number": member.card_number,
            },
            personal_shown,
        )
        birth = personal["birth_date"]
        restored = found.get(RESTORED)
        guest = transfer is not None and transfer.kind == EventKind.TEMPORARY_IN
        # A guest's stay ends with a temporary transfer out: "Chuyển đi" on a guest's row.
        leaving_kind = (
            EventKind.TRANSFER_OUT
            if leaving is not None and leaving.kind == EventKind.TEMPORARY_OUT
            else getattr(leaving, "kind", "")
        )
        if admission is None:
            admitted_in = ""
        elif not admission.organization_id:
            admitted_in = admission.counterpart  # elsewhere
        elif admission.organization_id != member.organization_id:
            admitted_in = codes.get(admission.organization_id, "")  # another cell of ours
        else:
            admitted_in = ""
        values = {
            "full_name": member.full_name,
            "birth_date": birth if isinstance(birth, str) else _date(birth),
            "sex": sex.render(member.sex),
            "ethnicity": member.ethnicity,
            "citizen_id": personal["citizen_id"],
            "card_number": personal["card_number"],
            "cell": member.organization.code,
            "admitted_on": _date(admission.occurred_on) if admission else "",
            "ceremony_on": _date(admission.ceremony_on) if admission else "",
            "admitted_in": admitted_in,
            "recognized_on": _date(recognition.occurred_on) if recognition else "",
            "transfer_in_on": _date(transfer.occurred_on) if transfer else "",
            "transfer_in_from": transfer.counterpart if transfer else "",
            "moved_on": _date(move.occurred_on) if move else "",
            "moved_from": codes.get(moved_from, ""),
            "employer": member.enterprise.tax_code if member.enterprise_id else "",
            "position": position.render(member.position),
            "youth_union_member": yes_no.render(member.youth_union_member),
            "trade_union_member": yes_no.render(member.trade_union_member),
            "left_on": _date(leaving.occurred_on) if leaving else "",
            "temporary": "Có" if guest else "",
            "left_reason": str(LeavingReason(leaving_kind).label) if leaving else "",
            "left_to": leaving.counterpart if leaving else "",
            "restored_on": _date(restored.occurred_on) if restored else "",
        }
        yield [neutralise_formula(values[key]) for key in MEMBERS.list_columns]


def _first_cell(events: list, move) -> int | None:
    """The cell a member moved from into their cell (`move`, the last move of their stay): the
    first cell of the stay when they moved more than once, since a register row has room for
    one move. Their count is then kept in that cell until the last move: the committee's
    figures stay the same, the cells in between are not in the register."""
    first = move
    for event in reversed(events[: events.index(move)]):
        if event.kind == EventKind.TRANSFER_IN and event.counterpart:
            break  # the arrival that began the stay
        if event.kind == EventKind.TRANSFER_IN:
            first = event
    return first.counted_before_id


def member_rating_rows(ratings, *, personal_shown: bool = True) -> Iterator[list[str]]:
    for rating in ratings.select_related("member").order_by("year", "member__sort_name", "pk"):
        member = rating.member
        personal = _personal(
            {"citizen_id": member.citizen_id, "card_number": member.card_number}, personal_shown
        )
        values = {
            "full_name": member.full_name,
            "citizen_id": personal["citizen_id"],
            "card_number": personal["card_number"],
            "year": str(rating.year),
            "level": SHORT_LEVELS[rating.level],
            "note": rating.note,
        }
        yield [neutralise_formula(values[key]) for key in MEMBER_RATINGS.list_columns]


def organization_rating_rows(ratings) -> Iterator[list[str]]:
    for rating in ratings.select_related("organization").order_by("year", "organization__path"):
        values = {
            "code": rating.organization.code,
            "name": rating.organization.name,
            "year": str(rating.year),
            "level": SHORT_LEVELS[rating.level],
            "note": rating.note,
        }
        yield [neutralise_formula(values[key]) for key in ORGANIZATION_RATINGS.list_columns]


# --- files ----------------------------------------------------------------------------------


def csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Vietnamese intact."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _text_row(sheet, values, bold=False) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "@"  # text: Excel keeps leading zeros and dd/mm/yyyy as typed
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def xlsx_bytes(title: str, header: list[str], rows: Iterable[list[str]], extra=()) -> bytes:
    """A workbook whose first sheet is the list (every cell text); `extra` adds sheets as
    (title, rows)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(_text_row(sheet, header, bold=True))
    for row in rows:
        sheet.append(_text_row(sheet, row))
    for sheet_title, sheet_rows in extra:
        other = book.create_sheet(sheet_title[:31])
        for row in sheet_rows:
            other.append(_text_row(other, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- templates ------------------------------------------------------------------------------


def _choices(widget_class, values) -> list[str]:
    widget = widget_class()
    return [widget.render(value) for value in values]


def allowed_values(kind: str, committee) -> list[list[str]]:
    """The sheet of allowed values: a column's heading, then what it accepts."""
    columns: dict[str, list[str]] = {}
    if kind == "members":
        by_key = MEMBERS.by_key
        cells = committee.subtree() if committee is not None else None
        columns[str(by_key["sex"].heading)] = _choices(SexWidget, Sex.values)
        columns[str(by_key["position"].heading)] = _choices(PositionWidget, Position.values)
        columns[str(by_key["youth_union_member"].heading)] = ["Có", "Không"]
        columns[str(by_key["temporary"].heading)] = ["Có", "Không"]
        columns[str(by_key["left_reason"].heading)] = [str(c.label) for c in LeavingReason]
        if cells is not None:
            columns[str(by_key["cell"].heading)] = [
                f"{cell.code} — {cell.name}"
                for cell in cells.filter(kind__in=CELL_KINDS).order_by("path")
            ]
        dates = _("dd/mm/yyyy, e.g. 05/09/2018")
        columns[str(by_key["admitted_on"].heading)] = [dates]
    else:
        by_key = (MEMBER_RATINGS if kind == "member_ratings" else ORGANIZATION_RATINGS).by_key
        columns[str(by_key["level"].heading)] = _choices(LevelWidget, RatingLevel.values)
        columns[str(by_key["year"].heading)] = [_("four digits, e.g. 2024")]
    names = list(columns)
    longest = max(len(values) for values in columns.values())
    rows = [names]
    for index in range(longest):
        rows.append([columns[name][index] if index < len(columns[name]) else "" for name in names])
    return rows


def example_row(kind: str, committee) -> list[str]:
    cell = None
    if committee is not None:
        cell = committee.subtree().filter(kind__in=CELL_KINDS).order_by("path").first()
    code = cell.code if cell is not None else "CB01"
    examples = {
        "members": {
            "full_name": "Nguyễn Văn An", "birth_date": "15/04/1990", "sex": "Nam",
            "ethnicity": "Kinh", "citizen_id": "024090000123", "card_number": "01234567",
            "cell": code, "admitted_on": "05/09/2018", "ceremony_on": "20/09/2018",
            "recognized_on": "20/09/2019", "position": str(Position.WORKER.label),
            "youth_union_member": "Có", "trade_union_member": "Có",
        },
        "member_ratings": {
            "full_name": "Nguyễn Văn An", "citizen_id": "024090000123",
            "card_number": "01234567", "year": "2024", "level": "HTT",
        },
        "organization_ratings": {"code": code, "name": cell.name if cell else "",
                                 "year": "2024", "level": "HTT"},
    }[kind]  # fmt: skip
    list_kind = {"members": MEMBERS, "member_ratings": MEMBER_RATINGS}.get(
        kind, ORGANIZATION_RATINGS
    )
    return [examples.get(key, "") for key in list_kind.list_columns]


def template_xlsx(kind: str, committee) -> bytes:
    """The template of a list: its headers, one example row, and the allowed values."""
    with translation.override("vi"):
        list_kind = {"members": MEMBERS, "member_ratings": MEMBER_RATINGS}.get(
            kind, ORGANIZATION_RATINGS
        )
        return xlsx_bytes(
            _("List"),
            headers(list_kind),
            [example_row(kind, committee)],
            extra=[(_("Allowed values"), allowed_values(kind, committee))],
        )


__all__ = [
    "csv_bytes",
    "member_rating_rows",
    "organization_rating_rows",
    "register_rows",
    "template_xlsx",
    "xlsx_bytes",
]
