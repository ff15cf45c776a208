"""The one rounding rule: exact, shown with 2 decimals, half up (70/91 = 76.92)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from reports.values import Count, Ratio, achieved, change, exceeded, percent, rounded


def test_seventy_of_ninety_one_is_76_92_percent():
    assert Ratio(70, 91).percent == Decimal("76.92")
    assert str(Ratio(70, 91).percent) == "76.92"
    assert Ratio(70, 91).exact == Fraction(7000, 91)


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (1, 8, "12.50"),
        (1, 800, "0.13"),  # 0.125: half up, where rounding half to even gives 0.12
        (1, 1600, "0.06"),  # 0.0625
        (3, 1600, "0.19"),  # 0.1875
        (2, 3, "66.67"),
        (1, 3, "33.33"),
        (5, 7, "71.43"),
        (0, 9, "0.00"),
        (9, 9, "100.00"),
        (255, 240, "106.25"),
    ],
)
def test_percentages_round_half_up_to_two_decimals(numerator, denominator, shown):
    assert str(percent(numerator, denominator)) == shown


def test_rounding_is_exact_even_where_binary_floats_are_not():
    # 1.005 is 1.00499999… as a float: rounding the float would give 1.00.
    assert rounded(Fraction(1005, 1000)) == Decimal("1.01")
    assert rounded(Decimal("2.675")) == Decimal("2.68")
    assert rounded(Fraction(-1, 8)) == Decimal("-0.13")


def test_a_share_of_nothing_is_no_figure():
    assert Ratio(0, 0).percent is None
    assert Ratio(0, 0).exact is None
    assert percent(5, 0) is None


def test_achieved_and_exceeded_as_the_targets_read_them():
    # Issue 11's example: 3 cells founded (at least 2), 8 unions (10), 36 admitted (30–50).
    assert achieved(Count(3), 2) == Decimal("150.00")
    assert exceeded(Count(3), 2) == Decimal("50.00")
    assert achieved(8, 10) == Decimal("80.00") and exceeded(8, 10) is None
    assert achieved(36, 30) == Decimal("120.00")
    assert exceeded(Count(2), 2) is None  # exactly the target: nothing exceeded
    # A percentage against a percentage target: 70 of 80 rated HTT or better, over 85%.
    assert achieved(Ratio(70, 80), 85) == Decimal("102.94")
    assert achieved(Ratio(0, 0), 85) is None
    assert achieved(5, 0) is None


def test_the_change_column_is_this_over_last_year():
    assert change(Count(36), Count(30)) == Decimal("120.00")
    assert change(Count(6), Count(8)) == Decimal("75.00")
    assert change(Count(1), Count(0)) is None
    # Of the exact percentages, not of the rounded ones.
    assert change(Ratio(92, 99), Ratio(86, 96)) == Decimal("103.74")
    assert change(Ratio(1, 2), Ratio(0, 0)) is None


# The rounding on integers (reports.values._half_up) is the rounding of a Fraction, for every
# kind of number a figure is computed from.
NUMBERS = [0, 1, -1, 3, 7, 70, 91, 125, -125, 2**70 + 1, Fraction(1, 8), Fraction(-7, 3)]


def rounded_by_fraction(value) -> Decimal:
    exact = Fraction(value) * 100
    hundredths = (abs(exact.numerator) * 2 + exact.denominator) // (2 * exact.denominator)
    return Decimal(-hundredths if exact < 0 else hundredths).scaleb(-2)


@pytest.mark.parametrize("value", [*NUMBERS, Decimal("0.125"), Decimal("-76.925")])
def test_rounding_on_integers_is_the_rounding_of_the_fraction(value):
    assert rounded(value).as_tuple() == rounded_by_fraction(value).as_tuple()


def test_a_percentage_on_integers_is_the_rounding_of_the_fraction():
    for numerator in [*NUMBERS, Decimal("2.5")]:
        for denominator in [*NUMBERS, Decimal("-0.3")]:
            found = percent(numerator, denominator)
            if not denominator:
                assert found is None
                continue
            exact = Fraction(numerator) * 100 / Fraction(denominator)
            assert found.as_tuple() == rounded_by_fraction(exact).as_tuple(), (
                numerator,
                denominator,
            )
