"""LNOB settings, read from the environment (twelve-factor).

Without any environment the app runs in demo mode on an SQLite file under
``var/``. ``LNOB_MODE=production`` turns on the production guards: the process
refuses to start with DEBUG on or without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lnob.core.clientip import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LNOB_VAR_DIR", BASE_DIR / "var"))
MODES = ("demo", "production")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Strict: an unknown value is an error at start-up, never a silent default
    (``LNOB_MODE=Production`` must not quietly run the demo)."""
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (1/0, true/false).")
    return value in _TRUE


def _env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below its minimum {minimum}.")
    return value


def _env_roles(name: str, default: str) -> tuple[str, ...]:
    """A comma-separated list of role codes; an unknown role stops the start."""
    from lnob.core.roles import Role

    raw = os.environ.get(name, default)
    roles = tuple(r.strip() for r in raw.split(",") if r.strip())
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ImproperlyConfigured(f"{name}: unknown role(s) {', '.join(unknown)}; "
                                   f"known: {', '.join(Role.values)}.")
    return roles


def weak_secret_key(key: str) -> str:
    """Why ``key`` is too weak to sign sessions and tokens, or "" if it is not."""
    if len(key) < 50:
        return "it has fewer than 50 characters"
    if len(set(key)) < 16:
        return "it repeats too few different characters to be random"
    if any(m in key.lower() for m in INSECURE_KEY_MARKERS):
        return "it contains a placeholder word"
    return ""


INSECURE_KEY_MARKERS = ("django-insecure", "change-me", "changeme", "secret", "password")
MODE = _env_choice("LNOB_MODE", "demo", MODES)
PRODUCTION = MODE == "production"


