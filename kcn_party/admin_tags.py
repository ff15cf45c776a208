"""Template tags of the admin's pages (the `kcn_admin` library, settings.TEMPLATES): two parts
of every admin page that Django renders through its template engine at a cost out of proportion
to what they show (docs/benchmarks.md, "Load"), with the same markup.

`nav_sidebar`: Django's navigation sidebar (admin/nav_sidebar.html), rendered once for each
list of apps, language and place in it, and kept by the process. Django renders it on every
page: a table row, four links and three translations for each model the account sees, 2–5 ms
a page. What it shows comes only from the list of apps the page was given (`available_apps`:
names, addresses, add links), the language of its labels, and which app and model the page's
address is in (the highlighted row): the key is made of exactly those, read from the page's
own list, so an account whose list differs, a change of permissions included, gets its own
sidebar, never another's or a stale one.

`fieldset_html`, `list_filter_html`, `result_rows_html`: Django's admin/includes/fieldset.html,
admin/filter.html and the rows of admin/change_list_results.html written in Python (the
project's templates of those names call them), rendered for every request as before: nothing
is kept.

tests/test_admin_site.py compares both with Django's own templates."""

from __future__ import annotations

from django import template
from django.forms.utils import ErrorList
from django.template.base import render_value_in_context
from django.template.defaultfilters import iriencode, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

# Rendered sidebars by what they show; a few kinds of account × languages × apps and models
# being read. Cleared when it grows past this.
_RENDERED: dict[tuple, str] = {}
_MOST = 512


def _within(address, here: str) -> bool:
    """The template's `address in request.path|urlencode`: false for no address (None)."""
    try:
        return address in here
    except TypeError:
        return False


def sidebar_key(apps, path: str) -> tuple:
    """Everything admin/nav_sidebar.html (and admin/app_list.html it includes) reads."""
    here = urlencode(path)
    return (
        get_language(),
        tuple(
            (
                app["app_label"],
                app["app_url"],
                str(app["name"]),
                _within(app["app_url"], here),
                tuple(
                    (
                        model["object_name"],
                        model.get("admin_url"),
                        model.get("add_url"),
                        str(model["name"]),
                        _within(model.get("admin_url"), here),
                    )
                    for model in app["models"]
                ),
            )
            for app in apps or ()
        ),
    )


@register.simple_tag(takes_context=True)
def nav_sidebar(context):
    """Django's admin/nav_sidebar.html for this page, rendered once for what it shows."""
    request = context.get("request")
    key = sidebar_key(context.get("available_apps"), getattr(request, "path", ""))
    html = _RENDERED.get(key)
    if html is None:
        sidebar = context.template.engine.get_template("admin/nav_sidebar.html")
        with context.push():
            html = sidebar.render(context)
        if len(_RENDERED) >= _MOST:
            _RENDERED.clear()
        _RENDERED[key] = html
    return html


def _line_html(line, context) -> str:
    """One line of a fieldset: the body of admin/includes/fieldset.html's loop."""
    text = render_value_in_context
    fields = list(line)  # the template walks the line twice; one walk builds the same fields
    single = len(line.fields) == 1
    # A form without errors (every page that is only read) writes each field's empty list of
    # errors as nothing, through a template each: written as nothing at once.
    errors = bool(line.form.errors) or line.form.error_class is not ErrorList
    line_errors = text(line.errors(), context) if single and errors else ""
    row = "form-row"
    if line_errors:
        row += " errors"
    if not line.has_visible_field:
        row += " hidden"
    for field in fields:
        name = _bound(field, "name")
        if name:
            row += " field-" + text(name, context)
    parts = [f'<div class="{row}">']
    if single:
        parts.append(line_errors)
    else:
        parts.append('<div class="flex-container form-multiline">')
    for field in fields:
        parts.append("<div>")
        field_errors = ""
        if not single and not field.is_readonly and errors:
            field_errors = text(field.errors(), context)
        parts.append(field_errors)
        box = "flex-container"
        if not single:
            box += " fieldBox"
            name = _bound(field, "name")
            if name:
                box += " field-" + text(name, context)
            if field_errors:
                box += " errors"
            if _bound(field, "is_hidden"):
                box += " hidden"
        if field.is_checkbox:
            box += " checkbox-row"
        parts.append(f'<div class="{box}">')
        if field.is_checkbox:
            parts.append(text(field.field, context) + text(field.label_tag(), context))
        else:
            parts.append(text(field.label_tag(), context))
            if field.is_readonly:
                parts.append(f'<div class="readonly">{text(field.contents(), context)}</div>')
            else:
                parts.append(text(field.field, context))
        parts.append("</div>")
        help_text = _bound(field, "help_text")
        if help_text:
            hidden = " hidden" if _bound(field, "is_hidden") else ""
            for_label = _bound(field, "id_for_label")
            helptext_id = f' id="{text(for_label, context)}_helptext"' if for_label else ""
            parts.append(f'<div class="help{hidden}"{helptext_id}>')
            # `|safe` in Django's template: help texts are the code's, and may hold markup.
            parts.append(f"<div>{text(mark_safe(help_text), context)}</div>")  # noqa: S308
            parts.append("</div>")
        parts.append("</div>")
    if not single:
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


