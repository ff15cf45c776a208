"""The list of a committee's party organisations, as committees keep it in Excel: one
organisation per row, merged by code, written through `services.organization_save` so that
every rule of the tree holds (allowed parents, no cycles, dates, enterprises in the
committee's zones) and is a row error when broken.

Parents may come after their children in the file: the rows are written parents first. A row
without a parent goes under the organisation the import was told to put them under (`under`),
or, for a superuser or the command run by nobody, to the top of the tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.results import RowResult

from organizations.imports.base import ImportSettings
from organizations.imports.columns import Column, ImportKind
from organizations.imports.settling import Pending, SettledListResource, settle_in_order
from organizations.imports.text import searchable
from organizations.imports.values import (
    ChoiceWidget,
    DateWidget,
    OwnershipWidget,
    TaxCodeWidget,
    TextWidget,
    WorkersWidget,
    blank,
    restore_formula,
)
from organizations.models import (
    Enterprise,
    EnterpriseLink,
    FoundingReason,
    OrganizationKind,
    PartyOrganization,
)
from organizations.models.party import EndReason


def _cell_text(value) -> str:
    text = str(value).strip()
    return restore_formula(text) if text[:1] == "'" else text


class CodeWidget(widgets.Widget):
    """An organisation's code, kept as text (BG-KCN-CB05; "0105" keeps its zero)."""

    max_length = PartyOrganization._meta.get_field("code").max_length

    def parse(self, value) -> tuple[str, bool]:
        if blank(value) or not _cell_text(value):
            raise ValueError(gettext("The organisation code is missing."))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        code = _cell_text(value)
        if "\x00" in code:  # no code on record holds one, and PostgreSQL refuses it
            raise ValueError(gettext("The cell holds a NUL character, which no text may contain."))
        if len(code) > self.max_length:
            raise ValueError(
                gettext("Too long: %(length)s characters, at most %(max)s.")
                % {"length": len(code), "max": self.max_length}
            )
        return code, False

    def clean(self, value, row=None, **kwargs):
        if blank(value) or not _cell_text(value):
            return None
        return self.parse(value)[0]

    def render(self, value, obj=None, **kwargs):
        return value or ""


class KindWidget(ChoiceWidget):
    choices = OrganizationKind
    nouns = ("loai", "cap")
    spellings = {
        "Chi bộ cơ sở": OrganizationKind.GRASSROOTS_CELL,
        "CBCS": OrganizationKind.GRASSROOTS_CELL,
        "CB cơ sở": OrganizationKind.GRASSROOTS_CELL,
        "Chi bộ": OrganizationKind.GRASSROOTS_CELL,
        "Đảng bộ cơ sở": OrganizationKind.GRASSROOTS_COMMITTEE,
        "ĐBCS": OrganizationKind.GRASSROOTS_COMMITTEE,
        "ĐB cơ sở": OrganizationKind.GRASSROOTS_COMMITTEE,
        "Đảng ủy cơ sở": OrganizationKind.GRASSROOTS_COMMITTEE,
        "Chi bộ trực thuộc": OrganizationKind.SUBORDINATE_CELL,
        "CBTT": OrganizationKind.SUBORDINATE_CELL,
        "Chi bộ trực thuộc Đảng ủy cơ sở": OrganizationKind.SUBORDINATE_CELL,
        "Chi bộ trực thuộc đảng bộ bộ phận": OrganizationKind.SUBORDINATE_CELL,
        "Đảng bộ bộ phận": OrganizationKind.PARTIAL_COMMITTEE,
        "ĐBBP": OrganizationKind.PARTIAL_COMMITTEE,
        "Đảng bộ cấp trên cơ sở": OrganizationKind.UPPER_GRASSROOTS,
        "Đảng bộ cấp trên trực tiếp cơ sở": OrganizationKind.UPPER_GRASSROOTS,
        "Cấp trên cơ sở": OrganizationKind.UPPER_GRASSROOTS,
        "Đảng ủy cấp trên cơ sở": OrganizationKind.UPPER_GRASSROOTS,
        "Tỉnh ủy": OrganizationKind.PROVINCE,
        "Thành ủy": OrganizationKind.PROVINCE,
        "Cấp tỉnh": OrganizationKind.PROVINCE,
    }

    @property
    def unknown_message(self):
        return gettext(
            "Unknown kind of organisation “%(value)s”. Write Chi bộ cơ sở (CBCS), Đảng bộ cơ sở "
            "(ĐBCS), Chi bộ trực thuộc, Đảng bộ bộ phận or Đảng bộ cấp trên cơ sở."
        )


