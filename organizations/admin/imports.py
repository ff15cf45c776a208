"""Importing enterprise lists in the admin: upload, preview (nothing written), confirm (all in
one transaction), the file of invalid rows, and the read-only record of every import.

The admin only collects the file and the options and shows the outcome; the import itself is
`services.enterprise_list_import`, as for the `import_enterprises` command.
"""

from __future__ import annotations

import datetime
import logging
import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export import admin as import_export_admin

from kcn_party import memory
from kcn_party.dates import NamedDateField
from kcn_party.uploads import refused_upload, too_large_message, upload_limit
from organizations import services
from organizations.access import may_import_enterprises, staff_profile
from organizations.admin.base import ScopedModelAdmin, scoped
from organizations.imports import ImportRefused, previews
from organizations.imports.headers import listed
from organizations.imports.limits import grouped
from organizations.imports.resource import ENTERPRISES
from organizations.models import (
    EnterpriseImport,
    ImportChannel,
    ListImport,
    OrganizationKind,
    Zone,
)

logger = logging.getLogger(__name__)

SESSION_KEY = "kcn_enterprise_imports"
KEPT_UPLOADS = 5  # previews an account may keep open at once
SHOWN = 200  # rows of each kind listed on the preview; the file of invalid rows has them all


class UploadForm(forms.Form):
    """The file of a list to import, refused with a message when too large."""

    help_text = _(
        "CSV (UTF-8, UTF-16 or Windows-1258; comma, semicolon or tab) or Excel .xlsx, as "
        "the management board sent it."
    )

    import_file = forms.FileField(label=_("List to import"))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = self.help_text
        if refused_upload(request, "import_file"):
            # Skipped while it streamed in (kcn_party.uploads): say why the file is missing.
            self.fields["import_file"].error_messages["required"] = too_large_message()

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > upload_limit():  # the upload handler refuses it first
            raise forms.ValidationError(too_large_message())
        return upload


