"""Settings for kcn_party, read from the environment (and a .env file when ENV_FILE names one).

Every value a deployment may change comes from django-environ; see .env.example. What production
refuses to start without is in kcn_party/environment.py.
"""

import datetime
import secrets
import sys
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from kcn_party.environment import (
    DEVELOPMENT_SECRET_KEY,
    offline_command,
    production_allowed_hosts,
    production_secret_key,
    read_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Only the development targets of the Makefile name a file (ENV_FILE=.env, DEBUG on).
read_env_file(BASE_DIR)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    # Only a development server may run on a key everybody knows.
    SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
elif offline_command(sys.argv):
    # Comparing the models with the migrations serves nothing and signs nothing: a key of this
    # process alone, never published, and no host.
    SECRET_KEY = secrets.token_urlsafe(64)
    ALLOWED_HOSTS = []
else:
    # Fail loudly, rather than serve on a public key or a host header nobody checked.
    SECRET_KEY = production_secret_key(env)
    ALLOWED_HOSTS = production_allowed_hosts(env)

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "kcn_party.admin_config.AdminConfig",  # django.contrib.admin with the site of admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "import_export",
    "simple_history",
    "organizations",
    "members",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kcn_party.middleware.VietnameseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kcn_party.middleware.ActorMiddleware",
    # The change trail's entries name the request's account (organizations/history.py).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kcn_party.sessions.SessionLimitsMiddleware",
    "kcn_party.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kcn_party.urls"
WSGI_APPLICATION = "kcn_party.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.account",
            ],
            # The admin's sidebar rendered once for what it shows (kcn_party/admin_tags.py).
            "libraries": {"kcn_admin": "kcn_party.admin_tags"},
        },
    },
]

# Forms through the project's templates, Django's commonest ones written in Python
# (kcn_party/form_renderer.py).
FORM_RENDERER = "kcn_party.form_renderer.Renderer"

# --- Database -------------------------------------------------------------------------------
# SQLite file by default so a newcomer needs nothing installed; PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one staff member writes; IMMEDIATE transactions plus a busy
    # timeout make concurrent writers wait their turn instead of failing "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
        }
    )
else:
    # PostgreSQL's JIT compiles a statement whose estimated cost is high: the figures' batched
    # statements (reports.metrics.batch: many aggregates, an EXISTS per enterprise) are
    # estimated high and run in milliseconds, and compiling them took seconds (6.1 s against
    # 0.33 s for the coverage of a province). Off for the application's connections.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Where `manage.py backup_database` (make backup) writes when given no file name.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")

# An admin list as it opens is counted exactly up to this many rows; beyond, on PostgreSQL, it
# says "about N" from the planner's statistics (organizations/admin/counting.py): counting a
# million members on every page of a national list costs more than the page itself.
# The change trail (organizations/history.py): on unless a deployment measures without it (the
# import benchmark's step without the trail sets it in its child process).
SIMPLE_HISTORY_ENABLED = env.bool("AUDIT_TRAIL", default=True)
# Read a province-level body's figures from what is kept month by month (reports.summary),
# once `keep_figures` has started keeping them; off: always from the records.
KEEP_FIGURES = env.bool("KEEP_FIGURES", default=True)
# The trail's pages are ours (organizations/admin/trail.py): no "revert" form.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = False

ADMIN_LIST_EXACT_COUNT_UP_TO = env.int("ADMIN_LIST_EXACT_COUNT_UP_TO", default=20_000)

# --- Accounts -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in while the account and address are locked out (below).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Permissions follow the account's role in its committee (organizations/access.py).
    "organizations.access.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Guessing passwords (django-axes): 5 failures in a row for one account from one address lock
# that pair out for 15 minutes, with a page that says so in Vietnamese; a success resets it.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kcn_party.signin.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Lockouts are lifted with `manage.py axes_reset_username USERNAME` (README); axes' own admin
# pages list every committee's sign-ins unscoped, so they are not registered.
AXES_ENABLE_ADMIN = False  # no banner on every command (a command's output may be read by a tool)
# Behind a reverse proxy, the client's address is taken from X-Forwarded-For: TRUSTED_PROXIES
# is how many proxies stand in front of the application (nginx alone: 1). See the README.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "kcn_party.signin.client_ip"

# A second factor for administrators (kcn_party/second_factor.py, django-otp): a code from an
# authenticator app after the password, once an administrator has enrolled one; with
# OTP_REQUIRED_FOR_ADMINS, every administrator must enrol one before anything else.
OTP_REQUIRED_FOR_ADMINS = env.bool("OTP_REQUIRED_FOR_ADMINS", default=False)
OTP_TOTP_ISSUER = "KCN Party"

