from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from import_export import fields

from organizations import services
from organizations.access import scope_of
from organizations.admin.base import (
    ActiveListFilter,
    ExportMixin,
    ScopedModelAdmin,
    ScopedTabularInline,
    VerboseModelResource,
    verbose_columns,
)
from organizations.models import (
    LeadershipRole,
    LeadershipTerm,
    OrganizationKind,
    PartyOrganization,
)
from organizations.models.party import ALLOWED_PARENTS


class LeadershipTermFormSet(BaseInlineFormSet):
    def clean(self):
        # Each row is checked against the database; rows of one submission against each other.
        super().clean()
        secretaries = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == LeadershipRole.SECRETARY
            and form.cleaned_data.get("started_on")
        ]
        far = datetime.date.max
        for i, first in enumerate(secretaries):
            for second in secretaries[i + 1 :]:
                if first["started_on"] <= (second.get("ended_on") or far) and second[
                    "started_on"
                ] <= (first.get("ended_on") or far):
                    raise ValidationError(
                        _("This term overlaps another secretary's term."), code="overlap"
                    )


class LeadershipTermInline(ScopedTabularInline):
    model = LeadershipTerm
    formset = LeadershipTermFormSet
    fields = ["role", "full_name", "started_on", "ended_on", "decision_no", "seconded"]


class PartyOrganizationForm(forms.ModelForm):
    class Meta:
        model = PartyOrganization
        fields = [
            "kind",
            "parent",
            "code",
            "name",
            "founding_decision_no",
            "founded_on",
            "founding_body",
            "founding_members",
            "size_exception_decision",
            "enterprises",
            "ended_on",
            "end_reason",
            "end_decision_no",
            "end_body",
            "merged_into",
        ]

    # Set by the admin: whether the account must place what it adds inside its own subtree.
    requires_parent = False

    def clean(self):
        cleaned = super().clean()
        if self.requires_parent and "parent" in self.fields and not cleaned.get("parent"):
            self.add_error(
                "parent",
                ValidationError(
                    _("Choose the upper organisation: what you add sits inside your committee."),
                    code="parent_missing",
                ),
            )
        return cleaned

    def _post_clean(self):
        # After the model's own validation, when the instance carries the parent the form
        # chose: only then can we tell whether the enterprises lie in its committee's zones.
        super()._post_clean()
        enterprises = self.cleaned_data.get("enterprises")
        if enterprises and "parent" not in self.errors:
            try:
                self.instance.check_enterprises(enterprises.select_related("zone__committee"))
            except ValidationError as error:
                self._update_errors(error)


@verbose_columns
class PartyOrganizationResource(VerboseModelResource):
    kind = fields.Field(attribute="get_kind_display", column_name=_("kind"))
    parent = fields.Field(attribute="parent__name", column_name=_("upper organisation"))
    end_reason = fields.Field(attribute="get_end_reason_display", column_name=_("end reason"))

    class Meta:
        model = PartyOrganization
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "founding_decision_no",
            "founded_on",
            "founding_body",
            "founding_members",
            "ended_on",
            "end_reason",
            "end_decision_no",
        ]
        export_order = fields


END_FIELDS = ["ended_on", "end_reason", "end_decision_no", "end_body", "merged_into"]