class FoundingReasonWidget(ChoiceWidget):
    choices = FoundingReason
    spellings = {
        "Thành lập mới": FoundingReason.NEW,
        "Mới": FoundingReason.NEW,
        "Thành lập": FoundingReason.NEW,
        "Sáp nhập": FoundingReason.MERGER,
        "Hợp nhất": FoundingReason.MERGER,
        "Chia tách": FoundingReason.SPLIT,
        "Tách": FoundingReason.SPLIT,
        "Chia": FoundingReason.SPLIT,
        "Kiện toàn": FoundingReason.REORGANISATION,
        "Nâng cấp": FoundingReason.REORGANISATION,
        "Tổ chức lại": FoundingReason.REORGANISATION,
    }

    @property
    def unknown_message(self):
        return gettext(
            "Unknown founding reason “%(value)s”. Write Thành lập mới, Sáp nhập, Chia tách or "
            "Tổ chức lại."
        )


class EndReasonWidget(ChoiceWidget):
    choices = EndReason
    spellings = {
        "Giải thể": EndReason.DISSOLVED,
        "Sáp nhập": EndReason.MERGED,
        "Hợp nhất": EndReason.MERGED,
        "Chia tách": EndReason.SPLIT,
        "Tách": EndReason.SPLIT,
    }

    @property
    def unknown_message(self):
        return gettext("Unknown end reason “%(value)s”. Write Giải thể, Sáp nhập or Chia tách.")


class UnitTypeWidget(OwnershipWidget):
    """The unit type a committee chose (a joint cell of mixed types): the rows of Biểu 5."""


