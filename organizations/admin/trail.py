"""The change trail in the admin (issue 13, issue 14 point 7): each record's "Lịch sử" page
lists its entries — who, when, which field went from what to what, in the interface's
words — whatever path wrote them (the admin, a journey, a service, an import, the demo); and
the administrators' log lists the entries of every record of their subtree.

Both read the historical models of organizations/history.py, which are scoped as their
records: a record's page is opened through the admin's scoped `get_object` (an outsider gets
404), and the log through each historical model's `visible_to`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import CharField, Count, F, Min, Q, Value
from django.db.models.functions import Cast
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kcn_party.dates import short_date
from organizations import access
from organizations.history import historical_model

KINDS = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}
PER_PAGE = 50
# What names a record in the log, the first of these its entries hold (else its number).
_LABEL_FIELDS = ("full_name", "name", "title", "number", "tax_code", "file_name")


def tracked_models() -> list:
    """The models of the project's apps that keep a trail, in a fixed order."""
    found = [
        model
        for config in access.project_apps()
        for model in config.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    ]
    return sorted(found, key=lambda m: m._meta.label)


def when(moment: datetime.datetime) -> str:
    """dd/mm/yyyy hh:mm in the local time zone."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    date: str
    kind: str
    who: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _tracked_fields(history_model) -> list:
    record = history_model.instance_type
    names = {f.name for f in history_model.tracked_fields}
    return [f for f in record._meta.concrete_fields if f.name in names and not f.primary_key]


def _value(field, value, names: dict) -> str:
    """A stored value as the interface shows it: a choice's label, Có/Không, a date
    dd/mm/yyyy, a related record's name (when the account sees it)."""
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return when(value)
    if isinstance(value, datetime.date):
        return short_date(value)
    return str(value)


def _related_names(entries, fields, user) -> dict:
    """The names of the records the entries point at, one query per related model, read
    through the account's scope: a record it does not see stays a number."""
    wanted: dict = {}
    for field_ in fields:
        if field_.is_relation:
            ids = {getattr(e, field_.attname) for e in entries} - {None}
            wanted.setdefault(field_.related_model, set()).update(ids)
    names = {}
    for model, ids in wanted.items():
        if not ids:
            continue
        try:
            rows = access.visible(model._default_manager.all(), user).in_bulk(list(ids))
        except ImproperlyConfigured:  # a model without a scope: numbers only
            rows = {}
        names |= {(model, pk): str(row) for pk, row in rows.items()}
    return names