class EnterpriseImportForm(UploadForm):
    zone = forms.ModelChoiceField(
        label=_("Zone"),
        queryset=Zone.objects.none(),
        required=False,
        help_text=_("For a list without a zone column: the zone of every row."),
    )
    counted_on = NamedDateField(
        label=_("Worker counts as of"),
        required=False,
        help_text=_(
            "The date of the list's worker counts; each new count is kept with it. Leave it "
            "empty when the list states it above its headers (“Số liệu đến ngày 30/06/2025”)."
        ),
    )
    create_zones = forms.BooleanField(
        label=_("Create the zones the list names that do not exist yet"),
        required=False,
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.fields["zone"].queryset = scoped(Zone.objects.all(), request)
        profile = staff_profile(request.user)
        # New zones belong to the account's own zone committee; others cannot create them.
        if profile is None or profile.organization.kind != OrganizationKind.UPPER_GRASSROOTS:
            del self.fields["create_zones"]

    def clean_counted_on(self):
        counted_on = self.cleaned_data["counted_on"]
        if counted_on and counted_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return counted_on


class ConfirmEnterpriseImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    skip_invalid = forms.BooleanField(widget=forms.HiddenInput, required=False)


class PreviewUploads:
    """The previews an account has open, in its session, under `import_session_key`. Each keeps
    its files (organizations.imports.previews) until it is confirmed or cancelled, or a newer
    preview pushes it out; `manage.py clean_import_previews` removes the files of previews left
    open."""

    import_session_key = "kcn_imports"

    def _uploads(self, request) -> dict:
        return request.session.setdefault(self.import_session_key, {})

    def _keep(self, request, upload: dict) -> str:
        uploads = self._uploads(request)
        for old in list(uploads)[: max(0, len(uploads) - KEPT_UPLOADS + 1)]:
            self._forget(request, old)
        token = secrets.token_urlsafe(16)
        uploads[token] = upload
        request.session.modified = True
        return token

    def _forget(self, request, token: str) -> None:
        upload = self._uploads(request).pop(token, None)
        request.session.modified = True
        for name in (upload or {}).get("files", []):
            previews.remove(name)

    def _upload(self, request, token: str) -> dict:
        """The upload `token` names, if this account made it in this session; else 404."""
        upload = self._uploads(request).get(token) if isinstance(token, str) else None
        if upload is None or upload.get("user") != request.user.pk:
            raise Http404(gettext("No such import."))
        return upload


def failed_on_database(request) -> None:
    messages.error(
        request,
        gettext(
            "The import failed on a database error: nothing was written. Try again; "
            "if it fails again, tell the administrator."
        ),
    )


def nothing_written(request, outcome) -> None:
    messages.error(
        request,
        gettext("Nothing was written: %(count)s rows are invalid.")
        % {"count": grouped(outcome.invalid)},
    )


def finished(request, outcome) -> None:
    messages.success(
        request,
        gettext(
            "Import finished: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, "
            "%(invalid)s invalid rows skipped."
        )
        % {
            "created": grouped(outcome.created),
            "updated": grouped(outcome.updated),
            "unchanged": grouped(outcome.unchanged),
            "invalid": grouped(outcome.invalid),
        },
    )


def cancelled(request) -> None:
    messages.success(
        request, gettext("Import cancelled: the uploaded file was deleted, nothing was written.")
    )


def invalid_rows_download(upload: dict) -> FileResponse:
    """The invalid rows of a preview as CSV, streamed from its file (a national list's errors
    need not be read into memory); 404 when it has none or they are gone."""
    if not upload.get("errors"):
        raise Http404(gettext("No such import."))
    try:
        content = previews.path(upload["errors"]).open("rb")
    except (OSError, ValueError) as exc:
        raise Http404(gettext("No such import.")) from exc
    stem = upload["file_name"].rsplit(".", 1)[0]
    return FileResponse(
        content,
        as_attachment=True,
        filename=f"{stem}-loi.csv",
        content_type="text/csv; charset=utf-8",
    )


class EnterpriseImportMixin(PreviewUploads, import_export_admin.ImportMixin):
    """Import and preview on the enterprise list, through the import service."""

    import_template_name = "admin/organizations/enterprise/import.html"
    # What a list's import changes (the lists of issue 12 give their own, see `admin.lists`).
    import_form_class = EnterpriseImportForm
    import_session_key = SESSION_KEY
    import_title = _("Import enterprise list")
    import_columns = ENTERPRISES.columns

    def has_import_permission(self, request):
        return super().has_import_permission(request) and may_import_enterprises(request.user)

    def get_urls(self):
        urls = super().get_urls()
        info = self.get_model_info()
        return [
            path(
                "import/errors/<str:token>/",
                self.admin_site.admin_view(self.import_errors_view),
                name="{}_{}_import_errors".format(*info),
            ),
            path(
                "import/cancel/<str:token>/",
                self.admin_site.admin_view(require_POST(self.import_cancel_view)),
                name="{}_{}_import_cancel".format(*info),
            ),
            *urls,
        ]

    def _gone(self, request, token: str) -> HttpResponseRedirect:
        """Back to the upload form: the preview's files are no longer there."""
        self._forget(request, token)
        messages.error(
            request,
            gettext(
                "This preview is no longer available (it expired or was cancelled): upload the "
                "file again."
            ),
        )
        return HttpResponseRedirect(self._import_url())

    def _import_url(self) -> str:
        return reverse("admin:{}_{}_import".format(*self.get_model_info()))

    def _record_url(self, record) -> str:
        """The page of the import's record."""
        return reverse("admin:organizations_enterpriseimport_change", args=[record.pk])

    # --- the views -----------------------------------------------------------------------------

    def import_action(self, request, **kwargs):
        """Upload and preview: the service reads and checks every row, writes nothing."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            return self._preview(request)
        finally:
            memory.give_back()  # what reading a large list took

    def _preview(self, request):
        form = self.import_form_class(request.POST or None, request.FILES or None, request=request)
        context = {}
        if request.method == "POST" and form.is_valid():
            import_file = form.cleaned_data["import_file"]
            options = {"file_name": import_file.name, **self._options(form)}
            try:
                import_file.seek(0)
                # The invalid rows go to their file as they are found; the page shows the
                # first SHOWN of them, and of each other detail.
                with previews.create(previews.ERRORS) as (errors_name, errors):
                    outcome = self._run(
                        request, import_file, options, dry_run=True, invalid_rows=errors
                    )
            except ImportRefused as exc:
                form.add_error("import_file", str(exc))
            else:
                if not outcome.invalid:
                    previews.remove(errors_name)
                    errors_name = None
                import_file.seek(0)
                files = [previews.save(import_file), *([errors_name] if errors_name else [])]
                token = self._keep(
                    request,
                    {
                        **options,
                        "user": request.user.pk,
                        "upload": files[0],
                        "errors": errors_name,
                        "files": files,
                    },
                )
                context.update(self._preview_context(request, outcome, token))
        return self._render(request, form, context)

    def _options(self, form) -> dict:
        """The form's options, as the session keeps them until the import is confirmed."""
        return {
            "zone": form.cleaned_data["zone"].pk if form.cleaned_data["zone"] else None,
            "counted_on": (
                form.cleaned_data["counted_on"].isoformat()
                if form.cleaned_data["counted_on"]
                else None
            ),
            "create_zones": form.cleaned_data.get("create_zones", False),
        }

    def process_import(self, request, **kwargs):
        """Confirm: the service imports the uploaded file in one transaction."""
        if request.method != "POST":
            return HttpResponseRedirect(self._import_url())
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            return self._confirm(request)
        finally:
            memory.give_back()

    def _confirm(self, request):
        confirm = ConfirmEnterpriseImportForm(request.POST)
        if not confirm.is_valid():
            raise Http404(gettext("No such import."))
        token = confirm.cleaned_data["token"]
        upload = self._upload(request, token)
        try:
            source = previews.path(upload["upload"]).open("rb")
        except (OSError, ValueError):
            return self._gone(request, token)
        skip_invalid = confirm.cleaned_data["skip_invalid"]
        try:
            with source:
                outcome = self._run(
                    request, source, upload, dry_run=False, skip_invalid=skip_invalid
                )
        except ImportRefused as exc:
            self._forget(request, token)
            messages.error(request, str(exc))
            return HttpResponseRedirect(self._import_url())
        except DatabaseError:
            logger.exception("List import failed (%s)", self.model._meta.model_name)
            self._forget(request, token)
            failed_on_database(request)
            return HttpResponseRedirect(self._import_url())
        if not outcome.written:
            # Rows became invalid since the preview (another import, an edit): show them.
            nothing_written(request, outcome)
            form = self.import_form_class(request=request)
            return self._render(request, form, self._preview_context(request, outcome, token))
        self._forget(request, token)
        finished(request, outcome)
        return HttpResponseRedirect(self._record_url(outcome.record))

    def import_cancel_view(self, request, token):
        """Cancel a preview: its files are removed at once, nothing is written."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        self._upload(request, token)
        self._forget(request, token)
        cancelled(request)
        return HttpResponseRedirect(self._import_url())

    def import_errors_view(self, request, token):
        """The invalid rows of a preview as CSV, for the account that uploaded the file."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        return invalid_rows_download(self._upload(request, token))

    # --- helpers ---------------------------------------------------------------------------

    def _run(self, request, source, options: dict, *, dry_run: bool, skip_invalid=False,
             invalid_rows=None):  # fmt: skip
        zone = None
        if options.get("zone"):
            zone = (
                scoped(Zone.objects.select_related("committee"), request)
                .filter(pk=options["zone"])
                .first()
            )
            if zone is None:
                raise Http404(gettext("No such zone."))
        return services.enterprise_list_import(
            source=source,
            file_name=options["file_name"],
            user=request.user,
            zone=zone,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            create_zones=options.get("create_zones", False),
            counted_on=(
                datetime.date.fromisoformat(options["counted_on"])
                if options.get("counted_on")
                else None
            ),
            channel=ImportChannel.ADMIN,
            shown=SHOWN,
            invalid_rows=invalid_rows,
        )

    def _preview_context(self, request, outcome, token) -> dict:
        return {
            "outcome": outcome,
            "token": token,
            "invalid_shown": outcome.invalid_lines[:SHOWN],
            "invalid_more": max(0, outcome.invalid - SHOWN),
            "changed_shown": outcome.changed_lines[:SHOWN],
            "changed_more": max(0, outcome.changed_lines.total - SHOWN),
            "restored_shown": outcome.restored[:SHOWN],
            "restored_more": max(0, outcome.restored.total - SHOWN),
            "absent_shown": outcome.not_in_list[:SHOWN],
            "absent_more": max(0, len(outcome.not_in_list) - SHOWN),
            "ignored_columns": listed(outcome.ignored_columns),
            "valid_rows": outcome.created + outcome.updated + outcome.unchanged,
            "errors_url": reverse(
                "admin:{}_{}_import_errors".format(*self.get_model_info()), args=[token]
            )
            if outcome.invalid_lines
            else "",
        }

    def _render(self, request, form, context):
        context = {
            **self.admin_site.each_context(request),
            **context,
            "title": self.import_title,
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "columns": [str(column.label) for column in self.import_columns],
        }
        request.current_app = self.admin_site.name
        # Rendered now rather than as a TemplateResponse, which would keep the outcome (a
        # national list's rows) alive until the response is sent: the views give the memory
        # back as soon as they return.
        return render(request, [self.import_template_name], context)


# --- The record of imports ------------------------------------------------------------------------


class ReadOnlyRecordMixin:
    """A record written by its service only (an import's, the personal-data log's), changed
    and deleted by nobody."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ImportedRecordMixin:
    """For the admin of a record that points at the imports that created and last changed it
    (`created_by_import`, `last_changed_by_import`: an enterprise, or a model that inherits
    `ImportedRecord`): add "created_by" and "last_changed_by" to its `readonly_fields` (and
    fields). Each names the import, linked to its record when the account may open it; a list
    that also wrote another committee's records is named without a link, which would answer
    404 (see the records' `in_scope`)."""

    import_record_model = ListImport  # EnterpriseImport for enterprises

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            ids = {obj.created_by_import_id, obj.last_changed_by_import_id} - {None}
            obj.visible_imports = (
                set(
                    self.import_record_model.objects.visible_to(request.user)
                    .filter(pk__in=ids)
                    .values_list("pk", flat=True)
                )
                if ids
                else set()
            )
        return obj

    def _list_import_link(self, obj, record):
        if record is None:
            return "—"
        when = date_format(localtime(record.imported_at), "SHORT_DATETIME_FORMAT")
        if record.pk not in getattr(obj, "visible_imports", ()):
            return f"#{record.pk} {record.file_name} ({when})"
        opts = self.import_record_model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        return format_html('<a href="{}">#{} {} ({})</a>', url, record.pk, record.file_name, when)

    @admin.display(description=_("created by import"))
    def created_by(self, obj):
        return self._list_import_link(obj, obj.created_by_import)

    @admin.display(description=_("last changed by import"))
    def last_changed_by(self, obj):
        return self._list_import_link(obj, obj.last_changed_by_import)


@admin.register(EnterpriseImport)
class EnterpriseImportAdmin(ReadOnlyRecordMixin, ScopedModelAdmin):
    """Read-only for everyone: records are written by the import service only."""

    list_display = [
        "imported_at",
        "file_name",
        "imported_by_name",
        "channel",
        "created",
        "updated",
        "unchanged",
        "invalid",
        "absent",
    ]
    list_filter = ["channel", ("zones", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["file_name", "sha256", "imported_by_name"]
    date_hierarchy = "imported_at"
    fields = [
        "imported_at",
        "imported_by_name",
        "organization",
        "channel",
        "file_name",
        "sha256",
        "read_as",
        "counted_on",
        ("created", "updated", "unchanged", "invalid"),
        "absent_link",
    ]
    readonly_fields = [f for f in fields if isinstance(f, str)] + [
        "created",
        "updated",
        "unchanged",
        "invalid",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organization")
            .annotate(absent_total=Count("not_in_list", distinct=True))
            .order_by("-imported_at", "-pk")
        )

    @admin.display(description=_("not in this list"), ordering="absent_total")
    def absent(self, obj):
        return obj.absent_total

    @admin.display(description=_("not in this list"))
    def absent_link(self, obj):
        if not obj.absent_total:
            return "—"
        url = reverse("admin:organizations_enterprise_changelist") + f"?not_in_import={obj.pk}"
        return format_html(
            '<a href="{}">{}</a>',
            url,
            gettext("%(count)s enterprises: decide whether they are suspended or closed")
            % {"count": obj.absent_total},
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # Only the zones the account may see, for an import that spanned committees.
            context["zones_touched"] = scoped(obj.zones.all(), request).order_by("name")
        return super().render_change_form(request, context, add, change, form_url, obj)


class NotInImportFilter(admin.SimpleListFilter):
    """Enterprises a given import's list did not name (from the import's page)."""

    title = _("not in an imported list")
    parameter_name = "not_in_import"

    def lookups(self, request, model_admin):
        value = self.value()
        if value and value.isdigit():
            return [(value, gettext("Not in import #%(id)s") % {"id": value})]
        return []

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            visible = EnterpriseImport.objects.visible_to(request.user).filter(pk=value)
            return queryset.filter(absent_from_imports__in=visible)
        return queryset


__all__ = [
    "EnterpriseImportAdmin",
    "ImportedRecordMixin",
    "ReadOnlyRecordMixin",
    "EnterpriseImportMixin",
    "NotInImportFilter",
]
