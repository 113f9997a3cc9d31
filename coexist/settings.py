"""Coexist settings: one file, configured only by environment variables.

Every variable is listed with a comment in .env.example. SQLite in ./data is the
default so that trying Coexist needs nothing installed; DATABASE_URL selects
PostgreSQL, which is what schools should run.
"""

from __future__ import annotations

from base64 import b64encode
from datetime import timedelta
from hashlib import sha256
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from coexist.env import env_bool, env_choice, env_int, env_list, env_str, require

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    require("SECRET_KEY", SECRET_KEY, why="when DEBUG is off (a long random string)")
    require("ALLOWED_HOSTS", ALLOWED_HOSTS, why="when DEBUG is off (the site's host names)")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data"))).resolve()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "import_export",
    "coexist",
    "sources",
    "lessons",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses what every middleware below produced; after Security, which adds only headers.
    "coexist.middleware.CompressTextMiddleware",
    # Production inserts WhiteNoise here: static files are answered before the private-cache
    # rule, which sits outside the session middleware so it sees the cookie that sets.
    "coexist.middleware.PermissionsPolicyMiddleware",
    "coexist.middleware.PrivateCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "coexist.middleware.AdminContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the signed-in person's choice, the switcher's cookie, Accept-Language.
    "coexist.i18n.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "coexist.middleware.OneTimePasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

if not DEBUG:
    # In production WhiteNoise serves the collected, fingerprinted static files, so a
    # school needs no separate web server for them; runserver serves them in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
# Outermost: puts the user's id and a path safe to keep where gunicorn's access log reads them.
MIDDLEWARE.insert(0, "coexist.middleware.AccessLogMiddleware")

ROOT_URLCONF = "coexist.urls"
WSGI_APPLICATION = "coexist.wsgi.application"
ASGI_APPLICATION = "coexist.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coexist.context_processors.site",
                "django.template.context_processors.i18n",
                "coexist.i18n.context",
            ],
        },
    },
]


def _database() -> dict:
    url = env_str("DATABASE_URL")
    if url:
        try:
            config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
        except ValueError as error:
            raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
        config["CONN_HEALTH_CHECKS"] = True
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and one writer work at once; IMMEDIATE transactions plus a busy
    # timeout make simultaneous saves queue instead of failing with "database is locked".
    # Each server thread keeps its connection for DB_CONN_MAX_AGE seconds, checked before
    # reuse, instead of opening the file and running the pragmas on every request.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "coexist.sqlite3",
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60, minimum=0),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_TIMEOUT", 20, minimum=1),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "coexist.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
# The interface's languages; each needs a catalogue in locale/ (the README says how to add
# one). Lesson content stays in the language its teacher wrote it in.
LANGUAGES = [("en-gb", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "coexist_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))).resolve()
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
# Uploaded images live in MEDIA_ROOT, or with MEDIA_STORAGE=s3 in an S3-compatible bucket
# (AWS, MinIO, Ceph, Garage, …) that several app servers share. Either way they reach a
# browser only through Coexist's /media/ view, so the bucket stays private
# (coexist/storage.py). Setting AWS_STORAGE_BUCKET_NAME alone selects s3.
MEDIA_STORAGE = env_choice(
    "MEDIA_STORAGE",
    "s3" if env_str("AWS_STORAGE_BUCKET_NAME") else "filesystem",
    ("filesystem", "s3"),
)
if MEDIA_STORAGE == "s3":
    from botocore.config import Config as _S3Config

    require(
        "AWS_STORAGE_BUCKET_NAME",
        env_str("AWS_STORAGE_BUCKET_NAME"),
        why="when MEDIA_STORAGE is s3",
    )
    _s3_timeout = env_int("AWS_S3_TIMEOUT", 5, minimum=1, maximum=120)
    _media_storage = {
        "BACKEND": "coexist.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "location": env_str("AWS_LOCATION", "").strip("/"),
            # Unset: boto3 looks further (an instance role, ~/.aws/credentials).
            "access_key": env_str("AWS_ACCESS_KEY_ID"),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
            "default_acl": None,  # the bucket's own, which should be private
            "file_overwrite": False,
            # A storage that does not answer fails a request (and /-/health/) within
            # seconds instead of holding a worker for botocore's minute and five retries.
            "client_config": _S3Config(
                connect_timeout=_s3_timeout,
                read_timeout=_s3_timeout,
                retries={"mode": "standard", "max_attempts": 2},
                s3={
                    "addressing_style": env_choice(
                        "AWS_S3_ADDRESSING_STYLE", "auto", ("auto", "path", "virtual")
                    )
                },
            ),
        },
    }
    # The admin's import keeps the uploaded file between its preview and its confirmation,
    # which may reach different servers: keep it in the bucket, not one server's /tmp.
    IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "coexist.staticfiles.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Importing creates and changes records, so it needs the change permission; anyone who
# may view sources may export them.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True  # only drops a leading "="; coexist.csvsafe guards

# Messages travel in a signed cookie (falling back to the session when large), so a save
# that says "Saved." costs no database write.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

# Nothing lives in one process's memory, so any number of app servers can share the work:
# sessions are in the database, messages in a signed cookie or the session, the login
# throttle in the database (django-axes' database handler), the join throttle in FailedJoin
# rows. Nothing uses Django's cache, and the dummy cache keeps it so: something added later
# that caches gets no speed-up, rather than each server its own answer.
# Django's database sessions, read by a prepared query (coexist/sessions.py).
SESSION_ENGINE = "coexist.sessions"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    # Each process's rendered parts of pages that are the same for every student, kept
    # under a digest of every row they show (lessons.views.student._shown_rows_key), so
    # an edit shows at once; the timeout only frees memory.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "coexist-fragments",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14, minimum=300)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = env_bool(
    "SECURE_COOKIES", not DEBUG
)
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Health checks come from a monitor or a load balancer on the inside, often over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^-/"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: scripts and styles only from Coexist's own static files or a tag
# carrying this response's nonce, so an injected <script>, on*= handler or style= does not run.
# Images may be data: URLs because Bootstrap draws its icons (the menu button, the select's
# arrow, the check mark) as inline SVG in its CSS.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}


