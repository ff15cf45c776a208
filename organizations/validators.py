import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

# The canonical spelling: 10 digits, or 10 digits, a dash and 3 digits for a branch.
CANONICAL_TAX_CODE = re.compile(r"\d{10}(?:-\d{3})?")


def normalize_tax_code(value: str) -> str:
    """'0312 68 78 78 - 001' -> '0312687878-001'; anything unreadable is returned trimmed,
    for the validator to explain."""
    value = (value or "").strip()
    if CANONICAL_TAX_CODE.fullmatch(value):
        return value  # already canonical (bulk imports and queries pass here in numbers)
    try:
        return mst.format(mst.validate(value))
    except StdnumError:  # the validator explains what is wrong
        return value


def validate_tax_code(value: str) -> None:
    """A tax code (mã số thuế): 10 digits with a check digit, or 10 + '-' + 3 for a branch."""
    try:
        mst.validate(value)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("Tax code %(value)s has a wrong check digit; please check it against the licence."),
            code="tax_code_checksum",
            params={"value": value},
        ) from exc
    except (InvalidLength, InvalidFormat) as exc:
        raise ValidationError(
            _(
                "Tax code %(value)s is not valid: it must have 10 digits, or 10 digits, a dash "
                "and 3 digits for a branch (e.g. 0100233488 or 0314409058-002)."
            ),
            code="tax_code_format",
            params={"value": value},
        ) from exc
    except StdnumError as exc:  # any other complaint (e.g. a bad component)
        raise ValidationError(
            _("Tax code %(value)s is not valid."), code="tax_code", params={"value": value}
        ) from exc
