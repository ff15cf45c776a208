"""Who may see and change what: the one place that decides.

Every account belongs to one organisation (a zone committee, or a province-level body above
zones) with a role. What it may *see* is that organisation's subtree (`Scope`); what it may *do*
follows from its role (`RoleBackend`). Querysets, the admin, autocompletes, exports and later
reports all ask this module; nothing else makes that decision.

Each model says once whose its rows are: its QuerySet is a `ScopedQuerySet` naming the path of
the organisation a row belongs to, or its app declares it global. Each app names in its
AppConfig the models its roles work on (`DECLARATIONS`). This module reads those declarations
and the staff profiles through the app registry: the models import it for their scope, so it
imports no models, and `organizations` never names `members` or `reports`. `check_scopes`, a
system check, refuses a declared name that is no model and a model that declares no scope.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Staff (enters data)")
    LEADER = "leader", _("Leader (looks only)")
    ADMIN = "admin", _("Administrator")


def subtree_q(path_lookup: str, path: str) -> Q:
    """Rows whose organisation path (reached by `path_lookup`) lies under `path`, as a range
    on the path index rather than a LIKE: paths are digits and "/" and `path` ends with "/",
    so the subtree is exactly [path, path with its last "/" raised to "0")."""
    return Q(**{f"{path_lookup}__gte": path, f"{path_lookup}__lt": path[:-1] + "0"})


@dataclass(frozen=True)
class Scope:
    """The part of the organisation tree an account may see."""

    everything: bool = False
    path: str | None = None  # materialised path of the subtree's root; None: nothing

    def filter(self, queryset, *path_lookups: str):
        """Narrow `queryset` to rows whose organisation path, reached by one of `path_lookups`
        (which may cross many-to-many relations), lies in this scope; each row once."""
        if not path_lookups:
            raise ImproperlyConfigured("A scope filters on the path of an organisation.")
        if self.everything:
            return queryset
        if not self.path:  # an organisation without a path is nowhere: it opens nothing
            return queryset.none()
        if len(path_lookups) == 1:
            return queryset.filter(subtree_q(path_lookups[0], self.path))
        reachable = Q()
        for lookup in path_lookups:
            reachable |= subtree_q(lookup, self.path)
        # A subquery rather than joins in the outer query, so rows are not repeated.
        inner = queryset.model._base_manager.filter(reachable).values("pk")
        return queryset.filter(pk__in=inner)

    @property
    def depth(self) -> int:
        """Depth of the subtree's root in the whole tree (0 when the scope has no root)."""
        return self.path.count("/") - 1 if self.path else 0

    def contains_path(self, path: str) -> bool:
        if self.everything:
            return True
        return bool(self.path) and path.startswith(self.path)


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


class ScopedQuerySet(models.QuerySet):
    """Rows that belong to an organisation. A subclass names the lookup from a row to the
    materialised path of its organisation in `scope_path` ("organization__path",
    "zone__committee__path"…), or a tuple of lookups for rows reachable by several (a row is
    in a scope when any of them leads there). A model whose visibility is more than a path
    overrides `in_scope` instead, and keeps `visible_to` and `within` (EnterpriseImport)."""

    scope_path: str | tuple[str, ...] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Refused when the class is made, not when a page first shows every committee's rows.
        if not cls.scope_path and cls.in_scope is ScopedQuerySet.in_scope:
            raise ImproperlyConfigured(f"{cls.__qualname__} names no scope_path.")

    def in_scope(self, scope: Scope):
        """The rows that lie in `scope`."""
        paths = (self.scope_path,) if isinstance(self.scope_path, str) else self.scope_path
        return scope.filter(self, *paths)

    def visible_to(self, user):
        """The rows `user` may see."""
        return self.in_scope(scope_of(user))

    def within(self, organization):
        """The rows of `organization` and its whole subtree."""
        return self.in_scope(Scope(path=organization.path))


