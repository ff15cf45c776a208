"""The member register (danh sách đảng viên) as committees keep it in Excel: its columns, the
events a row's dates stand for, and the resource that merges it into the records.

One member per row, through the enterprise lists' machinery (`organizations.imports`): the same
reading, headers matched loosely, widgets, django-import-export's row loop, outcome, preview
and file of invalid rows. A row is merged with the record of the same citizen ID, else of the
same party card number; a row with neither that names a member of the same name, date of birth
and cell is "possibly the same person": it is shown, never guessed (an invalid row, unless
nothing in it differs from that record).

A row's dates stand for events (`SLOTS`): the admission (in the row's cell, or elsewhere when
the row says where or the member came by transfer), the recognition, the transfer in, and the
leaving. A changed date corrects the event it stands for; a blank cell keeps what the records
hold. The member's whole timeline is replayed in memory (`members.timeline`, the rules every
event obeys) and a rule it breaks is a row error naming it. Rows are written by batch: members,
events and counted intervals in bulk (`write`), with the states the replay gave.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kcn_party.dates import short_date
from kcn_party.folding import collation_key
from members import privacy, timeline
from members.imports.values import (
    CardNumberWidget,
    CellWidget,
    CitizenIdWidget,
    EnterpriseWidget,
    LeavingReason,
    LeavingWidget,
    PositionWidget,
    SexWidget,
    YesNoWidget,
    column_values,
    identity_numbers,
    text_of,
)
from members.models import EventKind, Member, MemberEvent, Sex
from members.models.intervals import CountedInterval, intervals_of
from members.models.members import ACTIVE_STATUSES
from members.services.records import (
    DERIVED_FIELDS,
    _admission_facts,
    _elsewhere,
    _held_by,
    timeline_derive,
)
from members.signals import events_written
from members.validators import citizen_id_century_digit, validate_citizen_id
from organizations import bounds, history
from organizations.imports.base import ImportSettings, ListResource, new_instance
from organizations.imports.columns import Column, ImportKind
from organizations.imports.text import fold, searchable
from organizations.imports.values import DateWidget, TextWidget, blank
from organizations.models import Enterprise, PartyOrganization
from organizations.models.party import CELL_KINDS, may_serve


def _text(name: str):
    return partial(TextWidget, max_length=Member._meta.get_field(name).max_length)


def _event_text(name: str):
    return partial(TextWidget, max_length=MemberEvent._meta.get_field(name).max_length)


class BirthDateWidget(DateWidget):
    """A date of birth: members born before the records' earliest event date (1930) exist."""

    earliest = bounds.EARLIEST_BIRTH

    def in_future(self, date) -> str:
        return gettext("The date of birth cannot be in the future.")