def entries_of(history_model, record_pk, user) -> list[Entry]:
    """The entries of one record, newest first, each with the fields it changed."""
    rows = list(
        history_model.objects.filter(**{history_model.instance_type._meta.pk.attname: record_pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    fields = _tracked_fields(history_model)
    names = _related_names(rows, fields, user)
    described, previous = [], None
    for row in rows:
        changes = []
        for field_ in fields:
            after = getattr(row, field_.attname)
            before = getattr(previous, field_.attname) if previous is not None else None
            if row.history_type == "-" or (previous is not None and before == after):
                continue
            if previous is None and after in (None, ""):
                continue
            changes.append(
                Change(
                    label=capfirst(str(field_.verbose_name)),
                    before=_value(field_, before, names) if previous is not None else "",
                    after=_value(field_, after, names),
                )
            )
        described.append(
            Entry(
                date=when(row.history_date),
                kind=str(KINDS.get(row.history_type, row.history_type)),
                who=person(row.history_user),
                reason=row.history_change_reason or "",
                changes=changes,
            )
        )
        previous = row
    described.reverse()
    return described


class TrailHistoryMixin:
    """The admin's history page of a record with a trail shows the trail's entries."""

    def history_view(self, request, object_id, extra_context=None):
        if not getattr(self.model._meta, "simple_history_manager_attribute", None):
            return super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, unquote(object_id))  # 404 outside the account's scope
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        entries = entries_of(historical_model(self.model), obj.pk, request.user)
        page = Paginator(entries, 100).get_page(request.GET.get(PAGE_VAR, 1))
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % obj,
            "subtitle": None,
            "entries": page,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "page_var": PAGE_VAR,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/trail_history.html", context)


# --- The administrators' log ------------------------------------------------------------------


def may_read_log(user) -> bool:
    """Administrators (of their subtree) and superusers read the log."""
    return user.is_active and (user.is_superuser or access.role_of(user) == access.Role.ADMIN)


def _parse_day(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _label_expression(history_model):
    names = {f.name for f in history_model._meta.concrete_fields}
    for name in _LABEL_FIELDS:
        if name in names:
            return Cast(F(name), CharField())
    return Cast(F("id"), CharField())


def _log_part(model, user, *, record: str, who: str, since, until):
    history_model = historical_model(model)
    label = _label_expression(history_model)
    part = (
        history_model.objects.visible_to(user)
        .annotate(record=label, model_label=Value(model._meta.label_lower, CharField()))
        .order_by()
    )
    if record:
        part = part.filter(Q(record__icontains=record) | Q(id__iexact=record))
    if who:
        part = part.filter(
            Q(history_user__username__icontains=who)
            | Q(history_user__first_name__icontains=who)
            | Q(history_user__last_name__icontains=who)
        )
    if since:
        part = part.filter(history_date__date__gte=since)
    if until:
        part = part.filter(history_date__date__lte=until)
    return part.values_list(
        "model_label", "history_id", "id", "record", "history_date", "history_type",
        "history_user_id", "history_change_reason",
    )  # fmt: skip


def trail_log(request):
    """The log of the trail's entries of every record in the account's subtree: model,
    record, who, when, kind of change; searchable by record and by account, filtered by
    model and dates (dd/mm/yyyy). A fixed number of queries: the entries of every model in
    one UNION ALL, their count, and the accounts named."""
    if not may_read_log(request.user):
        raise PermissionDenied
    models_ = tracked_models()
    by_label = {m._meta.label_lower: m for m in models_}
    chosen = request.GET.get("model", "")
    record = request.GET.get("q", "").strip()[:100]
    who = request.GET.get("user", "").strip()[:150]
    since_text, until_text = request.GET.get("since", ""), request.GET.get("until", "")
    since, until = _parse_day(since_text), _parse_day(until_text)
    errors = [
        _("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": text}
        for text, day in ((since_text, since), (until_text, until))
        if text and day is None
    ]
    parts = [
        _log_part(m, request.user, record=record, who=who, since=since, until=until)
        for m in models_
        if not chosen or m._meta.label_lower == chosen
    ]
    if parts:
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        union = union.order_by("-history_date", "-history_id")
    else:
        union = []
    page = Paginator(union, PER_PAGE).get_page(request.GET.get(PAGE_VAR, 1))
    rows = list(page.object_list)
    users = get_user_model()._default_manager.in_bulk({r[6] for r in rows} - {None})
    lines = []
    for label, _history_id, pk, name, moment, kind, user_id, reason in rows:
        model = by_label[label]
        lines.append(
            {
                "model": capfirst(model._meta.verbose_name),
                "record": name or f"#{pk}",
                "url": _history_url(model, pk),
                "who": person(users.get(user_id)),
                "reason": reason or "",
                "date": when(moment),
                "kind": KINDS.get(kind, kind),
            }
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Change log"),
        "lines": lines,
        "page": page,
        "page_var": PAGE_VAR,
        "errors": errors,
        "choices": [(m._meta.label_lower, capfirst(m._meta.verbose_name)) for m in models_],
        "chosen": chosen,
        "q": record,
        "who": who,
        "since": since_text,
        "until": until_text,
        "query": request.GET.copy(),
    }
    return TemplateResponse(request, "admin/trail_log.html", context)


def admin_url(model, page: str, *args) -> str:
    """The address of `model`'s admin `page` ("history", "change", "changelist"), or "" for a
    model without a page of its own (an inline's rows)."""
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)
    except NoReverseMatch:
        return ""


def _history_url(model, pk) -> str:
    return admin_url(model, "history", pk)


# --- The account's own activity (the home page's "Hoạt động của tôi") ------------------------


@dataclass
class Activity:
    """One of the account's own changes: a record's entry, or the entries one bulk write
    made at the same moment (an import's enterprises, a cell's ratings) counted as one."""

    model: type
    kind: str  # "+", "~", "-"
    moment: datetime.datetime
    rows: int
    record_id: object  # the record's key, when `rows` is 1
    record: str  # its name, when `rows` is 1


def _own_label(history_model):
    """What names a record in the account's activity: its own name, else its member's (an
    event, a rating, a class participant), else its number."""
    names = {f.name for f in history_model._meta.concrete_fields}
    if "member" in names and not names & set(_LABEL_FIELDS):
        return Cast(F("member__full_name"), CharField())
    return _label_expression(history_model)


def _own_part(model, user, count: int, sliced: bool):
    history_model = historical_model(model)
    part = (
        history_model._default_manager.filter(history_user_id=user.pk)
        .order_by()
        .values("history_type", "history_date")
        .annotate(
            model_label=Value(model._meta.label_lower, CharField()),
            rows=Count("history_id"),
            record_id=Min("id"),
            record=Min(_own_label(history_model)),
        )
        .values_list("model_label", "history_type", "history_date", "rows", "record_id", "record")
    )
    if sliced:
        # Each table gives its own newest first (its entries by the account can be an import's
        # 100,000): the union then sorts no more than `count` lines a table.
        part = part.order_by("-history_date")[:count]
    return part


def own_activity(user, count: int = 10) -> list[Activity]:
    """The account's latest `count` changes across every tracked model, newest first, read
    from the trail (so what the journeys, the ratings screen and the imports wrote too), in
    one query: a UNION ALL of the historical tables, the entries one write made at one
    moment in one table grouped. Whatever the account wrote, wherever it is now: the caller
    links only the records the account may still see (`visible_records`)."""
    if not user.is_authenticated:
        return []
    features = connections[router.db_for_read(get_user_model())].features
    sliced = features.supports_slicing_ordering_in_compound
    parts = [_own_part(m, user, count, sliced) for m in tracked_models()]
    if not parts:
        return []
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    by_label = {m._meta.label_lower: m for m in tracked_models()}
    return [
        Activity(by_label[label], kind, moment, rows, record_id, record or f"#{record_id}")
        for label, kind, moment, rows, record_id, record in union.order_by("-history_date")[:count]
    ]


def visible_records(activities: list[Activity], user) -> set[tuple[type, object]]:
    """Which of the records the activities name the account may still see, in one query."""
    wanted: dict = {}
    for item in activities:
        if item.rows == 1 and item.kind != "-":
            wanted.setdefault(item.model, set()).add(item.record_id)
    parts = []
    for model, ids in wanted.items():
        try:
            seen = access.visible(model._default_manager.filter(pk__in=ids), user)
        except ImproperlyConfigured:  # a model without a scope: no link
            continue
        label = Value(model._meta.label_lower, CharField())
        parts.append(seen.order_by().annotate(model_label=label).values_list("model_label", "pk"))
    if not parts:
        return set()
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    by_label = {m._meta.label_lower: m for m in wanted}
    return {(by_label[label], pk) for label, pk in union}