class _System:
    """The one who acts when no account does: a command, the demo loader. The services that
    check the acting account's scope require it by name (`by=SYSTEM`), so that leaving the
    account out is an error rather than a pass. It may write anywhere (whoever runs the
    process chose where), and sees nothing: like an account without a profile, it is never
    told whose a record is."""

    is_authenticated = False
    is_active = False
    is_superuser = False

    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()


def staff_profile(user):
    """The account's profile with its organisation, loaded once per request (cached on the
    user object, which lives as long as the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, "_kcn_profile"):
        # Through the registry: organizations.models imports this module for its scopes.
        StaffProfile = apps.get_model("organizations", "StaffProfile")
        user._kcn_profile = (
            StaffProfile.objects.select_related("organization").filter(user_id=user.pk).first()
        )
    return user._kcn_profile


def scope_of(user) -> Scope:
    """What `user` may see: everything for a superuser, its organisation's subtree for an
    account with a profile, nothing otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    profile = staff_profile(user)
    if profile is None:
        return NOTHING
    return Scope(path=profile.organization.path)


def may_write_in(by, path: str) -> bool:
    """Whether `by` may write records of the organisation at `path`: an account, inside what
    it sees; SYSTEM, anywhere; nobody else (None included)."""
    return by is SYSTEM or scope_of(by).contains_path(path)


def role_of(user) -> str | None:
    profile = staff_profile(user)
    return profile.role if profile else None


# --- What each app declares ------------------------------------------------------------------
# Each app names its own models (by class name) on its AppConfig:
DECLARATIONS = (
    # the records its staff add and change and its leaders look at;
    "data_models",
    # those of them whose rows may be deleted: rows that only correct a record (a mistyped
    # count, an event recorded by mistake); organisations and enterprises end by a decision or
    # a status, never by deletion;
    "deletable_models",
    # records every role may look at and nobody edits in the interface: services write them
    # (the record of each enterprise list import);
    "record_models",
    # records only administrators may look at, for their subtree; services write them (the log
    # of who saw members' personal details);
    "admin_record_models",
    # models that belong to no organisation and are alike for every account, such as a lookup
    # table or the mark of the demo's load. No role may change them.
    "global_models",
)


def project_apps(app_configs=None) -> list:
    """The apps of this repository (among `app_configs`, else all), which sit at its root:
    each of their models has a scope or is declared global. Django's and the libraries' apps
    are not ours to declare."""
    root = Path(settings.BASE_DIR).resolve()
    configs = apps.get_app_configs() if app_configs is None else app_configs
    return [config for config in configs if Path(config.path).resolve().parent == root]


def declared(declaration: str) -> frozenset:
    """The models the project's apps name in `declaration` (a key of DECLARATIONS)."""
    return frozenset(
        config.get_model(name)
        for config in project_apps()
        for name in getattr(config, declaration, ())
    )


def is_scoped(model) -> bool:
    return isinstance(model._default_manager.all(), ScopedQuerySet)


def accounts_visible_to(user, queryset):
    """The accounts `user` may see and manage: every account for a superuser; otherwise those
    whose profile lies in its subtree, and never a superuser's, which belongs to no committee."""
    if user.is_superuser:
        return queryset
    return scope_of(user).filter(
        queryset.filter(is_superuser=False), "staff_profile__organization__path"
    )


def visible(queryset, user):
    """`queryset`, of any model, narrowed to what `user` may see. A model that declares no
    scope is refused (ImproperlyConfigured), never shown whole."""
    model = queryset.model
    if isinstance(queryset, ScopedQuerySet):
        return queryset.visible_to(user)
    if model is get_user_model():
        return accounts_visible_to(user, queryset)
    if model in declared("global_models"):
        return queryset
    raise ImproperlyConfigured(
        f"{model._meta.label} has no scope: give it a ScopedQuerySet, or name it in its "
        "AppConfig's global_models."
    )


