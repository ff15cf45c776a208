"""Settings for the test suite: the real settings, with a throwaway key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from kcn_party.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The live server of the browser tests speaks plain HTTP.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
