"""Serving in production (issue 13, point 5): `check --deploy` passes with DEBUG off, the
security headers on every page, the static files served by the application (whitenoise), and
no inline script that the Content-Security-Policy would block."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from kcn_party.static_storage import StaticFilesStorage

BASE = Path(settings.BASE_DIR)
STRONG_KEY = "k3Y-" + "".join(chr(ord("a") + (i * 7) % 26) for i in range(60))


def deploy_check(**environment) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "kcn.example.vn",
        **environment,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_production_defaults():
    process = deploy_check()
    assert process.returncode == 0, process.stdout + process.stderr
    assert "no issues" in process.stdout


def test_check_deploy_fails_when_https_is_switched_off():
    # The same check can fail: what the defaults give is what makes it pass.
    process = deploy_check(SECURE_SSL_REDIRECT="off", SECURE_HSTS_SECONDS="0")
    assert process.returncode != 0
    assert "security.W008" in process.stderr and "security.W004" in process.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/bao-cao/", "/healthz"])
def test_security_headers_on_every_page(staff_client, path):
    response = staff_client.get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in re.search(r"script-src[^;]*", policy).group(0)
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_application_serves_its_static_files(client):
    response = client.get("/static/reports/dashboard.js")
    assert response.status_code == 200
    assert b"Chart" in b"".join(response.streaming_content)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_carries_an_inline_script():
    """The Content-Security-Policy runs only scripts served by the site: an inline script or
    an onclick= would silently do nothing."""
    offenders = []
    for template in (BASE / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or HANDLER.search(text):
            offenders.append(str(template.relative_to(BASE)))
    assert offenders == []


PRODUCTION_STATIC = {"BACKEND": "kcn_party.static_storage.StaticFilesStorage"}


def test_collectstatic_gives_production_its_hashed_compressed_files(tmp_path):
    """What `make serve` runs before gunicorn: every file collected, hashed and compressed; a
    file that names one missing (a source map) would stop it."""
    storages = {**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/chartjs/chart.umd.min.js"]
    assert (tmp_path / f"{hashed}.gz").is_file()


def test_the_static_files_addresses_are_kept_and_follow_the_settings(tmp_path, monkeypatch):
    """Production's storage works out each file's hashed address once (kcn_party/
    static_storage.py), the same as whitenoise's, and again when the settings change."""
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    storages = {**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
        storage = StaticFilesStorage()
        worked_out = []
        original = CompressedManifestStaticFilesStorage.url
        monkeypatch.setattr(
            CompressedManifestStaticFilesStorage,
            "url",
            lambda self, name, force=False: worked_out.append(name) or original(self, name, force),
        )
        name = "vendor/chartjs/chart.umd.min.js"
        hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"][name]
        assert storage.url(name) == storage.url(name) == f"/static/{hashed}"
        assert worked_out == [name]
        with override_settings(DEBUG=True):  # Django's own names, not the hashed ones
            assert storage.url(name) == f"/static/{name}"
        assert storage.url(name) == f"/static/{hashed}"
        assert len(worked_out) == 3
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("no/such/file.js")  # an error every time, never kept


def test_a_server_worker_settles_its_memory_once_loaded():
    """The objects a worker holds for its whole life are out of the collector's walks
    (kcn_party.memory.settle): its full collections no longer pause a request."""
    script = (
        "import gc, kcn_party.wsgi, sys; "
        "assert 'reports.dashboard.views' in sys.modules; "
        "print(gc.get_freeze_count())"
    )
    process = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script],
        cwd=BASE,
        env={"PATH": os.environ["PATH"], "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "kcn.vn"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    assert int(process.stdout.strip()) > 10_000
