"""The forms' renderer writes Django's commonest form templates in Python
(kcn_party/form_renderer.py): what it writes must be what Django's templates write, character
for character, on the pages and for the odd values a widget may carry."""

import datetime
import decimal

import pytest
from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from kcn_party import form_renderer
from tests.conftest import client_for
from tests.factories import MemberFactory
from tests.forms import admission

DJANGO = DjangoTemplates()


@pytest.fixture
def compared(monkeypatch):
    """Every template the renderer is asked for on the pages from now on, rendered by Django
    too: the names written in Python, and any difference."""
    written, differences = [], []
    original = form_renderer.Renderer.render

    def both(renderer, template_name, context, request=None):
        ours = original(renderer, template_name, context, request)
        djangos = DJANGO.render(template_name, context, request)
        if template_name in renderer.writers():
            written.append(template_name)
        if ours != djangos:
            differences.append((template_name, ours, djangos))
        return ours

    monkeypatch.setattr(form_renderer.Renderer, "render", both)
    return written, differences


@pytest.mark.django_db
def test_the_pages_forms_as_django_writes_them(compared, staff, leader, bg, staff_client):
    written, differences = compared
    member = MemberFactory(organization=bg.cell, youth_union_member=True)
    pages = [
        (staff, f"/admin/members/member/{member.pk}/change/"),
        (leader, f"/admin/members/member/{member.pk}/change/"),
        (staff, f"/admin/organizations/partyorganization/{bg.committee.pk}/change/"),
        (staff, "/admin/members/member/"),
        (staff, "/admin/members/member/admit/"),
    ]
    for user, path in pages:
        assert client_for(user).get(path).status_code == 200
    # With errors: the labels and widgets of a form sent back.
    response = staff_client.post("/admin/members/member/admit/", admission(bg, full_name=""))
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert differences == []
    widgets = ("text", "select", "checkbox", "hidden", "number")
    assert {f"django/forms/widgets/{name}.html" for name in widgets} <= set(written)
    assert "django/forms/label.html" in written


class Odd(forms.Form):
    text = forms.CharField(label=mark_safe("<b>Bold</b> label"), max_length=1000)
    number = forms.DecimalField(required=False)
    when = forms.DateField(widget=admin_widgets.AdminDateWidget)
    flag = forms.BooleanField(required=False)
    choice = forms.ChoiceField(
        choices=[
            ("", "---"),
            (gettext_lazy("Group"), [("a", "<A & b>"), (1000, 1000)]),
            ("c", mark_safe("<i>C</i>")),
        ]
    )
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)


ODD_VALUES = [
    {},
    {
        "text": '"quoted" & <tagged>',
        "number": "1234.5",
        "when": "31/02/2020",
        "flag": "on",
        "choice": "a",
        "hidden": "0",
        "secret": "<s>",
    },  # fmt: skip
    {"text": "", "number": "x", "choice": "1000", "hidden": ""},
]


@pytest.mark.parametrize("data", ODD_VALUES)
def test_odd_values_as_django_writes_them(data):
    form = Odd(data=data or None, initial={"number": decimal.Decimal("1000.50")})
    for bound in form:
        ours = bound.as_widget() + bound.label_tag()
        bound.form.renderer = DJANGO
        djangos = bound.as_widget() + bound.label_tag()
        bound.form.renderer = form_renderer.Renderer()
        assert ours == djangos, bound.name


@pytest.mark.parametrize(
    "attrs",
    [
        {"required": True, "disabled": False, "maxlength": 1000, "data-x": None},
        {"title": mark_safe("<b>safe</b>"), "placeholder": gettext_lazy("Start typing to filter…")},
        {"value": datetime.date(2026, 11, 29), "step": decimal.Decimal("0.5")},
        {"items": "an attribute the template would read as the list"},
        {"data-callable": lambda: "called"},
    ],
)
def test_odd_attributes_as_django_writes_them(attrs):
    renderer = form_renderer.Renderer()
    for widget in (forms.TextInput(attrs), forms.Select(attrs, choices=[(1, "one")]),
                   forms.CheckboxInput(attrs)):  # fmt: skip
        assert written(widget, renderer) == written(widget, DJANGO)


def written(widget, renderer):
    """What `widget` writes through `renderer`, or the error it stops with (Django's template
    fails on an attribute named "items": so must the renderer)."""
    try:
        return widget.render("name", "value", renderer=renderer)
    except Exception as error:  # noqa: BLE001 - compared, not handled
        return type(error), str(error)


def test_a_template_that_is_not_djangos_is_rendered_by_it(tmp_path):
    """A text input template other than Django's (another Django's, or one found first) is no
    longer written by the renderer: the template renders it."""
    (tmp_path / "django/forms/widgets").mkdir(parents=True)
    (tmp_path / "django/forms/widgets/text.html").write_text("<span>{{ widget.name }}</span>")

    class Overridden(form_renderer.Renderer):
        @cached_property
        def engine(self):
            return self.backend(
                {
                    "APP_DIRS": False,
                    "DIRS": [tmp_path, form_renderer.TEMPLATES],
                    "NAME": "overridden",
                    "OPTIONS": {},
                }  # fmt: skip
            )

    renderer = Overridden()
    assert forms.TextInput().render("name", "v", renderer=renderer) == "<span>name</span>"
    assert "django/forms/widgets/text.html" not in renderer.writers()
    assert "django/forms/widgets/number.html" in renderer.writers()
