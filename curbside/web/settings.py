"""Django settings, all from environment variables through ``curbside.config``.

Nothing here reads the environment directly: ``load_config`` does, strictly, once.
"""

from __future__ import annotations

import dj_database_url

from curbside.config import load_config
from curbside.errors import ConfigError

CONFIG = load_config()

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)

INSTALLED_APPS = [
    # First, so its registration/ templates (password reset) win over the admin's.
    "curbside.web.service",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "csp",
    "curbside.web.qa",
    "curbside.web.dashboard",
    "curbside.web.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Turns django-ratelimit's refusal into RATELIMIT_VIEW's 429 (instead of a 403).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a clear 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while an address is locked out
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "curbside.web.urls"
WSGI_APPLICATION = "curbside.web.wsgi.application"

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
                "curbside.web.qa.context.site",
                "curbside.web.service.context.account",
            ],
        },
    },
]


def database_settings(url: str) -> dict:
    database = dj_database_url.parse(url, conn_max_age=60)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {
            # WAL lets readers go on while an import writes; IMMEDIATE avoids
            # "database is locked" when two writers start at once.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
        }
        database["CONN_MAX_AGE"] = 0
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ConfigError(
                "DATABASE_URL names PostgreSQL but psycopg is not installed: "
                "pip install 'curbside[postgres]'"
            ) from None
    return database


DATABASES = {"default": database_settings(CONFIG.database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.data_dir / "static"  # where `curbside manage collectstatic` writes
STATIC_ROOT.mkdir(exist_ok=True)
# Serve straight from the app folders: no collectstatic step before the demo or tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SITE_NAME = CONFIG.site_name
SEARCH_INDEX_DIR = CONFIG.data_dir / "index"
SEARCH_EMBEDDING_CACHE = CONFIG.data_dir / "embeddings.sqlite3"
PAGE_SIZE = 20

# Accounts and e-mail
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after-login"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
DEFAULT_FROM_EMAIL = CONFIG.email_from
SERVER_EMAIL = CONFIG.email_from


def email_settings(smtp_url: str | None) -> dict:
    """Console e-mail (printed by `curbside serve`) unless CURBSIDE_SMTP_URL names a server."""
    if smtp_url is None:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(smtp_url)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 587 if parts.scheme == "smtp+tls" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_TIMEOUT": 20,
    }


globals().update(email_settings(CONFIG.smtp_url))

# The doctors' queue
CLAIM_MINUTES = CONFIG.claim_minutes

# Protection
CSRF_FAILURE_VIEW = "curbside.web.service.views.csrf_failure"
RATELIMIT_ENABLE = CONFIG.rate_limits
RATELIMIT_VIEW = "curbside.web.service.views.rate_limited"
# Per-process memory cache: rate limits count per server process (waitress runs one).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "curbside"}}
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out address may try again after 15 minutes
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "service/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = CONFIG.rate_limits

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

if CONFIG.https:
    # Behind HTTPS (usually a reverse proxy that sets X-Forwarded-Proto).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

SESSION_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "curbside.web.logs.CurrentStderrHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