COLUMNS = (
    Column("full_name", _("Full name (Họ và tên)"),
           ("ho va ten", "ho ten", "ten", "ho ten dang vien", "ten dang vien", "full name",
            "name"),
           widget=_text("full_name"), heading=_("Full name")),
    Column("birth_date", _("Date of birth (Ngày sinh)"),
           ("ngay sinh", "ngay thang nam sinh", "sinh ngay", "ns", "date of birth", "birth date",
            "born"),
           widget=BirthDateWidget, heading=_("Date of birth")),
    Column("sex", _("Sex (Giới tính)"),
           ("gioi tinh", "gt", "nam nu", "sex", "gender"), widget=SexWidget,
           heading=_("Sex")),
    Column("ethnicity", _("Ethnicity (Dân tộc)"),
           ("dan toc", "dt", "ethnicity"), widget=_text("ethnicity"), heading=_("Ethnicity")),
    Column("citizen_id", _("Citizen ID (Số CCCD)"),
           ("so cccd", "cccd", "can cuoc cong dan", "so can cuoc", "so can cuoc cong dan",
            "so dinh danh", "so dinh danh ca nhan", "cmnd cccd", "so cmnd cccd", "citizen id"),
           widget=CitizenIdWidget, heading=_("Citizen ID")),
    Column("card_number", _("Party card number (Số thẻ đảng viên)"),
           ("so the dang vien", "so the dang", "so the", "the dang vien", "so the dv",
            "party card number", "card number"),
           widget=CardNumberWidget, heading=_("Party card number")),
    Column("cell", _("Cell (Chi bộ)"),
           ("chi bo", "ma chi bo", "ten chi bo", "chi bo sinh hoat", "to chuc dang",
            "noi sinh hoat", "cell", "cell code"),
           widget=CellWidget, attribute="row_cell", heading=_("Cell")),
    Column("admitted_on", _("Admission date (Ngày vào Đảng)"),
           ("ngay vao dang", "ngay ket nap", "ngay ket nap dang", "vao dang", "ngay vao dang du bi",
            "admission date", "admitted on"),
           widget=DateWidget, attribute="row_admitted_on", heading=_("Admission date")),
    Column("ceremony_on", _("Admission ceremony (Ngày lễ kết nạp)"),
           ("ngay le ket nap", "le ket nap", "ngay to chuc le ket nap", "ceremony date"),
           widget=DateWidget, attribute="row_ceremony_on", heading=_("Admission ceremony date")),
    Column("admitted_in", _("Admitted at (Nơi kết nạp)"),
           ("noi ket nap", "noi vao dang", "ket nap tai", "admitted at", "admitted in"),
           widget=_event_text("counterpart"), attribute="row_admitted_in",
           heading=_("Admitted at")),
    Column("recognized_on", _("Recognition date (Ngày chính thức)"),
           ("ngay chinh thuc", "ngay cong nhan chinh thuc", "ngay cong nhan", "chinh thuc",
            "ngay dang vien chinh thuc", "recognition date", "official since"),
           widget=DateWidget, attribute="row_recognized_on", heading=_("Recognition date")),
    Column("transfer_in_on", _("Transfer-in date (Ngày chuyển đến)"),
           ("ngay chuyen den", "ngay chuyen sinh hoat den", "chuyen den ngay", "ngay den",
            "transfer in date"),
           widget=DateWidget, attribute="row_transfer_in_on", heading=_("Transfer-in date")),
    Column("transfer_in_from", _("Transferred from (Chuyển từ)"),
           ("chuyen tu", "noi chuyen den", "chuyen den tu", "tu dang bo", "noi chuyen di",
            "transferred from"),
           widget=_event_text("counterpart"), attribute="row_transfer_in_from",
           heading=_("Transferred from")),
    Column("moved_on", _("Moved between cells on (Ngày chuyển chi bộ)"),
           ("ngay chuyen chi bo", "ngay chuyen sinh hoat chi bo", "chuyen chi bo ngay",
            "ngay chuyen sinh hoat noi bo", "moved on", "date of the move between cells"),
           widget=DateWidget, attribute="row_moved_on",
           heading=_("Date of the move between cells")),
    Column("moved_from", _("Moved from cell (Từ chi bộ)"),
           ("tu chi bo", "chuyen tu chi bo", "chi bo truoc", "chi bo cu", "moved from cell",
            "moved from"),
           widget=_event_text("counterpart"), attribute="row_moved_from",
           heading=_("Moved from cell")),
    Column("temporary", _("Attending for a while (Sinh hoạt tạm thời)"),
           ("sinh hoat tam thoi", "dang vien sinh hoat tam thoi", "tam thoi", "shtt",
            "attending for a while", "temporary"),
           widget=YesNoWidget, attribute="row_temporary", heading=_("Attending for a while")),
    Column("employer", _("Employer's tax code (MST nơi làm việc)"),
           ("mst noi lam viec", "ma so thue noi lam viec", "mst doanh nghiep", "mst dn",
            "mst", "ma so thue", "noi lam viec mst", "employer tax code", "employer"),
           widget=EnterpriseWidget, attribute="enterprise", heading=_("Employer's tax code")),
    Column("position", _("Position (Vị trí công việc)"),
           ("vi tri", "vi tri cong viec", "chuc vu", "chuc danh", "nghe nghiep", "position"),
           widget=PositionWidget, heading=_("Position at work")),
    Column("youth_union_member", _("Youth Union member (Đoàn viên)"),
           ("doan vien", "doan thanh nien", "doan vien thanh nien", "dtn", "youth union",
            "youth union member"),
           widget=YesNoWidget, heading=_("Youth Union")),
    Column("trade_union_member", _("Trade union member (Công đoàn viên)"),
           ("cong doan vien", "cong doan", "doan vien cong doan", "trade union",
            "trade union member"),
           widget=YesNoWidget, heading=_("Trade union")),
    Column("left_on", _("Date of leaving (Ngày ra khỏi)"),
           ("ngay ra khoi", "ngay ra khoi dang bo", "ngay giam", "ngay chuyen di", "ngay roi",
            "date of leaving", "left on"),
           widget=DateWidget, attribute="row_left_on", heading=_("Date of leaving")),
    Column("left_reason", _("Reason for leaving (Lý do)"),
           ("ly do", "ly do ra khoi", "ly do giam", "hinh thuc giam", "reason",
            "reason for leaving"),
           widget=LeavingWidget, attribute="row_left_reason", heading=_("Reason for leaving")),
    Column("left_to", _("Transferred to (Chuyển đến đâu)"),
           ("chuyen den dau", "noi chuyen den sinh hoat", "chuyen sinh hoat den", "noi den",
            "transferred to"),
           widget=_event_text("counterpart"), attribute="row_left_to",
           heading=_("Transferred to")),
    Column("restored_on", _("Membership restored on (Ngày phục hồi đảng tịch)"),
           ("ngay phuc hoi dang tich", "ngay phuc hoi", "phuc hoi dang tich", "phuc hoi",
            "restored on", "membership restored on"),
           widget=DateWidget, attribute="row_restored_on",
           heading=_("Membership restored on")),
)  # fmt: skip

MEMBERS = ImportKind(model=Member, columns=COLUMNS, key="full_name")
REQUIRED = ("full_name", "birth_date", "cell", "admitted_on")
# The row's attributes that are no field of the member: reset for every row.
ROW_ATTRIBUTES = tuple(c.attribute for c in COLUMNS if c.attribute.startswith("row_"))
LEAVING_KINDS = tuple(LeavingReason.values)


# --- the events a row stands for ------------------------------------------------------------

ADMISSION, RECOGNITION, TRANSFER_IN, LEAVING = "admission", "recognition", "transfer_in", "leaving"
MOVE, RESTORED = "move", "restored"
# Each slot: the columns of its date and of the place it names (for the errors).
SLOT_COLUMNS = {
    ADMISSION: ("admitted_on", "admitted_in"),
    RECOGNITION: ("recognized_on", "admitted_in"),
    TRANSFER_IN: ("transfer_in_on", "transfer_in_from"),
    MOVE: ("moved_on", "moved_from"),
    RESTORED: ("restored_on", "cell"),
    LEAVING: ("left_on", "left_to"),
}