def _bound(field, attribute):
    """The template's `field.field.<attribute>`: the bound field's, or for a read-only field
    the entry of the dictionary Django gives in its place (None when it has none)."""
    if isinstance(field.field, dict):
        return field.field.get(attribute)
    return getattr(field.field, attribute)


@register.simple_tag(takes_context=True)
def fieldset_html(context):
    """Django's admin/includes/fieldset.html, the same markup written in Python: the template,
    run for every line and field of every change page, cost more than the widgets it places
    (docs/benchmarks.md, "Load"). Reads what the template reads from the context: `fieldset`,
    `heading_level`, `prefix`, `id_prefix`, `id_suffix`; the widgets, labels, errors and
    read-only values are Django's own, and every value is escaped as the template escapes it
    (render_value_in_context). tests/test_admin_site.py compares the two."""
    text = render_value_in_context
    fieldset = context.get("fieldset")
    heading = "-".join(
        text(context.get(name, ""), context) for name in ("prefix", "id_prefix", "id_suffix")
    )
    heading += "-heading"
    labelled = f' aria-labelledby="{heading}"' if fieldset.name else ""
    parts = [f'<fieldset class="module aligned {text(fieldset.classes, context)}"{labelled}>']
    if fieldset.name:
        level = text(context.get("heading_level") or 2, context)
        name = text(fieldset.name, context)
        if fieldset.is_collapsible:
            parts.append("<details><summary>")
        parts.append(f'<h{level} id="{heading}" class="fieldset-heading">{name}</h{level}>')
        if fieldset.is_collapsible:
            parts.append("</summary>")
    if fieldset.description:
        # `|safe` in Django's template: descriptions are the code's, and may hold markup.
        description = text(mark_safe(fieldset.description), context)  # noqa: S308
        parts.append(f'<div class="description">{description}</div>')
    parts.extend(_line_html(line, context) for line in fieldset)
    if fieldset.name and fieldset.is_collapsible:
        parts.append("</details>")
    parts.append("</fieldset>")
    # Literal markup, and values escaped as above.
    return mark_safe("\n".join(parts))  # noqa: S308


@register.simple_tag(takes_context=True)
def list_filter_html(context):
    """Django's admin/filter.html (a list's filter: its title and a link for each choice), the
    same text written in Python: the member list's filters have some eighty choices, the cells'
    filter one for every cell of the subtree. Reads `title` and `choices` as the template does;
    tests/test_admin_site.py compares the two."""
    text = render_value_in_context
    title = text(context.get("title", ""), context)
    message = " By %(filter_title)s "
    try:
        heading = gettext(message) % {"filter_title": title}
    except (KeyError, ValueError):  # a translation that does not fit: blocktranslate's way
        heading = message % {"filter_title": title}
    written = [
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {heading}\n'
        "  </summary>\n  <ul>\n  "
    ]
    for choice in context.get("choices", ()):
        selected = ' class="selected"' if choice.get("selected") else ""
        address = text(iriencode(choice.get("query_string", "")), context)
        written.append(
            f'\n    <li{selected}>\n    <a href="{address}">'
            f"{text(choice.get('display', ''), context)}</a></li>\n  "
        )
    written.append("\n  </ul>\n</details>\n")
    # Literal markup, and values escaped as the template escapes them.
    return mark_safe("".join(written))  # noqa: S308


@register.simple_tag(takes_context=True)
def result_rows_html(context):
    """The rows of Django's admin/change_list_results.html (the loop over `results`), the same
    text written in Python: fifty rows of a list, each cell already written by Django."""
    text = render_value_in_context
    written = []
    for result in context.get("results", ()):
        written.append("\n")
        form = getattr(result, "form", None)
        if form and form.non_field_errors():
            written.append(
                f'\n    <tr><td colspan="{text(len(result), context)}">'
                f"{text(form.non_field_errors(), context)}</td></tr>\n"
            )
        written.append("\n<tr>" + "".join(text(item, context) for item in result) + "</tr>\n")
    # Literal markup, and the cells escaped as the template escapes them.
    return mark_safe("".join(written))  # noqa: S308
