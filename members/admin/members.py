from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members import services
from members.admin.imports import ListImportAdminMixin
from members.admin.persons import personal_fieldsets
from members.forms import AdmissionForm, TransferInForm
from members.imports.exports import register_rows
from members.models import Candidate, CandidateStage, EventKind, Member, MemberEvent
from members.models.events import ADMISSION_FACTS
from members.models.members import ACTIVE_STATUSES, Person
from organizations.admin.base import (
    ExportMixin,
    FewChoicesFilter,
    ScopedModelAdmin,
    VerboseModelResource,
    verbose_columns,
)
from organizations.admin.counting import KeysFirstPaginator
from organizations.admin.lists import ImportedRecordMixin
from organizations.models import PartyOrganization
from organizations.models.party import CELL_KINDS


@verbose_columns
class MemberResource(VerboseModelResource):
    class Meta:
        model = Member
        fields = [
            "full_name",
            "birth_date",
            "sex",
            "ethnicity",
            "religion",
            "hometown",
            "citizen_id",
            "card_number",
            "phone",
            "education",
            "professional_level",
            "political_theory",
            "organization",
            "status",
            "admitted_on",
            "recognized_on",
            "enterprise",
            "position",
            "youth_union_member",
            "trade_union_member",
        ]
        export_order = fields


PERSONAL_FIELDSETS = personal_fieldsets(("political_theory", "card_number"))


class CellFilter(FewChoicesFilter):
    """The cells of the account's subtree (a member belongs to a cell)."""

    def offered(self, request):
        return (
            PartyOrganization.objects.visible_to(request.user)
            .filter(kind__in=CELL_KINDS)
            .order_by("path")
            .values_list("pk", "name")
        )


class PresenceFilter(admin.SimpleListFilter):
    """Current members by default: those who left stay on record, one click away."""

    title = pgettext_lazy("member list filter", "attending or left")
    parameter_name = "presence"
    CURRENT, LEFT, ALL = "current", "left", "all"

    def lookups(self, request, model_admin):
        return [
            (self.CURRENT, _("Attending now")),
            (self.LEFT, _("No longer here")),
            (self.ALL, _("All records")),
        ]

    def value(self):
        return super().value() or self.CURRENT

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.CURRENT:
            return queryset.current()
        if self.value() == self.LEFT:
            return queryset.exclude(status__in=ACTIVE_STATUSES)
        return queryset


class ServiceCheckedForm(forms.ModelForm):
    """A change form that asks the service what it would refuse before anything is saved, for
    the account using it (`user`, set by the admin's get_form), so that the refusal shows on
    the form."""

    user = None

    def service_check(self):
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.service_check()
        except ValidationError as error:
            self._update_errors(error)