def _csp_hashes(*snippets: str) -> list[str]:
    return [f"'sha256-{b64encode(sha256(s.encode()).digest()).decode()}'" for s in snippets]


# The admin's pages (coexist.middleware.AdminContentSecurityPolicyMiddleware) also allow,
# by hash and nothing else, the few inline snippets its add-ons ship: django-import-export's
# export page has a "Select all" onchange handler and two style attributes, and
# django-simple-history's history list one style attribute. script-src and style-src stay
# as strict as everywhere else; tests/browser/test_csp.py fails if a new snippet appears.
SECURE_CSP_ADMIN = {
    **SECURE_CSP,
    "script-src-attr": [CSP.UNSAFE_HASHES, *_csp_hashes("onSelectToggleChange(event)")],
    "style-src-attr": [
        CSP.UNSAFE_HASHES,
        *_csp_hashes("padding: 0;", "font-weight: bold;", "border-top: 0"),
    ],
}
# Powerful browser features nobody uses in Coexist, denied to every page and any frame in it.
PERMISSIONS_POLICY_DENIED = (
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
)

# --- Login throttling (django-axes) and the client's address ----------------------------
# The client's address is REMOTE_ADDR, or with TRUSTED_PROXIES = N > 0 the Nth entry from the
# right of X-Forwarded-For (coexist/clients.py); the join-code throttle uses it too.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0, minimum=0)
# An account is locked after LOGIN_FAILURE_LIMIT wrong passwords from one address (each within
# LOGIN_LOCKOUT_MINUTES of the one before) and stays locked LOGIN_LOCKOUT_MINUTES after the
# last. The lock is on the username *and* the address together, never on a whole address, so
# one pupil behind a school's NAT cannot lock out the class. A correct login clears the count;
# a teacher unlocks a student from the class page; an administrator in the admin's "Access
# attempts" or with `manage.py axes_reset_username`.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account before any password is checked. It needs the request,
    # which Django's login views pass; in tests use force_login, or login(request=HttpRequest()).
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in user by a prepared query.
    "coexist.sessions.ModelBackend",
]
# Last: turns a lockout into the lockout page (coexist/lockout.py), status 429.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 5, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Tries while locked are refused unchecked and do not extend the lock, so "wait N minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "coexist.clients.client_address"
AXES_LOCKOUT_CALLABLE = "coexist.lockout.lockout_response"
# Every failed login is kept (username, address, browser, time; never the password) in
# "Access failure logs"; successful logins are not kept: less personal data to hold and erase.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True
# Masked in the POST data Axes keeps with an attempt (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]

# Uploads larger than this are refused before Django reads them into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SITE_NAME = env_str("SITE_NAME", "Coexist")

# Which edition of the Chicago Manual of Style every citation follows (sources.citations):
# the 18th (2024) unless a school's department still asks for the 17th. Nothing stores a
# citation, so changing it changes every page, bibliography and export at the next start.
CITATION_STYLE = env_choice("CITATION_STYLE", "chicago-18", ("chicago-18", "chicago-17"))

# Everything Django logs, errors with their tracebacks included, goes to stderr. The access
# log is gunicorn's (gunicorn.conf.py, to stdout): its loggers do not propagate here and are
# left as they are, so each request is one line, written once.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {  # as gunicorn's own lines
            "format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes says "BEGIN" on every start and INFO on each failed login (kept in the
        # database already); lockouts are WARNING and still logged.
        "axes": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "coexist.views.csrf_failure"
