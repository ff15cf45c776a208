"""Scoping declared once and failing closed (issue 9).

Every model of the project's apps says whose its rows are (a ScopedQuerySet naming the path of
their organisation) or is declared global by its app; every registered admin, its inlines and
the choices of their forms show an account only its subtree; and a model that declares nothing
is refused rather than shown whole. The admins come from the registry and the models from the
app registry, so a model or an admin added later is walked without touching this file.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.test.utils import isolate_apps

from organizations import access
from organizations.access import Role
from organizations.admin.base import scoped
from organizations.models import DemoLoad, Enterprise, OrganizationKind, PartyOrganization
from tests.conftest import account
from tests.factories import PartyOrganizationFactory

pytestmark = pytest.mark.django_db


def request_by(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def registered_admins():
    """Every registered ModelAdmin and each of its inlines."""
    for model, model_admin in admin.site._registry.items():
        yield pytest.param(model_admin, id=model._meta.label)
        for inline in model_admin.inlines:
            yield pytest.param(
                inline(model, admin.site), id=f"{model._meta.label}:{inline.__name__}"
            )


def any_role_may_touch(model) -> bool:
    suffix = f"_{model._meta.model_name}"
    granted = set().union(*access.role_permissions().values())
    return any(p.startswith(f"{model._meta.app_label}.") and p.endswith(suffix) for p in granted)


def choice_fields(model_admin, request):
    """The fields of the admin's add form (of an inline's row) that offer records to choose."""
    if isinstance(model_admin, admin.options.InlineModelAdmin):
        form = model_admin.get_formset(request).form
    else:
        form = model_admin.get_form(request)
    return {
        name: field
        for name, field in form.base_fields.items()
        if isinstance(field, ModelChoiceField)
    }


@pytest.fixture
def placeless(db):
    """An administrator (every permission a role gets) whose organisation has no place in the
    tree: it must see nothing anywhere. Django's inlines show nothing to an account without
    permissions whatever their scope, so the permissions are needed to test the scope."""
    organization = PartyOrganizationFactory(kind=OrganizationKind.UPPER_GRASSROOTS)
    PartyOrganization.objects.filter(pk=organization.pk).update(path="")
    return account(PartyOrganization.objects.get(pk=organization.pk), Role.ADMIN, "placeless")


@pytest.mark.parametrize("model_admin", list(registered_admins()))
def test_every_admin_shows_only_the_accounts_subtree(model_admin, bg_admin, placeless):
    model = model_admin.model
    if not any_role_may_touch(model):
        # Superusers' only (Django's groups); a global model is too (check_scopes).
        assert not model_admin.has_view_or_change_permission(request_by(bg_admin))
        return
    assert model_admin.get_queryset(request_by(placeless)).query.is_empty()
    for name, field in choice_fields(model_admin, request_by(placeless)).items():
        if field.queryset.model not in access.declared("global_models"):
            assert field.queryset.query.is_empty(), f"{name} offers records of every committee"

    # An account of a committee sees its subtree: the range on the path index is in the query.
    subtree = access.scope_of(bg_admin).path
    sql = str(model_admin.get_queryset(request_by(bg_admin)).query)
    assert subtree in sql and subtree[:-1] + "0" in sql


def test_every_model_of_the_apps_declares_its_scope():
    assert {"organizations", "members", "reports"} <= {c.label for c in access.project_apps()}
    assert access.check_scopes() == []


@isolate_apps("organizations")
def test_a_new_model_without_a_scope_fails_the_check():
    class Lookup(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "organizations"

    class SurveyQuerySet(access.ScopedQuerySet):
        scope_path = "organization__path"

    class Survey(models.Model):  # noqa: DJ008
        organization = models.ForeignKey("organizations.PartyOrganization", models.CASCADE)

        objects = SurveyQuerySet.as_manager()

        class Meta:
            app_label = "organizations"

    config = Lookup._meta.app_config  # of the isolated registry: Lookup and Survey only
    unscoped = [e.obj for e in access.check_scopes([config]) if e.id == "organizations.E004"]
    assert unscoped == [Lookup]  # Survey has its scope

    # Declared global on purpose, it passes.
    config.global_models = ("DemoLoad", "Lookup")
    assert not [e for e in access.check_scopes([config]) if e.id == "organizations.E004"]


def test_a_declared_name_must_be_a_model_of_the_app(monkeypatch):
    config = apps.get_app_config("organizations")
    monkeypatch.setattr(config, "data_models", (*config.data_models, "Zoen"))
    monkeypatch.setattr(config, "deletable_models", (*config.deletable_models, "EnterpriseImport"))
    monkeypatch.setattr(config, "global_models", (*config.global_models, "Zone"))
    errors = {(e.id, getattr(e.obj, "__name__", e.obj)) for e in access.check_scopes()}
    assert errors == {
        ("organizations.E001", config),  # "Zoen": no such model
        ("organizations.E002", "EnterpriseImport"),  # deletable, but no data model
        ("organizations.E003", "Zone"),  # global, yet every committee's staff would change it
    }


def test_a_scoped_queryset_must_name_its_path():
    with pytest.raises(ImproperlyConfigured):

        class Nowhere(access.ScopedQuerySet):
            pass


def test_scoped_refuses_a_model_without_a_scope(staff):
    with pytest.raises(ImproperlyConfigured):
        scoped(Group.objects.all(), request_by(staff))
    # One declared global is the same for everyone.
    DemoLoad.objects.create()
    assert scoped(DemoLoad.objects.all(), request_by(staff)).count() == 1


class ServedOrLocated(access.ScopedQuerySet):
    """Enterprises reachable by their zone's committee or by the organisations serving them."""

    scope_path = ("zone__committee__path", "party_organizations__path")


def test_rows_reachable_by_several_paths(bg, hn, staff, outsider):
    # A Hà Nội enterprise served by a Bắc Giang cell (the rules forbid it; a model with two
    # paths would allow it).
    bg.cell.enterprises.add(hn.enterprise)
    served = ServedOrLocated(Enterprise)
    assert list(served.visible_to(staff).order_by("pk")) == [bg.enterprise, hn.enterprise]
    assert set(served.within(bg.cell)) == {bg.enterprise, hn.enterprise}
    assert list(served.visible_to(outsider)) == [hn.enterprise]
