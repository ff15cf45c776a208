from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from members import services
from members.models import (
    AwarenessClass,
    AwarenessParticipant,
    StudySession,
    TheoryClass,
    TheoryParticipant,
)
from organizations.admin.base import (
    KnownChoicesInlineMixin,
    ScopedModelAdmin,
    ScopedTabularInline,
)
from organizations.models import PartyOrganization


class CourseAdmin(ScopedModelAdmin):
    list_display = ["title", "organization", "started_on", "ended_on"]
    list_select_related = ["organization"]
    list_filter = [("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title"]
    date_hierarchy = "started_on"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = PartyOrganization.objects.visible_to(request.user).active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-started_on", "title", "pk")

    def save_model(self, request, obj, form, change):
        services.course_save(course=obj)


class CertifiedCourseAdmin(CourseAdmin):
    """A class with participants and their certificate."""

    list_display = [*CourseAdmin.list_display, "certificate_on", "participant_count"]
    fields = ["organization", "title", ("started_on", "ended_on"), "certificate_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_total=Count("participants"))

    @admin.display(description=_("participants"), ordering="participant_total")
    def participant_count(self, obj):
        return obj.participant_total


class AwarenessParticipantInline(KnownChoicesInlineMixin, ScopedTabularInline):
    model = AwarenessParticipant
    fields = ["full_name", "enterprise", "candidate", "certified"]
    autocomplete_fields = ["enterprise", "candidate"]


@admin.register(AwarenessClass)
class AwarenessClassAdmin(CertifiedCourseAdmin):
    inlines = [AwarenessParticipantInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.awareness_certificates_sync(course=form.instance)


class TheoryParticipantInline(KnownChoicesInlineMixin, ScopedTabularInline):
    model = TheoryParticipant
    fields = ["member", "completed"]
    autocomplete_fields = ["member"]


@admin.register(TheoryClass)
class TheoryClassAdmin(CertifiedCourseAdmin):
    inlines = [TheoryParticipantInline]


@admin.register(StudySession)
class StudySessionAdmin(CourseAdmin):
    list_display = [*CourseAdmin.list_display, "invited", "attended", "rate"]
    fields = ["organization", "title", ("started_on", "ended_on"), ("invited", "attended")]

    @admin.display(description=_("attendance"))
    def rate(self, obj):
        rate = obj.attendance_rate
        return "—" if rate is None else f"{number_format(rate, 1)} %"
