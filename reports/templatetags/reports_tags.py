"""Figures as the reports' pages show them, the Vietnamese way: "1.260", "76,92%"."""

from decimal import Decimal

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language

from reports.values import Count

register = template.Library()
NONE = "—"
HUNDREDTH = Decimal("0.01")


@register.filter
def number(value):
    """A count ("1.260") or a number with 2 decimals ("76,92"); "—" for none. A Decimal
    without decimals (a target of 30) is shown as the count it is."""
    if value is None or value == "":
        return NONE
    if isinstance(value, Decimal) and value.as_tuple().exponent >= 0:
        value = int(value)
    if isinstance(value, Decimal | float):
        return _formatted(value, 2) or number_format(value, 2, use_l10n=True, force_grouping=True)
    return _formatted(value, None) or number_format(value, use_l10n=True, force_grouping=True)


# The separators of each language whose numbers are grouped by threes (all of ours): a page
# shows up to two thousand numbers, and number_format looks the three formats up each time.
_SEPARATORS: dict[str, tuple[str, str] | None] = {}


@receiver(setting_changed)
def _formats_changed(**kwargs):
    _SEPARATORS.clear()


def _separators() -> tuple[str, str] | None:
    language = get_language()
    if language not in _SEPARATORS:
        grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
        _SEPARATORS[language] = (
            (
                get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
                get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
            )
            if type(grouping) is int and grouping == 3
            else None
        )
    return _SEPARATORS[language]


def _formatted(value, decimal_pos: int | None) -> str | None:
    """What number_format(value, decimal_pos, force_grouping=True) gives (django.utils.
    numberformat, step by step) for an int, or a Decimal with 2 decimals; None for anything
    else, which number_format formats."""
    separators = _separators()
    if separators is None:
        return None
    decimal_separator, thousand_separator = separators
    if type(value) is int and decimal_pos is None:
        text = str(value)
    elif isinstance(value, Decimal) and decimal_pos == 2 and value.is_finite():
        if abs(value) < HUNDREDTH:
            value = Decimal("0")
        _sign, digits, exponent = value.as_tuple()
        if abs(exponent) + len(digits) > 200:
            return None
        text = f"{value:f}"
    else:
        return None
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    whole, _point, decimals = text.partition(".")
    if decimal_pos is not None:
        decimals = decimals[:decimal_pos].ljust(decimal_pos, "0")
    head = len(whole) % 3 or 3
    groups = [whole[:head], *(whole[start : start + 3] for start in range(head, len(whole), 3))]
    return sign + thousand_separator.join(groups) + (decimals and decimal_separator + decimals)


@register.filter
def pct(value):
    """A percentage: "76,92%"; "—" for none."""
    if value is None:
        return NONE
    return f"{number(Decimal(value))}%"


@register.filter
def shown(value):
    """A figure: a count, or a percentage with its two counts ("76,92% (70/91)")."""
    if value is None:
        return NONE
    if isinstance(value, Count):
        return number(value.value)
    if value.percent is None:
        return NONE
    return f"{pct(value.percent)} ({number(value.numerator)}/{number(value.denominator)})"


@register.filter
def signed(value):
    """A gain: "+4", "−2", "0"."""
    if value is None:
        return NONE
    if value > 0:
        return f"+{number(value)}"
    if value < 0:
        return f"−{number(-value)}"
    return "0"


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The page's selection as a query string, with `changes` (e.g. org=child.code)."""
    selection = context.get("selection")
    return (
        selection.query(**{k: "" if v is None else str(v) for k, v in changes.items()})
        if selection
        else ""
    )


@register.inclusion_tag("admin/_home.html", takes_context=True)
def staff_home(context):
    """The home page's tasks, deadlines and latest imports for the account (reports.home)."""
    from reports import home

    request = context["request"]
    return {
        "tasks": home.tasks(request),
        "due": home.due(request),
        "imports": home.latest_imports(request),
    }


@register.inclusion_tag("admin/_my_activity.html", takes_context=True)
def my_activity(context):
    """The account's own latest changes, from the change trail (reports.home.my_activity)."""
    from reports import home

    return {"activity": home.my_activity(context["request"])}