class ServiceCheckedAdminMixin:
    """The admin of a ServiceCheckedForm: the form knows the account, and a refusal that comes
    only from the service's write is shown instead of a server error."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError:
            if request.method != "POST":
                raise
        # The form was valid, the service's write refused it: another save came in between
        # (e.g. took the same card number; the service turned the database's refusal into
        # this error, and the view's transaction is undone). Checked again, the form sees the
        # other save and shows why on its field.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class MemberForm(ServiceCheckedForm):
    def service_check(self):
        # A number another counted member holds, named only if the account may see them.
        services.member_check(member=self.instance, by=self.user)


@admin.register(Member)
class MemberAdmin(
    ListImportAdminMixin,
    ImportedRecordMixin,
    ServiceCheckedAdminMixin,
    ExportMixin,
    ScopedModelAdmin,
):
    form = MemberForm
    import_kind = "members"
    import_title = _("Import a member register")
    export_name = "so-dang-vien"
    resource_classes = [MemberResource]
    # import-export builds its list on this one, which adds the journeys' buttons.
    import_export_change_list_template = "admin/members/member/change_list.html"
    list_display = [
        "full_name",
        "birth_date",
        "organization",
        "status",
        "admitted_on",
        "position",
    ]
    list_filter = [
        PresenceFilter,
        "status",
        ("organization", CellFilter),
        "position",
        "sex",
        "exempt",
        "political_theory",
    ]
    list_select_related = ["organization", "enterprise"]
    paginator = KeysFirstPaginator  # a subtree's page from the covering index, then 50 rows
    # One count of the members listed, not a second of every record (a national list's
    # counts take a tenth of a second each).
    show_full_result_count = False
    search_fields = ["full_name", "citizen_id", "card_number", "phone"]
    autocomplete_fields = ["enterprise"]
    readonly_fields = [
        "status",
        "party_age",
        "organization",
        "counted_in",
        "admitted_on",
        "ceremony_on",
        "recognized_on",
        "exempt",
        "away_at",
        "created_by",
        "last_changed_by",
    ]
    fieldsets = [
        (
            _("Standing (from the events)"),
            {
                "fields": [
                    ("status", "party_age"),
                    ("organization", "counted_in"),
                    ("admitted_on", "ceremony_on", "recognized_on"),
                    ("exempt", "away_at"),
                    ("created_by", "last_changed_by"),
                ]
            },
        ),
        *PERSONAL_FIELDSETS,
    ]

    # The journeys' screens (below), laid out as the change page is.
    admission_fieldsets = [
        (
            _("Admission decision"),
            {
                "fields": [
                    "candidate",
                    "organization",
                    ("decided_on", "decision_no"),
                    "issued_by",
                    "ceremony_on",
                ]
            },
        ),
        *PERSONAL_FIELDSETS,
    ]
    transfer_in_fieldsets = [
        (
            _("Transfer"),
            {
                "fields": [
                    "kind",
                    "counterpart",
                    "organization",
                    ("occurred_on", "decision_no"),
                    "issued_by",
                ]
            },
        ),
        (
            _("Standing, from the transfer papers"),
            {
                "fields": [
                    "standing",
                    ("admitted_on", "admitted_in"),
                    ("ceremony_on", "recognized_on"),
                ]
            },
        ),
        *PERSONAL_FIELDSETS,
    ]

    def has_add_permission(self, request):
        # A record begins with an admission or a transfer in: the two journeys below.
        return False

    def may_record(self, request) -> bool:
        return request.user.has_perm("members.add_member")

    @admin.display(description=_("party age"))
    def party_age(self, obj):
        return obj.party_age()

    def save_model(self, request, obj, form, change):
        services.member_save(member=obj, by=request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("admit/", wrap(self.admission_view), name="members_member_admit"),
            path("transfer-in/", wrap(self.transfer_in_view), name="members_member_transfer_in"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_record": self.may_record(request),
            **self.list_urls(request),
        }
        return super().changelist_view(request, extra_context)

    def export_rows(self, queryset):
        return register_rows(queryset)

    def get_queryset(self, request):
        # The change page shows the organisations and the employer: read them with the member.
        return (
            super()
            .get_queryset(request)
            .select_related(
                "organization",
                "counted_in",
                "enterprise",
                "created_by_import",
                "last_changed_by_import",
            )
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["timeline"] = obj.events.select_related(
                "organization", "organization_after"
            ).order_by("sequence")
            if self.may_record(request):
                context["record_action"] = {
                    "url": reverse("admin:members_memberevent_add") + f"?member={obj.pk}",
                    "label": _("Add an event"),
                }
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- journeys --------------------------------------------------------------------------
    def _journey(self, request, *, form, write, message, title, fieldsets, template, extra=None):
        """A journey's screen. A valid post runs `write` (a service, given the form's
        arguments and the account), which returns the member and the warnings to show: then
        to the member's page with `message`; refused, the errors land on the form's fields."""
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    member, warnings = write(
                        member=form.instance, by=request.user, **form.service_arguments()
                    )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                self.message_user(
                    request,
                    message % {"name": member.full_name, "cell": member.organization.name},
                    messages.SUCCESS,
                )
                for warning in warnings:
                    self.message_user(request, warning, messages.WARNING)
                return HttpResponseRedirect(
                    reverse("admin:members_member_change", args=[member.pk])
                )
        admin_form = admin.helpers.AdminForm(form, fieldsets, {}, model_admin=self)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "adminform": admin_form,
            "form": form,
            "errors": admin.helpers.AdminErrorList(form, []),
            "media": self.media + admin_form.media,
            "has_view_permission": True,
            **(extra or {}),
        }
        return TemplateResponse(request, template, context)

    def _last_issuer(self, request, kind) -> str:
        """The body that issued the account's last decision of this kind: usually the same."""
        return (
            MemberEvent.objects.visible_to(request.user)
            .filter(kind=kind)
            .exclude(issued_by="")
            .order_by("-created_at")
            .values_list("issued_by", flat=True)
            .first()
            or ""
        )

    def admission_view(self, request):
        if not self.may_record(request):
            raise PermissionDenied
        candidate = None
        candidate_id = request.POST.get("candidate") or request.GET.get("candidate")
        visible_candidates = Candidate.objects.visible_to(request.user)
        if candidate_id:
            if not str(candidate_id).isdigit():
                raise Http404
            candidate = get_object_or_404(visible_candidates, pk=candidate_id)
        initial = {"issued_by": self._last_issuer(request, EventKind.ADMISSION)}
        if candidate is not None:
            # What a candidate's record shares with a member's (Person).
            initial |= {f.name: getattr(candidate, f.attname) for f in Person._meta.fields}
            initial |= {"candidate": candidate.pk, "organization": candidate.organization_id}
        awaiting = visible_candidates.filter(stage=CandidateStage.CELL_RESOLUTION).select_related(
            "organization"
        )
        return self._journey(
            request,
            form=AdmissionForm(
                request.POST or None, initial=initial, user=request.user, instance=Member()
            ),
            write=services.member_admit,
            message=_("%(name)s is recorded as a probationary member of %(cell)s."),
            title=_("Record an admission"),
            template="admin/members/member/admission.html",
            fieldsets=self.admission_fieldsets,
            extra={"candidate": candidate, "awaiting": awaiting},
        )

    def transfer_in_view(self, request):
        if not self.may_record(request):
            raise PermissionDenied
        form = TransferInForm(
            request.POST or None,
            initial={"issued_by": self._last_issuer(request, EventKind.TRANSFER_IN)},
            user=request.user,
            instance=Member(),
        )
        return self._journey(
            request,
            form=form,
            # The service returns the member alone: a transfer in warns of nothing.
            write=lambda **arguments: (services.member_transfer_in(**arguments), []),
            message=_("%(name)s is recorded as arriving in %(cell)s."),
            title=_("Record a transfer in"),
            template="admin/members/member/transfer_in.html",
            fieldsets=self.transfer_in_fieldsets,
        )


