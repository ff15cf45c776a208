"""Cells of a member register to values: widgets in the manner of `organizations.imports.values`
(each `clean` returns the value, None for a blank cell, or raises ValueError with a message in
the user's language), for what registers hold and enterprise lists do not."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from members.models import EventKind, Position, RatingLevel, Sex
from members.validators import normalize_digits
from organizations.imports.text import fold
from organizations.imports.values import ChoiceWidget, blank, restore_formula


def text_of(value) -> str:
    """A cell as text, without the apostrophe an export put before a formula."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return restore_formula(text) if text[:1] == "'" else text


class DigitsWidget(widgets.Widget):
    """An identity number kept as text: spaces, dots and dashes dropped; a number Excel stored
    without its leading zero (a cell typed as a number) gets it back. `parse` says whether it
    did."""

    length = 0
    message = gettext_lazy("")

    def parse(self, value) -> tuple[str, bool] | None:
        if blank(value):
            return None
        digits = normalize_digits(text_of(value))
        if not digits:
            return None
        restored = False
        if digits.isdigit() and len(digits) == self.length - 1:
            digits, restored = "0" + digits, True
        if not (digits.isdigit() and len(digits) == self.length):
            raise ValueError(self.message % {"value": text_of(value)})
        return digits, restored

    def clean(self, value, row=None, **kwargs):
        parsed = self.parse(value)
        return parsed[0] if parsed else None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class CitizenIdWidget(DigitsWidget):
    length = 12
    message = gettext_lazy("A citizen ID has exactly 12 digits; %(value)s does not.")


class CardNumberWidget(DigitsWidget):
    length = 8
    message = gettext_lazy("A party card number has exactly 8 digits; %(value)s does not.")


def column_values(resource, chunk, key: str) -> list:
    """The cells of column `key` in a chunk of `resource`'s rows (None each when the file has no
    such column)."""
    if key not in resource.fields:
        return [None] * len(chunk.lines)
    return chunk.dataset.get_col(chunk.dataset.headers.index(resource.fields[key].column_name))


def identity_numbers(resource, chunk) -> list[dict[str, str]]:
    """Each row's citizen ID and card number that read well (a cell that does not is left out:
    its own message says why), as {"citizen_id": …, "card_number": …}."""
    widgets = (("citizen_id", CitizenIdWidget()), ("card_number", CardNumberWidget()))
    columns = [column_values(resource, chunk, key) for key, _widget in widgets]
    numbers = []
    for cells in zip(*columns, strict=True):
        found = {}
        for (key, widget), value in zip(widgets, cells, strict=True):
            try:
                parsed = widget.parse(value)
            except ValueError:
                parsed = None
            if parsed:
                found[key] = parsed[0]
        numbers.append(found)
    return numbers


class SexWidget(ChoiceWidget):
    choices = Sex
    spellings = {
        "Nam": Sex.MALE,
        "Nữ": Sex.FEMALE,
        "M": Sex.MALE,
        "F": Sex.FEMALE,
        "Nam giới": Sex.MALE,
        "Nữ giới": Sex.FEMALE,
    }
    unknown_message = gettext_lazy("“%(value)s” is no sex: write Nam or Nữ.")


class PositionWidget(ChoiceWidget):
    choices = Position
    spellings = {
        "Công nhân": Position.WORKER,
        "CN": Position.WORKER,
        "Công nhân trực tiếp sản xuất": Position.WORKER,
        "Lao động trực tiếp": Position.WORKER,
        "Nhân viên": Position.EMPLOYEE,
        "NV": Position.EMPLOYEE,
        "Kỹ sư": Position.EMPLOYEE,
        "Quản lý": Position.MANAGER,
        "Cán bộ quản lý": Position.MANAGER,
        "Trưởng phòng": Position.MANAGER,
        "Giám đốc": Position.MANAGER,
        "Chủ doanh nghiệp": Position.OWNER,
        "Chủ DN": Position.OWNER,
        "Công chức": Position.OFFICIAL,
        "Viên chức": Position.OFFICIAL,
        "Công chức, viên chức": Position.OFFICIAL,
        "Khác": Position.OTHER,
    }
    unknown_message = gettext_lazy(
        "“%(value)s” is no position: write Công nhân, Nhân viên, Quản lý, Chủ doanh nghiệp, "
        "Công chức or Khác."
    )


YES = frozenset({"co", "x", "1", "yes", "true", "dv", "doan vien", "la doan vien", "v"})
NO = frozenset({"khong", "0", "no", "false", "k", "chua"})


