from __future__ import annotations

import datetime
from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from kcn_party.dates import NamedDateField
from organizations import services
from organizations.access import scope_of
from organizations.admin.base import (
    ActiveListFilter,
    ExportMixin,
    SafeAutocompleteSelectMultiple,
    ScopedModelAdmin,
    ScopedTabularInline,
    scoped,
)
from organizations.admin.lists import (
    ImportedRecordMixin,
    OrganizationListImportMixin,
    list_resource,
)
from organizations.imports.party import ORGANIZATIONS
from organizations.models import (
    Congress,
    Enterprise,
    EnterpriseLink,
    FoundingReason,
    LeadershipRole,
    LeadershipTerm,
    OrganizationKind,
    PartyOrganization,
)
from organizations.models.party import ALLOWED_PARENTS, CELL_KINDS


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


class CongressFormSet(BaseInlineFormSet):
    def clean(self):
        # Each row is checked against the database; rows of one submission against each other.
        super().clean()
        terms = sorted(
            (form.cleaned_data["first_year"], form.cleaned_data["last_year"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("first_year")
            and form.cleaned_data.get("last_year")
        )
        for (first, last), (next_first, _next_last) in zip(terms, terms[1:], strict=False):
            if next_first < last:
                raise ValidationError(
                    _("This term overlaps the term %(term)s."),
                    code="overlap",
                    params={"term": f"{first}–{last}"},
                )


class CongressInline(ScopedTabularInline):
    model = Congress
    formset = CongressFormSet
    fields = ["held_on", "first_year", "last_year"]
    verbose_name = _("congress")
    verbose_name_plural = _(
        "Congresses and terms (a term runs from its congress to the day before the next)"
    )


# The links are dated (EnterpriseLink), so the form names the enterprises served *now* in a
# field of its own; the service turns a change of that choice into links that start or end on
# the date given (Django's admin cannot edit a relation through a model of its own).
def _served_field(queryset) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=queryset,
        required=False,
        label=_("enterprises and agencies served now"),
        help_text=_(
            "A joint cell may serve several enterprises. One added or removed here starts or "
            "stops being served on the date below; an enterprise that leaves a joint cell for "
            "this one stops being served by the joint cell that day."
        ),
    )


# The form's fields, in the page's sections.
NAME_FIELDS = ["kind", "parent", "code", "name"]
FOUNDING_FIELDS = [
    "founding_decision_no",
    "founded_on",
    "founding_body",
    "founding_reason",
    "founding_members",
    "founding_organizations",
    "size_exception_decision",
]
END_FIELDS = ["ended_on", "end_reason", "end_decision_no", "end_body", "merged_into"]

# The service's names for what the form calls otherwise.
FORM_NAMES = {"enterprises": "current_enterprises", "links_on": "links_changed_on"}


class PartyOrganizationForm(forms.ModelForm):
    current_enterprises = _served_field(Enterprise.objects.all())
    links_changed_on = NamedDateField(
        required=False,
        label=_("date of the change of enterprises served"),
        help_text=_(
            "When the enterprises served above changed. Left blank: the founding date for a new "
            "organisation, today for an existing one."
        ),
    )

    class Meta:
        model = PartyOrganization
        fields = [*NAME_FIELDS, *FOUNDING_FIELDS, "chosen_unit_type", *END_FIELDS]

    # Set by the admin: whether the account must place what it adds inside its own subtree,
    # and who uses the form (the end check names only the members this account may see).
    requires_parent = False
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "founding_reason" in self.fields:
            # Left out, as by a form from before the reason existed: newly founded.
            self.fields["founding_reason"].required = False
        if self.instance.pk and "current_enterprises" in self.fields:
            self.initial.setdefault(
                "current_enterprises",
                list(
                    self.instance.enterprise_links.current()
                    .order_by()
                    .values_list("enterprise_id", flat=True)
                ),
            )

    def clean_founding_reason(self):
        return self.cleaned_data.get("founding_reason") or FoundingReason.NEW

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
        # chose: only then can we tell whether the enterprises lie in its committee's zones,
        # whether they need a unit type chosen, and whether the links can change that day.
        super()._post_clean()
        checkable = not self.has_error("parent") and not self.has_error("current_enterprises")
        if "current_enterprises" in self.fields and checkable:
            enterprises = self.cleaned_data.get("current_enterprises")
            enterprises = list(enterprises.select_related("zone__committee")) if enterprises else []
            try:
                services.organization_links_check(
                    organization=self.instance,
                    enterprises=enterprises,
                    on=self.cleaned_data.get("links_changed_on"),
                )
            except ValidationError as error:
                self._update_errors(self._on_fields(error))
        if not self.has_error("ended_on"):
            try:
                services.organization_end_check(organization=self.instance, by=self.user)
            except ValidationError as error:
                self._update_errors(self._on_fields(error))

    def _on_fields(self, error: ValidationError) -> ValidationError:
        """The service's errors on the form's fields (on none when the form lacks the field,
        e.g. an end date the account may only read)."""
        errors: dict = {}
        for name, messages_ in error.update_error_dict({}).items():
            name = FORM_NAMES.get(name, name)
            errors.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(
                messages_
            )
        return ValidationError(errors)


def _served_tax_codes(resource, obj) -> str:
    # The links in force, prefetched with the export's queryset (see get_export_queryset).
    return "; ".join(sorted(link.enterprise.tax_code for link in obj.current_links))


# "Xuất": the columns of the organisation list, so that an export imports back unchanged.
PartyOrganizationResource = list_resource(
    ORGANIZATIONS,
    {"parent": "parent__code"},
    "PartyOrganizationResource",
    dehydrate={"enterprises": _served_tax_codes},
)


def child_kinds(kind: str) -> list[str]:
    return [child for child, parents in ALLOWED_PARENTS.items() if kind in parents]


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(
    ImportedRecordMixin, OrganizationListImportMixin, ExportMixin, ScopedModelAdmin
):
    form = PartyOrganizationForm
    resource_classes = [PartyOrganizationResource]
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    import_kind = ORGANIZATIONS
    sample_row = {
        "code": "BG-KCN-CB09",
        "name": "Chi bộ Công ty TNHH Điện tử Quang Châu",
        "kind": "Chi bộ cơ sở",
        "parent": "BG-KCN",
        "founded_on": "15/03/2024",
        "founding_decision_no": "125-QĐ/ĐU",
        "founding_body": "Đảng ủy Các KCN tỉnh",
        "founding_members": "3",
        "founding_reason": "Thành lập mới",
        "enterprises": "2400000110; 2400000127",
    }
    list_display = [
        "tree_name",
        "code",
        "kind",
        "unit_type",
        "founded_on",
        "ended_on",
        "enterprise_count",
    ]
    list_filter = ["kind", ActiveListFilter, "unit_type", "founding_reason", "end_reason"]
    list_select_related = ["parent"]
    show_full_result_count = False  # one count of the list, not a second of every record
    search_fields = ["name", "code", "founding_decision_no"]
    autocomplete_fields = ["parent", "merged_into"]
    inlines = [LeadershipTermInline, CongressInline]
    ordering = ["path"]
    readonly_fields = ["unit_type", "created_by", "last_changed_by"]
    fieldsets = [
        (None, {"fields": NAME_FIELDS}),
        (_("Founding"), {"fields": FOUNDING_FIELDS}),
        (
            _("Enterprises and agencies served"),
            {
                "fields": [
                    "current_enterprises",
                    "links_changed_on",
                    "chosen_unit_type",
                    "unit_type",
                ]
            },
        ),
        (
            _("End (dissolution, merger, split)"),
            {
                "classes": ["collapse"],
                "fields": END_FIELDS,
            },
        ),
        (_("Record"), {"fields": ["created_by", "last_changed_by"]}),
    ]

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("parent")
            .prefetch_related(
                Prefetch(
                    "enterprise_links",
                    queryset=EnterpriseLink.objects.current().select_related("enterprise"),
                    to_attr="current_links",
                )
            )
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                # What each serves now; ended links are history (on the organisation's page).
                # A subquery, not a join grouped by organisation: the list's count and its
                # page then read only the organisations they show (50,000 in the nation).
                enterprise_total=Coalesce(
                    Subquery(
                        EnterpriseLink.objects.current()
                        .filter(organization=OuterRef("pk"))
                        .order_by()
                        .values("organization")
                        .annotate(total=Count("pk"))
                        .values("total")
                    ),
                    0,
                ),
                # Indent from the account's own committee, not from the top of the tree.
                indent=F("depth") - scope_of(request.user).depth,
            )
            .order_by("path")  # autocompletes page on it
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

    @admin.display(description=_("enterprises and agencies served now"))
    def current_enterprises(self, obj):
        # What an account that may only look reads instead of the choice.
        links = obj.enterprise_links.current().select_related("enterprise")
        return ", ".join(link.enterprise.name for link in links) or "—"

    def get_inlines(self, request, obj):
        # Terms are a committee's: a cell's page and the add page have no congresses.
        if obj is None or obj.kind in CELL_KINDS:
            return [LeadershipTermInline]
        return super().get_inlines(request, obj)

    def _is_own_root(self, request, obj) -> bool:
        # The account's own committee hangs under a body it cannot see: it may not move it.
        return (
            obj is not None
            and not request.user.is_superuser
            and scope_of(request.user).path == obj.path
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # A date of change means nothing to an account that only looks.
            fieldsets = [
                (name, {**options, "fields": [f for f in fields if f != "links_changed_on"]})
                for name, options in fieldsets
                for fields in [options["fields"]]
            ]
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
        form.user = request.user
        if "current_enterprises" in form.base_fields:
            # The enterprises this account sees, chosen by autocomplete (the relation's, so the
            # search goes through the enterprise admin's scoped queryset).
            served = _served_field(scoped(Enterprise.objects.all(), request))
            served.widget = SafeAutocompleteSelectMultiple(
                PartyOrganization._meta.get_field("enterprises"), self.admin_site
            )
            served.widget.choices = served.choices
            form.base_fields["current_enterprises"] = served
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
        enterprises = form.cleaned_data.get("current_enterprises")
        warnings = services.organization_save(
            organization=obj,
            enterprises=None if "current_enterprises" not in form.fields else list(enterprises),
            links_on=form.cleaned_data.get("links_changed_on"),
            by=request.user,
        )
        for warning in warnings:
            messages.warning(request, warning)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context.update(self._tree_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _tree_context(self, request, obj):
        subtree = obj.subtree().visible_to(request.user)
        rows = list(subtree.values("pk", "name", "kind", "depth", "ended_on", "founded_on", "code"))
        # Counted from the rows already read: the same subtree, without a second query.
        counts = Counter(
            (row["kind"], row["ended_on"] is None) for row in rows if row["pk"] != obj.pk
        )
        kind_counts = [
            {"label": kind.label, "active": counts[kind, True], "ended": counts[kind, False]}
            for kind in OrganizationKind
            if counts[kind, True] or counts[kind, False]
        ]
        labels = dict(OrganizationKind.choices)
        # One reverse for every row: the page of organisation 0, its number replaced.
        url = reverse("admin:organizations_partyorganization_change", args=[0]).split("/0/")
        for row in rows:
            row["kind_label"] = labels[row["kind"]]
            row["indent"] = 1.5 * (row["depth"] - obj.depth)
            row["url"] = f"{url[0]}/{row['pk']}/{url[1]}"
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
        links = (
            EnterpriseLink.objects.filter(organization=obj)
            .select_related("enterprise")
            # Current links first, then history from the latest.
            .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "enterprise__name")
        )
        return {
            "enterprise_links": links,
            "subtree_rows": rows,
            "kind_counts": kind_counts,
            "tree_ancestors": ancestors,
            "add_child_links": add_links,
        }
