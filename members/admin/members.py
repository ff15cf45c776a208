from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from members import privacy, services
from members.access_request import access_request_xlsx
from members.admin.imports import XLSX, ListImportAdminMixin, download
from members.admin.persons import person_name, personal_fieldsets
from members.admin.privacy import PersonalDetailsAdminMixin
from members.forms import AdmissionForm, TransferInForm
from members.imports.exports import register_rows
from members.models import Candidate, CandidateStage, Disclosure, EventKind, Member, MemberEvent
from members.models.events import ADMISSION_FACTS
from members.models.members import ACTIVE_STATUSES, PERSONAL_FIELDS, Person
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
    """The members' list as the admin's "Export" writes it; the personal details masked unless
    the account may see them (`personal_shown`, given by the admin)."""

    def __init__(self, personal_shown: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.personal_shown = personal_shown

    def export_field(self, field, instance, **kwargs):
        if self.personal_shown or field.attribute not in privacy.FIELDS:
            return super().export_field(field, instance, **kwargs)
        return privacy.masked(field.attribute, getattr(instance, field.attribute), False)

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
    PersonalDetailsAdminMixin,
    ListImportAdminMixin,
    ImportedRecordMixin,
    ServiceCheckedAdminMixin,
    ExportMixin,
    ScopedModelAdmin,
):
    form = MemberForm
    actions = ["anonymise_members"]
    import_kind = "members"
    import_title = _("Import a member register")
    export_name = "so-dang-vien"
    resource_classes = [MemberResource]
    # import-export builds its list on this one, which adds the journeys' buttons.
    import_export_change_list_template = "admin/members/member/change_list.html"
    list_display = [
        person_name,
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
        "anonymised",
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
                    "anonymised",
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.anonymised_at is not None:
            # Anonymised for good: the personal record is not entered again.
            fields += [f for f in PERSONAL_FIELDS if f not in fields]
        return fields

    def may_record(self, request) -> bool:
        return request.user.has_perm("members.add_member")

    @admin.display(description=_("party age"))
    def party_age(self, obj):
        return obj.party_age()

    @admin.display(description=_("anonymised"))
    def anonymised(self, obj):
        if obj.anonymised_at is None:
            return "—"
        by = obj.anonymised_by.get_username() if obj.anonymised_by else "—"
        when = timezone.localtime(obj.anonymised_at)
        return _("on %(date)s by %(user)s") % {
            "date": formats.date_format(when, "SHORT_DATETIME_FORMAT"),
            "user": by,
        }

    def save_model(self, request, obj, form, change):
        services.member_save(member=obj, by=request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("admit/", wrap(self.admission_view), name="members_member_admit"),
            path("transfer-in/", wrap(self.transfer_in_view), name="members_member_transfer_in"),
            path(
                "<path:object_id>/access-request/",
                wrap(self.access_request_view),
                name="members_member_access_request",
            ),
            path(
                "<path:object_id>/anonymise/",
                wrap(self.anonymise_view),
                name="members_member_anonymise",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_record": self.may_record(request),
            **self.list_urls(request),
        }
        return super().changelist_view(request, extra_context)

    def export_rows(self, queryset, request):
        shown = privacy.may_see(request.user)
        if shown:
            self.log_export(request, queryset, "so-dang-vien")
        return register_rows(queryset, personal_shown=shown)

    def log_export(self, request, queryset, detail):
        """One entry for the export of `queryset` with the personal details shown."""
        services.disclosure_record(
            by=request.user,
            action=Disclosure.EXPORTED,
            records=services.disclosed_members(queryset),
            detail=detail,
        )

    def get_export_resource_kwargs(self, request, **kwargs):
        return {
            **super().get_export_resource_kwargs(request, **kwargs),
            "personal_shown": privacy.may_see(request.user),
        }

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        if privacy.may_see(request.user):
            self.log_export(request, queryset, str(_("Export")))
        return data

    # --- personal data: the access request and the anonymisation ------------------------

    def _member_for(self, request, object_id) -> Member:
        """The member at `object_id` among those the account sees (404 otherwise, a forged id
        included), for an account that may see personal details (403 otherwise)."""
        member = self.get_object(request, object_id)  # 404 outside the subtree
        if not privacy.may_see(request.user):
            raise PermissionDenied
        return member

    def access_request_view(self, request, object_id):
        """Everything recorded about a member, as a workbook for that member; logged."""
        member = self._member_for(request, object_id)
        content = access_request_xlsx(member)
        services.disclosure_record(
            by=request.user,
            action=Disclosure.ACCESS_REQUEST,
            record_id=member.pk,
            organization_id=member.organization_id,
        )
        return download(content, f"dang-vien-{member.pk}.xlsx", XLSX)

    def may_anonymise(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj) and privacy.may_see(request.user)

    def anonymise_view(self, request, object_id):
        """The confirmation page of one member's anonymisation, then the service."""
        member = self.get_object(request, object_id)
        if not self.may_anonymise(request, member):
            raise PermissionDenied
        return self._anonymise(request, [member], {"post_url": request.get_full_path()})

    @admin.action(description=_("Anonymise the selected members who have left"))
    def anonymise_members(self, request, queryset):
        if not self.may_anonymise(request):
            raise PermissionDenied
        members = list(queryset.select_related("organization").order_by("pk"))
        if not members:  # ids of no record the account sees
            self.message_user(
                request,
                gettext(
                    "Items must be selected in order to perform actions on them. No items "
                    "have been changed."
                ),
                messages.WARNING,
            )
            return None
        return self._anonymise(
            request,
            members,
            {"action": "anonymise_members", "selected": [m.pk for m in members]},
        )

    def _anonymise(self, request, members, form_context):
        """Confirm, then anonymise every member or none: one refused (still counted, already
        anonymised) refuses them all, with the reasons."""
        refusals = []
        for member in members:
            try:
                services.member_anonymise_check(member=member, by=request.user)
            except ValidationError as error:
                refusals.extend(error.messages)
        if refusals:
            for refusal in refusals:
                self.message_user(request, refusal, messages.ERROR)
            if len(members) == 1:
                return HttpResponseRedirect(
                    reverse("admin:members_member_change", args=[members[0].pk])
                )
            return None  # back to the list
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                with transaction.atomic():
                    for member in members:
                        services.member_anonymise(member=member, by=request.user)
            except ValidationError as error:  # changed since the check: nothing written
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None if len(members) > 1 else HttpResponseRedirect(request.path)
            self.message_user(
                request,
                ngettext(
                    "%(count)d member was anonymised.",
                    "%(count)d members were anonymised.",
                    len(members),
                )
                % {"count": len(members)},
                messages.SUCCESS,
            )
            if len(members) == 1:
                return HttpResponseRedirect(
                    reverse("admin:members_member_change", args=[members[0].pk])
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Anonymise members who have left"),
            "members": members,
            **form_context,
        }
        return TemplateResponse(request, "admin/members/member/anonymise.html", context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.may_anonymise(request):
            actions.pop("anonymise_members", None)
        return actions

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
        if obj is not None and privacy.may_see(request.user):
            context["access_request_url"] = reverse(
                "admin:members_member_access_request", args=[obj.pk]
            )
            left = obj.counted_in_id is None and obj.status not in ACTIVE_STATUSES
            if left and obj.anonymised_at is None and self.may_anonymise(request, obj):
                context["anonymise_url"] = reverse("admin:members_member_anonymise", args=[obj.pk])
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