class MemberEventForm(ServiceCheckedForm):
    class Meta:
        model = MemberEvent
        fields = [
            "member",
            "kind",
            "occurred_on",
            "decision_no",
            "issued_by",
            "organization",
            "counterpart",
            "ceremony_on",
            "badge_years",
            "note",
            *ADMISSION_FACTS,
        ]

    def service_check(self):
        # Where the event stands among the member's others, and whether it counts the member
        # again while another counted member holds their numbers: before anything is saved.
        if self.instance.member_id:
            services.member_event_check(event=self.instance, by=self.user)


@admin.register(MemberEvent)
class MemberEventAdmin(ServiceCheckedAdminMixin, ScopedModelAdmin):
    form = MemberEventForm
    list_display = ["occurred_on", "member", "kind", "where", "decision_no"]
    list_filter = ["kind"]
    list_select_related = ["member", "organization_after", "organization"]
    search_fields = ["member__full_name", "decision_no", "counterpart"]
    autocomplete_fields = ["member"]
    date_hierarchy = "occurred_on"
    actions = None  # one by one, so that each deletion is checked against the timeline
    fieldsets = [
        (None, {"fields": ["member", "kind", ("occurred_on", "decision_no"), "issued_by"]}),
        (
            _("Where"),
            {
                "fields": ["organization", "counterpart"],
                "description": _(
                    "For an admission, a transfer in or a restoration choose the cell; for "
                    "a transfer out or an event elsewhere name the outside organisation."
                ),
            },
        ),
        (_("Details"), {"fields": ["ceremony_on", "badge_years", "note"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-occurred_on", "-pk")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.kind != EventKind.ADMISSION or not obj.organization_id:
            return fieldsets
        # Taken from the member's record when the admission was recorded; corrected here.
        return [
            *fieldsets,
            (
                _("The member at admission"),
                {
                    "fields": [tuple(ADMISSION_FACTS)],
                    "description": _(
                        "As the member's record stood when the admission was recorded; the "
                        "figures count owners, direct production workers, Youth Union members "
                        "and women as at admission."
                    ),
                },
            ),
        ]

    @admin.display(description=_("organisation"))
    def where(self, obj):
        place = obj.organization or obj.organization_after
        return place.name if place else obj.counterpart

    def get_readonly_fields(self, request, obj=None):
        # An event belongs to one member's record for good.
        return ["member"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = PartyOrganization.objects.visible_to(request.user).filter(
                kind__in=CELL_KINDS
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.member_event_change(event=obj, by=request.user)
        else:
            services.member_event_add(event=obj, by=request.user)

    def delete_model(self, request, obj):
        services.member_event_delete(event=obj, by=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            # Refused by the timeline: nothing was deleted (the view's transaction is undone).
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:members_memberevent_change", args=[object_id])
            )

    def _to_member(self, obj):
        return HttpResponseRedirect(reverse("admin:members_member_change", args=[obj.member_id]))

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if "_continue" in request.POST or "_addanother" in request.POST:
            return response
        return self._to_member(obj)  # back to the timeline the event belongs to

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if "_continue" in request.POST or "_addanother" in request.POST:
            return response
        return self._to_member(obj)
