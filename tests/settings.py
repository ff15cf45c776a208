"""Settings for the test suite: the real settings, as production reads them (DEBUG off), with a
throwaway key and a fast hasher."""

import os
import secrets
import tempfile

# A key of the strength production demands, new for each run: nothing signed by the tests
# outlives them. The test client's "testserver" is added by Django's test environment.
os.environ.setdefault("SECRET_KEY", f"tests-{secrets.token_urlsafe(48)}")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from kcn_party.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The live server of the browser tests speaks plain HTTP.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
# Static files from the source folders, as in development: no collectstatic before the tests.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production, rather than Django's shared in-memory database: there, a second
    # connection that finds the database busy fails at once ("table is locked") instead of
    # waiting, so concurrent imports could not be tested. One file per test process.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"kcn_party_test_{os.getpid()}.sqlite3")
    }
