"""LNOB settings, read from the environment (twelve-factor).

Without any environment the app runs in demo mode on an SQLite file under
``var/``. ``LNOB_MODE=production`` turns on the production guards: the process
refuses to start with DEBUG on or without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LNOB_VAR_DIR", BASE_DIR / "var"))
MODE = os.environ.get("LNOB_MODE", "demo")  # demo | production
PRODUCTION = MODE == "production"


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


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
INSECURE_KEY_MARKERS = ("django-insecure", "change-me", "changeme", "secret")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("LNOB_MODE=production refuses to start with DEBUG on.")
    if len(SECRET_KEY) < 40 or any(m in SECRET_KEY.lower() for m in INSECURE_KEY_MARKERS):
        raise ImproperlyConfigured(
            "LNOB_MODE=production needs SECRET_KEY set to a long random value "
            "(at least 40 characters), not a default."
        )
elif not SECRET_KEY:
    SECRET_KEY = _demo_secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]
# Only behind a proxy that overwrites X-Forwarded-For: then the audit log
# records the client's address instead of the proxy's.
TRUST_X_FORWARDED_FOR = _env_bool("TRUST_X_FORWARDED_FOR", False)
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
    "ninja",
    "lnob.core",
    "lnob.geo",
    "lnob.registry",
    "lnob.networks",
    "lnob.imports",
    "lnob.cases",
    "lnob.coverage",
    "lnob.matching",
    "lnob.learning",
    "lnob.dedup",
    "django_tasks",
    "django_tasks_db",
    "lnob.web",
    "lnob.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lnob.core.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "lnob.core.middleware.DenyUndeclaredViewsMiddleware",
    "lnob.core.middleware.DiskFullMiddleware",
]

ROOT_URLCONF = "lnob.urls"
WSGI_APPLICATION = "lnob.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lnob.core.context_processors.navigation",
            ],
            "builtins": ["lnob.core.templatetags.thai"],
        },
    }
]

# Database: DATABASE_URL (PostgreSQL in production), else an SQLite file under var/.
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
    })
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
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Rate-limit password guessing: 5 failures per user name and address lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
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
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # ECharts: one file from node_modules, not its whole 51 MB dist folder.
    "lnob.coverage.staticfiles.NodeModulesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
# A worker (or web process) that has not beaten for this long on another host
# is taken for dead; the reaper then marks its jobs failed (lnob.core.jobs).
LNOB_WORKER_STALE_SECONDS = int(os.environ.get("LNOB_WORKER_STALE_SECONDS", 60))
# A task running longer than this makes its worker restart (the task fails).
LNOB_TASK_TIMEOUT = int(os.environ.get("LNOB_TASK_TIMEOUT", 4 * 3600))
# Under this much free disk (MB) where uploads live, /healthz answers 503.
LNOB_MIN_FREE_DISK_MB = int(os.environ.get("LNOB_MIN_FREE_DISK_MB", 200))
# Uploads: files bigger than this are refused before they are read.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 50 * 1024 * 1024))
# Files with up to this many data rows are checked right away, larger ones by the worker.
IMPORT_INLINE_ROWS = int(os.environ.get("IMPORT_INLINE_ROWS", 5000))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
