"""Cells to values: django-import-export widgets for what boards write.

Each widget's `clean` returns the value to store, None for a blank cell, or raises ValueError
with a message in the user's language that the preview shows beside the line and column.
"""

from __future__ import annotations

import datetime
import operator
import re

from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from import_export import widgets
from stdnum.vn import mst

from organizations import bounds
from organizations.imports.text import fold
from organizations.models import EnterpriseStatus, Ownership
from organizations.validators import CANONICAL_TAX_CODE, validate_tax_code


def blank(value) -> bool:
    """Whether a cell is blank: None (a workbook's empty cell) or the empty text."""
    return value is None or value == ""


# --- Cells a spreadsheet would run -----------------------------------------------------------
#
# Exports (and the file of invalid rows) put an apostrophe before a text cell that a
# spreadsheet would run as a formula, so that it shows as text. An import must take back that
# apostrophe, and only that one, or `=1+1` exported and imported again becomes `'=1+1`. So the
# two are one pair, defined here: the export adds an apostrophe exactly when `_neutralised`
# holds, and the import removes one exactly when the rest is such a cell. A text that already
# begins with apostrophes before a formula start (`'=1`, typed so on purpose) gets one more on
# export, so it comes back as typed; any other leading apostrophe (`'Hoa Sen'`) is never
# touched, nor a number with a sign (`-15`, never neutralised).

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*")


def _neutralised(text: str) -> bool:
    """Whether an export puts an apostrophe before `text`."""
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_STARTS) and not _SIGNED_NUMBER.fullmatch(bare)


def neutralise_formula(value):
    """A text cell that a spreadsheet would run as a formula (it begins with = + - @, a tab or
    a carriage return) made plain text by a leading apostrophe; numbers and other cells are
    left as they are."""
    if isinstance(value, str) and _neutralised(value):
        return "'" + value
    return value


def restore_formula(value):
    """The cell as it was before `neutralise_formula`: the apostrophe an export added is taken
    back; any other cell is returned as it is."""
    if isinstance(value, str) and value[:1] == "'" and _neutralised(value[1:]):
        return value[1:]
    return value


class TextWidget(widgets.CharWidget):
    """Text as cleaned by the reader, refused when longer than the database column. The
    apostrophe an export put before a formula is taken back."""

    def __init__(self, max_length: int):
        super().__init__(allow_blank=True)
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None  # a blank cell never erases what the records hold
        text = str(value)
        if text[:1] == "'":  # checked here: a national list has millions of text cells
            text = restore_formula(text)
        if "\x00" in text:  # no text on record holds one, and PostgreSQL refuses it
            raise ValueError(_("The cell holds a NUL character, which no text may contain."))
        if len(text) > self.max_length:
            raise ValueError(
                _("Too long: %(length)s characters, at most %(max)s.")
                % {"length": len(text), "max": self.max_length}
            )
        return text


_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def _check_digit(code: str) -> str:
    """python-stdnum's mst.calc_check_digit, with the sum done in C."""
    return str(10 - sum(map(operator.mul, _WEIGHTS, map(int, code[:9]))) % 11)


class TaxCodeWidget(widgets.Widget):
    """A tax code kept as text, with its check digit validated (python-stdnum).

    Excel drops the leading zero of codes typed as numbers (Hà Nội codes start with 01): a
    9-digit code (or 9 + 3 for a branch) whose zero-padded form is valid gets its zero back,
    and `parse` says so."""

    def parse(self, value) -> tuple[str, bool]:
        """(canonical code, whether a lost leading zero was restored). Raises ValueError."""
        if blank(value):
            raise ValueError(_("The tax code is missing."))
        text = str(value).strip()
        if (
            CANONICAL_TAX_CODE.fullmatch(text)
            and _check_digit(text) == text[9]
            and text[2:9] != "0000000"
            and not text.endswith("-000")
        ):
            # The common case, settled without python-stdnum's general path (which the
            # codes it does not settle go through below).
            return text, False
        digits = mst.compact(text)
        if digits.isdigit() and len(digits) in (9, 12) and mst.is_valid("0" + digits):
            return mst.format("0" + digits), True
        try:
            validate_tax_code(text)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from exc
        return mst.format(digits), False

    def clean(self, value, row=None, **kwargs):
        return self.parse(value)[0]