def _demo_secret_key() -> str:
    """A random key kept under var/, so demo sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = _env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("LNOB_MODE=production refuses to start with DEBUG on.")
    if weak := weak_secret_key(SECRET_KEY):
        raise ImproperlyConfigured(
            f"LNOB_MODE=production needs SECRET_KEY set to a long random value: {weak}. "
            "Make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'")
elif not SECRET_KEY:
    SECRET_KEY = _demo_secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]
# The reverse proxies in front of the app (addresses or networks). The
# client's address is then the right-most X-Forwarded-For entry that is not
# one of them (lnob/core/clientip.py); without any, the header is ignored.
# TRUST_X_FORWARDED_FOR=1, the older setting, means a proxy on this host.
try:
    TRUSTED_PROXIES = parse_networks(os.environ.get(
        "LNOB_TRUSTED_PROXIES",
        "127.0.0.1,::1" if _env_bool("TRUST_X_FORWARDED_FOR", False) else ""))
except ValueError as exc:
    raise ImproperlyConfigured(f"LNOB_TRUSTED_PROXIES: {exc}") from None
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "lnob.core",
    "lnob.geo",
    "lnob.registry",
    "lnob.networks",
    "lnob.imports",
    "lnob.cases",
    "lnob.welfare",
    "lnob.coverage",
    "lnob.giving",
    "lnob.matching",
    "lnob.learning",
    "lnob.dedup",
    "lnob.privacy",
    "django_tasks",
    "django_tasks_db",
    "lnob.web",
    "lnob.demo",
]

MIDDLEWARE = [
    # First: a form sent by htmx that saves and redirects gets the page it
    # redirects to in the same answer, made by a GET through every middleware
    # below (issue 16, one round trip on a slow network; decision 0030).
    "lnob.core.landing.LandingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for pages and API answers (not static files: WhiteNoise answers
    # those above); decision 0020 (BREACH).
    "lnob.core.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lnob.core.middleware.ThaiFirstLocaleMiddleware",
    "lnob.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lnob.web.middleware.SavedMessageMiddleware",  # after it: runs first on the way out
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "lnob.core.middleware.SecondFactorMiddleware",
    "lnob.core.middleware.PrivateInProductionMiddleware",
    "lnob.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "lnob.core.middleware.DenyUndeclaredViewsMiddleware",
    "lnob.core.dbrouter.ReplicaReadsMiddleware",
    "lnob.core.middleware.DiskFullMiddleware",
    "lnob.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "lnob.urls"
WSGI_APPLICATION = "lnob.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of third-party templates (the admin's), found before theirs.
        "DIRS": [BASE_DIR / "lnob" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lnob.web.context_processors.navigation",
            ],
            "builtins": ["lnob.core.templatetags.thai"],
        },
    }
]

# Database: DATABASE_URL (PostgreSQL in production), else an SQLite file under var/.
# Prepared statements kept per connection (lnob.core.signals; psycopg's own
# default, 100, is fewer than the signed-in pages send).
LNOB_DB_PREPARED_MAX = int(os.environ.get("LNOB_DB_PREPARED_MAX", 500))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # A connection kept for a minute is checked before it is reused, so the
    # processes come back by themselves after a database outage or failover.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60,
                                                  conn_health_checks=True)}
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "connect_timeout": int(os.environ.get("LNOB_DB_CONNECT_TIMEOUT", 5)),
        # A dead peer (a cut network) is noticed in about a minute, not hours.
        "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
        "keepalives_count": 3,
        # No JIT compilation: it suits long analytic queries, not these short
        # ones — the inbox's counts spent 30 of 110 ms compiling (issue 21).
        "options": "-c jit=off",
    })
    if ("postgresql" in DATABASES["default"]["ENGINE"]
            and _env_bool("LNOB_DB_PREPARED", True)):
        # Server-side binding: psycopg prepares a statement on a connection
        # after it ran twice (PostgreSQL then skips parsing and planning):
        # the database's CPU of a public report about 0.7× (decisions 0032,
        # 0035). LNOB_DB_PREPARED=0 behind PgBouncer in transaction mode.
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
    # A streaming replica (hot standby) for dashboards, reports and exports,
    # read through lnob.core.dbrouter where a second of lag cannot mislead.
    REPLICA_URL = os.environ.get("LNOB_REPLICA_URL", "")
    if REPLICA_URL:
        DATABASES["replica"] = dj_database_url.parse(REPLICA_URL, conn_max_age=60,
                                                     conn_health_checks=True)
        DATABASES["replica"].setdefault("OPTIONS", {}).update({
            **DATABASES["default"]["OPTIONS"],
            # A replica that does not answer is skipped (the primary serves):
            # a page waits at most this long, once per LNOB_REPLICA_RETRY_SECONDS.
            "connect_timeout": int(os.environ.get("LNOB_REPLICA_CONNECT_TIMEOUT", 2))})
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("LNOB_SQLITE_PATH", str(VAR_DIR / "lnob.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server read while the worker writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DATABASE_ROUTERS = ["lnob.core.dbrouter.ReplicaRouter"]  # "default" unless a replica is set
# The GET pages that may read from the replica (URL names): dashboards,
# roll-up pages and list exports — never a page that writes and reads back.
LNOB_REPLICA_VIEWS = frozenset({
    "coverage_national", "coverage_national_export", "coverage_public",
    "coverage_public_export", "coverage_public_province", "coverage_area",
    "coverage_area_export", "coverage_roadmap", "dedup_rates_export", "matching_export",
    "network_export_csv", "network_export_xlsx", "person_export_csv", "person_export_xlsx",
    "volunteer_export_csv", "volunteer_export_xlsx",
})
# A replica that did not answer is left alone this long (the primary serves).
LNOB_REPLICA_RETRY_SECONDS = float(os.environ.get("LNOB_REPLICA_RETRY_SECONDS", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: it refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sessions expire after a working day, and at once when the browser closes.
SESSION_COOKIE_AGE = _env_int("SESSION_COOKIE_AGE", 8 * 3600, 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Password guessing: 5 failures lock the user name for 15 minutes, from any
# address (behind a proxy every client may share one); each client address is
# also limited to 30 failed sign-ins in 15 minutes (lnob.core.views.LoginView).
AXES_FAILURE_LIMIT = _env_int("AXES_FAILURE_LIMIT", 5, 1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "lnob.core.clientip.client_ip"
# axes warns when it does not also count addresses; LoginView does that itself
# (a per-address limit of its own, higher than the per-user one).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Content-Security-Policy: scripts, styles, fonts and images from this site
# only; no inline script anywhere (a "Print" button is a static file). Inline
# style attributes stay allowed (the coverage map places its tiles with them);
# they cannot run code. No framing, no plugins, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Retention (lnob/privacy/retention.py, `lnob retention`): days, years.
AUDIT_RETENTION_DAYS = _env_int("LNOB_AUDIT_RETENTION_DAYS", 730, 90)
IMPORT_FILE_DAYS = _env_int("LNOB_IMPORT_FILE_DAYS", 30, 0)
PERSON_RETENTION_YEARS = _env_int("LNOB_PERSON_RETENTION_YEARS", 10, 1)
GIVER_RETENTION_MONTHS = _env_int("LNOB_GIVER_RETENTION_MONTHS", 24, 1)

# Two factors (lnob.core.twofactor): the roles that must use a code from a phone
# app after the password. Production: those who open many persons' records.
TWO_FACTOR_ROLES = _env_roles(
    "LNOB_2FA_ROLES",
    "provincial_officer,network_coordinator,system_admin" if PRODUCTION else "")
OTP_TOTP_ISSUER = "LNOB"

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

# Thai first: Thai pages unless the user switched to English (a cookie that sticks).
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "lnob" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
# Third-party assets come from the npm registry (`npm ci`) and are collected from
# node_modules at set-up; none is committed.
STATICFILES_DIRS = [
    ("vendor/sarabun", NODE_MODULES / "@fontsource" / "sarabun" / "files"),
    # The offline page (docs/offline.md): idb's UMD build, Workbox's modules.
    ("vendor/idb", NODE_MODULES / "idb" / "build"),
    *(("vendor/workbox", NODE_MODULES / name / "build") for name in (
        "workbox-sw", "workbox-core", "workbox-routing", "workbox-strategies",
        "workbox-precaching")),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # ECharts: one file from node_modules, not its whole 51 MB dist folder.
    "lnob.core.staticfiles.NodeModulesFinder",
]
# Uploads and reports: a folder every host mounts (MEDIA_ROOT), or with
# LNOB_S3_BUCKET an S3-compatible store through django-storages
# (`pip install 'lnob[s3]'`; LNOB_S3_ENDPOINT_URL for MinIO, Ceph, …;
# credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the host's role).
S3_BUCKET = os.environ.get("LNOB_S3_BUCKET", "")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"} if not S3_BUCKET
    else {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("LNOB_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("LNOB_S3_REGION") or None,
        "location": os.environ.get("LNOB_S3_PREFIX", "media"),
        # Personal data: never public, links signed and short-lived, never overwritten.
        "default_acl": None, "querystring_auth": True, "querystring_expire": 300,
        "file_overwrite": False}},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if _env_bool("LNOB_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Outside production, whitenoise also serves straight from the app and npm
# folders, so tests and a fresh checkout work before collectstatic has run.
WHITENOISE_USE_FINDERS = not PRODUCTION

# Request size limits: a forged or runaway request is refused before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain",
                            "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 100

# Background work (large imports): rows in the database, a worker process
# started by `lnob serve` (`lnob db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# What is read often and changes rarely (areas, the public dashboard's totals;
# never personal data): a local-memory cache in each process. Changes move a
# generation key on (lnob/geo/cache.py); other processes see them within the
# entries' lifetime (5 min for areas, 60 s for the dashboard). See
# docs/decisions/0016-cache-for-areas-and-the-public-dashboard.md.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "LOCATION": "lnob", "OPTIONS": {"MAX_ENTRIES": 20000}}}
# A worker (or web process) that has not beaten for this long on another host
# is taken for dead; the reaper then marks its jobs failed (lnob.core.jobs).
LNOB_WORKER_STALE_SECONDS = int(os.environ.get("LNOB_WORKER_STALE_SECONDS", 60))
# How often the worker does the follow-ups public reports leave (the duplicate
# index, the roll-ups: lnob.core.followups) — the delay before they show.
LNOB_CATCHUP_SECONDS = float(os.environ.get("LNOB_CATCHUP_SECONDS", 1.0))
# The worker's CPU priority below the web server's (os.nice): on a host that
# runs both, a flood of public reports is answered first and filed after
# (decision 0033). 0 keeps them equal.
LNOB_WORKER_NICE = int(os.environ.get("LNOB_WORKER_NICE", 5))
# A task running longer than this makes its worker restart (the task fails).
LNOB_TASK_TIMEOUT = int(os.environ.get("LNOB_TASK_TIMEOUT", 4 * 3600))
# Under this much free disk (MB) where uploads live, /healthz answers 503.
LNOB_MIN_FREE_DISK_MB = int(os.environ.get("LNOB_MIN_FREE_DISK_MB", 200))
# Uploads: files bigger than this are refused before they are read.
IMPORT_MAX_BYTES = _env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024, 1024)
# Files with up to this many data rows are checked right away, larger ones by the worker.
IMPORT_INLINE_ROWS = _env_int("IMPORT_INLINE_ROWS", 5000, 1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024


def _env_json(name: str, default: object) -> object:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    import json

    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}") from None


# The next visit proposed after a visit, per province ("" for the others):
# days, fewer by severity and for urgent cases (lnob/cases/visit_rules.py, docs/cases.md).
NEXT_VISIT_RULES = _env_json("LNOB_NEXT_VISIT_RULES", {
    "": {"days": 30, "by_severity": {"3": 14, "4": 7}, "urgent": 7}})
