"""Linkwell settings: read from environment variables only, parsed strictly.

A value that cannot be parsed stops start-up with a message naming the variable,
rather than being silently replaced by a default. See docs/configuration.md.
"""

from __future__ import annotations

import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


DATA_DIR = Path(env_str("LINKWELL_DATA_DIR", "./var") or "./var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("LINKWELL_DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")
        return key
    # Zero set-up: keep a generated key in the data directory so sessions survive restarts.
    # Production sets SECRET_KEY explicitly (docs/deployment.md).
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

HTTPS = env_bool("LINKWELL_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("LINKWELL_SESSION_SECONDS", 8 * 60 * 60, minimum=300)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "linkwell.accounts",
    "linkwell.audit",
    "linkwell.people",
    "linkwell.referrals",
    "linkwell.messaging",
    "linkwell.directory",
    "linkwell.geo",
    "linkwell.outcomes",
    "linkwell.casework",
    "linkwell.groups",
    "linkwell.noticeboard",
    "linkwell.reports",
    "linkwell.web",
]

MIDDLEWARE = [
    "linkwell.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must be last so it sees the final authentication outcome.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "linkwell.urls"
WSGI_APPLICATION = "linkwell.wsgi.application"

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
                "linkwell.web.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'linkwell.sqlite3'}",
        conn_max_age=env_int("LINKWELL_DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server share the file without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DATABASES["default"].setdefault("TEST", {})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

AXES_FAILURE_LIMIT = env_int("LINKWELL_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LINKWELL_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ar", "العربية"),
    ("ur", "اردو"),
    ("fa", "فارسی"),
    ("pl", "Polski"),
    ("uk", "Українська"),
    ("ro", "Română"),
    ("so", "Soomaali"),
    ("bn", "বাংলা"),
    ("cy", "Cymraeg"),
]
LANGUAGES_BIDI = ["ar", "ur", "fa", "he"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_COOKIE_NAME = "linkwell_language"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
NODE_MODULES = Path(env_str("LINKWELL_NODE_MODULES", "") or BASE_DIR.parent.parent / "node_modules")
STATICFILES_DIRS = [BASE_DIR / "static"]
for _prefix, _sub in (
    ("nhsuk", "nhsuk-frontend/dist/nhsuk"),
    ("htmx", "htmx.org/dist"),
):
    if (NODE_MODULES / _sub).is_dir():
        STATICFILES_DIRS.append((_prefix, NODE_MODULES / _sub))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Linkwell <no-reply@linkwell.invalid>")

# 10 MB of text in a field must be refused, not stored: forms and API cap request bodies.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LINKWELL_MAX_REQUEST_BYTES", 2 * 1024 * 1024, minimum=1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "linkwell.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "linkwell.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("LINKWELL_ANON_RATE", "60/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Linkwell API",
    "DESCRIPTION": "Social prescribing referrals, casework and community directory.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

TASKS = {
    "default": {
        "BACKEND": env_str("LINKWELL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Linkwell behaviour
LINKWELL_SERVICE_NAME = env_str("LINKWELL_SERVICE_NAME", "Linkwell") or "Linkwell"
LINKWELL_SELF_REFERRAL_REPLY_DAYS = env_int("LINKWELL_SELF_REFERRAL_REPLY_DAYS", 5, minimum=1)
# Shown on the self-referral start page as another way to ask; blank hides the sentence.
LINKWELL_SELF_REFERRAL_PHONE = env_str("LINKWELL_SELF_REFERRAL_PHONE", "") or ""
LINKWELL_IDEMPOTENCY_HOURS = env_int("LINKWELL_IDEMPOTENCY_HOURS", 24, minimum=1)
# Directory listings not checked for this many days show "not checked recently" (and are
# flagged to the provider); after LINKWELL_LISTING_HIDDEN_DAYS they are left out of matching.
LINKWELL_LISTING_STALE_DAYS = env_int("LINKWELL_LISTING_STALE_DAYS", 183, minimum=1)
LINKWELL_LISTING_HIDDEN_DAYS = env_int("LINKWELL_LISTING_HIDDEN_DAYS", 365, minimum=1)
# Casework: failed contact attempts before a case may close as "unable to contact", and the
# weighted caseload (see casework.selectors.case_weight) above which a lead is warned.
LINKWELL_FAILED_CONTACT_LIMIT = env_int("LINKWELL_FAILED_CONTACT_LIMIT", 3, minimum=1)
LINKWELL_CASELOAD_LIMIT = env_int("LINKWELL_CASELOAD_LIMIT", 30, minimum=1)
# Onward referrals (docs/onward-referrals.md): nudge the link worker after N working days
# without a provider reply; lapse (failed, "no response") after N calendar days; reply figures
# look back this many days and need this many replies before they are shown.
LINKWELL_ONWARD_NUDGE_WORKING_DAYS = env_int("LINKWELL_ONWARD_NUDGE_WORKING_DAYS", 5, minimum=1)
LINKWELL_ONWARD_LAPSE_DAYS = env_int("LINKWELL_ONWARD_LAPSE_DAYS", 14, minimum=1)
LINKWELL_REPLY_FIGURES_DAYS = env_int("LINKWELL_REPLY_FIGURES_DAYS", 365, minimum=1)
LINKWELL_REPLY_FIGURES_MIN = env_int("LINKWELL_REPLY_FIGURES_MIN", 5, minimum=1)

# Messaging (linkwell.messaging): "console" writes messages to files under DATA_DIR/outbox/;
# "notify" sends through GOV.UK Notify.
LINKWELL_MESSAGING_CHANNEL = env_choice(
    "LINKWELL_MESSAGING_CHANNEL", "console", {"console", "notify"}
)
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", "") or ""
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "") or "https://api.notifications.service.gov.uk"
NOTIFY_TIMEOUT_SECONDS = env_int("NOTIFY_TIMEOUT_SECONDS", 10, minimum=1)
# Bearer token GOV.UK Notify sends with delivery receipts; blank turns the callback off.
NOTIFY_CALLBACK_TOKEN = env_str("NOTIFY_CALLBACK_TOKEN", "") or ""


def _notify_templates() -> dict[str, str]:
    import json

    raw = env_str("LINKWELL_NOTIFY_TEMPLATES", "") or "{}"
    try:
        value = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured("LINKWELL_NOTIFY_TEMPLATES must be a JSON object") from None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ImproperlyConfigured("LINKWELL_NOTIFY_TEMPLATES must map names to template ids")
    return value


# Template name ("referral_received:so:sms", "referral_received:sms" or just "sms") → Notify id.
LINKWELL_NOTIFY_TEMPLATES = _notify_templates()


def _quiet_hours():
    from linkwell.messaging.quiet_hours import parse_quiet_hours

    try:
        return parse_quiet_hours(env_str("LINKWELL_QUIET_HOURS", "21:00-08:00"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"LINKWELL_QUIET_HOURS: {exc}") from None


LINKWELL_QUIET_HOURS = _quiet_hours()  # Europe/London; None means texts may go at any time
LINKWELL_MESSAGING_MAX_ATTEMPTS = env_int("LINKWELL_MESSAGING_MAX_ATTEMPTS", 8, minimum=1)
LINKWELL_MESSAGING_RETRY_SECONDS = env_int("LINKWELL_MESSAGING_RETRY_SECONDS", 30, minimum=0)
LINKWELL_MESSAGING_POLL_SECONDS = env_int("LINKWELL_MESSAGING_POLL_SECONDS", 5, minimum=1)
# Staff notifications and reminders (docs/messaging.md). The base URL makes links in staff
# emails absolute; reminders can each be switched off.
LINKWELL_BASE_URL = env_str("LINKWELL_BASE_URL", "") or ""
LINKWELL_NEW_REFERRAL_EMAIL = env_bool("LINKWELL_NEW_REFERRAL_EMAIL", True)
LINKWELL_SESSION_REMINDERS = env_bool("LINKWELL_SESSION_REMINDERS", True)
LINKWELL_SESSION_REMINDER_HOUR = env_int("LINKWELL_SESSION_REMINDER_HOUR", 10, minimum=0)
LINKWELL_FOLLOW_UP_REMINDERS = env_bool("LINKWELL_FOLLOW_UP_REMINDERS", True)
LINKWELL_REENGAGEMENT = env_bool("LINKWELL_REENGAGEMENT", True)
LINKWELL_REENGAGEMENT_MISSES = env_int("LINKWELL_REENGAGEMENT_MISSES", 2, minimum=1)
LINKWELL_TRIED_TO_REACH_YOU = env_bool("LINKWELL_TRIED_TO_REACH_YOU", True)

# Outcome measures (linkwell.outcomes). EQ-5D-5L value set used when none is chosen; the
# default follows NICE's position (UK 3L value set via the van Hout crosswalk): see
# outcomes/instruments/eq5d5l.py.
LINKWELL_EQ5D_VALUE_SET = env_choice(
    "LINKWELL_EQ5D_VALUE_SET",
    "uk-crosswalk-vanhout-2012",
    {"england-devlin-2018", "uk-crosswalk-vanhout-2012", "uk-rowen-2026"},
)


def _outcome_schedule():
    from linkwell.outcomes.schedule import DEFAULT_SCHEDULE, parse_schedule

    try:
        return parse_schedule(env_str("LINKWELL_OUTCOME_SCHEDULE", "") or DEFAULT_SCHEDULE)
    except ValueError as exc:
        raise ImproperlyConfigured(f"LINKWELL_OUTCOME_SCHEDULE: {exc}") from None


# "SWEMWBS,ONS4@baseline:0,follow_up_12w:84,discharge" (format: outcomes/schedule.py)
LINKWELL_OUTCOME_SCHEDULE = _outcome_schedule()
# Folder of licensed questionnaire wording (EQ-5D-5L, (S)WEMWBS) the deployment provides;
# blank = short labels only, answers entered from the licensed paper form.
LINKWELL_LICENSED_WORDING_DIR = env_str("LINKWELL_LICENSED_WORDING_DIR", "") or ""


def _env_money(name: str, default: str) -> Decimal:
    raw = (env_str(name, default) or default).replace("£", "").replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be an amount in pounds, not {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise ImproperlyConfigured(f"{name} must be zero or more, not {raw!r}")
    return value


# Evaluation (linkwell.reports: docs/evaluation.md). Costs are assumptions a deployment sets:
# link worker time per hour (salary + on-costs) and overhead per participant, in pounds.
LINKWELL_LINK_WORKER_HOURLY_COST = _env_money("LINKWELL_LINK_WORKER_HOURLY_COST", "20.00")
LINKWELL_OVERHEAD_PER_PARTICIPANT = _env_money("LINKWELL_OVERHEAD_PER_PARTICIPANT", "0.00")
LINKWELL_BOOTSTRAP_MAX_RESAMPLES = env_int("LINKWELL_BOOTSTRAP_MAX_RESAMPLES", 20_000, minimum=1)
# Secret key for research-extract pseudonyms (HMAC-SHA256); blank = extracts refuse to run.
LINKWELL_PSEUDONYM_KEY = env_str("LINKWELL_PSEUDONYM_KEY", "") or ""
# Dashboard (linkwell.reports: docs/reports.md): counts from 1 to this minus one show as "<5";
# the default period is the last N months.
LINKWELL_SUPPRESS_BELOW = env_int("LINKWELL_SUPPRESS_BELOW", 5, minimum=2)
LINKWELL_REPORT_MONTHS = env_int("LINKWELL_REPORT_MONTHS", 12, minimum=1)


def _crisis_contacts():
    """LINKWELL_CRISIS_CONTACTS: a JSON list of {"title", "action", "href"?}; unset = the
    built-in UK numbers (999, NHS 111 option 2, Samaritans, SHOUT), translated in code."""
    import json

    raw = env_str("LINKWELL_CRISIS_CONTACTS", "")
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured("LINKWELL_CRISIS_CONTACTS must be JSON") from None
    if not isinstance(value, list) or not value:
        raise ImproperlyConfigured("LINKWELL_CRISIS_CONTACTS must be a non-empty JSON list")
    for item in value:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("title"), str)
            and isinstance(item.get("action"), str)
            and item["title"].strip()
            and item["action"].strip()
            and isinstance(item.get("href", ""), str)
        ):
            raise ImproperlyConfigured(
                'each LINKWELL_CRISIS_CONTACTS entry needs "title" and "action" (and may '
                'have "href", e.g. "tel:999")'
            )
    return value


# Feedback, notes and concerns (groups: docs/feedback-and-concerns.md).
LINKWELL_CRISIS_CONTACTS = _crisis_contacts()
LINKWELL_CONCERN_REALERT_MINUTES = env_int("LINKWELL_CONCERN_REALERT_MINUTES", 60, minimum=1)
LINKWELL_FEEDBACK_LINK_DAYS = env_int("LINKWELL_FEEDBACK_LINK_DAYS", 7, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "linkwell.audit.middleware.RequestIdLogFilter"},
        # Questionnaire links /q/<token>/ are credentials: never log the token.
        "redact_links": {"()": "linkwell.outcomes.log_redaction.TokenRedactingFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "redact_links"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LINKWELL_LOG_LEVEL", "INFO")},
    # Request logs can carry query strings; Linkwell never puts personal data in URLs,
    # but keep Django's request logger at WARNING so bodies are never logged.
    "loggers": {"django.request": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