def spelled(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """A widget's `spellings` written by choice: {choice: (spelling, …)} → {spelling: choice}."""
    return {spelling: value for value, spellings in groups.items() for spelling in spellings}


class ChoiceWidget(widgets.Widget):
    """A label mapped to one of the model's choices, whatever its spelling: the folded labels
    below, the choices' own labels in Vietnamese and English, and their codes."""

    choices = None  # a TextChoices class
    spellings: dict[str, str] = {}
    nouns: tuple[str, ...] = ()  # folded words that may stand before a label
    unknown_message = ""

    def __init__(self):
        super().__init__()
        known = {fold(spelling): str(value) for spelling, value in self.spellings.items()}
        for language in ("vi", "en"):
            with translation.override(language):
                for value, label in self.choices.choices:
                    known.setdefault(fold(str(label)), str(value))
                    known.setdefault(fold(value), str(value))
        self.known = known

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        text = str(value)
        key = fold(restore_formula(text) if text[:1] == "'" else text)
        if key in self.known:
            return self.known[key]
        # "Công ty TNHH MTV", "Doanh nghiệp liên doanh": the kind without the noun before it.
        for noun in self.nouns:
            if key.startswith(noun + " ") and key[len(noun) + 1 :] in self.known:
                return self.known[key[len(noun) + 1 :]]
        raise ValueError(self.unknown_message % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class OwnershipWidget(ChoiceWidget):
    """Ownership labels as boards write them, mapped to the rows of Biểu 5."""

    choices = Ownership
    nouns = ("cong ty", "doanh nghiep", "dn", "loai hinh")
    spellings = {
        # State capital
        "Nhà nước": Ownership.STATE,
        "DN nhà nước": Ownership.STATE,
        "Doanh nghiệp nhà nước": Ownership.STATE,
        "DNNN": Ownership.STATE,
        "100% vốn nhà nước": Ownership.STATE,
        "Vốn nhà nước 100%": Ownership.STATE,
        "Công ty TNHH MTV nhà nước": Ownership.STATE,
        "Nhà nước trên 50%": Ownership.STATE_MAJORITY,
        "Vốn nhà nước trên 50%": Ownership.STATE_MAJORITY,
        "Nhà nước chi phối": Ownership.STATE_MAJORITY,
        "Nhà nước dưới 50%": Ownership.STATE_MINORITY,
        "Vốn nhà nước dưới 50%": Ownership.STATE_MINORITY,
        "Vốn nhà nước từ 50% trở xuống": Ownership.STATE_MINORITY,
        # Domestic non-state
        "Cổ phần": Ownership.JSC,
        "Công ty cổ phần": Ownership.JSC,
        "CTCP": Ownership.JSC,
        "CP": Ownership.JSC,
        "JSC": Ownership.JSC,
        "TNHH": Ownership.LLC,
        "Công ty TNHH": Ownership.LLC,
        "TNHH MTV": Ownership.LLC,
        "TNHH một thành viên": Ownership.LLC,
        "TNHH 2 TV": Ownership.LLC,
        "TNHH hai thành viên trở lên": Ownership.LLC,
        "Trách nhiệm hữu hạn": Ownership.LLC,
        "TNHH hai thành viên": Ownership.LLC,
        "LLC": Ownership.LLC,
        "DNTN": Ownership.PRIVATE,
        "Doanh nghiệp tư nhân": Ownership.PRIVATE,
        "Tư nhân": Ownership.PRIVATE,
        "Hợp danh": Ownership.PARTNERSHIP,
        "Công ty hợp danh": Ownership.PARTNERSHIP,
        "HTX": Ownership.COOPERATIVE,
        "Hợp tác xã": Ownership.COOPERATIVE,
        # Foreign-invested: "FDI" alone means 100% foreign capital in the boards' lists.
        "FDI": Ownership.FDI100,
        "DN FDI": Ownership.FDI100,
        "100% vốn nước ngoài": Ownership.FDI100,
        "DN 100% vốn nước ngoài": Ownership.FDI100,
        "DN 100% vốn FDI": Ownership.FDI100,
        "100% vốn FDI": Ownership.FDI100,
        "Vốn nước ngoài 100%": Ownership.FDI100,
        "100% vốn đầu tư nước ngoài": Ownership.FDI100,
        "Liên doanh": Ownership.JV,
        "Liên doanh với nước ngoài": Ownership.JV,
        "DN liên doanh": Ownership.JV,
        "Công ty liên doanh": Ownership.JV,
        "JV": Ownership.JV,
        "Có vốn đầu tư nước ngoài": Ownership.FDI_OTHER,
        "Có vốn nước ngoài": Ownership.FDI_OTHER,
        "DN có vốn đầu tư nước ngoài": Ownership.FDI_OTHER,
        # Agencies
        "Cơ quan hành chính": Ownership.AGENCY,
        "Cơ quan nhà nước": Ownership.AGENCY,
        "Cơ quan": Ownership.AGENCY,
        "Đơn vị sự nghiệp": Ownership.PUBLIC_SERVICE,
        "Đơn vị sự nghiệp công lập": Ownership.PUBLIC_SERVICE,
        "ĐVSN": Ownership.PUBLIC_SERVICE,
    }

    @property
    def unknown_message(self):
        return _(
            "Unknown ownership type “%(value)s”. Write one of: Nhà nước, Cổ phần, TNHH, DNTN, "
            "Hợp danh, HTX, 100%% vốn nước ngoài (FDI), Liên doanh, Có vốn đầu tư nước ngoài, "
            "Cơ quan hành chính, Đơn vị sự nghiệp."
        )


class StatusWidget(ChoiceWidget):
    choices = EnterpriseStatus
    spellings = {
        "Đang hoạt động": EnterpriseStatus.ACTIVE,
        "Hoạt động": EnterpriseStatus.ACTIVE,
        "HĐ": EnterpriseStatus.ACTIVE,
        "Tạm ngừng": EnterpriseStatus.SUSPENDED,
        "Tạm ngừng hoạt động": EnterpriseStatus.SUSPENDED,
        "Tạm ngưng": EnterpriseStatus.SUSPENDED,
        "Tạm ngưng hoạt động": EnterpriseStatus.SUSPENDED,
        "Tạm dừng": EnterpriseStatus.SUSPENDED,
        "Tạm dừng hoạt động": EnterpriseStatus.SUSPENDED,
        "Giải thể": EnterpriseStatus.CLOSED,
        "Đã giải thể": EnterpriseStatus.CLOSED,
        "Ngừng hoạt động": EnterpriseStatus.CLOSED,
        "Chấm dứt hoạt động": EnterpriseStatus.CLOSED,
        "Phá sản": EnterpriseStatus.CLOSED,
        "Đóng cửa": EnterpriseStatus.CLOSED,
    }

    @property
    def unknown_message(self):
        return _(
            "Unknown status “%(value)s”. Write Đang hoạt động, Tạm ngừng hoạt động or Giải thể."
        )


EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class DateWidget(widgets.Widget):
    """dd/mm/yyyy (also with - or .), ISO yyyy-mm-dd, Excel date cells and Excel serial numbers
    (a date cell saved to CSV as a number). Never in the future."""

    today = None  # set by the resource for the length of an import
    earliest = bounds.EARLIEST  # the records' own bound (organizations.bounds)

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        date = self._parse(value)
        if date is None:
            raise ValueError(
                _("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": value}
            )
        if date > (self.today or timezone.localdate()):
            raise ValueError(self.in_future(date))
        if date < self.earliest:
            raise ValueError(
                _("The date %(date)s is too early: enter a date on or after %(earliest)s.")
                % {
                    "date": formats.date_format(date, "SHORT_DATE_FORMAT"),
                    "earliest": formats.date_format(self.earliest, "SHORT_DATE_FORMAT"),
                }
            )
        return date

    def in_future(self, date) -> str:
        """The message for a date after today."""
        return _("The date %(date)s is in the future.") % {
            "date": formats.date_format(date, "SHORT_DATE_FORMAT")
        }

    @staticmethod
    def _parse(value) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float):
            return DateWidget._serial(value)
        text = str(value).strip()
        if len(text) == 10 and text[2] == "/" and text[5] == "/":  # dd/mm/yyyy, most lists
            try:
                return datetime.date(int(text[6:]), int(text[3:5]), int(text[:2]))
            except ValueError:
                return None
        if text.isdigit() and 4 <= len(text) <= 5:
            return DateWidget._serial(int(text))
        for pattern, order in ((_DMY, (2, 1, 0)), (_ISO, (0, 1, 2))):
            found = pattern.match(text)
            if found:
                year, month, day = (int(found.group(i + 1)) for i in order)
                try:
                    return datetime.date(year, month, day)
                except ValueError:
                    return None
        return None

    @staticmethod
    def _serial(number) -> datetime.date | None:
        if not 1 <= number < 2958466:  # Excel's range: 1900 to 9999
            return None
        return EXCEL_EPOCH + datetime.timedelta(days=int(number))

    def render(self, value, obj=None, **kwargs):
        return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


_GROUPED = re.compile(r"^-?\d{1,3}(?:([.,\u00a0 ])\d{3})(?:\1\d{3})*$")
_INTEGER = re.compile(r"-?\d+")
_SEPARATORS = re.compile(r"[.,\u00a0 ]")


class WorkersWidget(widgets.Widget):
    """A number of workers: a whole number, "." (or "," or a space) as thousands separator,
    never negative."""

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        number = self._parse(value)
        if number is None:
            raise ValueError(_("“%(value)s” is not a whole number of workers.") % {"value": value})
        if number < 0:
            raise ValueError(
                _("The number of workers cannot be negative (%(value)s).") % {"value": value}
            )
        if number > bounds.MAX_PEOPLE:  # a typing slip, and beyond what the records hold
            raise ValueError(
                _("%(value)s workers is more than any enterprise has (at most %(max)s).")
                % {
                    "value": value,
                    "max": formats.number_format(bounds.MAX_PEOPLE, force_grouping=True),
                }
            )
        return number

    @staticmethod
    def _parse(value) -> int | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return int(value) if value.is_integer() else None
        text = str(value).strip()
        if text.isdigit() or _INTEGER.fullmatch(text):
            return int(text)
        if _GROUPED.match(text):
            return int(_SEPARATORS.sub("", text))
        return None

    def render(self, value, obj=None, **kwargs):
        return formats.number_format(value, force_grouping=True) if value is not None else ""


class ZoneWidget(widgets.Widget):
    """A zone named in the file, resolved by the resource (which knows the account's zones and
    whether new zones may be created)."""

    def __init__(self, resolve):
        super().__init__()
        self.resolve = resolve

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str) and value[:1] == "'":
            value = restore_formula(value)
        return self.resolve(value)

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""