def child_kinds(kind: str) -> list[str]:
    return [child for child, parents in ALLOWED_PARENTS.items() if kind in parents]


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ExportMixin, ScopedModelAdmin):
    form = PartyOrganizationForm
    resource_classes = [PartyOrganizationResource]
    list_display = ["tree_name", "code", "kind", "founded_on", "ended_on", "enterprise_count"]
    list_filter = ["kind", ActiveListFilter, "end_reason"]
    list_select_related = ["parent"]
    search_fields = ["name", "code", "founding_decision_no"]
    autocomplete_fields = ["parent", "merged_into", "enterprises"]
    inlines = [LeadershipTermInline]
    ordering = ["path"]
    fieldsets = [
        (None, {"fields": ["kind", "parent", "code", "name"]}),
        (
            _("Founding"),
            {
                "fields": [
                    "founding_decision_no",
                    "founded_on",
                    "founding_body",
                    "founding_members",
                    "size_exception_decision",
                ]
            },
        ),
        (_("Enterprises and agencies served"), {"fields": ["enterprises"]}),
        (
            _("End (dissolution, merger, split)"),
            {
                "classes": ["collapse"],
                "fields": END_FIELDS,
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                enterprise_total=Count("enterprises", distinct=True),
                # Indent from the account's own committee, not from the top of the tree.
                indent=F("depth") - scope_of(request.user).depth,
            )
            .order_by("path")  # GROUP BY drops Meta.ordering; autocompletes page on it
        )

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete for "upper organisation" and "merged into" offers what can really hold
        # children or absorb a merger: never a cell, never an ended organisation.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(ended_on__isnull=True)
            if request.GET.get("field_name") == "parent":
                queryset = queryset.filter(kind__in=[k for k in OrganizationKind if child_kinds(k)])
        return queryset, may_have_duplicates

    @admin.display(description=_("name"), ordering="path")
    def tree_name(self, obj):
        return format_html(
            '<span class="tree-node" style="padding-left:{}em">{}{}</span>',
            1.5 * max(obj.indent, 0),
            "└ " if obj.indent > 0 else "",
            obj.name,
        )

    @admin.display(description=_("enterprises"), ordering="enterprise_total")
    def enterprise_count(self, obj):
        return obj.enterprise_total

    def _is_own_root(self, request, obj) -> bool:
        # The account's own committee hangs under a body it cannot see: it may not move it.
        return (
            obj is not None
            and not request.user.is_superuser
            and scope_of(request.user).path == obj.path
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._is_own_root(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "upper_organisation" if field == "parent" else field
                        for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._is_own_root(request, obj):
            # Its place, kind and end are decided by the body above, not by its own staff.
            readonly += ["kind", "upper_organisation", *END_FIELDS]
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.requires_parent = not request.user.is_superuser and not self._is_own_root(request, obj)
        return form

    def get_changeform_initial_data(self, request):
        # "Add a sub-organisation" links prefill the parent (an id that cannot be one is
        # dropped by OddQueryMixin) and the kind; a kind that is none is dropped here.
        initial = super().get_changeform_initial_data(request)
        if initial.get("kind") not in OrganizationKind.values:
            initial.pop("kind", None)
        return initial

    @admin.display(description=_("upper organisation"))
    def upper_organisation(self, obj):
        # Named, not linked: the account may not open the body above its committee.
        return obj.parent.name if obj.parent_id else "—"

    def save_model(self, request, obj, form, change):
        for warning in services.organization_save(organization=obj):
            messages.warning(request, warning)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context.update(self._tree_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _tree_context(self, request, obj):
        subtree = obj.subtree().visible_to(request.user)
        rows = list(subtree.values("pk", "name", "kind", "depth", "ended_on", "founded_on", "code"))
        counts = subtree.exclude(pk=obj.pk).aggregate(
            **{
                f"{kind.value}_active": Count("pk", filter=Q(kind=kind, ended_on__isnull=True))
                for kind in OrganizationKind
            },
            **{
                f"{kind.value}_ended": Count("pk", filter=Q(kind=kind, ended_on__isnull=False))
                for kind in OrganizationKind
            },
        )
        kind_counts = [
            {
                "label": kind.label,
                "active": counts[f"{kind.value}_active"],
                "ended": counts[f"{kind.value}_ended"],
            }
            for kind in OrganizationKind
            if counts[f"{kind.value}_active"] or counts[f"{kind.value}_ended"]
        ]
        labels = dict(OrganizationKind.choices)
        for row in rows:
            row["kind_label"] = labels[row["kind"]]
            row["indent"] = 1.5 * (row["depth"] - obj.depth)
            row["url"] = reverse("admin:organizations_partyorganization_change", args=[row["pk"]])
        scope = scope_of(request.user)
        ancestors = [a for a in obj.ancestors() if scope.contains_path(a.path)]
        add_links = []
        if self.has_add_permission(request) and obj.ended_on is None:
            add_url = reverse("admin:organizations_partyorganization_add")
            add_links = [
                {
                    "label": OrganizationKind(kind).label,
                    "url": f"{add_url}?{urlencode({'parent': obj.pk, 'kind': kind})}",
                }
                for kind in child_kinds(obj.kind)
            ]
        return {
            "subtree_rows": rows,
            "kind_counts": kind_counts,
            "tree_ancestors": ancestors,
            "add_child_links": add_links,
        }
