from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from members import privacy, selectors, services
from members.admin.imports import ListImportAdminMixin
from members.forms import (
    LIST_CHANGED,
    MemberRatingFormSet,
    OrganizationRatingForm,
    RatingChoiceForm,
)
from members.imports.exports import member_rating_rows, organization_rating_rows
from members.models import Disclosure, MemberRating, OrganizationRating, RatingLevel
from organizations.admin.base import ScopedModelAdmin
from organizations.admin.lists import ImportedRecordMixin
from organizations.models import PartyOrganization


@admin.register(MemberRating)
class MemberRatingAdmin(ListImportAdminMixin, ImportedRecordMixin, ScopedModelAdmin):
    import_kind = "member_ratings"
    import_title = _("Import member ratings")
    export_name = "xep-loai-dang-vien"
    list_display = ["year", "member", "organization", "level", "note"]
    list_filter = ["year", "level", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["member", "organization"]
    search_fields = ["member__full_name"]
    fields = ["member", "year", "organization", "level", "note", "created_by", "last_changed_by"]
    readonly_fields = ["member", "year", "organization", "created_by", "last_changed_by"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .order_by("-year", "organization__path", "member__sort_name", "pk")
        )

    def has_add_permission(self, request):
        return False  # a cell's ratings are entered together, on one screen

    def save_model(self, request, obj, form, change):
        for warning in services.ratings_save(
            organization=obj.organization,
            year=obj.year,
            levels={obj.member: (obj.level, obj.note)},
            by=request.user,
        ):
            self.message_user(request, warning, messages.WARNING)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("enter/", wrap(self.entry_view), name="members_memberrating_enter"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "entry_url": reverse("admin:members_memberrating_enter"),
            **self.list_urls(request),
        }
        return super().changelist_view(request, extra_context)

    def export_rows(self, queryset, request):
        shown = privacy.may_see(request.user)
        if shown:
            members = dict(queryset.order_by().values_list("member_id", "organization__path"))
            services.disclosure_record(
                by=request.user,
                action=Disclosure.EXPORTED,
                records=members.items(),
                detail=self.export_name,
            )
        return member_rating_rows(queryset, personal_shown=shown)

    def entry_view(self, request):
        """One screen for a cell's ratings of a year: every member attending the cell at the
        year's end (or today), with their rating, and the cell's own."""
        may_change = request.user.has_perm("members.add_memberrating") and request.user.has_perm(
            "members.change_memberrating"
        )
        if not self.has_view_permission(request) or (request.method == "POST" and not may_change):
            raise PermissionDenied
        chosen = request.GET.get("organization", "")
        if (
            chosen.isdigit()
            and not PartyOrganization.objects.visible_to(request.user).filter(pk=chosen).exists()
        ):
            raise Http404  # another committee's cell: as if it did not exist
        today = timezone.localdate()
        choice = RatingChoiceForm(request.GET or None, user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Enter a cell's ratings"),
            "choice": choice,
            "may_change": may_change,
        }
        if not choice.is_valid():
            return TemplateResponse(request, "admin/members/memberrating/entry.html", context)
        cell, year = choice.cleaned_data["organization"], choice.cleaned_data["year"]
        on = min(datetime.date(year, 12, 31), today)
        members = list(
            selectors.attending_on(cell, on)
            .select_related("enterprise")
            .order_by("sort_name", "pk")
        )
        stored = {
            rating.member_id: rating
            for rating in MemberRating.objects.filter(year=year, member__in=members)
        }
        initial = []
        for member in members:
            rating = stored.get(member.pk)
            if rating is not None:
                initial.append({"member": member.pk, "level": rating.level, "note": rating.note})
            else:
                default = "" if selectors.rateable(member, year) else RatingLevel.NOT_RATED
                initial.append({"member": member.pk, "level": default, "note": ""})
        cell_rating = OrganizationRating.objects.filter(organization=cell, year=year).first()
        data = request.POST if request.method == "POST" else None
        formset = MemberRatingFormSet(data, initial=initial, members=members, prefix="ratings")
        cell_form = OrganizationRatingForm(
            data, initial={"level": cell_rating.level if cell_rating else ""}, prefix="cell"
        )
        if data is not None and formset.list_changed():
            # Rows for members who are no longer listed, or none for one who now is: saved,
            # they would rate someone who left or leave out someone the staff never saw. The
            # list as it is now instead, with what was entered for those still on it.
            self.message_user(request, LIST_CHANGED, messages.ERROR)
            entered = formset.entered()
            initial = [{**row, **entered.get(row["member"], {})} for row in initial]
            formset = MemberRatingFormSet(initial=initial, members=members, prefix="ratings")
        elif data is not None and formset.is_valid() and cell_form.is_valid():
            by_id = {member.pk: member for member in members}
            levels = {
                by_id[form.cleaned_data["member"]]: (
                    form.cleaned_data["level"],
                    form.cleaned_data["note"],
                )
                for form in formset.forms
                if form.cleaned_data.get("level")
            }
            try:
                warnings = services.ratings_save(
                    organization=cell,
                    year=year,
                    levels=levels,
                    organization_level=cell_form.cleaned_data["level"] or None,
                    by=request.user,
                )
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                self.message_user(
                    request,
                    _("Ratings of %(cell)s for %(year)d saved: %(count)d members.")
                    % {"cell": cell.name, "year": year, "count": len(levels)},
                    messages.SUCCESS,
                )
                # The HTXS quota is shown on the screen the save leads back to; the other
                # warnings (a member rated too soon after admission) only here.
                shown = set(selectors.excellent_quota_warning(cell, year))
                for warning in warnings:
                    if warning not in shown:
                        self.message_user(request, warning, messages.WARNING)
                query = urlencode({"organization": cell.pk, "year": year})
                return HttpResponseRedirect(f"{request.path}?{query}")
        levels_now = [stored[m.pk].level for m in members if m.pk in stored]
        context.update(
            {
                "cell": cell,
                "year": year,
                "on": on,
                "rows": list(zip(members, formset.forms, strict=True)),
                "formset": formset,
                "cell_form": cell_form,
                "summary": [
                    (label, levels_now.count(value)) for value, label in RatingLevel.choices
                ],
                "unrated": len(members) - len(levels_now),
                "quota_warnings": selectors.excellent_quota_warning(cell, year),
            }
        )
        return TemplateResponse(request, "admin/members/memberrating/entry.html", context)


@admin.register(OrganizationRating)
class OrganizationRatingAdmin(ListImportAdminMixin, ImportedRecordMixin, ScopedModelAdmin):
    import_kind = "organization_ratings"
    import_title = _("Import organisation ratings")
    export_name = "xep-loai-to-chuc"
    list_display = ["year", "organization", "level", "note"]
    list_filter = ["year", "level"]
    list_select_related = ["organization"]
    search_fields = ["organization__name"]
    fields = ["organization", "year", "level", "note", "created_by", "last_changed_by"]
    readonly_fields = ["created_by", "last_changed_by"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), **self.list_urls(request)}
        return super().changelist_view(request, extra_context)

    def export_rows(self, queryset, request):
        return organization_rating_rows(queryset)

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-year", "organization__path", "pk")

    def save_model(self, request, obj, form, change):
        services.organization_rating_save(rating=obj, by=request.user)
