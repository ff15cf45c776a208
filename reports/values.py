"""The values a figure takes, and the one rounding rule every figure is shown with.

Computing is exact (integers, `Fraction`); a percentage is rounded once, when it is shown, to 2
decimals, half up: 70 of 91 is 76.92. Writing it the Vietnamese way ("76,92%", "1.260") is for
templates and exports, not for this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Number = int | Decimal | Fraction


def rounded(value: Number) -> Decimal:
    """`value` with 2 decimals, half up (away from zero, as by hand): 76.923… → 76.92,
    0.125 → 0.13."""
    if isinstance(value, int | Fraction):
        return _half_up(value.numerator * 100, value.denominator)
    exact = Fraction(value) * 100
    return _half_up(exact.numerator, exact.denominator)


def _half_up(top: int, bottom: int) -> Decimal:
    """top ÷ bottom hundredths (integers, bottom not 0) to the nearest, half up: the rounding
    of `rounded` on the integers themselves, without a Fraction (its gcd) for each of the
    thousands of figures a page shows."""
    hundredths = (abs(top) * 2 + abs(bottom)) // (2 * abs(bottom))
    negative = top != 0 and (top < 0) != (bottom < 0)
    return Decimal(-hundredths if negative else hundredths).scaleb(-2)


def percent(numerator: Number, denominator: Number) -> Decimal | None:
    """numerator ÷ denominator × 100, rounded as every figure is; None when the denominator
    is 0 (a share of nothing is no figure, not 0%)."""
    if not denominator:
        return None
    if isinstance(numerator, int | Fraction) and isinstance(denominator, int | Fraction):
        # (a/b) ÷ (c/d) × 100 in hundredths: a·d·10000 over b·c.
        return _half_up(
            numerator.numerator * denominator.denominator * 10000,
            numerator.denominator * denominator.numerator,
        )
    return rounded(Fraction(numerator) * 100 / Fraction(denominator))


@dataclass(frozen=True)
class Count:
    """How many: members admitted, unions founded."""

    value: int

    unit = "count"

    @property
    def exact(self) -> Fraction:
        return Fraction(self.value)

    @property
    def shown(self) -> int:
        """The figure as shown."""
        return self.value

    @classmethod
    def zero(cls) -> Count:
        return cls(0)


@dataclass(frozen=True)
class Ratio:
    """A share with both its counts: 70 of 91 rated HTT or better is 76.92%."""

    numerator: int
    denominator: int

    unit = "percent"

    @property
    def exact(self) -> Fraction | None:
        """The percentage, unrounded (for comparisons and for `achieved`)."""
        if not self.denominator:
            return None
        return Fraction(self.numerator * 100, self.denominator)

    @property
    def percent(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)

    @property
    def shown(self) -> Decimal | None:
        return self.percent

    @classmethod
    def zero(cls) -> Ratio:
        return cls(0, 0)


Value = Count | Ratio


def change(this: Value, last: Value) -> Decimal | None:
    """The "%" column of kỳ này | cùng kỳ | %: this ÷ last × 100 (for a percentage, of the
    exact percentages), rounded as every figure is; None when there is nothing to compare
    with."""
    if this.exact is None or last.exact is None:
        return None
    return percent(this.exact, last.exact)


def achieved(actual: Number | Value, minimum: Number) -> Decimal | None:
    """Đạt X% ("achieved"): actual ÷ the target's minimum × 100 (for a range, its minimum).
    None for a minimum of 0 or a percentage of nothing."""
    if isinstance(actual, Count | Ratio):
        actual = actual.exact
    if actual is None:
        return None
    return percent(actual, minimum)


def exceeded(actual: Number | Value, minimum: Number) -> Decimal | None:
    """Vượt Y% ("exceeded"): X − 100 when "đạt X%" is over 100, else None."""
    share = achieved(actual, minimum)
    if share is None or share <= 100:
        return None
    return share - 100
