"""The admin's home page, by role (issue 14, point 1): the tasks a staff member starts most,
each one click away, what the admission deadlines make due or overdue, the latest imports of
the account's subtree, and the account's own latest changes ("Hoạt động của tôi"), read from
the change trail so that what the journeys, the ratings screen and the imports wrote is there
too (Django's admin log knows only the admin's own forms). A leader sees the same page
without the tasks that write (and lands on the dashboard after signing in:
reports.dashboard.views.landing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members import selectors
from members.imports.running import may_import
from members.models import Candidate, Member, MemberRating
from organizations.access import staff_profile
from organizations.admin import trail
from organizations.imports.limits import grouped
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


ACTIVITY_KINDS = {
    "+": pgettext_lazy("activity", "added"),
    "~": pgettext_lazy("activity", "changed"),
    "-": pgettext_lazy("activity", "deleted"),
}


@dataclass(frozen=True)
class Done:
    what: str  # the kind of record
    record: str  # its name, or how many records one write made
    url: str  # its page, when the account may still open it ("" otherwise)
    moment: object
    kind: str  # "+", "~", "-"
    kind_label: str


def my_activity(request, count: int = 10) -> list[Done]:
    """The account's own latest changes, from the change trail (organizations.admin.trail):
    what, which record (linked to its page while the account may still see it), when, the
    kind. Two queries: the entries, and which of their records the account still sees."""
    activities = trail.own_activity(request.user, count)
    seen = trail.visible_records(activities, request.user)
    registry = admin.site._registry
    found = []
    for item in activities:
        opts = item.model._meta
        model_admin = registry.get(item.model)
        may_open = model_admin is not None and model_admin.has_view_or_change_permission(request)
        url = ""
        if item.rows == 1:
            record = item.record
            if may_open and (item.model, item.record_id) in seen:
                url = trail.admin_url(item.model, "change", item.record_id)
        else:
            record = _("%(count)s %(records)s") % {
                "count": grouped(item.rows),
                "records": opts.verbose_name_plural,
            }
            if may_open:
                url = trail.admin_url(item.model, "changelist")
        found.append(
            Done(
                what=str(capfirst(opts.verbose_name)),
                record=str(record),
                url=url,
                moment=item.moment,
                kind=item.kind,
                kind_label=str(ACTIVITY_KINDS.get(item.kind, item.kind)),
            )
        )
    return found
