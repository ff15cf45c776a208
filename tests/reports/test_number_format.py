"""The reports' numbers ("1.260", "76,92") are formatted without number_format for an int or a
Decimal (reports_tags._formatted): each exactly as number_format writes it, in both languages,
and after the formats change."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.formats import number_format

from reports.templatetags.reports_tags import number, pct, shown
from reports.values import Count, Ratio

INTS = [0, 1, -1, 12, 999, 1000, -1000, 1260, 123456, 1234567, -9876543210, 10**21]
DECIMALS = [
    Decimal(text)
    for text in [
        "0.00", "-0.00", "0.001", "-0.004", "0.01", "-0.01", "76.92", "76.925", "-76.92",
        "100.00", "1234.5", "1234567.89", "0.1", "5E+3", "5.00E+3", "1E-7", "-999999.99",
        "12345678901234567890.12",
    ]
]  # fmt: skip


def by_number_format(value):
    if isinstance(value, Decimal) and value.as_tuple().exponent >= 0:
        value = int(value)
    if isinstance(value, Decimal | float):
        return number_format(value, 2, use_l10n=True, force_grouping=True)
    return number_format(value, use_l10n=True, force_grouping=True)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_numbers_are_formatted_as_number_format_formats_them(language):
    with translation.override(language):
        for value in [*INTS, *DECIMALS, 2.5, True]:
            assert number(value) == by_number_format(value), (language, value)
    with translation.override("vi"):
        assert number(1260) == "1.260"
        assert number(Decimal("76.92")) == "76,92"
        assert number(Decimal("-1234567.5")) == "-1.234.567,50"
        assert pct(Decimal("76.923")) == "76,92%"
        assert shown(Ratio(70, 91)) == "76,92% (70/91)"
        assert shown(Count(1260)) == "1.260"


def test_numbers_follow_the_formats_when_they_change():
    # Without a language, the settings' own formats: grouped by threes, or (lakh) not; one
    # after the other, so that separators kept from the first would show in the second.
    formats = [
        {"THOUSAND_SEPARATOR": " ", "DECIMAL_SEPARATOR": ";", "NUMBER_GROUPING": 3},
        {"THOUSAND_SEPARATOR": "'", "DECIMAL_SEPARATOR": "·", "NUMBER_GROUPING": 3},
        {"THOUSAND_SEPARATOR": ",", "DECIMAL_SEPARATOR": ".", "NUMBER_GROUPING": (3, 2, 0)},
    ]
    with translation.override(None):
        for changed in formats:
            with override_settings(FORMAT_MODULE_PATH=None, **changed):
                for value in [*INTS, *DECIMALS]:
                    assert number(value) == by_number_format(value), (changed, value)
        assert number(1234567) == by_number_format(1234567)
    with translation.override("vi"):
        assert number(1234567) == "1.234.567"
