"""Forms of the staff's journeys: record an admission, record a transfer in, enter a cell's
ratings for a year. They only collect and check input; members.services writes."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kcn_party.dates import NamedDateField, date_formfield
from members.models import Candidate, EventKind, Member, MemberEvent, MemberStatus, RatingLevel
from members.models.members import PERSONAL_FIELDS
from organizations.admin.base import SafeAutocompleteSelect
from organizations.models import PartyOrganization
from organizations.models.party import CELL_KINDS


def cells_of(user, on: datetime.date | None = None):
    """The cells the account may choose: active ones of its subtree, by the tree's order."""
    return PartyOrganization.objects.visible_to(user).filter(kind__in=CELL_KINDS).active(on)


class CellChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class JourneyForm(forms.ModelForm):
    """A member's personal record plus what the journey adds; errors from the service land on
    the fields that caused them."""

    class Meta:
        model = Member
        fields = PERSONAL_FIELDS
        formfield_callback = date_formfield  # a date typed wrong is named by its field
        widgets = {
            "birth_date": AdminDateWidget,
            "enterprise": SafeAutocompleteSelect(Member._meta.get_field("enterprise"), admin.site),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = cells_of(user)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.visible_to(user)

    def _post_clean(self):
        # The personal record is checked here; the rest, and the uniqueness of counted
        # members, by the service once the events say who is counted where.
        self.instance = construct_instance(self, self.instance, PERSONAL_FIELDS)
        others = [f.name for f in Member._meta.fields if f.name not in PERSONAL_FIELDS]
        try:
            self.instance.full_clean(
                exclude=[*others, *self.errors], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)

    def check_event(self, event: MemberEvent, names: dict) -> None:
        """The event's own rules (dates in order, none in the future), checked with the rest
        of the form so that every mistake shows at once; the service checks the timeline."""
        try:
            event.clean()
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                name = names.get(field, field)
                if name in self.fields and name not in self.errors:
                    self.add_error(name, errors)

    def check_admission(self, cleaned: dict, field: str) -> None:
        """The admission dated by `field`, with the ceremony the form gives, as check_event
        checks it."""
        if cleaned.get(field):
            admission = MemberEvent(
                kind=EventKind.ADMISSION,
                occurred_on=cleaned[field],
                ceremony_on=cleaned.get("ceremony_on"),
            )
            self.check_event(admission, {"occurred_on": field})

    # What the journey's service takes from the form, besides the member and the account.
    service_fields: tuple[str, ...] = ()

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.service_fields}

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


def date_field(label, **kwargs):
    return NamedDateField(label=capfirst(label), widget=AdminDateWidget, **kwargs)


