"""What an import keeps of an upload: a file over the size limit is refused while it streams in,
with a message on the import page; a preview's files are removed on confirm, on cancel, and by
age (`manage.py clean_import_previews`, which `make run` runs)."""

import io
import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import call_command

from organizations.imports import previews
from organizations.models import Enterprise, EnterpriseImport
from tests.conftest import client_for
from tests.organizations.import_helpers import code, csv_bytes, row

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/organizations/enterprise/import/"
CONFIRM_URL = "/admin/organizations/enterprise/process_import/"


def upload(client, data: bytes, name="danh-sach.csv"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(IMPORT_URL, {"import_file": file, "counted_on": "30/06/2025"})


def kept() -> set[str]:
    return {path.name for path in previews.directory().iterdir()}


def a_list(zone, *, invalid=False):
    rows = [row(n, code(700 + n), f"Công ty TNHH Số {n}", zone.name) for n in range(1, 4)]
    if invalid:
        rows[1][5] = "-3"
    return csv_bytes(rows)


@pytest.fixture
def spooled(monkeypatch):
    """Bytes the temporary file handler writes to disk, and the files it opens."""
    seen = {"bytes": 0, "files": 0}
    new_file = TemporaryFileUploadHandler.new_file
    receive = TemporaryFileUploadHandler.receive_data_chunk

    def counting_new_file(self, *args, **kwargs):
        seen["files"] += 1
        return new_file(self, *args, **kwargs)

    def counting_receive(self, raw_data, start):
        seen["bytes"] += len(raw_data)
        return receive(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", counting_new_file)
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting_receive)
    return seen


# --- The size of an upload ----------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_as_it_streams_with_a_message(
    bg, staff_client, settings, spooled
):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "FILE_BYTES": 1024 * 1024}
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload is spooled to a temporary file
    before = Enterprise.objects.count()
    data = a_list(bg.zone) + b"\r\n" * 1024 * 1024  # 2 MB, most of it blank lines

    response = upload(staff_client, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Tệp lớn hơn 1 MB nên không được tải lên" in content
    assert "Trường này là bắt buộc" not in content  # the form says why the file is missing
    assert 'id="import-preview"' not in content
    # Spooled no further than the limit, and that removed: the rest was read and dropped.
    assert spooled["bytes"] <= 1024 * 1024
    assert Enterprise.objects.count() == before
    assert not EnterpriseImport.objects.exists()
    assert not kept()


def test_a_request_longer_than_the_limit_allows_is_refused_before_anything_is_spooled(
    bg, staff_client, settings, spooled
):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "FILE_BYTES": 1024 * 1024}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000  # the form's other fields: a few bytes
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0

    response = upload(staff_client, a_list(bg.zone) + b"\r\n" * 600_000)

    assert "Tệp lớn hơn 1 MB nên không được tải lên" in response.content.decode()
    assert spooled == {"bytes": 0, "files": 0}


def test_a_file_within_the_limit_is_previewed(bg, staff_client, settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "FILE_BYTES": 1024 * 1024}
    response = upload(staff_client, a_list(bg.zone))
    assert 'id="import-preview"' in response.content.decode()


def test_the_limits_are_the_settings_the_issue_asks_for():
    limits = django_settings.UPLOAD_LIMITS
    assert limits["FILE_BYTES"] == 50 * 1024 * 1024
    assert (limits["COLUMNS"], limits["ROWS"], limits["CELLS"]) == (200, 1_000_000, 20_000_000)
    assert limits["LINE_BYTES"] == 1024 * 1024
    assert django_settings.FILE_UPLOAD_HANDLERS[0] == "kcn_party.uploads.LimitedUploadHandler"


# --- A preview's files --------------------------------------------------------------------------


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode())[1]


def test_confirming_removes_the_previews_files(bg, staff_client):
    response = upload(staff_client, a_list(bg.zone))
    assert len(kept()) == 1  # the upload; no invalid rows, so no file of errors
    staff_client.post(CONFIRM_URL, {"token": token_of(response)})
    assert EnterpriseImport.objects.get().created == 3
    assert not kept()


def test_cancelling_removes_the_files_and_writes_nothing(bg, staff_client):
    before = Enterprise.objects.count()
    response = upload(staff_client, a_list(bg.zone, invalid=True))
    token = token_of(response)
    assert len(kept()) == 2  # the upload and its invalid rows
    assert f"/admin/organizations/enterprise/import/cancel/{token}/" in response.content.decode()

    cancelled = staff_client.post(f"{IMPORT_URL}cancel/{token}/", follow=True)

    assert "Đã hủy lần nhập: tệp đã tải lên đã được xóa" in cancelled.content.decode()
    assert cancelled.redirect_chain[-1][0] == IMPORT_URL
    assert not kept()
    assert Enterprise.objects.count() == before
    # The token is gone: neither its confirmation nor its errors answer any more.
    assert staff_client.post(CONFIRM_URL, {"token": token}).status_code == 404
    assert staff_client.get(response.context["errors_url"]).status_code == 404
    assert not EnterpriseImport.objects.exists()


def test_only_the_account_that_uploaded_may_cancel(bg, staff_client, leader, outsider):
    token = token_of(upload(staff_client, a_list(bg.zone)))
    url = f"{IMPORT_URL}cancel/{token}/"
    assert client_for(leader).post(url).status_code == 403  # may only look
    assert client_for(outsider).post(url).status_code == 404  # not its upload
    assert staff_client.get(url).status_code == 405  # a link cannot cancel
    assert len(kept()) == 1


def test_an_expired_preview_asks_to_upload_again(bg, staff_client):
    token = token_of(upload(staff_client, a_list(bg.zone)))
    for name in kept():
        previews.remove(name)

    response = staff_client.post(CONFIRM_URL, {"token": token}, follow=True)

    assert "Bản xem trước này không còn nữa" in response.content.decode()
    assert not EnterpriseImport.objects.exists()


def test_old_previews_are_removed_by_age(bg, staff_client):
    upload(staff_client, a_list(bg.zone, invalid=True))
    old = kept()
    day_ago = time.time() - 25 * 3600
    for name in old:
        os.utime(previews.path(name), (day_ago, day_ago))
    upload(staff_client, a_list(bg.zone))
    recent = kept() - old
    stranger = previews.directory() / "not-a-preview.txt"
    stranger.write_text("kept")
    os.utime(stranger, (day_ago, day_ago))

    out = io.StringIO()
    call_command("clean_import_previews", stdout=out)

    assert out.getvalue().startswith("removed=2 ")
    assert kept() == recent | {"not-a-preview.txt"}


def test_make_run_cleans_old_previews_before_serving():
    makefile = (Path(django_settings.BASE_DIR) / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py clean_import_previews" in recipe
    assert recipe.index("clean_import_previews") < recipe.index("runserver")
