"""Who may see and change what: the one place that decides.

Every account belongs to one organisation (a zone committee, or a province-level body above
zones) with a role. What it may *see* is that organisation's subtree (`Scope`); what it may *do*
follows from its role (`RoleBackend`). Querysets, the admin, autocompletes, exports and later
reports all ask this module; nothing else makes that decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.backends import BaseBackend
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

    def filter(self, queryset, path_lookup: str):
        """Narrow `queryset` to rows whose organisation path (reached by `path_lookup`) lies
        in this scope."""
        if self.everything:
            return queryset
        if not self.path:  # an organisation without a path is nowhere: it opens nothing
            return queryset.none()
        return queryset.filter(subtree_q(path_lookup, self.path))

    def filter_any(self, queryset, *path_lookups: str):
        """Narrow `queryset` to rows reachable from this scope by any of `path_lookups` (which
        may cross many-to-many relations), each row once."""
        if self.everything:
            return queryset
        if not self.path:
            return queryset.none()
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
        from organizations.models import StaffProfile

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


# The records each role works on, as "app_label.model". Later apps are named here as strings,
# so this module decides for the whole project without importing them.
DATA_MODELS = (
    "organizations.zone",
    "organizations.partyorganization",
    "organizations.leadershipterm",
    "organizations.enterprise",
    "organizations.workforcesnapshot",
    "organizations.massorganization",
    "organizations.membershipcount",
    "members.member",
    "members.memberevent",
    "members.candidate",
    "members.awarenessclass",
    "members.awarenessparticipant",
    "members.theoryclass",
    "members.theoryparticipant",
    "members.studysession",
    "members.memberrating",
    "members.organizationrating",
)
# Records every role may look at and nobody edits in the interface: they are written by
# services only (the record of each enterprise list import).
RECORD_MODELS = ("organizations.enterpriseimport",)
# Rows that only correct a record (a mistyped count, a wrong term) may be deleted; records of
# organisations and enterprises are ended by a decision or a status, never deleted.
DELETABLE = (
    "organizations.leadershipterm",
    "organizations.workforcesnapshot",
    "organizations.membershipcount",
    # An event recorded by mistake (members.services checks the rest still fits).
    "members.memberevent",
    "members.awarenessparticipant",
    "members.theoryparticipant",
)


def _perms(action: str, models) -> frozenset[str]:
    return frozenset(
        f"{app_label}.{action}_{model}" for app_label, model in (m.split(".") for m in models)
    )


_VIEW = _perms("view", DATA_MODELS + RECORD_MODELS)
_EDIT = _perms("add", DATA_MODELS) | _perms("change", DATA_MODELS) | _perms("delete", DELETABLE)
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

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEADER: _VIEW,
    Role.STAFF: _VIEW | _EDIT,
    Role.ADMIN: _VIEW | _EDIT | _ACCOUNTS,
}


class RoleBackend(BaseBackend):
    """Grants the permissions of the account's role; authenticates nobody by itself."""

    def get_all_permissions(self, user_obj, obj=None):
        role = role_of(user_obj)
        return set(ROLE_PERMISSIONS.get(role, ()))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