class AdmissionForm(JourneyForm):
    """Record an admission: from a candidate whose cell has resolved, or directly."""

    candidate = forms.ModelChoiceField(
        label=capfirst(_("admission candidate")),
        queryset=Candidate.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    organization = CellChoiceField(label=capfirst(_("admitted into the cell")), queryset=None)
    decided_on = date_field(_("admission decided on"))
    decision_no = forms.CharField(
        label=capfirst(_("decision number")), max_length=64, required=False
    )
    issued_by = forms.CharField(label=capfirst(_("issued by")), max_length=255, required=False)
    ceremony_on = date_field(
        _("admission ceremony"),
        required=False,
        help_text=_("Leave empty until the ceremony is held; probation counts from it."),
    )

    service_fields = (
        "organization",
        "decided_on",
        "decision_no",
        "issued_by",
        "ceremony_on",
        "candidate",
    )

    def clean(self):
        cleaned = super().clean()
        self.check_admission(cleaned, "decided_on")
        return cleaned

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # Any of the account's candidates: the service says why one cannot be admitted yet.
        self.fields["candidate"].queryset = Candidate.objects.visible_to(user)


class TransferInForm(JourneyForm):
    """Record a member arriving from another party organisation."""

    PERMANENT, TEMPORARY = "permanent", "temporary"

    kind = forms.ChoiceField(
        label=capfirst(_("transfer")),
        choices=[
            (PERMANENT, _("For good: counted here")),
            (TEMPORARY, _("For a while: still counted there")),
        ],
        initial=PERMANENT,
        widget=forms.RadioSelect,
    )
    counterpart = forms.CharField(
        label=capfirst(_("comes from")),
        max_length=255,
        help_text=_("The party organisation named in the transfer papers."),
    )
    organization = CellChoiceField(label=capfirst(_("joins the cell")), queryset=None)
    occurred_on = date_field(_("date of the transfer"))
    decision_no = forms.CharField(
        label=capfirst(_("transfer paper number")), max_length=64, required=False
    )
    issued_by = forms.CharField(label=capfirst(_("issued by")), max_length=255, required=False)
    standing = forms.ChoiceField(
        label=capfirst(_("standing")),
        choices=[
            (MemberStatus.OFFICIAL, MemberStatus.OFFICIAL.label),
            (MemberStatus.PROBATIONARY, MemberStatus.PROBATIONARY.label),
        ],
        initial=MemberStatus.OFFICIAL,
        widget=forms.RadioSelect,
    )
    admitted_on = date_field(_("admitted on"), required=False)
    admitted_in = forms.CharField(
        label=capfirst(_("admitted in")),
        max_length=255,
        required=False,
        help_text=_("Leave empty when it is the organisation the member comes from."),
    )
    ceremony_on = date_field(_("admission ceremony"), required=False)
    recognized_on = date_field(_("official since"), required=False)

    service_fields = (
        "organization",
        "occurred_on",
        "counterpart",
        "decision_no",
        "issued_by",
        "standing",
        "admitted_on",
        "admitted_in",
        "ceremony_on",
        "recognized_on",
    )

    def service_arguments(self) -> dict:
        return super().service_arguments() | {
            "temporary": self.cleaned_data["kind"] == self.TEMPORARY
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("occurred_on"):
            arrival = MemberEvent(kind=EventKind.TRANSFER_IN, occurred_on=cleaned["occurred_on"])
            self.check_event(arrival, {})
        self.check_admission(cleaned, "admitted_on")
        if cleaned.get("recognized_on"):
            recognition = MemberEvent(
                kind=EventKind.RECOGNITION, occurred_on=cleaned["recognized_on"]
            )
            self.check_event(recognition, {"occurred_on": "recognized_on"})
        return cleaned


class RatingChoiceForm(forms.Form):
    """Which cell and year to rate."""

    organization = CellChoiceField(label=capfirst(_("cell")), queryset=None)
    year = forms.TypedChoiceField(label=capfirst(_("year")), coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = range(this_year, this_year - 10, -1)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        # The cells that existed in the year chosen (this year until one is).
        chosen = str(self.data.get("year", ""))
        year = int(chosen) if chosen.isdigit() and int(chosen) in years else this_year
        self.fields["organization"].queryset = (
            PartyOrganization.objects.visible_to(user)
            .filter(kind__in=CELL_KINDS, founded_on__lte=datetime.date(year, 12, 31))
            .exclude(ended_on__lte=datetime.date(year, 1, 1))
        )


class MemberRatingForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.ChoiceField(
        label=capfirst(_("rating")), choices=[("", "—"), *RatingLevel.choices], required=False
    )
    note = forms.CharField(label=capfirst(_("note")), max_length=255, required=False)


LIST_CHANGED = _(
    "The cell's list of members changed after this page was opened, so nothing was saved. "
    "Check the list as it is now below (what you entered is kept) and save again."
)


class BaseMemberRatingFormSet(forms.BaseFormSet):
    """One row per member listed on the page. `members` is the list as it is when the page is
    posted: a member may have left or joined the cell since the page was opened, or the post
    may name someone else; then the rows are not the list, and nothing is saved."""

    def __init__(self, *args, members, **kwargs):
        self.members = {member.pk: member for member in members}
        super().__init__(*args, **kwargs)

    def list_changed(self) -> bool:
        """Whether the posted rows are other members than those listed now."""
        if not self.is_bound:
            return False
        posted = sorted(
            (form.cleaned_data.get("member") or 0) if form.is_valid() else 0 for form in self.forms
        )
        return posted != sorted(self.members)

    def entered(self) -> dict[int, dict]:
        """What was entered for the members still listed, to show it again."""
        return {
            form.cleaned_data["member"]: {
                "level": form.cleaned_data["level"],
                "note": form.cleaned_data["note"],
            }
            for form in self.forms
            if form.is_valid() and form.cleaned_data.get("member") in self.members
        }

    def clean(self):
        super().clean()
        if self.list_changed():
            raise ValidationError(LIST_CHANGED, code="list_changed")


MemberRatingFormSet = forms.formset_factory(
    MemberRatingForm, formset=BaseMemberRatingFormSet, extra=0, max_num=2000, validate_max=True
)


class OrganizationRatingForm(forms.Form):
    level = forms.ChoiceField(
        label=capfirst(_("rating of the cell")),
        choices=[("", "—"), *RatingLevel.choices],
        required=False,
    )
