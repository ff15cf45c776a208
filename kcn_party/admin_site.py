"""The admin site every page is built on: Django's, with its list of apps and models (the
navigation sidebar of every page, the home page's list, an app's page) built once for each kind
of account rather than on every page.

Django builds that list for each page in `each_context`, and the home page and an app's page
build it a second time; each build asks every model's admin for its permissions (about a
hundred permission checks, each through every authentication backend) and reverses the
models' addresses. What it gives depends only on what the account may do (superuser or not,
its role, its permissions: given by the role, or by a superuser directly or through groups), on
the language (the models are sorted by their translated names) and on where the site is
mounted, so it is kept per process under those: a change of role or permissions is another
key, never a stale list (docs/benchmarks.md, "Load")."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import get_language

from organizations.access import role_of

# The lists built, by what they depend on; a few kinds of account, languages and apps. Cleared
# when it grows past this (accounts given permissions one by one each make a kind of their own).
_BUILT: dict[tuple, list] = {}
_MOST = 256


def _kind_of(request, app_label) -> tuple:
    user = request.user
    # A superuser may do everything whatever its permissions say (reading them would be a
    # query of every permission); an inactive account nothing.
    asks = user.is_active and not user.is_superuser
    return (
        app_label,
        user.is_active,
        user.is_superuser,
        role_of(user),
        frozenset(user.get_all_permissions()) if asks else frozenset(),
        get_language(),
        request.META.get("SCRIPT_NAME", ""),
    )


class AdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        if not getattr(request, "user", None) or not request.user.is_authenticated:
            return super().get_app_list(request, app_label)
        key = _kind_of(request, app_label)
        if key not in _BUILT:
            if len(_BUILT) >= _MOST:
                _BUILT.clear()
            _BUILT[key] = super().get_app_list(request, app_label)
        # Each page its own copy of the dictionaries, which a view may add to.
        return [{**app, "models": [dict(m) for m in app["models"]]} for app in _BUILT[key]]