# Sessions end 8 hours after signing in, after 60 minutes without a request
# (kcn_party/sessions.py), and when the browser closes.
SESSION_LIMITS = {
    "MAX_HOURS": env.int("SESSION_MAX_HOURS", default=8),
    "IDLE_MINUTES": env.int("SESSION_IDLE_MINUTES", default=60),
}
SESSION_COOKIE_AGE = SESSION_LIMITS["MAX_HOURS"] * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Serving over HTTPS -------------------------------------------------------------------------
# Production answers only over HTTPS and tells browsers to keep to it (HSTS, a year); a
# development server (DEBUG on) does neither. Behind a proxy that ends TLS, set
# BEHIND_PROXY=on: the proxy's X-Forwarded-Proto then says whether the request came over HTTPS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's check may come over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from the site only;
# inline styles are allowed (the admin's widgets set some), inline scripts are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Language, dates and numbers --------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# dd/mm/yyyy and "1.260" for Vietnamese; see kcn_party/formats/.
FORMAT_MODULE_PATH = ["kcn_party.formats"]
USE_THOUSAND_SEPARATOR = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Served by the application itself (whitenoise), compressed and with hashed names in
# production (after `manage.py collectstatic`), from the source folders in development.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "kcn_party.static_storage.StaticFilesStorage"
    },
}

# --- django-import-export --------------------------------------------------------------------
# Cells beginning with = + - @ are neutralised so a spreadsheet never runs them as formulas.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Importing needs the "add" permission of the model (leaders, who only look, have none); the
# enterprise import also asks for "change" (organizations.access.may_import_enterprises).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"

# --- Uploads ------------------------------------------------------------------------------------
# What an uploaded list may hold. A crafted file (a 1.6 KB workbook claiming a cell at
# XFD1048576, a million-column CSV) is refused with a message before it can exhaust the server;
# read by kcn_party.uploads and organizations.imports.reading, in this one place.
UPLOAD_LIMITS = {
    "FILE_BYTES": 50 * 1024 * 1024,  # an uploaded file, refused while it streams in
    "COLUMNS": 200,
    "ROWS": 1_000_000,
    "CELLS": 20_000_000,  # rows × columns of an .xlsx sheet's range; the cells read of a CSV
    "LINE_BYTES": 1024 * 1024,  # one line of a CSV file
    "UNZIPPED_BYTES": 1024 * 1024 * 1024,  # the parts of an .xlsx that are read, unpacked
}
# The form's other fields (files are counted by the handler below, not by this).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "kcn_party.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The files an import's preview keeps until it is confirmed or cancelled (default: a folder in
# the system's temporary directory); `manage.py clean_import_previews` removes older ones.
IMPORT_PREVIEW_DIR = env.str("IMPORT_PREVIEW_DIR", default="")
IMPORT_PREVIEW_MAX_AGE_HOURS = env.int("IMPORT_PREVIEW_MAX_AGE_HOURS", default=24)

# --- Domain rules -----------------------------------------------------------------------------
# Thresholds from the Party statute's implementing rules; they changed over the years
# (29/2016 -> 24/2021 -> 294/2025), so they live here, not in code. They give warnings only.
PARTY_RULES = {
    "CELL_MIN_FOUNDING_MEMBERS": env.int("PARTY_CELL_MIN_FOUNDING_MEMBERS", default=3),
    "GRASSROOTS_COMMITTEE_MIN_MEMBERS": env.int(
        "PARTY_GRASSROOTS_COMMITTEE_MIN_MEMBERS", default=30
    ),
    "TRADE_UNION_MIN_FOUNDING_MEMBERS": env.int("TRADE_UNION_MIN_FOUNDING_MEMBERS", default=5),
}

# Rules of the admission pipeline, probation and ratings (domain guide §5–7). Regulations changed
# them over the years (rating rules 124/2023 -> 366/2025), so they live here, not in code.
MEMBER_RULES = {
    # Age at the cell's resolution, counted in whole months.
    "ADMISSION_MIN_AGE_YEARS": env.int("ADMISSION_MIN_AGE_YEARS", default=18),
    "ADMISSION_MAX_AGE_YEARS": env.int("ADMISSION_MAX_AGE_YEARS", default=60),
    "AWARENESS_CERTIFICATE_VALID_YEARS": env.int("AWARENESS_CERTIFICATE_VALID_YEARS", default=5),
    # Statutory deadlines in working days (weekends and Vietnamese public holidays excluded).
    "DECISION_WORKING_DAYS": env.int("ADMISSION_DECISION_WORKING_DAYS", default=60),
    "CEREMONY_WORKING_DAYS": env.int("ADMISSION_CEREMONY_WORKING_DAYS", default=30),
    "PROBATION_MONTHS": env.int("PROBATION_MONTHS", default=12),
    "RECOGNITION_PROPOSAL_WORKING_DAYS": env.int("RECOGNITION_PROPOSAL_WORKING_DAYS", default=30),
    # Members admitted less than this many months before the year's end are not rated.
    "RATING_MIN_MONTHS": env.int("RATING_MIN_MONTHS", default=6),
    # Rated "excellently fulfilled" (HTXS) at most this share of those rated HTT or better
    # within a grassroots organisation; a warning, not a block.
    "EXCELLENT_QUOTA_PERCENT": env.int("RATING_EXCELLENT_QUOTA_PERCENT", default=20),
}

# The reports' pages (reports/dashboard): "where to work next" lists the active enterprises with
# at least this many workers that have a union but no party organisation (a page may ask for
# another size with ?min_workers=).
REPORTS = {
    "OPPORTUNITY_MIN_WORKERS": env.int("REPORTS_OPPORTUNITY_MIN_WORKERS", default=300),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
