"""The admin's home page, by role (issue 14, point 1): the tasks a staff member starts most,
each one click away, what the admission deadlines make due or overdue, and the latest imports
of the account's subtree. A leader sees the same page without the tasks that write (and lands
on the dashboard after signing in: reports.dashboard.views.landing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import selectors
from members.imports.running import may_import
from members.models import Candidate, Member, MemberRating
from organizations.access import staff_profile
from organizations.models import (
    Enterprise,
    EnterpriseImport,
    ListImport,
    MassOrganization,
    PartyOrganization,
)


@dataclass(frozen=True)
class Task:
    label: str
    url: str
    primary: bool = False


def tasks(request) -> list[Task]:
    """The tasks the account may start, in the order a committee's staff use them."""
    registry = admin.site._registry
    members, ratings = registry[Member], registry[MemberRating]
    found = []
    if members.may_record(request):
        found += [
            Task(_("Record an admission"), reverse("admin:members_member_admit"), primary=True),
            Task(_("Record a transfer in"), reverse("admin:members_member_transfer_in")),
        ]
    if registry[Candidate].has_add_permission(request):
        found.append(Task(_("Add a candidate"), reverse("admin:members_candidate_add")))
    if ratings.has_view_permission(request) and request.user.has_perm(
        "members.change_memberrating"
    ):
        found.append(Task(_("Enter a cell's ratings"), reverse("admin:members_memberrating_enter")))
    for model, label in (
        (Enterprise, _("Import an enterprise list")),
        (PartyOrganization, _("Import an organisation list")),
        (MassOrganization, _("Import a mass organisation list")),
    ):
        if registry[model].has_import_permission(request):
            opts = model._meta
            found.append(Task(label, reverse(f"admin:{opts.app_label}_{opts.model_name}_import")))
    if may_import(request.user, members.import_kind):
        found.append(
            Task(_("Import a member register"), reverse("admin:members_member_list_import"))
        )
    return found


@dataclass(frozen=True)
class Due:
    total: int
    overdue: int
    url: str


def due(request) -> Due | None:
    """The deadlines of the admissions in the account's subtree, counted (the due list's).
    Not for an account of no committee (a system administrator sees the whole country, whose
    deadlines are no one task list)."""
    if staff_profile(request.user) is None:
        return None
    if not admin.site._registry[Candidate].has_view_permission(request):
        return None
    items = selectors.due_items(
        Member.objects.visible_to(request.user),
        Candidate.objects.visible_to(request.user),
        today=timezone.localdate(),
    )
    overdue = sum(item.overdue for item in items)
    return Due(len(items), overdue, reverse("admin:members_candidate_due"))


@dataclass(frozen=True)
class Imported:
    what: str  # the kind of list
    record: object  # the import's record
    url: str


def latest_imports(request, count: int = 5) -> list[Imported]:
    """The latest imports of every kind in the account's subtree, the newest first."""
    found = []
    for model in (EnterpriseImport, ListImport):
        if not admin.site._registry[model].has_view_permission(request):
            continue
        for record in model.objects.visible_to(request.user).order_by("-imported_at")[:count]:
            what = _("Enterprise list") if model is EnterpriseImport else record.get_kind_display()
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
            found.append(Imported(str(what), record, url))
    return sorted(found, key=lambda item: item.record.imported_at, reverse=True)[:count]