class YesNoWidget(widgets.Widget):
    """Membership of the Youth Union or the trade union: Có / x / 1, Không / 0 (blank keeps)."""

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        if isinstance(value, bool):
            return value
        folded = fold(text_of(value))
        if folded in YES:
            return True
        if folded in NO:
            return False
        raise ValueError(_("“%(value)s” is neither Có nor Không.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "Có" if value else "Không"


class LeavingReason(models.TextChoices):
    """Why a member left, as a register says it: the values are the event kinds."""

    TRANSFER_OUT = EventKind.TRANSFER_OUT, gettext_lazy("Transferred out")
    DEATH = EventKind.DEATH, gettext_lazy("Died")
    REMOVAL = EventKind.REMOVAL, gettext_lazy("Removed from the rolls")
    EXPULSION = EventKind.EXPULSION, gettext_lazy("Expelled")
    RESIGNATION = EventKind.RESIGNATION, gettext_lazy("Left the party")


class LeavingWidget(ChoiceWidget):
    """Why a member left: the event kind it stands for."""

    choices = LeavingReason
    spellings = {
        "Chuyển đi": "transfer_out",
        "Chuyển sinh hoạt": "transfer_out",
        "Chuyển sinh hoạt đi": "transfer_out",
        "Chuyển sinh hoạt đảng chính thức": "transfer_out",
        "Chuyển SHĐ": "transfer_out",
        "Từ trần": "death",
        "Chết": "death",
        "Mất": "death",
        "Qua đời": "death",
        "Xóa tên": "removal",
        "Xoá tên": "removal",
        "Khai trừ": "expulsion",
        "Xin ra khỏi Đảng": "resignation",
        "Xin ra Đảng": "resignation",
        "Ra khỏi Đảng": "resignation",
    }
    unknown_message = gettext_lazy(
        "“%(value)s” is no reason for leaving: write Chuyển đi, Từ trần, Xóa tên, Khai trừ or "
        "Xin ra khỏi Đảng."
    )


class LevelWidget(ChoiceWidget):
    choices = RatingLevel
    spellings = {
        "HTXS": RatingLevel.EXCELLENT,
        "Hoàn thành xuất sắc nhiệm vụ": RatingLevel.EXCELLENT,
        "Hoàn thành xuất sắc": RatingLevel.EXCELLENT,
        "HTTNV": RatingLevel.GOOD,
        "HTT": RatingLevel.GOOD,
        "Hoàn thành tốt nhiệm vụ": RatingLevel.GOOD,
        "Hoàn thành tốt": RatingLevel.GOOD,
        "HT": RatingLevel.FULFILLED,
        "HTNV": RatingLevel.FULFILLED,
        "Hoàn thành nhiệm vụ": RatingLevel.FULFILLED,
        "Hoàn thành": RatingLevel.FULFILLED,
        "KHT": RatingLevel.NOT_FULFILLED,
        "KHTNV": RatingLevel.NOT_FULFILLED,
        "Không hoàn thành nhiệm vụ": RatingLevel.NOT_FULFILLED,
        "Không hoàn thành": RatingLevel.NOT_FULFILLED,
        "Không xếp loại": RatingLevel.NOT_RATED,
        "Chưa xếp loại": RatingLevel.NOT_RATED,
        "Không đánh giá": RatingLevel.NOT_RATED,
        "KXL": RatingLevel.NOT_RATED,
    }
    unknown_message = gettext_lazy(
        "“%(value)s” is no rating: write HTXS, HTT, HT, KHT or Không xếp loại."
    )

    def render(self, value, obj=None, **kwargs):
        return SHORT_LEVELS.get(value, "")


# How the exports write a level: the short forms committees use.
SHORT_LEVELS = {
    RatingLevel.EXCELLENT: "HTXS",
    RatingLevel.GOOD: "HTT",
    RatingLevel.FULFILLED: "HT",
    RatingLevel.NOT_FULFILLED: "KHT",
    RatingLevel.NOT_RATED: "Không xếp loại",
}


class YearWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        text = text_of(value)
        if not (text.isdigit() and len(text) == 4):
            raise ValueError(
                _("“%(value)s” is no year: write it with four digits.") % {"value": value}
            )
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return str(value) if value else ""


class Lookup(widgets.Widget):
    """A record the resource looks up for a chunk (a cell by code or name, an enterprise by tax
    code): `known` maps the folded cell to the record, or to the message why none."""

    missing = ""

    def __init__(self):
        super().__init__()
        self.known: dict[str, object] = {}

    def key(self, value) -> str:
        return fold(text_of(value))

    def clean(self, value, row=None, **kwargs):
        if blank(value) or not text_of(value):
            return None
        found = self.known.get(self.key(value))
        if found is None:
            raise ValueError(self.missing % {"value": text_of(value)})
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def render(self, value, obj=None, **kwargs):
        return getattr(value, "code", "") or getattr(value, "name", "") if value else ""


class CellWidget(Lookup):
    missing = gettext_lazy("No cell of this committee is called or coded “%(value)s”.")


class EnterpriseWidget(Lookup):
    missing = gettext_lazy("No enterprise with tax code %(value)s in this committee's zones.")

    def key(self, value) -> str:
        return text_of(value)

    def render(self, value, obj=None, **kwargs):
        return value.tax_code if value else ""


class OrganizationWidget(Lookup):
    missing = gettext_lazy("No organisation with code %(value)s in this committee.")

    def key(self, value) -> str:
        return text_of(value)