def slots(events: list, status: str | None) -> dict[str, MemberEvent]:
    """The events of a record (in their order) that a register row stands for: the first
    admission and recognition, the last transfer in from outside, the last move between the
    committee's cells (a transfer in without an outside organisation), and the last leaving of
    a member who is no longer a member here; for a member of another organisation attending one
    of our cells for a while (a guest), the temporary transfer in and out stand for the transfer
    in and the leaving; for a member removed or expelled and then restored, the last
    restoration and the leaving it undid. The export writes them, the import corrects them:
    one rule. A row has room for one move: earlier moves are not in it."""
    found: dict[str, MemberEvent] = {}
    left = None  # the last leaving
    for event in events:
        if event.kind == EventKind.ADMISSION:
            found.setdefault(ADMISSION, event)
        elif event.kind == EventKind.RECOGNITION:
            found.setdefault(RECOGNITION, event)
        elif event.kind == EventKind.TRANSFER_IN:
            if event.counterpart:
                found[TRANSFER_IN] = event
                found.pop(MOVE, None)  # a move before an arrival is no move of this stay
            else:
                found[MOVE] = event
        elif (
            event.kind == EventKind.TEMPORARY_IN
            and event.organization_id
            and event.counted_after_id is None
        ):
            # A member of another organisation, who keeps counting them, attending a cell.
            found[TRANSFER_IN] = event
            found.pop(MOVE, None)
        elif event.kind in LEAVING_KINDS:
            left = event
            if status not in ACTIVE_STATUSES:
                found[LEAVING] = event
        elif event.kind == EventKind.RESTORATION and left is not None:
            # Removed or expelled, then restored: the leaving and the restoration.
            found[LEAVING], found[RESTORED] = left, event
        elif (
            event.kind == EventKind.TEMPORARY_OUT
            and status not in ACTIVE_STATUSES
            and getattr(found.get(TRANSFER_IN), "kind", "") == EventKind.TEMPORARY_IN
        ):
            found[LEAVING] = event  # the guest's stay ends
    return found


@dataclass
class RowRecord:
    """What a valid row gives the writer: the member's events in order and which are new or
    changed (and how they were)."""

    events: list
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (event, as it was)


@dataclass
class MemberListSettings(ImportSettings):
    by: object = None  # the account acting, or SYSTEM
    committee: PartyOrganization | None = None


@dataclass
class Existing:
    """The records a chunk's rows may name."""

    by_citizen_id: dict = field(default_factory=dict)
    by_card: dict = field(default_factory=dict)
    by_person: dict = field(default_factory=dict)  # (folded name, birth date) -> [members]
    events: dict = field(default_factory=dict)  # member id -> events in order
    holders: dict = field(default_factory=dict)  # ("citizen_id"|"card_number", n) -> counted
    visible: set = field(default_factory=set)  # ids of the holders `by` may see
    employers: dict = field(default_factory=dict)  # tax code -> enterprise, or why not


def _prefer(members: list) -> Member:
    """Of several records with one number, the one counted here, else the latest."""
    return max(members, key=lambda m: (m.counted_in_id is not None, m.pk))


