"""Khóa sổ in the admin: the list of a committee's closed periods, closing the next one (its
staff), the stored figures, tables and tree of each, its adjustments with who made each
correction and when, and reopening (the body above). The writes are reports.services'."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kcn_party.dates import short_date
from organizations import access
from organizations.admin.base import ScopedModelAdmin
from organizations.models import PartyOrganization
from organizations.models.party import ACCOUNT_KINDS
from reports import closing, snapshot
from reports.adjustments import adjustments as adjustments_of
from reports.models import ClosedKind, ClosedPeriod
from reports.periods import Period, PeriodError
from reports.services import (
    CLOSERS,
    may_reopen,
    period_close,
    period_close_check,
    period_reopen,
)
from reports.templatetags.reports_tags import shown

NUMBERS = {
    ClosedKind.MONTH: range(1, 13),
    ClosedKind.QUARTER: range(1, 5),
    ClosedKind.HALF: range(1, 3),
}


def closable_by(user):
    """The committees whose periods `user` may close: its own organisation (staff and
    administrators), any account organisation for a superuser."""
    if user.is_superuser:
        return PartyOrganization.objects.filter(kind__in=ACCOUNT_KINDS)
    profile = access.staff_profile(user)
    if profile is None or profile.role not in CLOSERS:
        return PartyOrganization.objects.none()
    return PartyOrganization.objects.filter(pk=profile.organization_id)


class ClosePeriodForm(forms.ModelForm):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    number = forms.IntegerField(
        label=_("Month, quarter or half"),
        required=False,
        help_text=_("1–12 for a month, 1–4 for a quarter, 1–2 for a half year; empty for a year."),
    )

    class Meta:
        model = ClosedPeriod
        fields = ["committee", "kind"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["committee"].queryset = closable_by(user)
        self.period = None

    def clean(self):
        data = super().clean()
        kind, year, number = data.get("kind"), data.get("year"), data.get("number")
        committee = data.get("committee")
        if not (kind and year and committee):
            return data
        if kind == ClosedKind.YEAR:
            self.period = Period.year(year)
        elif number not in NUMBERS[kind]:
            raise ValidationError(
                {
                    "number": _("Give the number of the %(kind)s: %(first)d to %(last)d.")
                    % {
                        "kind": ClosedKind(kind).label.lower(),
                        "first": NUMBERS[kind][0],
                        "last": NUMBERS[kind][-1],
                    }
                }
            )
        else:
            make = {
                ClosedKind.MONTH: Period.month,
                ClosedKind.QUARTER: Period.quarter,
                ClosedKind.HALF: Period.half,
            }[kind]
            self.period = make(year, number)
        try:
            period_close_check(committee=committee, period=self.period, by=self.user)
        except (ValidationError, PeriodError) as error:
            raise ValidationError(getattr(error, "messages", [str(error)])) from None
        return data


class ClosedPeriodViewForm(forms.ModelForm):
    """A closing's page only shows it: no field to change."""

    class Meta:
        model = ClosedPeriod
        fields = []


