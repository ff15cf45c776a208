"""Where the settings come from, and what production refuses to start without.

Settings come from the process environment. A `.env` file is read only when `ENV_FILE` names
it: the Makefile's development targets pass `ENV_FILE=.env` (a file with DEBUG on, written from
.env.example); a server started any other way never picks up a development file lying in the
checkout. With DEBUG off, a process refuses to start without a strong SECRET_KEY and an explicit
ALLOWED_HOSTS, so that a forgotten variable cannot fall back on a key everybody knows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# Only DEBUG may use it; it is in the repository, so it protects nothing.
DEVELOPMENT_SECRET_KEY = "django-insecure-kcn-party-development-only"  # noqa: S105 - public
# As Django's deployment check (security.W009) asks.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
# Words of the keys that documentation and examples show; a key containing one was copied.
PLACEHOLDER_WORDS = ("changeme", "insecure", "placeholder", "example", "yoursecret", "notasecret")


def read_env_file(base_dir: Path) -> Path | None:
    """Read the file `ENV_FILE` names (relative to the project), if any; the environment's
    own values win over the file's."""
    name = os.environ.get("ENV_FILE", "").strip()
    if not name:
        return None
    path = Path(name)
    if not path.is_absolute():
        path = base_dir / path
    if not path.is_file():
        raise ImproperlyConfigured(f"ENV_FILE names {path}, which does not exist.")
    environ.Env.read_env(path, overwrite=False)
    return path


def weak_secret_key_reason(key: str) -> str | None:
    """Why `key` must not sign the sessions of a production server, or None if it may."""
    if not key:
        return "it is not set"
    if key == DEVELOPMENT_SECRET_KEY:
        return "it is the development key, published in the repository"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"it has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters"
    letters = re.sub(r"[^a-z]", "", key.lower())
    for word in PLACEHOLDER_WORDS:
        if word in letters:
            return f"it contains “{word}”, as the examples do"
    return None


# Commands that serve no request and sign nothing, so they need no production key: comparing
# the models with the migrations (`manage.py makemigrations --check` on a checkout), and the
# backups (`make backup` from a timer needs only DATABASE_URL).
OFFLINE_COMMANDS = frozenset({"makemigrations", "backup_database", "restore_database"})


def offline_command(argv: list[str]) -> bool:
    """Whether this process is `manage.py` running one of OFFLINE_COMMANDS."""
    return len(argv) > 1 and argv[0].endswith("manage.py") and argv[1] in OFFLINE_COMMANDS


def production_secret_key(env: environ.Env) -> str:
    key = env.str("SECRET_KEY", default="")
    reason = weak_secret_key_reason(key)
    if reason:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not fit for a server with DEBUG off: {reason}. Set SECRET_KEY to a "
            f'long random value, e.g. the output of: python -c "import secrets; '
            f'print(secrets.token_urlsafe(64))". (For development, run through make, which '
            f"uses ENV_FILE=.env with DEBUG on.)"
        )
    return key


def production_allowed_hosts(env: environ.Env) -> list[str]:
    hosts = [host for host in env.list("ALLOWED_HOSTS", default=[]) if host.strip()]
    if not hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set: with DEBUG off, name the host names this server answers "
            "to, comma-separated (e.g. ALLOWED_HOSTS=kcn.example.vn)."
        )
    return hosts
