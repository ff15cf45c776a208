"""The forms' renderer (settings.FORM_RENDERER): Django's, with its commonest templates written in
Python. Django renders each widget, each label and each option of a list through the template
engine, its includes and filters: a text input alone is three templates. A staff member's page
has sixteen of them, a committee's page about a hundred (docs/benchmarks.md, "Load").

Each template is written here only while the renderer's engine loads Django's own file for
that name and that file is word for word the one written here (`DJANGOS`): another Django
whose template differs, or a renderer that finds another file first, gets the template, not
this code. Anything the code does not write as the template would (an attribute or a value Django's
template would call, a list's option of another template) is rendered by the template too.
tests/test_form_renderer.py compares the two, character for character."""

from __future__ import annotations

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

TEMPLATES = Path(django.forms.__file__).parent / "templates"
INPUT = "django/forms/widgets/input.html"
ATTRS = "django/forms/widgets/attrs.html"
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
LABEL = "django/forms/label.html"
LABEL_ATTRS = "django/forms/attrs.html"
# The widgets whose template is only the input's (`{% include %}` of it).
INPUTS = [f"django/forms/widgets/{kind}.html" for kind in (
    "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password",
    "search", "tel", "text", "time", "url")]  # fmt: skip

# The templates as Django 5.2 writes them, which the functions below write.
DJANGOS = {
    INPUT: """<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} value="{{ widget.value|stringformat:'s' }}"{% endif %}{% include "django/forms/widgets/attrs.html" %}>\n""",
    ATTRS: """{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}{% if value is not True %}="{{ value|stringformat:'s' }}"{% endif %}{% endif %}{% endfor %}""",
    SELECT: """<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}
  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}
  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}
  </optgroup>{% endif %}{% endfor %}
</select>\n""",
    OPTION: """<option value="{{ widget.value|stringformat:'s' }}"{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n""",
    LABEL: """{% if use_tag %}<{{ tag }}{% include 'django/forms/attrs.html' %}>{{ label }}</{{ tag }}>{% else %}{{ label }}{% endif %}\n""",
    LABEL_ATTRS: """{% for name, value in attrs.items %}{% if value is not False %} {{ name }}{% if value is not True %}="{{ value|stringformat:'s' }}"{% endif %}{% endif %}{% endfor %}""",
    **dict.fromkeys(INPUTS, '{% include "django/forms/widgets/input.html" %}\n'),
}

# What the renderer's templates are rendered with: autoescaped, localized as settings say.
CONTEXT = Context(autoescape=True)


class TemplateNeeded(Exception):
    """A value the code would not write as the template does: the template renders it."""


def _text(value) -> str:
    """`{{ value }}`."""
    if callable(value):  # the template would call it
        raise TemplateNeeded
    return render_value_in_context(value, CONTEXT)


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe value safe."""
    if callable(value):
        raise TemplateNeeded
    written = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031 - the filter's
    if isinstance(value, SafeData):
        return written  # safe in, safe out: not escaped
    return conditional_escape(written)


def _attrs(attrs) -> str:
    """attrs.html: the attributes, `True` as a bare name, `False` left out."""
    if not isinstance(attrs, dict) or "items" in attrs:  # `attrs.items` would be the entry
        raise TemplateNeeded
    written = []
    for name, value in attrs.items():
        if value is not False:
            written.append(" " + _text(name))
            if value is not True:
                written.append(f'="{_string(value)}"')
    return "".join(written)


def _input(widget) -> str:
    value = widget["value"]
    shown = f' value="{_string(value)}"' if value != None else ""  # noqa: E711 - the template's !=
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _option(option) -> str:
    if option.get("template_name") != OPTION:
        raise TemplateNeeded
    return (
        f'<option value="{_string(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(widget) -> str:
    written = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            written.append(f'\n  <optgroup label="{_text(group_name)}">')
        written.extend("\n  " + _option(option) for option in group_choices)
        if group_name:
            written.append("\n  </optgroup>")
    written.append("\n</select>\n")
    return "".join(written)


def _label(context) -> str:
    label = _text(context["label"])
    if not context["use_tag"]:
        return label + "\n"
    tag = _text(context["tag"])
    attrs = context.get("attrs")
    return f"<{tag}{_attrs(attrs) if attrs else ''}>{label}</{tag}>\n"


WRITERS = {
    INPUT: lambda context: _input(context["widget"]),
    SELECT: lambda context: _select(context["widget"]),
    LABEL: _label,
    **{name: (lambda context: _input(context["widget"]) + "\n") for name in INPUTS},
}


class Renderer(DjangoTemplates):
    """Django's renderer of forms through the project's templates, but for the templates of
    WRITERS while they are Django's own (the module's docstring)."""

    def __init__(self):
        super().__init__()
        self._writers = None

    def writers(self) -> dict:
        """The templates written here that the engine loads from Django's own files, unchanged:
        each with those it includes."""
        if self._writers is None:
            own = {name for name, source in DJANGOS.items() if self._is_djangos(name, source)}
            needs = {INPUT: {ATTRS}, SELECT: {ATTRS, OPTION}, LABEL: {LABEL_ATTRS}}
            needs.update({name: {INPUT, ATTRS} for name in INPUTS})
            self._writers = {
                name: write
                for name, write in WRITERS.items()
                if name in own and needs.get(name, set()) <= own
            }
        return self._writers

    def _is_djangos(self, name: str, source: str) -> bool:
        origin = self.get_template(name).template.origin
        path = Path(origin.name)
        return path == TEMPLATES / name and path.read_text() == source

    def render(self, template_name, context, request=None):
        write = self.writers().get(template_name)
        if write is not None and request is None:
            try:
                # Django's renderer strips what the template writes.
                return write(context).strip()
            except (TemplateNeeded, KeyError):
                pass
        return super().render(template_name, context, request)
