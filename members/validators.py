"""Identity numbers on member records: citizen ID (CCCD), party card number, phone."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The first three digits of a 12-digit citizen ID name the province where it was registered
# (Thông tư 07/2016/TT-BCA, later 59/2021/TT-BCA); the codes of the 63 provinces stay valid
# on cards issued before the 2025 merger of provinces.
# fmt: off
PROVINCE_CODES = frozenset(f"{code:03d}" for code in (
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
    37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74,
    75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
))
# fmt: on


def normalize_digits(value: str) -> str:
    """'024 090 123 456' -> '024090123456': staff copy numbers with spaces, dots or dashes."""
    return re.sub(r"[\s.\-]", "", value or "")


def _match(pattern: str, value: str, message, code: str) -> None:
    """Refuse `value` with `message` (which may name it) unless the whole of it matches."""
    if not re.fullmatch(pattern, value or ""):
        raise ValidationError(message, code=code, params={"value": value})


def validate_citizen_id(value: str) -> None:
    _match(
        r"\d{12}",
        value,
        _("A citizen ID has exactly 12 digits; %(value)s does not."),
        "citizen_id_format",
    )
    if value[:3] not in PROVINCE_CODES:
        raise ValidationError(
            _(
                "Citizen ID %(value)s does not begin with a province code (001 for Hà Nội, "
                "024 for Bắc Giang…); please check it against the card."
            ),
            code="citizen_id_province",
            params={"value": value},
        )


def citizen_id_century_digit(birth_year: int, female: bool) -> str:
    """The fourth digit of a citizen ID: century of birth and sex (0/1 for the 1900s,
    2/3 for the 2000s; even for men, odd for women)."""
    return str((birth_year // 100 - 19) * 2 + (1 if female else 0))


def validate_card_number(value: str) -> None:
    _match(
        r"\d{8}",
        value,
        _("A party card number has exactly 8 digits; %(value)s does not."),
        "card_number_format",
    )


def validate_phone(value: str) -> None:
    _match(
        r"(0|\+84)\d{9}",
        value,
        _("Enter a Vietnamese phone number of 10 digits, e.g. 0912345678."),
        "phone_format",
    )
