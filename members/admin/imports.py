"""Importing member registers and past ratings in the admin ("Nhập"): upload, a preview that
writes nothing (counts, invalid rows with their line and column, possibly the same person,
changes, the ratings screen's warnings), the invalid rows as a CSV to fix, confirm (one
transaction) or cancel; "Tải tệp mẫu", the template; and "Xuất", the list in the columns the
import reads.

The views collect the file and show the outcome; the import is `members.imports.running`, as
for the commands. Staff of a committee import into its subtree; leaders look (403 on the
import); another committee's records are not found (a row naming them is a row error, another
account's preview is 404).
"""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kcn_party.uploads import too_large_message, upload_limit
from members import privacy
from members.imports import exports
from members.imports.ratings import MEMBER_RATINGS, ORGANIZATION_RATINGS
from members.imports.register import MEMBERS
from members.imports.running import list_import, may_import
from organizations.access import staff_profile
from organizations.admin.imports import (
    PreviewUploads,
    cancelled,
    failed_on_database,
    finished,
    invalid_rows_download,
    nothing_written,
)
from organizations.imports import ImportRefused, previews
from organizations.imports.headers import listed
from organizations.models import ImportChannel

logger = logging.getLogger(__name__)

SHOWN = 200  # rows of each kind of detail listed on the preview; the CSV has every invalid row
LISTS = {"members": MEMBERS, "member_ratings": MEMBER_RATINGS}


class ListImportForm(forms.Form):
    import_file = forms.FileField(
        label=_("File to import"),
        help_text=_("CSV (any encoding) or Excel .xlsx, in the columns of the template."),
    )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > upload_limit():
            raise forms.ValidationError(too_large_message())
        return upload