def _table(header, rows):
    return format_html(
        '<table class="kcn-closed"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
        format_html_join("", "<th>{}</th>", ((h,) for h in header)),
        format_html_join(
            "",
            "<tr>{}</tr>",
            ((format_html_join("", "<td>{}</td>", ((c,) for c in row)),) for row in rows),
        ),
    )


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(ScopedModelAdmin):
    list_display = [
        "period_label",
        "committee",
        "start_shown",
        "end_shown",
        "closed_at",
        "closed_by",
        "state",
        "corrections_count",
    ]
    list_filter = ["kind"]
    list_select_related = ["committee", "closed_by", "reopened_by"]
    search_fields = ["committee__name", "committee__code"]
    form = ClosePeriodForm
    actions = None
    readonly_fields = [
        "committee",
        "period_label",
        "start_shown",
        "end_shown",
        "closed_at",
        "closed_by",
        "state",
        "reopened_at",
        "reopened_by",
        "reopen_reason",
        "figures_shown",
        "tables_shown",
        "tree_shown",
        "adjustments_shown",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(corrections_number=Count("corrections"))

    # --- who may do what ----------------------------------------------------------------
    def has_add_permission(self, request):
        # No query: the sidebar asks this on every admin page (the profile is cached).
        user = request.user
        if user.is_superuser:
            return True
        profile = access.staff_profile(user)
        return profile is not None and profile.role in CLOSERS

    def has_change_permission(self, request, obj=None):
        return False  # a closing is never edited: it is reopened

    def has_delete_permission(self, request, obj=None):
        return False

    # --- the add form: closing the next period --------------------------------------------
    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            form = super().get_form(request, obj, change=change, **kwargs)

            class BoundForm(form):
                def __init__(self, *args, **inner):
                    super().__init__(*args, user=request.user, **inner)

            return BoundForm
        return super().get_form(request, obj, change=change, form=ClosedPeriodViewForm, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["committee", "kind", "year", "number"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        committees = list(closable_by(request.user)[:2])
        if len(committees) == 1:
            initial.setdefault("committee", committees[0].pk)
        initial.setdefault("kind", ClosedKind.YEAR)
        initial.setdefault("year", timezone.localdate().year - 1)
        return initial

    def save_model(self, request, obj, form, change):
        closed = period_close(committee=obj.committee, period=form.period, by=request.user)
        obj.pk = closed.pk
        obj.__dict__.update({k: v for k, v in closed.__dict__.items() if not k.startswith("_")})

    # --- columns and read-only fields -------------------------------------------------------
    @admin.display(description=_("period"), ordering="start")
    def period_label(self, obj):
        return obj.period.label

    @admin.display(description=_("from"), ordering="start")
    def start_shown(self, obj):
        return short_date(obj.start)

    @admin.display(description=_("to"), ordering="end")
    def end_shown(self, obj):
        return short_date(obj.end)

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.in_force:
            return gettext("Closed")
        return gettext("Reopened on %(day)s") % {
            "day": short_date(timezone.localtime(obj.reopened_at).date())
        }

    @admin.display(description=_("corrections since"))
    def corrections_count(self, obj):
        return getattr(obj, "corrections_number", None)

    @admin.display(description=_("figures as closed"))
    def figures_shown(self, obj):
        header = (gettext("Figure"), gettext("This period"), gettext("Same period last year"))
        stored = closing.stored_values(obj)
        earlier = closing.stored_values(obj, "last_year")
        rows = []
        for item in obj.figures.get("metrics", []):
            key = item["key"], tuple(sorted(item["params"].items()))
            rows.append((item["label"], shown(stored[key]), shown(earlier[key])))
        return _table(header, rows)

    @admin.display(description=_("tables as closed"))
    def tables_shown(self, obj):
        header = (gettext("Line"), gettext("This period"), gettext("Same period last year"))
        found = closing.Closings([obj])
        parts = []
        for key in obj.figures.get("tables", {}):
            table = found.table(obj.period, key)
            rows = [(row.label, shown(row.this), shown(row.last_year)) for row in table.rows]
            parts.append(format_html("<h3>{}</h3>{}", table.title, _table(header, rows)))
        return format_html_join("", "{}", ((part,) for part in parts))

    @admin.display(description=_("tree as it stood"))
    def tree_shown(self, obj):
        organizations = snapshot.rows(obj.tree, "organizations")
        enterprises = snapshot.rows(obj.tree, "enterprises")
        summary = gettext(
            "%(organizations)d organisations and %(enterprises)d enterprises on %(day)s, of "
            "which %(covered)d served by a party organisation."
        ) % {
            "organizations": len(organizations),
            "enterprises": len(enterprises),
            "day": short_date(obj.end),
            "covered": sum(1 for e in enterprises if e["covered"]),
        }
        shown = 100  # a national tree is long: the first ones, the rest are stored
        rows = [
            (o["code"], o["name"], o["kind"], o["unit_type"] or "—") for o in organizations[:shown]
        ]
        header = (gettext("Code"), gettext("Name"), gettext("Kind"), gettext("Unit type"))
        return format_html("<p>{}</p>{}", summary, _table(header, rows))

    @admin.display(description=_("adjustments"))
    def adjustments_shown(self, obj):
        adjustments = adjustments_of(obj)
        if not adjustments.differences and not adjustments.corrections:
            return gettext("None: the records still give the figures as closed.")
        header = (gettext("Figure"), gettext("As closed"), gettext("From the records now"))
        differences = _table(
            header,
            [(d.label, shown(d.stored), shown(d.now)) for d in adjustments.differences],
        )
        header = (gettext("Made at"), gettext("Made by"), gettext("Change"), gettext("Record"))
        corrections = _table(
            header,
            [
                (
                    timezone.localtime(c.recorded_at).strftime("%d/%m/%Y %H:%M"),
                    c.recorded_by or gettext("a process (no account)"),
                    c.get_action_display(),
                    f"{c.record} ({short_date(c.dated)})",
                )
                for c in adjustments.corrections
            ],
        )
        return format_html("{}<h3>{}</h3>{}", differences, gettext("Corrections"), corrections)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        closed = self.get_object(request, object_id)  # 404 outside the account's subtree
        extra_context = dict(extra_context or {})
        if closed.in_force and may_reopen(request.user, closed.committee):
            extra_context["reopen_url"] = reverse(
                "admin:reports_closedperiod_reopen", args=[closed.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- reopening ---------------------------------------------------------------------------
    def get_urls(self):
        reopen = path(
            "<path:object_id>/reopen/",
            self.admin_site.admin_view(self.reopen_view),
            name="reports_closedperiod_reopen",
        )
        return [reopen, *super().get_urls()]

    def reopen_view(self, request, object_id):
        closed = self.get_object(request, object_id)  # 404 outside the account's subtree
        if not closed.in_force or not may_reopen(request.user, closed.committee):
            raise PermissionDenied
        form = ReopenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                period_reopen(closed=closed, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error("reason", error.messages)
            else:
                messages.success(
                    request,
                    gettext("%(period)s of %(committee)s is reopened.")
                    % {"period": closed.period.label, "committee": closed.committee.name},
                )
                return HttpResponseRedirect(
                    reverse("admin:reports_closedperiod_change", args=[closed.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "closed": closed,
            "form": form,
            "title": gettext("Reopen %(period)s") % {"period": closed.period.label},
        }
        return TemplateResponse(request, "admin/reports/closedperiod/reopen.html", context)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Say why the period is reopened.")},
    )


# The targets: their own module (reports/targets), registered here.
from reports.targets import admin as targets_admin  # noqa: F401,E402  (importing registers)