class MemberImportResource(ListResource):
    """One member per row with the events its dates stand for; see the module's docstring."""

    kind = MEMBERS

    class Meta(ListResource.Meta):
        model = Member
        import_id_fields = ["full_name"]
        batch_size = 2000

    def __init__(self, *, settings: MemberListSettings, header, invalid_rows=None):
        super().__init__(settings=settings, header=header, invalid_rows=invalid_rows)
        self.seen_ids: dict[tuple, int] = {}  # (field, number) or person -> first line
        self.seen_members: dict[int, int] = {}  # member id -> first line
        self.possibly_same = self.result.possibly_same = []
        self.cells = self._cells()
        self.organizations = {cell.pk: cell for cell in self.cells}
        if "cell" in self.fields:
            known: dict = {}
            for cell in self.cells:
                known.setdefault(fold(cell.code), cell)
            for cell in self.cells:
                name = fold(cell.name)
                other = known.get(name)
                if isinstance(other, PartyOrganization) and other is not cell:
                    known[name] = gettext(
                        "Several cells are called “%(value)s”: write the cell's code."
                    ) % {"value": cell.name}
                else:
                    known.setdefault(name, cell)
            self.fields["cell"].widget.known = known
        self.written_paths: set[str] = set()  # the cells of the members written

    def _cells(self) -> list[PartyOrganization]:
        committee = self.settings.committee
        cells = PartyOrganization.objects.filter(kind__in=CELL_KINDS).in_scope(self.settings.scope)
        if committee is not None:
            cells = cells.within(committee)
        return list(cells.order_by("path"))

    # --- a chunk ---------------------------------------------------------------------------

    def _column_values(self, chunk, key: str) -> list:
        return column_values(self, chunk, key)

    def _prepare(self, chunk):
        """Each row's identity — citizen ID, card number, or name, birth date and cell — and
        the records they name: one query for each kind of number, one for the persons named
        without one, one for the events of them all, one for the counted holders of the
        numbers, one for the employers."""
        birth_widget = BirthDateWidget()
        names = self._column_values(chunk, "full_name")
        births = self._column_values(chunk, "birth_date")
        numbers = identity_numbers(self, chunk)
        for name, birth, identity in zip(names, births, numbers, strict=True):
            if not identity and not blank(name):
                try:
                    born = birth_widget.clean(births and birth)
                except ValueError:
                    born = None
                if born is not None:
                    identity["person"] = (fold(text_of(name)), born)
            chunk.keys.append(identity)
        chunk.existing = self.run(self._load, chunk.keys)
        employers = sorted(
            searchable(text_of(v) for v in self._column_values(chunk, "employer") if not blank(v))
        )
        if employers and "employer" in self.fields:
            chunk.existing.employers = self.run(self._employers, employers)

    def _load(self, keys: list[dict]) -> Existing:
        existing = Existing()
        scope = self.settings.scope
        ids = sorted({k["citizen_id"] for k in keys if "citizen_id" in k})
        cards = sorted({k["card_number"] for k in keys if "card_number" in k})
        persons = {k["person"] for k in keys if "person" in k}
        # No organisations joined: the cells are known (`self.organizations`), and each one
        # built per row would cost the list a second.
        members = Member.objects.in_scope(scope)
        found: dict[int, Member] = {}
        if ids:
            found.update((m.pk, m) for m in members.filter(citizen_id__in=ids))
        if cards:
            found.update((m.pk, m) for m in members.filter(card_number__in=cards))
        if persons:
            births = sorted({born for _name, born in persons})
            for member in members.filter(birth_date__in=births, citizen_id="", card_number=""):
                if (fold(member.full_name), member.birth_date) in persons:
                    found[member.pk] = member
        for member in found.values():
            if member.citizen_id:
                existing.by_citizen_id.setdefault(member.citizen_id, []).append(member)
            if member.card_number:
                existing.by_card.setdefault(member.card_number, []).append(member)
            if not member.citizen_id and not member.card_number:
                person = (fold(member.full_name), member.birth_date)
                existing.by_person.setdefault(person, []).append(member)
        for event in MemberEvent.objects.filter(member_id__in=list(found)).order_by(
            "member_id", "sequence"
        ):
            existing.events.setdefault(event.member_id, []).append(event)
        if ids or cards:
            # The holders' cells are read only for a conflict's message (see _counted_conflicts).
            holders = (
                Member.objects.counted()
                .filter(Q(citizen_id__in=ids) | Q(card_number__in=cards))
                .only("pk", "full_name", "birth_date", "citizen_id", "card_number", "counted_in")
            )
            id_set, card_set = set(ids), set(cards)
            for holder in holders:
                if holder.citizen_id in id_set:
                    existing.holders[("citizen_id", holder.citizen_id)] = holder
                if holder.card_number in card_set:
                    existing.holders[("card_number", holder.card_number)] = holder
            visible = Member.objects.visible_to(self.settings.by).filter(
                pk__in=[h.pk for h in existing.holders.values()]
            )
            existing.visible = set(visible.values_list("pk", flat=True))
        missing = {
            event.organization_id
            for events in existing.events.values()
            for event in events
            if event.organization_id and event.organization_id not in self.organizations
        }
        missing |= {m.organization_id for m in found.values()} - set(self.organizations)
        if missing:
            self.organizations.update(PartyOrganization.objects.in_bulk(missing))
        return existing

    def _employers(self, codes: list[str]) -> dict:
        """Tax code -> the enterprise, or why it cannot employ the committee's members."""
        known = {}
        enterprises = Enterprise.objects.filter(tax_code__in=searchable(codes)).select_related(
            "zone__committee"
        )
        committee = self.settings.committee
        for enterprise in enterprises:
            committee_path = enterprise.zone.committee.path if enterprise.zone_id else ""
            if committee is not None and not may_serve(committee.path, committee_path):
                known[enterprise.tax_code] = gettext(
                    "%(name)s lies in a zone of another committee."
                ) % {"name": enterprise.name}
            else:
                known[enterprise.tax_code] = enterprise
        return known

    # --- each row --------------------------------------------------------------------------

    def repeated(self, key, first):
        return gettext("The same person is already on line %(line)s of this file.") % {
            "line": first
        }

    def before_import_row(self, row, row_number=None, **kwargs):
        self._line = self.chunk.lines[row_number - 1]
        self._errors = {}
        self._restored = None
        self._changes = None
        self._identity = self.chunk.keys[row_number - 1]
        if "employer" in self.fields:
            self.fields["employer"].widget.known = self.chunk.existing.employers
        identity = self._identity
        self.current_key = identity.get("citizen_id") or identity.get("card_number") or ""
        self._person_match = None
        self._record = None
        self._event_changes = []
        for key in ("citizen_id", "card_number", "person"):
            if key in self._identity:
                number = self._identity[key]
                first = self.seen_ids.setdefault((key, number), self._line)
                if first != self._line:
                    column = self.column(key if key != "person" else "full_name")
                    self._errors.setdefault(column, []).append(self.repeated(number, first))

    def _match(self) -> Member | None:
        """The record the row names, or None for a new member; an error when it names two."""
        existing: Existing = self.chunk.existing
        identity = self._identity
        by_id = by_card = None
        if "citizen_id" in identity and identity["citizen_id"] in existing.by_citizen_id:
            by_id = _prefer(existing.by_citizen_id[identity["citizen_id"]])
        if "card_number" in identity and identity["card_number"] in existing.by_card:
            by_card = _prefer(existing.by_card[identity["card_number"]])
        if by_id and by_card and by_id.pk != by_card.pk:
            self._errors.setdefault(self.column("card_number"), []).append(
                gettext(
                    "This citizen ID is on the record of %(first)s and this card number on the "
                    "record of %(second)s: correct one of them."
                )
                % {"first": str(by_id), "second": str(by_card)}
            )
            return None
        return by_id or by_card

    def _same_person(self, row) -> Member | None:
        """A record of the same name, birth date and cell as a row without numbers."""
        person = self._identity.get("person")
        if person is None or "cell" not in self.fields:
            return None
        try:
            cell = self.fields["cell"].widget.clean(row[self.fields["cell"].column_name])
        except ValueError:
            return None
        same = [
            m
            for m in self.chunk.existing.by_person.get(person, [])
            if cell is not None and m.organization_id == cell.pk
        ]
        return same[0] if same else None

    def get_or_init_instance(self, instance_loader, row):
        member = None if self._errors else self._match()
        if member is None and not self._errors:
            member = self._person_match = self._same_person(row)
        if member is not None:
            first = self.seen_members.setdefault(member.pk, self._line)
            if first != self._line:
                self._errors.setdefault(self.column("full_name"), []).append(
                    self.repeated(None, first)
                )
                member = None
        if member is not None:
            instance, new = copy.copy(member), False
            instance._state = copy.copy(member._state)
            instance._state.fields_cache = dict(member._state.fields_cache)
        else:
            instance, new = self.init_instance(row), True
        for name in ROW_ATTRIBUTES:
            setattr(instance, name, None)
        return instance, new

    def init_instance(self, row=None):
        instance = new_instance(Member, self.defaults)
        instance.ethnicity, instance.religion = "Kinh", "Không"
        return instance

    def check_row(self, instance, row, errors) -> None:
        name = row[self.fields["full_name"].column_name]
        if blank(name) or not text_of(name):
            errors.setdefault(self.column("full_name"), []).append(gettext("The name is missing."))
        else:
            try:
                instance.row_full_name = self.fields["full_name"].widget.clean(name)
            except ValueError as error:
                errors.setdefault(self.column("full_name"), []).append(str(error))
        if errors:
            return
        if self._new:
            self._check_new(instance, errors)
            if errors:
                return
        self._check_identity(instance, errors)
        if errors:
            return
        self._events(instance, errors)
        if not errors and self._person_match is not None:
            self._possibly_same(instance, errors)

    def _check_new(self, instance, errors) -> None:
        for key, attribute, message in (
            ("birth_date", "birth_date", gettext("The date of birth is missing.")),
            ("sex", "sex", gettext("The sex is missing: write Nam or Nữ.")),
            ("cell", "row_cell", gettext("The cell is missing.")),
            ("admitted_on", "row_admitted_on", gettext("The admission date is missing.")),
        ):
            column = self.column(key)
            if getattr(instance, attribute, None) in (None, "") and column not in errors:
                errors.setdefault(column, []).append(message)

    def _possibly_same(self, instance, errors) -> None:
        """A row without numbers naming someone of the same name, birth date and cell: the same
        record when nothing in it differs, else shown and not guessed."""
        if self._current(instance) == self._original and not self.changes_beyond(instance):
            return
        member = self._person_match
        cell = self.organizations[member.organization_id].name
        # Seen by those who import, who may see the date of birth (members.privacy).
        self.possibly_same.append((self._line, privacy.full_label(member), cell))
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            gettext(
                "Possibly the same person as %(member)s, already on record in %(cell)s: give the "
                "citizen ID or the party card number, so that the import knows whether it is."
            )
            % {"member": privacy.full_label(member), "cell": cell}
        )

    def _check_identity(self, instance, errors) -> None:
        if getattr(instance, "row_full_name", None):
            instance.full_name = instance.row_full_name
        if instance.citizen_id:
            try:
                validate_citizen_id(instance.citizen_id)
            except ValidationError as error:
                errors.setdefault(self.column("citizen_id"), []).extend(error.messages)
                return
            if instance.birth_date and instance.sex:
                century = citizen_id_century_digit(
                    instance.birth_date.year, instance.sex == Sex.FEMALE
                )
                expected = f"{century}{instance.birth_date.year % 100:02d}"
                if instance.citizen_id[3:6] != expected:
                    errors.setdefault(self.column("citizen_id"), []).append(
                        gettext(
                            "Citizen ID %(value)s does not match the date of birth and sex: its "
                            "4th to 6th digits should be %(expected)s."
                        )
                        % {"value": instance.citizen_id, "expected": expected}
                    )
        if instance.card_number:
            first = self.seen_ids.setdefault(("card_number", instance.card_number), self._line)
            if first != self._line:
                errors.setdefault(self.column("card_number"), []).append(self.repeated(None, first))

    # --- the events ------------------------------------------------------------------------

    def _events(self, instance, errors) -> None:
        """The member's timeline with the row's events in it, replayed: the row's errors, or
        the record the writer stores."""
        stored = [] if self._new else self.chunk.existing.events.get(instance.pk, [])
        found = slots(stored, None if self._new else instance.status)
        events = list(stored)
        cell = instance.row_cell or self.organizations.get(instance.organization_id)
        record = RowRecord(events=events)
        columns: dict[int, str] = {}  # id(event) -> slot

        def put(slot: str, values: dict, build: dict) -> None:
            """Correct the slot's event with `values`, or add it built with `build` too."""
            event = found.get(slot)
            if event is None:
                event = MemberEvent(**values, **build)
                event.member_id = instance.pk
                events.append(event)
                record.new.append(event)
                self._event_changes.append((slot, None, event))
            else:
                differs = {k: v for k, v in values.items() if getattr(event, k) != v}
                if differs:
                    before = copy.copy(event)
                    events[events.index(event)] = event = copy.copy(before)
                    for key, value in differs.items():
                        setattr(event, key, value)
                    record.changed.append((event, before))
                    self._event_changes.append((slot, before, event))
            columns[id(event)] = slot

        admitted_on = instance.row_admitted_on
        places = self._places(instance, found, errors)
        if places is None:
            return
        transfer_on, arrived_from, moved_on, moved_from, admitted_here = places
        guest = bool(instance.row_temporary)
        if guest and not (transfer_on and arrived_from) and TRANSFER_IN not in found:
            errors.setdefault(self.column("transfer_in_on"), []).append(
                gettext(
                    "A member attending for a while comes from the organisation that still "
                    "counts them: give the date in “%(transfer_on)s” and the organisation in "
                    "“%(transfer_from)s”."
                )
                % self._move_columns(transfer_on=str(MEMBERS.by_key["transfer_in_on"].heading))
            )
            return
        if guest and moved_on:
            errors.setdefault(self.column("moved_on"), []).append(
                gettext(
                    "A member attending for a while is counted by their own organisation: record "
                    "no move between your cells for them."
                )
            )
            return
        # Where the member's stay with us began: the cell admitted in, else the cell moved from,
        # else the row's cell.
        first_cell = admitted_here or moved_from or cell
        place = (None if admitted_here else instance.row_admitted_in) or (
            arrived_from if transfer_on else None
        )
        if admitted_on:
            values = {"occurred_on": admitted_on}
            elsewhere = admitted_here is None and (
                bool(instance.row_admitted_in)
                or bool(transfer_on and admitted_on < transfer_on and arrived_from)
            )
            old = found.get(ADMISSION)
            if old is not None:
                if instance.row_admitted_in and not admitted_here and not old.organization_id:
                    values["counterpart"] = instance.row_admitted_in
                if admitted_here and old.organization_id:
                    values["organization_id"] = admitted_here.pk  # the cell admitted in, corrected
                ceremony = instance.row_ceremony_on
                if ceremony is None and old.ceremony_on and old.ceremony_on < admitted_on:
                    ceremony = admitted_on  # the ceremony never before the decision
                if ceremony is not None and old.ceremony_on is not None:
                    values["ceremony_on"] = ceremony
            elif elsewhere:
                if not place:
                    errors.setdefault(self.column("admitted_in"), []).append(
                        gettext("Say where the member was admitted (before the transfer in).")
                    )
                    return
                values.update(counterpart=place, ceremony_on=instance.row_ceremony_on)
            else:
                # A register often gives the decision alone: probation then counts from it.
                values["ceremony_on"] = instance.row_ceremony_on or admitted_on
            here = None if elsewhere or old else first_cell
            put(ADMISSION, values, {"kind": EventKind.ADMISSION, "organization": here})
        if instance.row_recognized_on:
            old_admission = found.get(ADMISSION)
            admitted_elsewhere = (
                not old_admission.organization_id if old_admission is not None else bool(place)
            )
            build = {"kind": EventKind.RECOGNITION}
            if (
                admitted_elsewhere
                and (not transfer_on or instance.row_recognized_on < transfer_on)
                and RECOGNITION not in found
            ):
                build["counterpart"] = place or (old_admission.counterpart if old_admission else "")
            put(RECOGNITION, {"occurred_on": instance.row_recognized_on}, build)
        if transfer_on:
            values = {"occurred_on": transfer_on}
            if arrived_from:
                values["counterpart"] = arrived_from
            arrival = EventKind.TEMPORARY_IN if guest else EventKind.TRANSFER_IN
            put(TRANSFER_IN, values, {"kind": arrival, "organization": moved_from or cell})
        if moved_on:
            move = found.get(MOVE)
            if move is not None and move.organization_id != cell.pk:
                found.pop(MOVE)  # the row's move is a new one, into the row's cell
            put(
                MOVE,
                {"occurred_on": moved_on},
                {"kind": EventKind.TRANSFER_IN, "organization": cell, "counterpart": ""},
            )
        self._leaving(instance, put, errors, guest=guest)
        if errors:
            return
        restored_on = instance.row_restored_on
        if restored_on:
            back = moved_from if moved_on and moved_on > restored_on else cell
            put(
                RESTORED,
                {"occurred_on": restored_on},
                {"kind": EventKind.RESTORATION, "organization": back},
            )
        for event in record.new + [e for e, _b in record.changed]:
            self._check_event(event, columns, errors)
        if errors:
            return
        ordered = timeline.ordered(events)
        names = {pk: organization.name for pk, organization in self.organizations.items()}
        try:
            states = timeline.replay(ordered, birth_date=instance.birth_date, names=names)
            timeline_derive(instance, ordered, states, self.organizations)
        except timeline.TimelineError as error:
            slot = columns.get(id(error.event))
            if slot is None:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    gettext("The event of %(date)s (%(kind)s) would no longer fit: %(message)s")
                    % {
                        "date": short_date(error.event.occurred_on),
                        "kind": error.event.get_kind_display().lower(),
                        "message": error.message,
                    }
                )
            else:
                date_column, place_column = SLOT_COLUMNS[slot]
                key = {"counterpart": place_column, "organization": "cell"}.get(
                    error.field, date_column
                )
                errors.setdefault(self.column(key), []).append(error.message)
            return
        except ValidationError as error:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(error.messages)
            return
        record.events = ordered
        self._counted_conflicts(instance, errors)
        self._record = record

    def _places(self, instance, found, errors):
        """What the row's places say: (the transfer-in date, the organisation it came from,
        the move's date, the cell moved from, the cell of ours admitted in), or None after an
        error. "Nơi kết nạp" naming a cell of the committee is an admission in that cell;
        "Ngày chuyển chi bộ" and "Từ chi bộ" a move from that cell into the row's cell (as
        "Ngày chuyển đến" with a cell of the committee in "Chuyển từ", when those are blank)."""
        transfer_on = instance.row_transfer_in_on
        arrived_from = instance.row_transfer_in_from or ""
        moved_on, moved_text = instance.row_moved_on, instance.row_moved_from or ""
        admitted_here = self._own_cell(instance.row_admitted_in, by_code=True)
        own_from = self._own_cell(arrived_from) if transfer_on else None
        if own_from is not None:
            if moved_on or moved_text:
                errors.setdefault(self.column("transfer_in_from"), []).append(
                    gettext(
                        "%(cell)s is a cell of this committee: a move between your cells goes in "
                        "“%(moved_on)s” and “%(moved_from)s”, “%(transfer_from)s” names an "
                        "organisation outside."
                    )
                    % self._move_columns(cell=own_from.name)
                )
                return None
            moved_on, moved_text, transfer_on, arrived_from = transfer_on, own_from.code, None, ""
        if moved_text and not moved_on:
            errors.setdefault(self.column("moved_on"), []).append(
                gettext("Give the date the member moved from %(cell)s.") % {"cell": moved_text}
            )
            return None
        if moved_on and not moved_text:
            errors.setdefault(self.column("moved_from"), []).append(
                gettext("Say which of your cells the member moved from (by its code).")
            )
            return None
        moved_from = self._own_cell(moved_text) if moved_text else None
        if moved_text and moved_from is None:
            errors.setdefault(self.column("moved_from"), []).append(
                gettext(
                    "No cell of this committee is called or coded “%(value)s”: a transfer from "
                    "another organisation goes in “%(transfer_from)s”."
                )
                % self._move_columns(value=moved_text)
            )
            return None
        cell = instance.row_cell or self.organizations.get(instance.organization_id)
        if moved_from is not None and cell is not None and moved_from.pk == cell.pk:
            errors.setdefault(self.column("moved_from"), []).append(
                gettext(
                    "The member moved from %(cell)s into the same cell: leave “%(moved_from)s” "
                    "blank when the member did not move."
                )
                % self._move_columns(cell=moved_from.name)
            )
            return None
        # The move needs the member counted in the cell moved from: after the admission and
        # after an arrival from outside.
        for day, message in (
            (
                instance.row_admitted_on,
                gettext("The move between cells cannot come before the admission (%(date)s)."),
            ),
            (
                transfer_on,
                gettext("The move between cells cannot come before the transfer in (%(date)s)."),
            ),
        ):
            if moved_on and day and moved_on < day:
                errors.setdefault(self.column("moved_on"), []).append(
                    message % {"date": short_date(day)}
                )
                return None
        if not self._new and cell is not None and cell.pk != instance.organization_id:
            recorded = self.organizations[instance.organization_id]
            if not (moved_on and moved_from.pk == instance.organization_id):
                key = "moved_from" if moved_on else "cell"
                errors.setdefault(self.column(key), []).append(
                    gettext(
                        "%(name)s is recorded in %(recorded)s, not %(cell)s: to record the move, "
                        "give its date in “%(moved_on)s” and %(code)s in “%(moved_from)s”."
                    )
                    % self._move_columns(
                        name=instance.full_name,
                        recorded=recorded.name,
                        cell=cell.name,
                        code=recorded.code,
                    )
                )
                return None
        if (
            admitted_here is not None
            and cell is not None
            and admitted_here.pk != cell.pk
            and not moved_on
            and not found.get(MOVE)
        ):
            errors.setdefault(self.column("moved_on"), []).append(
                gettext(
                    "The member was admitted in %(admitted)s and is in %(cell)s: give the date "
                    "of the move in “%(moved_on)s” and the cell moved from in “%(moved_from)s”."
                )
                % self._move_columns(admitted=admitted_here.name, cell=cell.name)
            )
            return None
        return transfer_on, arrived_from, moved_on, moved_from, admitted_here

    @staticmethod
    def _move_columns(**values) -> dict:
        """The headings of the columns a message about a move names, with `values`."""
        by_key = MEMBERS.by_key
        return {
            "moved_on": str(by_key["moved_on"].heading),
            "moved_from": str(by_key["moved_from"].heading),
            "transfer_from": str(by_key["transfer_in_from"].heading),
            **values,
        }

    def _own_cell(self, text, *, by_code=False) -> PartyOrganization | None:
        """The committee's cell a "transferred from" cell names by code or name, if any; by its
        code alone with `by_code` (where an outside organisation may be named: a cell of
        another committee may share a cell's name)."""
        if not text or "cell" not in self.fields:
            return None
        found = self.fields["cell"].widget.known.get(fold(text))
        if not isinstance(found, PartyOrganization):
            return None
        return found if not by_code or fold(found.code) == fold(text) else None

    def _leaving(self, instance, put, errors, *, guest=False) -> None:
        left_on, reason = instance.row_left_on, instance.row_left_reason
        if left_on and not reason:
            errors.setdefault(self.column("left_reason"), []).append(
                gettext(
                    "Give the reason for leaving: Chuyển đi, Từ trần, Xóa tên, Khai trừ or Xin ra "
                    "khỏi Đảng."
                )
            )
            return
        if reason and not left_on:
            errors.setdefault(self.column("left_on"), []).append(
                gettext("Give the date the member left.")
            )
            return
        if not left_on:
            return
        values = {"occurred_on": left_on, "kind": reason}
        if reason == LeavingReason.TRANSFER_OUT and instance.row_left_to:
            values["counterpart"] = instance.row_left_to
        if guest and reason == LeavingReason.TRANSFER_OUT:
            values["kind"] = EventKind.TEMPORARY_OUT  # back to the organisation counting them
        put(LEAVING, values, {})

    def _check_event(self, event, columns, errors) -> None:
        """What MemberEvent.clean says of one event, in memory: its cell active on its date,
        the ceremony not before the decision."""
        date_column, _place = SLOT_COLUMNS[columns[id(event)]]
        organization = (
            self.organizations.get(event.organization_id) if event.organization_id else None
        )
        if organization is not None and (
            organization.founded_on > event.occurred_on
            or (organization.ended_on and organization.ended_on <= event.occurred_on)
        ):
            errors.setdefault(self.column(date_column), []).append(
                gettext("%(name)s was not active on %(date)s.")
                % organization.named_on(event.occurred_on)
            )
        if event.ceremony_on and event.ceremony_on < event.occurred_on:
            errors.setdefault(self.column("ceremony_on"), []).append(
                gettext("The ceremony comes after the admission decision (%(date)s).")
                % {"date": short_date(event.occurred_on)}
            )

    def _counted_conflicts(self, instance, errors) -> None:
        """A member counted here whose citizen ID or card number another counted member holds:
        the holder named only to an account that sees them."""
        if instance.counted_in_id is None:
            return
        existing: Existing = self.chunk.existing
        for key in ("citizen_id", "card_number"):
            value = getattr(instance, key)
            holder = existing.holders.get((key, value)) if value else None
            if holder is None or holder.pk == instance.pk:
                continue
            message = (
                _held_by(key, value, holder, instance.counted_in_id)
                if holder.pk in existing.visible
                else _elsewhere(key, value)
            )
            errors.setdefault(self.column(key), []).append(message)

    # --- changes and writes ----------------------------------------------------------------

    def changes_beyond(self, instance) -> bool:
        return bool(self._event_changes) or instance.full_name != self._original_name

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        self._original_name = instance.full_name

    def other_changes(self, instance):
        changes = []
        if instance.full_name != self._original_name:
            changes.append((self.column("full_name"), self._original_name, instance.full_name))
        render = DateWidget().render
        for slot, before, event in self._event_changes:
            column = self.column(SLOT_COLUMNS[slot][0])
            changes.append(
                (column, render(before.occurred_on) if before else "", render(event.occurred_on))
            )
        return changes

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.row_record = self._record

    def write(self, batch):
        """Members (new ones in bulk, their ids back), then their new and corrected events and
        every event's state, then their counted intervals, as `store_timeline` leaves them."""
        new = [m for m in batch if m.pk is None]
        old = [m for m in batch if m.pk is not None]
        now = datetime.datetime.now(datetime.UTC)
        record = self.settings.record.pk
        for member in new:
            member.created_at = member.updated_at = now
            member.created_by_import_id = record
        for member in batch:
            member.updated_at = now
            member.last_changed_by_import_id = record
            self.written_paths.add(self.organizations[member.organization_id].path)
        history.bulk_create(Member, new, batch_size=1000)  # the sort key from the field
        for member in old:  # bulk_update writes the attributes as they are
            member.sort_name = collation_key(member.full_name)
        fields = [
            "full_name", "sort_name", "birth_date", "sex", "ethnicity", "citizen_id", "card_number",
            "enterprise", "position", "youth_union_member", "trade_union_member", "status",
            "organization", "counted_in", "exempt", "away_at", "admitted_on", "ceremony_on",
            "recognized_on", "updated_at", "last_changed_by_import",
        ]  # fmt: skip
        history.bulk_update(Member, old, fields, batch_size=1000)
        added, changed, before = [], [], []
        for member in batch:
            record = member.row_record
            for event in record.events:
                event.member_id = member.pk
            _admission_facts(member, record.new)
            added += record.new
            changed += [e for e in record.events if e.pk is not None]
            before += [b for _e, b in record.changed]
        for event in added:
            event.created_at = now
        history.bulk_create(MemberEvent, added, batch_size=2000)
        MemberEvent.objects.bulk_update(
            changed,
            [*DERIVED_FIELDS, "occurred_on", "counterpart", "ceremony_on", "kind"],
            batch_size=1000,
        )
        # Every stored event takes its derived state again; only those the row corrected
        # are changes staff would read in the trail.
        history.entries(MemberEvent, [e for m in batch for e, _b in m.row_record.changed])
        if old:
            CountedInterval.objects.filter(member_id__in=[m.pk for m in old])._raw_delete(
                CountedInterval.objects.db
            )
        CountedInterval.objects.bulk_create(
            (
                CountedInterval(
                    member_id=member.pk, organization_id=organization_id, counted_from=start,
                    counted_until=end,
                )
                for member in batch
                for organization_id, start, end in intervals_of(member.row_record.events)
            ),
            batch_size=2000,
        )  # fmt: skip
        written = [*added, *(e for m in batch for e, _b in m.row_record.changed)]
        if written:
            events_written.send(
                sender=MemberEvent, events=written, before=before, deleted=(), by=self.settings.by
            )


__all__ = ["MEMBERS", "MemberImportResource", "slots"]