class ListImportAdminMixin(PreviewUploads):
    """Import, template and export for a ModelAdmin of members or ratings. `import_kind` names
    the list (`members.imports.running.KINDS`); `export_name` the exported file's stem."""

    import_kind = ""
    import_title = ""
    export_name = ""

    def list_kind(self):
        return LISTS.get(self.import_kind, ORGANIZATION_RATINGS)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("nhap/", wrap(self.list_import_view), name=f"{name}_list_import"),
            path(
                "nhap/loi/<str:token>/",
                wrap(self.list_import_errors_view),
                name=f"{name}_list_import_errors",
            ),
            path(
                "nhap/huy/<str:token>/",
                wrap(self.list_import_cancel_view),
                name=f"{name}_list_import_cancel",
            ),
            path("nhap/mau/", wrap(self.list_template_view), name=f"{name}_list_template"),
            path(
                "xuat/<str:file_format>/", wrap(self.list_export_view), name=f"{name}_list_export"
            ),
            *super().get_urls(),
        ]

    def _url(self, view: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args)

    def list_urls(self, request) -> dict:
        """What the change list's buttons point at."""
        return {
            "list_import_url": self._url("list_import")
            if may_import(request.user, self.import_kind)
            else "",
            "list_export_url": self._url("list_export", "xlsx"),
            "list_export_csv_url": self._url("list_export", "csv"),
        }

    def _committee(self, request):
        profile = staff_profile(request.user)
        return profile.organization if profile is not None else None

    def _allowed(self, request) -> None:
        if not may_import(request.user, self.import_kind):
            raise PermissionDenied

    # --- the previews an account keeps open, in its session (PreviewUploads) ----------------

    @property
    def import_session_key(self) -> str:
        return f"kcn_list_imports_{self.import_kind}"

    # --- views -----------------------------------------------------------------------------

    def list_import_view(self, request):
        """Upload and preview (nothing written); a post with a token confirms it."""
        self._allowed(request)
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request)
        form = ListImportForm(request.POST or None, request.FILES or None)
        context = {}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            try:
                with previews.create(previews.ERRORS) as (errors_name, errors):
                    outcome = self._run(request, upload, upload.name, dry_run=True, errors=errors)
            except ImportRefused as error:
                form.add_error("import_file", str(error))
            else:
                if not outcome.invalid:
                    previews.remove(errors_name)
                    errors_name = None
                upload.seek(0)
                files = [previews.save(upload), *([errors_name] if errors_name else [])]
                token = self._keep(
                    request,
                    {
                        "user": request.user.pk,
                        "file_name": upload.name,
                        "upload": files[0],
                        "errors": errors_name,
                        "files": files,
                    },
                )
                context = self._preview_context(outcome, token)
        return self._render(request, form, context)

    def _run(self, request, source, file_name, *, dry_run, skip_invalid=False, errors=None):
        return list_import(
            kind=self.import_kind,
            source=source.read() if hasattr(source, "read") else source,
            file_name=file_name,
            by=request.user,
            committee=self._committee(request),
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            shown=SHOWN,
            invalid_rows=errors,
            channel=ImportChannel.ADMIN,
        )

    def _confirm(self, request):
        token = request.POST.get("token", "")
        upload = self._upload(request, token)
        try:
            source = previews.path(upload["upload"]).read_bytes()
        except (OSError, ValueError):
            self._forget(request, token)
            messages.error(
                request,
                gettext(
                    "This preview is no longer available (it expired or was cancelled): upload "
                    "the file again."
                ),
            )
            return HttpResponseRedirect(self._url("list_import"))
        try:
            outcome = self._run(
                request,
                source,
                upload["file_name"],
                dry_run=False,
                skip_invalid=request.POST.get("skip_invalid") == "on",
            )
        except ImportRefused as error:
            self._forget(request, token)
            messages.error(request, str(error))
            return HttpResponseRedirect(self._url("list_import"))
        except DatabaseError:
            logger.exception("List import failed")
            self._forget(request, token)
            failed_on_database(request)
            return HttpResponseRedirect(self._url("list_import"))
        if not outcome.written:
            nothing_written(request, outcome)
            return self._render(request, ListImportForm(), self._preview_context(outcome, token))
        self._forget(request, token)
        finished(request, outcome)
        for warning in outcome.warnings:
            messages.warning(request, warning)
        return HttpResponseRedirect(
            reverse("admin:organizations_listimport_change", args=[outcome.record.pk])
        )

    def list_import_cancel_view(self, request, token):
        if request.method != "POST":
            raise Http404(gettext("No such import."))
        self._allowed(request)
        self._upload(request, token)
        self._forget(request, token)
        cancelled(request)
        return HttpResponseRedirect(self._url("list_import"))

    def list_import_errors_view(self, request, token):
        """The invalid rows of a preview as CSV, for the account that uploaded the file. They
        are its own file's rows, citizen IDs and all: refused to an account that may not see
        personal details (members.privacy), which no role that imports is."""
        self._allowed(request)
        if not privacy.may_see(request.user):
            raise PermissionDenied
        return invalid_rows_download(self._upload(request, token))

    def list_template_view(self, request):
        """ "Tải tệp mẫu": the headers, an example row, a sheet of the allowed values."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        content = exports.template_xlsx(self.import_kind, self._committee(request))
        return download(content, f"{self.export_name}-mau.xlsx", XLSX)

    def list_export_view(self, request, file_format):
        """ "Xuất": the list as the change list shows it (its filters, the account's subtree),
        in the columns the import reads."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in ("xlsx", "csv"):
            raise Http404
        queryset = self.get_changelist_instance(request).get_queryset(request)
        rows = self.export_rows(queryset, request)
        header = exports.headers(self.list_kind())
        if file_format == "csv":
            return download(exports.csv_bytes(header, rows), f"{self.export_name}.csv", "text/csv")
        content = exports.xlsx_bytes(str(self.opts.verbose_name_plural), header, rows)
        return download(content, f"{self.export_name}.xlsx", XLSX)

    def export_rows(self, queryset, request):
        """The rows of the list's export for the account of `request` (which may mask and
        log the personal details it carries, members.privacy)."""
        raise NotImplementedError

    # --- rendering -------------------------------------------------------------------------

    def _preview_context(self, outcome, token) -> dict:
        return {
            "outcome": outcome,
            "token": token,
            "valid_rows": outcome.created + outcome.updated + outcome.unchanged,
            "invalid_more": max(0, outcome.invalid - len(outcome.invalid_lines)),
            "changed_more": max(0, outcome.changed_lines.total - len(outcome.changed_lines)),
            "ignored_columns": listed(outcome.ignored_columns),
            "errors_url": self._url("list_import_errors", token) if outcome.invalid else "",
            "cancel_url": self._url("list_import_cancel", token),
        }

    def _render(self, request, form, context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self.import_title,
            "form": form,
            "columns": [str(column.label) for column in self.list_kind().columns],
            "template_url": self._url("list_template"),
            **context,
        }
        return TemplateResponse(request, "admin/members/list_import.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


__all__ = ["XLSX", "ListImportAdminMixin", "download"]
