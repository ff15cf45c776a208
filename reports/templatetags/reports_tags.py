"""Figures as the reports' pages show them, the Vietnamese way: "1.260", "76,92%"."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from reports.values import Count

register = template.Library()
NONE = "—"


@register.filter
def number(value):
    """A count ("1.260") or a number with 2 decimals ("76,92"); "—" for none. A Decimal
    without decimals (a target of 30) is shown as the count it is."""
    if value is None or value == "":
        return NONE
    if isinstance(value, Decimal) and value.as_tuple().exponent >= 0:
        value = int(value)
    if isinstance(value, Decimal | float):
        return number_format(value, 2, use_l10n=True, force_grouping=True)
    return number_format(value, use_l10n=True, force_grouping=True)


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