def check_scopes(app_configs=None, **kwargs) -> list[checks.Error]:
    """System check: every name an app declares is one of its models, only data models are
    deletable, no role is given a permission on a global model, and every model of the
    project's apps has a scope or is declared global."""
    errors = []
    for config in project_apps(app_configs):
        found = {declaration: set() for declaration in DECLARATIONS}
        for declaration in DECLARATIONS:
            for name in getattr(config, declaration, ()):
                try:
                    found[declaration].add(config.get_model(name))
                except LookupError:
                    message = f"{config.label}: {declaration} names {name!r}, no model of the app."
                    errors.append(checks.Error(message, obj=config, id="organizations.E001"))
        unscoped = {m for m in config.get_models() if not is_scoped(m)} - found["global_models"]
        for code, models_, problem in (
            (
                "E002",
                found["deletable_models"] - found["data_models"],
                "is deletable but no data model",
            ),
            (
                "E003",
                found["global_models"]
                & (found["data_models"] | found["record_models"] | found["admin_record_models"]),
                "is global, yet the roles are given permissions on it",
            ),
            ("E004", unscoped, "has no scope: give it a ScopedQuerySet or declare it global"),
        ):
            for model in sorted(models_, key=lambda m: m._meta.label):
                message = f"{model._meta.label} {problem}."
                errors.append(checks.Error(message, obj=model, id=f"organizations.{code}"))
    return errors


_ACCOUNTS = frozenset(
    {
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "organizations.view_staffprofile",
        "organizations.add_staffprofile",
        "organizations.change_staffprofile",
        "organizations.delete_staffprofile",
    }
)


def staff_permissions() -> frozenset[str]:
    """The permissions beyond add, change, delete and view that the apps give staff and
    administrators but not leaders (`staff_permissions` on an AppConfig, by codename: the
    members' "may see personal details")."""
    return frozenset(
        f"{config.label}.{codename}"
        for config in project_apps()
        for codename in getattr(config, "staff_permissions", ())
    )


@functools.cache
def role_permissions() -> dict[str, frozenset[str]]:
    """The permissions of each role, from the apps' declarations (read once, after the apps
    are loaded)."""
    data, deletable = declared("data_models"), declared("deletable_models")
    view = _perms("view", data | declared("record_models"))
    edit = _perms("add", data) | _perms("change", data) | _perms("delete", deletable)
    edit |= staff_permissions()
    administer = _ACCOUNTS | _perms("view", declared("admin_record_models"))
    return {Role.LEADER: view, Role.STAFF: view | edit, Role.ADMIN: view | edit | administer}


def _perms(action: str, models) -> frozenset[str]:
    return frozenset(f"{m._meta.app_label}.{action}_{m._meta.model_name}" for m in models)


def may_import_enterprises(user) -> bool:
    """Whether `user` may import enterprise lists: it creates and changes enterprises."""
    return user.has_perm("organizations.add_enterprise") and user.has_perm(
        "organizations.change_enterprise"
    )


class RoleBackend(BaseBackend):
    """Grants the permissions of the account's role; authenticates nobody by itself."""

    def get_all_permissions(self, user_obj, obj=None):
        return set(self._permissions(user_obj))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self._permissions(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return app_label in self._app_labels(user_obj)

    @staticmethod
    def _permissions(user_obj) -> frozenset[str]:
        # A page asks a hundred times (the admin's list of models asks each model's five
        # permissions): the role's set itself, never copied; the role is read once per
        # request with the profile (staff_profile).
        return role_permissions().get(role_of(user_obj), frozenset())

    @staticmethod
    def _app_labels(user_obj) -> frozenset[str]:
        return _app_labels(RoleBackend._permissions(user_obj))


@functools.cache
def _app_labels(permissions: frozenset[str]) -> frozenset[str]:
    """The apps `permissions` ("app_label.codename") give something in."""
    return frozenset(p.split(".", 1)[0] for p in permissions)