class CountWidget(WorkersWidget):
    """A number of people (official members at founding): "1.260" or 1260, never negative."""

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        number = self._parse(value)
        if number is None or number < 0:
            raise ValueError(gettext("“%(value)s” is not a whole number.") % {"value": value})
        return super().clean(value, row=row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return str(value) if value is not None else ""


_SEPARATORS = re.compile(r"[;,\n]+")


class TaxCodesWidget(widgets.Widget):
    """The tax codes of the enterprises an organisation serves, separated by ";" or ",": a
    tuple of canonical codes (a leading zero Excel dropped is put back)."""

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        parse = TaxCodeWidget().parse
        codes, wrong = [], []
        for part in _SEPARATORS.split(_cell_text(value)):
            part = part.strip()
            if not part:
                continue
            try:
                code = parse(part)[0]
            except ValueError:
                wrong.append(part)
                continue
            if code not in codes:
                codes.append(code)
        if wrong:
            raise ValueError(
                gettext("Not a valid tax code: %(codes)s. Separate several codes with “;”.")
                % {"codes": ", ".join(wrong)}
            )
        return tuple(codes)

    def render(self, value, obj=None, **kwargs):
        return "; ".join(value or ())


def _text(name: str):
    return partial(TextWidget, max_length=PartyOrganization._meta.get_field(name).max_length)


COLUMNS = (
    Column("code", _("Code (Mã tổ chức)"),
           ("ma to chuc", "ma", "ma so", "ma don vi", "ma to chuc dang", "ma tcd", "ky hieu",
            "code", "organisation code", "organization code"),
           widget=CodeWidget, heading=_("code")),
    Column("name", _("Name (Tên tổ chức)"),
           ("ten to chuc", "ten", "ten to chuc dang", "ten chi bo", "ten dang bo",
            "ten to chuc co so dang", "to chuc dang", "name"),
           widget=_text("name")),
    Column("kind", _("Kind (Loại tổ chức)"),
           ("loai to chuc", "loai", "loai hinh to chuc", "cap to chuc", "hinh thuc to chuc",
            "kind"),
           widget=KindWidget),
    Column("parent", _("Upper organisation code (Mã tổ chức cấp trên)"),
           ("ma to chuc cap tren", "ma cap tren", "cap tren", "truc thuoc", "to chuc cap tren",
            "ma truc thuoc", "thuoc", "parent", "parent code", "upper organisation code"),
           widget=CodeWidget, attribute="parent_code",
           heading=_("upper organisation code")),
    Column("founded_on", _("Founding date (Ngày thành lập)"),
           ("ngay thanh lap", "ngay quyet dinh thanh lap", "ngay qd thanh lap", "thanh lap ngay",
            "founding date", "founded on"),
           widget=DateWidget),
    Column("founding_decision_no", _("Founding decision number (Số quyết định thành lập)"),
           ("so quyet dinh thanh lap", "so quyet dinh", "so qd", "so qd thanh lap",
            "quyet dinh thanh lap", "quyet dinh", "founding decision", "decision number"),
           widget=_text("founding_decision_no")),
    Column("founding_body", _("Issuing body (Cơ quan ra quyết định)"),
           ("co quan ra quyet dinh", "co quan ban hanh", "noi ban hanh", "cap ra quyet dinh",
            "don vi ban hanh", "issuing body"),
           widget=_text("founding_body")),
    Column("founding_members", _("Members at founding (Số đảng viên khi thành lập)"),
           ("so dang vien khi thanh lap", "dang vien khi thanh lap", "so dang vien thanh lap",
            "so dang vien chinh thuc khi thanh lap", "founding members"),
           widget=CountWidget),
    Column("founding_reason", _("Founding reason (Hình thức thành lập)"),
           ("hinh thuc thanh lap", "ly do thanh lap", "founding reason"),
           widget=FoundingReasonWidget),
    Column("enterprises", _("Tax codes of the enterprises served (MST doanh nghiệp)"),
           ("mst doanh nghiep", "ma so thue", "mst", "mst dn", "ma so thue doanh nghiep",
            "doanh nghiep phuc vu", "mst doanh nghiep phuc vu", "ma so thue don vi",
            "tax codes", "enterprises served"),
           widget=TaxCodesWidget, attribute="enterprise_codes",
           heading=_("tax codes of the enterprises served")),
    Column("unit_type", _("Unit type (Loại hình đơn vị)"),
           ("loai hinh don vi", "loai hinh", "loai hinh doanh nghiep", "unit type"),
           widget=UnitTypeWidget, attribute="chosen_unit_type", heading=_("unit type, as chosen")),
    Column("ended_on", _("End date (Ngày kết thúc)"),
           ("ngay ket thuc", "ngay giai the", "ngay cham dut", "ngay cham dut hoat dong",
            "end date", "ended on"),
           widget=DateWidget),
    Column("end_reason", _("End reason (Lý do kết thúc)"),
           ("ly do ket thuc", "hinh thuc ket thuc", "ly do giai the", "ly do", "end reason"),
           widget=EndReasonWidget),
)  # fmt: skip

ORGANIZATIONS = ImportKind(model=PartyOrganization, columns=COLUMNS, key="code")
REQUIRED = ("code",)
LIST_COLUMNS = ORGANIZATIONS.list_columns

# The model's fields, under the column of the file that fills them.
FIELD_COLUMNS = {
    "code": "code",
    "name": "name",
    "kind": "kind",
    "parent": "parent",
    "founded_on": "founded_on",
    "founding_decision_no": "founding_decision_no",
    "founding_body": "founding_body",
    "founding_members": "founding_members",
    "founding_reason": "founding_reason",
    "enterprises": "enterprises",
    "links_on": "enterprises",
    "chosen_unit_type": "unit_type",
    "ended_on": "ended_on",
    "end_reason": "end_reason",
}


@dataclass
class OrganizationListSettings(ImportSettings):
    by: object = None  # the acting account, or SYSTEM
    under: PartyOrganization | None = None  # where rows without a parent go
    # The service that writes a row with the tree's rules (`services.organization_save`),
    # given by the caller: `organizations.services` imports this module.
    save: Callable | None = None


class OrganizationImportResource(SettledListResource):
    """One party organisation per row, merged by code, written parents first."""

    kind = ORGANIZATIONS
    field_columns = FIELD_COLUMNS
    settings_class = OrganizationListSettings

    class Meta(SettledListResource.Meta):
        model = PartyOrganization
        import_id_fields = ["code"]
        batch_size = 1000

    def __init__(self, *, settings: OrganizationListSettings, header, invalid_rows=None):
        super().__init__(settings=settings, header=header, invalid_rows=invalid_rows)
        self.saved: dict[str, PartyOrganization] = {}  # code -> written in this import
        self.lines: dict[str, Pending] = {}
        self.invalid_codes: dict[str, int] = {}  # code -> the line of its invalid row

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.import_type == RowResult.IMPORT_TYPE_INVALID and self.current_key:
            self.invalid_codes.setdefault(self.current_key, self._line)
        return row_result

    def repeated(self, key, first):
        return gettext("Code %(code)s already appears on line %(line)s of this file.") % {
            "code": key,
            "line": first,
        }

    def load_existing(self, keys):
        """Code -> the organisation, with its upper organisation's code and the tax codes of
        the enterprises it serves now (whoever's they are: the row says if it may not)."""
        found = {
            o.code: o
            for o in PartyOrganization.objects.filter(code__in=searchable(keys)).select_related(
                "parent"
            )
        }
        served: dict[int, set] = {}
        links = EnterpriseLink.objects.current().filter(
            organization_id__in=[o.pk for o in found.values()]
        )
        for organization_id, tax_code in links.values_list(
            "organization_id", "enterprise__tax_code"
        ):
            served.setdefault(organization_id, set()).add(tax_code)
        for o in found.values():
            o.served_codes = served.get(o.pk, set())
        return found

    def fresh(self, instance) -> None:
        instance.code = self.current_key or ""
        instance.served_codes = set()

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        instance.parent_code = None
        instance.enterprise_codes = None
        self._old_parent = instance.parent.code if not new and instance.parent_id else ""

    def check_row(self, instance, row, errors) -> None:
        scope = self.settings.scope
        code_column = self.column("code")
        if not self._new:
            if not scope.contains_path(instance.path):
                errors.setdefault(code_column, []).append(
                    gettext(
                        "Code %(code)s belongs to an organisation outside your committee: this "
                        "list cannot change it."
                    )
                    % {"code": instance.code}
                )
                return
            if (
                not scope.everything
                and instance.path == scope.path
                and (self._current(instance) != self._original or self.changes_beyond(instance))
            ):
                errors.setdefault(code_column, []).append(
                    gettext("%(name)s is your own committee: its record is kept by the body above.")
                    % {"name": instance.name}
                )
                return
        if instance.parent_code and instance.parent_code == instance.code:
            errors.setdefault(self.column("parent"), []).append(
                gettext("An organisation cannot sit under itself or its own sub-organisations.")
            )
        if self._new:
            for key, message in (
                ("name", gettext("The name is missing.")),
                ("kind", gettext("The kind of organisation is missing.")),
                ("founded_on", gettext("The founding date is missing.")),
            ):
                column = self.column(key)
                if not getattr(instance, key) and column not in errors:
                    errors.setdefault(column, []).append(message)

    def changes_beyond(self, instance) -> bool:
        parent = instance.parent_code
        codes = instance.enterprise_codes
        return bool(
            (parent and parent != self._old_parent)
            or (codes is not None and set(codes) != instance.served_codes)
        )

    def other_changes(self, instance):
        changes = []
        if instance.parent_code and instance.parent_code != self._old_parent:
            changes.append((self.column("parent"), self._old_parent, instance.parent_code))
        codes = instance.enterprise_codes
        if codes is not None and set(codes) != instance.served_codes:
            changes.append(
                (self.column("enterprises"), "; ".join(sorted(instance.served_codes)),
                 "; ".join(codes))
            )  # fmt: skip
        return changes

    # --- the writes, parents first -------------------------------------------------------------

    def order(self, pending):
        self.lines = {p.instance.code: p for p in pending}

        def cycle(rows: list[Pending]) -> None:
            lines = ", ".join(str(p.line) for p in sorted(rows, key=lambda p: p.line))
            for p in rows:
                self.invalidate(
                    p,
                    [(self.column("parent"),
                      gettext("The upper organisations of lines %(lines)s form a cycle.")
                      % {"lines": lines})],
                )  # fmt: skip

        return settle_in_order(
            pending,
            key=lambda p: p.instance.code,
            parent_key=lambda p: p.instance.parent_code,
            on_cycle=cycle,
        )

    def _parent(self, instance, new: bool):
        """The upper organisation the row names (or the default for a new one), or raise."""
        code = instance.parent_code
        settings = self.settings
        if code:
            if code in self.saved:
                return self.saved[code]
            earlier = self.lines.get(code)
            line = self.invalid_codes.get(code)
            if earlier is not None and earlier.extra.get("invalid"):
                line = earlier.line
            if line is not None:
                raise ValidationError(
                    {"parent": gettext(
                        "The upper organisation %(code)s (line %(line)s) has errors: fix that "
                        "row first."
                    ) % {"code": code, "line": line}}
                )  # fmt: skip
            parent = PartyOrganization.objects.in_scope(settings.scope).filter(code=code).first()
            if parent is None:
                raise ValidationError(
                    {"parent": gettext("No organisation with code %(code)s in your committee.")
                     % {"code": code}}
                )  # fmt: skip
            return parent
        if not new:
            return instance.parent
        if settings.under is not None:
            return settings.under
        if settings.scope.everything:
            return None  # a top-level body: how a new installation gets its first committee
        raise ValidationError(
            {"parent": gettext(
                "The upper organisation's code is missing: give it, or choose the organisation "
                "the rows without one go under."
            )}
        )  # fmt: skip

    def _enterprises(self, instance) -> list[Enterprise] | None:
        codes = instance.enterprise_codes
        if codes is None:
            return None
        found = {
            e.tax_code: e
            for e in Enterprise.objects.in_scope(self.settings.scope).filter(
                tax_code__in=searchable(codes)
            )
        }
        missing = [code for code in codes if code not in found]
        if missing:
            raise ValidationError(
                {"enterprises": gettext(
                    "No enterprise with tax code %(codes)s in your committee's zones."
                ) % {"codes": ", ".join(missing)}}
            )  # fmt: skip
        return [found[code] for code in codes]

    def save_row(self, pending: Pending) -> None:
        instance = pending.instance
        instance.parent = self._parent(instance, pending.new)
        enterprises = self._enterprises(instance)
        record = self.settings.record
        if record is not None:
            if pending.new:
                instance.created_by_import = record
            instance.last_changed_by_import = record
        self.settings.save(organization=instance, enterprises=enterprises, by=self.settings.by)
        self.saved[instance.code] = instance
        self.written_paths.add(instance.path)


__all__ = ["LIST_COLUMNS", "ORGANIZATIONS", "OrganizationImportResource"]
