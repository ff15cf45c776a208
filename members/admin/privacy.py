"""Personal details in the admin (members.privacy decides): masked on the lists, pages and
searches of members and candidates for an account that may not see them, each page that shows
them logged, and the log itself, read by administrators for their subtree."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from members import privacy, services
from members.models import Disclosure, PersonalDataLog, Subject
from organizations.admin.base import ScopedModelAdmin
from organizations.admin.imports import ReadOnlyRecordMixin

MASKED_PREFIX = "masked_"


def _masked_display(field: str, description):
    @admin.display(description=description)
    def display(self, obj):
        return privacy.masked(field, getattr(obj, field), shown=False) or "—"

    return display


class PersonalDetailsAdminMixin:
    """For a ModelAdmin of a Person (members, candidates): an account that may not see
    personal details gets them masked on the page (read-only: it cannot change what it is not
    shown), the year of birth in the list, and cannot search by them. An account that may see
    them sees and edits the real values, and each page that shows them is logged."""

    personal_subject = Subject.MEMBER

    masked_citizen_id = _masked_display("citizen_id", _("citizen ID"))
    masked_card_number = _masked_display("card_number", _("party card number"))
    masked_phone = _masked_display("phone", _("phone"))
    masked_birth_date = _masked_display("birth_date", _("year of birth"))

    @admin.display(description=_("year of birth"), ordering="birth_date")
    def birth_year(self, obj):
        return privacy.birth_year(obj.birth_date)

    def _shown(self, request) -> bool:
        return privacy.may_see(request.user)

    def get_search_fields(self, request):
        return privacy.search_fields(super().get_search_fields(request), self._shown(request))

    def get_list_display(self, request):
        fields = super().get_list_display(request)
        if self._shown(request):
            return fields
        return ["birth_year" if f == privacy.BIRTH else f for f in fields]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._shown(request):
            return fieldsets

        def swap(name):
            if isinstance(name, (list, tuple)):
                return tuple(swap(n) for n in name)
            return MASKED_PREFIX + name if name in privacy.FIELDS else name

        return [
            (title, {**options, "fields": [swap(f) for f in options["fields"]]})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._shown(request):
            return fields
        return [*fields, *(MASKED_PREFIX + f for f in privacy.FIELDS)]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self._shown(request):
            services.disclosure_record(
                by=request.user,
                action=Disclosure.VIEWED,
                subject=self.personal_subject,
                record_id=obj.pk,
                organization_id=obj.organization_id,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(PersonalDataLog)
class PersonalDataLogAdmin(ReadOnlyRecordMixin, ScopedModelAdmin):
    """Who saw personal details, for administrators of a subtree: read-only."""

    list_display = ["at", "username", "action", "subject", "count", "organization", "records_shown"]
    list_filter = ["action", "subject"]
    list_select_related = ["organization"]
    search_fields = ["username", "detail", "organization__name"]
    date_hierarchy = "at"
    show_full_result_count = False  # one count of the entries listed
    actions = None
    fields = [
        "at",
        "username",
        "user",
        "action",
        "subject",
        "count",
        "organization",
        "detail",
        "records",
    ]
    readonly_fields = fields

    SHOWN_IDS = 10

    def get_search_results(self, request, queryset, search_term):
        """By account, detail or organisation; a number also finds the entries that name that
        record's id."""
        searched, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term.isdigit() and len(term) <= 12:
            holding = (
                queryset.annotate(ids=Cast("records", output_field=TextField()))
                .filter(ids__regex=rf"(^|[^0-9]){int(term)}([^0-9]|$)")
                .values("pk")
            )
            searched = queryset.filter(Q(pk__in=searched.values("pk")) | Q(pk__in=holding))
        return searched, duplicates

    @admin.display(description=_("record ids"))
    def records_shown(self, obj):
        ids = obj.records or []
        shown = ", ".join(str(pk) for pk in ids[: self.SHOWN_IDS])
        return f"{shown}, …" if len(ids) > self.SHOWN_IDS else shown
