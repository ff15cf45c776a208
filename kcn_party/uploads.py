"""Uploaded files bounded while they stream in.

Django spools an upload to a temporary file before any form sees it, so a form's size check
comes after the whole file has been received and written to disk. `LimitedUploadHandler` runs
first among the upload handlers and skips a file as soon as it is known to be larger than
settings.UPLOAD_LIMITS["FILE_BYTES"]: at once when the request's length already says so
(nothing is spooled), otherwise at the chunk that crosses the limit (what was spooled is
deleted). The rest of the request is read and dropped, so that the browser gets the page back;
the file is missing from `request.FILES` and `refused_upload(request, field)` tells the form why.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

# Besides the file, a request carries the form's fields (at most DATA_UPLOAD_MAX_MEMORY_SIZE)
# and the multipart headers: a request longer than the file limit plus these holds a file over
# the limit.
_HEADERS_ALLOWANCE = 64 * 1024


def upload_limit() -> int:
    return settings.UPLOAD_LIMITS["FILE_BYTES"]


def too_large_message(limit: int | None = None) -> str:
    limit = upload_limit() if limit is None else limit
    return gettext(
        "The file is larger than %(limit)s, so it was not uploaded. Split the list into several "
        "files, or save it as .xlsx (which is smaller), and upload it again."
    ) % {"limit": megabytes(limit)}


def megabytes(size: int) -> str:
    """ "50 MB" for a whole number of megabytes, else Django's rendering of the size."""
    mega = 1024 * 1024
    return f"{size // mega} MB" if size >= mega and size % mega == 0 else filesizeformat(size)


def refused_upload(request, field_name: str) -> bool:
    """Whether the file of `field_name` was skipped for being too large."""
    return field_name in getattr(request, "refused_uploads", ())


class LimitedUploadHandler(FileUploadHandler):
    """Skips any uploaded file larger than the limit, before the other handlers store it."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        allowance = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        self.request_too_large = content_length > upload_limit() + allowance + _HEADERS_ALLOWANCE

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if getattr(self, "request_too_large", False):
            self._refuse()  # before the next handlers open their file: nothing is spooled

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > upload_limit():
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers hold the file

    def _refuse(self):
        if self.request is not None:
            refused = getattr(self.request, "refused_uploads", set())
            refused.add(self.field_name)
            self.request.refused_uploads = refused
        raise SkipFile
