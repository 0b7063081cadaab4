"""One settings module for every environment; behaviour is chosen by environment variables.

PALERMO_ENV=development (default) or demo runs on a laptop with SQLite, local-memory
cache and in-process tasks. PALERMO_ENV=production needs its secrets and hosts from
the environment and turns on every transport protection.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from palermo.config import load_secrets, palermo_env, record_hmac_key

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout (src/ layout) holds var/ for local data; an installed package uses the working directory.
PROJECT_DIR = PACKAGE_DIR.parents[1] if (PACKAGE_DIR.parents[1] / "pyproject.toml").exists() else Path.cwd()
DATA_DIR = Path(os.environ.get("PALERMO_DATA_DIR", PROJECT_DIR / "var"))

PALERMO_ENV = palermo_env()
PRODUCTION = PALERMO_ENV == "production"
DEMO = PALERMO_ENV == "demo"

_secrets = load_secrets(PALERMO_ENV, DATA_DIR)
SECRET_KEY = _secrets["SECRET_KEY"]
PALERMO_ENCRYPTION_KEYS = _secrets["PALERMO_ENCRYPTION_KEYS"]
PALERMO_HMAC_KEY = _secrets["PALERMO_HMAC_KEY"]
# Pinned before PALERMO_HMAC_KEY is replaced: keeps the audit chain, tip receipts and recovery codes valid.
PALERMO_RECORD_HMAC_KEY = record_hmac_key()

DEBUG = env.bool("DEBUG", default=False) if PRODUCTION else env.bool("DEBUG", default=True)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "palermo.accounts",
    "palermo.organisations",
    "palermo.audit",
    "palermo.encryption",
    "palermo.people",
    "palermo.identification",
    "palermo.reporting",
    "palermo.cases",
    # The case page shows the sections of these three apps in this order (palermo.cases.panels).
    "palermo.assistance",
    "palermo.consent",
    "palermo.referrals",
    "palermo.worklist",
    "palermo.directory",
    "palermo.matrix",
    "palermo.practices",
    "palermo.web",
    "palermo.api",
    "palermo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "palermo.api.middleware.api_input_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "palermo.accounts.middleware.session_limits_middleware",
    "palermo.accounts.acting.acting_membership_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "palermo.web.middleware.private_pages_middleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "palermo.urls"
WSGI_APPLICATION = "palermo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "palermo.web.context_processors.shell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'palermo.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so the audit chain head
        # is never read by two writers at once; WAL lets readers go on meanwhile.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, tasks -----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
if CACHE_URL in ("locmem://", "locmem"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    CACHES = {"default": env.cache_url("CACHE_URL")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

PALERMO_TASKS_BACKEND = env.str(
    "PALERMO_TASKS_BACKEND", default=("redis" if REDIS_URL else "database") if PRODUCTION else "immediate"
)
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
}
if PALERMO_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"PALERMO_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}.")
if PALERMO_TASKS_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("PALERMO_TASKS_BACKEND=redis needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[PALERMO_TASKS_BACKEND], "QUEUES": ["default"]}}

# Signed audit checkpoints (docs/audit-checkpoints.md): the directory receiving them, which the
# deployment copies off the database server; in production it must be named and must exist.
PALERMO_AUDIT_CHECKPOINT_DIR = env.str(
    "PALERMO_AUDIT_CHECKPOINT_DIR", default="" if PRODUCTION else str(DATA_DIR / "audit-checkpoints")
)
# Names the deployment in its checkpoints, so a store holding several deployments' files keeps them apart.
PALERMO_DEPLOYMENT_NAME = env.str("PALERMO_DEPLOYMENT_NAME", default=ALLOWED_HOSTS[0] if ALLOWED_HOSTS else "palermo")

SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL.startswith("redis")
    else "django.contrib.sessions.backends.db"
)
PALERMO_SESSION_IDLE_MINUTES = env.int("PALERMO_SESSION_IDLE_MINUTES", default=30)
PALERMO_SESSION_MAX_HOURS = env.int("PALERMO_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = PALERMO_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "palermo_session"
CSRF_COOKIE_HTTPONLY = True

# --- Authentication -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock a user name only from the address that failed, and only for a while: an attacker
# elsewhere cannot keep the real user out.
AXES_FAILURE_LIMIT = env.int("PALERMO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("PALERMO_LOGIN_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "palermo.accounts.views.login_locked_out"
# Reverse proxies in front of the application (the shipped nginx site is one): the client address
# for lockouts and rate limits is the one the outermost of them saw (palermo.web.client_address).
PALERMO_PROXY_COUNT = env.int("PALERMO_PROXY_COUNT", default=1 if PRODUCTION else 0)
if PALERMO_PROXY_COUNT < 0:
    raise ImproperlyConfigured("PALERMO_PROXY_COUNT is the number of reverse proxies in front: 0 or more.")
AXES_CLIENT_IP_CALLABLE = "palermo.web.client_address.client_address"
AXES_VERBOSE = False
# Days the sign-in access log (e-mail, address, browser of each sign-in) is kept to investigate a
# suspicious sign-in; housekeeping deletes older rows. The audit trail keeps the sign-in itself.
PALERMO_ACCESS_LOG_DAYS = env.int("PALERMO_ACCESS_LOG_DAYS", default=90)
if PALERMO_ACCESS_LOG_DAYS < 1:
    raise ImproperlyConfigured("PALERMO_ACCESS_LOG_DAYS must be at least 1.")
OTP_TOTP_ISSUER = "Palermo"
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Identification ---------------------------------------------------------------------------
PALERMO_REASONABLE_GROUNDS_WORKING_DAYS = env.int("PALERMO_REASONABLE_GROUNDS_WORKING_DAYS", default=5)
# Working days a referred organisation has to accept or decline a referral before it is flagged.
PALERMO_REFERRAL_ACK_WORKING_DAYS = env.int("PALERMO_REFERRAL_ACK_WORKING_DAYS", default=2)
PALERMO_RECOVERY_PERIOD_DAYS = env.int("PALERMO_RECOVERY_PERIOD_DAYS", default=30)
# Case attachments (photos and PDFs): the largest file, in MB, and how many files one case may hold.
PALERMO_CASE_ATTACHMENT_MAX_MB = env.int("PALERMO_CASE_ATTACHMENT_MAX_MB", default=10)
PALERMO_CASE_ATTACHMENT_MAX_COUNT = env.int("PALERMO_CASE_ATTACHMENT_MAX_COUNT", default=50)
# About ten printed pages: a visit report fits, a pasted document belongs in the attachments.
PALERMO_CASE_NOTE_MAX_CHARS = env.int("PALERMO_CASE_NOTE_MAX_CHARS", default=20_000)
if PALERMO_RECOVERY_PERIOD_DAYS < 30:
    raise ImproperlyConfigured(
        "PALERMO_RECOVERY_PERIOD_DAYS cannot be under 30 (Council of Europe Convention, Art. 13)."
    )

# --- Anonymous reporting: how many sends (and receipt tries) one client may make in ten minutes -----
# The public form speaks more languages than the staff pages: those of people at risk in the region.
PALERMO_PUBLIC_LANGUAGES = ["en", "fr", "ro", "bg", "uk"]
PALERMO_TIP_RATE_LIMIT = env.int("PALERMO_TIP_RATE_LIMIT", default=10)
PALERMO_RECEIPT_RATE_LIMIT = env.int("PALERMO_RECEIPT_RATE_LIMIT", default=10)

# --- E-mail (reminders) ---------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587; on a laptop, mails go to the console.
_email = env.email_url("EMAIL_URL", default="smtp://localhost:25" if PRODUCTION else "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="palermo@localhost")

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Short dates with the month written out, never 12/03/2026 (palermo/web/formats/__init__.py says why).
FORMAT_MODULE_PATH = ["palermo.web.formats"]
LANGUAGE_COOKIE_NAME = "palermo_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Transport and browser security ---------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-palermo_session"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["palermo.accounts.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["palermo.accounts.authentication.HasActingMembership"],
    "DEFAULT_PAGINATION_CLASS": "palermo.api.pagination.PagePagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["palermo.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "palermo.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "palermo.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Palermo API",
    "DESCRIPTION": "Version 1 of the Palermo REST API. Authenticate with `Authorization: Bearer TOKEN`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # `<id:...>` in API paths (palermo.api.fields.IdConverter): what a signed 64-bit column holds.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}},
    # Choice sets that share a field name with another app's get their own schema names.
    "ENUM_NAME_OVERRIDES": {
        "StageStatusEnum": "palermo.assistance.models.StageStatus.choices",
        "PlanStatusEnum": "palermo.assistance.models.PlanStatus.choices",
        "MigrationStageEnum": "palermo.directory.models.Stage",
        "DirectoryLevelEnum": "palermo.directory.models.Level",
        "MatrixLevelEnum": "palermo.directory.models.MatrixLevel",
        "RiskLevelEnum": "palermo.assistance.models.RiskLevel",
        "RiskFactorKindEnum": "palermo.assistance.models.RiskFactorKind",
        "ServiceEnum": "palermo.common.catalogue.SERVICE_CODE_CHOICES",
        "DecisionStageEnum": "palermo.identification.models.DecisionStage",
        "TipStatusEnum": "palermo.reporting.models.TipStatus",
        "InspectionRequestStatusEnum": "palermo.reporting.models.InspectionRequestStatus",
        "ScreeningStatusEnum": "palermo.identification.api.SCREENING_STATUSES",
        "DecisionResultEnum": "palermo.identification.models.DecisionResult",
        "CaseStatusEnum": "palermo.cases.models.CaseStatus",
        "ClosureReasonEnum": "palermo.cases.api.CLOSURE_REASONS",
        "HtcdsCaseStatusEnum": "palermo.cases.api.HTCDS_STATUSES",
        "TraffickingStatusEnum": "palermo.cases.selectors.STATUS_PRECEDENCE",
        "ConsentStatusEnum": "palermo.consent.models.ConsentStatus",
        "ReferralStatusEnum": "palermo.referrals.models.ReferralStatus",
    },
}

# --- Logging: never a personal value (error reports hide every variable and form field) ------------
DEFAULT_EXCEPTION_REPORTER_FILTER = "palermo.web.reporting.NoPersonalDataReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
