from __future__ import annotations

import datetime
from itertools import groupby

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kcn_party.dates import short_date
from members import selectors, services
from members.admin.persons import person_name, personal_fieldsets
from members.admin.privacy import PersonalDetailsAdminMixin
from members.models import Candidate, CandidateStage, Member, Subject
from members.models.candidates import OPEN_STAGES
from organizations import sheets
from organizations.admin.base import ScopedModelAdmin
from organizations.models import PartyOrganization
from organizations.models.party import CELL_KINDS


@admin.register(Candidate)
class CandidateAdmin(PersonalDetailsAdminMixin, ScopedModelAdmin):
    personal_subject = Subject.CANDIDATE
    list_display = [
        person_name,
        "birth_date",
        "organization",
        "enterprise",
        "stage",
        "identified_on",
        "resolution_on",
    ]
    list_filter = ["stage", ("organization", admin.RelatedOnlyFieldListFilter), "position"]
    list_select_related = ["organization", "enterprise"]
    search_fields = ["full_name", "citizen_id", "phone"]
    autocomplete_fields = ["enterprise", "introducer_1", "introducer_2"]
    readonly_fields = ["stage", "decided_on", "member_link"]
    fieldsets = [
        (None, {"fields": ["organization", "stage"]}),
        *personal_fieldsets(),
        (
            _("Admission pipeline"),
            {
                "fields": [
                    "identified_on",
                    "certificate_on",
                    "dossier_on",
                    ("introducer_1", "introducer_2"),
                    "introducing_body",
                    "resolution_on",
                    ("votes_for", "official_members"),
                    ("decided_on", "member_link"),
                ]
            },
        ),
        (_("Dropped"), {"classes": ["collapse"], "fields": ["dropped_on", "drop_reason"]}),
    ]

    @admin.display(description=_("member record"))
    def member_link(self, obj):
        if not obj.member_id:
            return "—"
        url = reverse("admin:members_member_change", args=[obj.member_id])
        return format_html('<a href="{}">{}</a>', url, obj.member.full_name)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = (
                PartyOrganization.objects.visible_to(request.user)
                .filter(kind__in=CELL_KINDS)
                .active()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        for warning in services.candidate_save(candidate=obj, by=request.user):
            self.message_user(request, warning, messages.WARNING)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("due/", wrap(self.due_view), name="members_candidate_due"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if (
            obj is not None
            and obj.stage == CandidateStage.CELL_RESOLUTION
            and request.user.has_perm("members.add_member")
        ):
            context["record_action"] = {
                "url": reverse("admin:members_member_admit") + f"?candidate={obj.pk}",
                "label": _("Record the admission"),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "due_url": reverse("admin:members_candidate_due")}
        return super().changelist_view(request, extra_context)

    def due_view(self, request):
        """The pipeline and what is due or overdue, per organisation: the overdue first, with
        the days late; totals per kind and per cell; `?format=xlsx|csv` downloads the list."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        candidates = Candidate.objects.visible_to(request.user)
        members = Member.objects.visible_to(request.user)
        items = selectors.due_items(members, candidates, today=today)
        file_format = request.GET.get("format")
        if file_format in sheets.FORMATS:
            return sheets.response([_due_sheet(items, today)], file_format, f"han-{today:%Y%m%d}")
        by_organization = []
        for organization, group in groupby(
            sorted(items, key=lambda item: (item.organization.path, *selectors.pressing(item))),
            key=lambda item: item.organization,
        ):
            group = list(group)
            by_organization.append(
                {
                    "organization": organization,
                    "items": group,
                    "overdue": sum(item.overdue for item in group),
                    "kinds": _kind_totals(group),
                }
            )
        stage_keys = [*OPEN_STAGES, CandidateStage.UPPER_DECISION]
        counts = (
            candidates.values("organization__name", "organization__path")
            .annotate(
                **{stage: Count("pk", filter=Q(stage=stage)) for stage in stage_keys},
                admitted=Count("pk", filter=Q(member__isnull=False, decided_on__year=today.year)),
            )
            .order_by("organization__path")
        )
        stage_rows = [
            {
                "name": row["organization__name"],
                "counts": [row[stage] for stage in stage_keys],
                "admitted": row["admitted"],
            }
            for row in counts
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Admissions: pipeline and deadlines"),
            "today": today,
            "by_organization": by_organization,
            "overdue_total": sum(item.overdue for item in items),
            "kind_labels": list(DUE_KINDS.values()),
            "kind_totals": _kind_totals(items),
            "stage_rows": stage_rows,
            "stage_labels": [CandidateStage(stage).label for stage in stage_keys],
            "horizon": today + datetime.timedelta(days=60),
        }
        return TemplateResponse(request, "admin/members/candidate/due.html", context)


# --- the due list's totals and download -------------------------------------------------------

DUE_KINDS = {
    "decision": _("Upper committee's decision"),
    "ceremony": _("Admission ceremony"),
    "recognition": _("Recognition as official member"),
}


def _kind_totals(items) -> list[dict]:
    """For each kind of deadline, in order: how many are due, of which overdue."""
    return [
        {
            "due": sum(item.what == kind for item in items),
            "overdue": sum(item.what == kind and item.overdue for item in items),
        }
        for kind in DUE_KINDS
    ]


def _due_sheet(items, today) -> sheets.Sheet:
    return sheets.Sheet(
        title=str(_("Due and overdue")),
        caption=(str(_("As of %(day)s") % {"day": short_date(today)}),),
        headers=[
            capfirst(label)
            for label in (_("cell"), _("what"), _("who"), _("since"), _("due"), _("days overdue"))
        ],
        rows=[
            [
                item.organization.name,
                str(DUE_KINDS[item.what]),
                item.subject.full_name,
                short_date(item.since),
                short_date(item.due_on),
                item.days_late,
            ]
            for item in items
        ],
    )
