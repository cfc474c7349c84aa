"""Settings for the reading-group site, read from the environment.

Defaults are for a developer's machine: a SQLite file in the project folder and
no debug unless DJANGO_DEBUG asks for it. A server sets DATABASE_URL,
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (see README.md).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key():
    """Return DJANGO_SECRET_KEY, or a key generated once and kept in var/."""
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        # Written whole under another name, then linked into place: of processes starting
        # together (gunicorn's workers, the two test runs) the first keeps its key, and
        # none reads a half-written file or a key another then overwrites.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        draft = VAR_DIR / f"secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core.apps.SiteAdminConfig",  # django.contrib.admin with the site's AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "core.apps.TopicsConfig",  # django-taggit, its admin section named "Topics"
    "core.apps.LoginLockoutConfig",  # django-axes, its admin section named "Login lockout"
    "csp",
    "simple_history",
    "core",
    "papers",
    "notes",
    "reading",
    "search",
    "ninja",
    "api",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.RequestMemoMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Times in the member's own time zone, when they chose one.
    "notes.auth.OwnTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.reading",
                # csrf_token, one masked token per request, in place of Django's own (whose
                # processor always runs first, before these).
                "core.csrf.csrf",
            ],
        },
    },
]

DATABASES = {
    # An empty DATABASE_URL means the default, as an unset one does.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    # JIT compilation adds 50–80 ms to a large search plan and saves nothing on a page's
    # short queries: off for the site's connections.
    _server_options = ["-c jit=off"]
    # A search term no index answers (one Chinese character) is found by reading the
    # kind's documents in table order up to the cap (search.query.CAP). PostgreSQL starts
    # a scan of a large table where another scan has got to ("synchronized" scans), so the
    # same search showed other matches from one view to the next: off, each scan starts at
    # the table's start.
    _server_options.append("-c synchronize_seqscans=off")
    # A web request's statement that runs longer than this (seconds; 0 = no limit) is
    # cancelled and the member gets the 503 page, instead of a worker held by a lock or a
    # runaway query. Keep it well below gunicorn's --timeout. Only the site's requests
    # (config/wsgi.py sets DJANGO_SERVING): migrate, backup and other commands may run longer.
    STATEMENT_TIMEOUT = float(os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT", "20"))
    if env_bool("DJANGO_SERVING") and STATEMENT_TIMEOUT > 0:
        _server_options.append(f"-c statement_timeout={int(STATEMENT_TIMEOUT * 1000)}")
    _options["options"] = " ".join(_server_options)
    # Give up on a database host that does not answer (seconds): a 503, not a hung worker.
    _options["connect_timeout"] = int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5"))
    # Prepared statements: parameters bound by the server (psycopg's server-side binding)
    # and a query prepared the fifth time a connection runs it, so that PostgreSQL plans
    # it once per connection, not on every request. A page's queries spent more time
    # being planned than run (the paper page 2.1 ms of 2.7): 20–50 % more cold pages a
    # second (docs/benchmarks.md). Django turns them off by default for poolers that do
    # not keep them: set DJANGO_DB_PREPARED_STATEMENTS=0 behind PgBouncer in transaction
    # mode before 1.21 (or without max_prepared_statements).
    if env_bool("DJANGO_DB_PREPARED_STATEMENTS", True):
        _options["server_side_binding"] = True
        _options["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses logins while an account is locked out after repeated failures (django-axes).
    "core.auth.LockoutBackend",
    # Django's ModelBackend, reading each request's member with their settings (their
    # time zone) in one query.
    "notes.auth.MemberBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reading:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "core.staticfiles.StaticStorage"
            if not DEBUG and env_bool("DJANGO_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Rendered pages and the content generation (core/pagecache.py). Every worker must see
# the same cache: the file cache works for the workers of one machine; on several
# machines use a shared one: REDIS_URL=redis://cache-host:6379/1 selects Django's Redis
# backend (DJANGO_CACHE_BACKEND / DJANGO_CACHE_LOCATION name any other backend).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but Redis going away means a slower site, not errors.
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "rg"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": os.environ.get(
                "DJANGO_CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"
            ),
            "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", str(VAR_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_CACHE_MAX_ENTRIES", "20000"))},
        }
    }

# DJANGO_PAGECACHE=0 turns the page cache off: every page is rendered afresh, as on the
# first visit after a change. The benchmark uses it to measure pages cold.
PAGECACHE_ENABLED = env_bool("DJANGO_PAGECACHE", True)
# DJANGO_SESSION_PAGES=0 keeps the fragments every member shares (core/fragments.py) but
# not each session's whole pages: the benchmark's "many members" mode, where every view
# is a member's first view of a page others have seen.
PAGECACHE_SESSION_PAGES = env_bool("DJANGO_SESSION_PAGES", True)
# Whole reading pages kept once for everyone who reads alike (core/audiencepage.py):
# what names a member's audience and roles, and who makes each of their own parts.
PAGECACHE_AUDIENCE_PAGES = env_bool("DJANGO_AUDIENCE_PAGES", True)
PAGECACHE_READER = "notes.audience.page_reader"
PAGECACHE_MEMBER_PARTS = {
    "name": "core.audiencepage.member_name",
    "status": "notes.templatetags.reading_status.own_controls",
    "my-status": "notes.templatetags.reading_status.own_status_line",
    "readers": "notes.templatetags.reading_status.paper_readers",
    "meeting-plan": "notes.views.meeting_plan_part",
    "meeting-edit": "notes.views.meeting_edit_part",
}

# Sessions are read from the cache and written through to the database: the database
# holds every session, so a cache that is lost or emptied logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

TAGGIT_CASE_INSENSITIVE = True
# Topics typed with Chinese commas (，、) are several, as with ASCII ones; a topic typed by
# its Chinese name is that topic (papers.topics).
TAGGIT_TAGS_FROM_STRING = "papers.topics.topic_names"
# and written back for editing with such a name quoted, not split at its next save.
TAGGIT_STRING_FROM_TAGS = "core.topics.topics_text"

# --- E-mail: SMTP from the environment, the console in development ----------------------
# EMAIL_URL=submission://user:password@smtp.example.org:587 (STARTTLS; smtps:// for SSL,
# smtp:// plain; see dj-email-url), or Django's usual EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL.
if os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    _email = dj_email_url.parse(os.environ["EMAIL_URL"])
    EMAIL_HOST, EMAIL_PORT = _email["EMAIL_HOST"], _email["EMAIL_PORT"]
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_USER"], _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS, EMAIL_USE_SSL = _email["EMAIL_USE_TLS"], _email["EMAIL_USE_SSL"]
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "reading-group@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The address the links in e-mails point to (e-mails are sent outside any request).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://localhost:8000").rstrip("/")

# --- Outside services: base URLs from the environment, so that staging or a test can
# point them at a recorded server. arXiv asks for one request every 3 s per site.
ARXIV_API_URL = os.environ.get("ARXIV_API_URL", "https://export.arxiv.org/api/query")
ARXIV_OAI_URL = os.environ.get("ARXIV_OAI_URL", "https://oaipmh.arxiv.org/oai")
DOI_RESOLVER_URL = os.environ.get("DOI_RESOLVER_URL", "https://doi.org/")
ARXIV_MIN_INTERVAL = float(os.environ.get("ARXIV_MIN_INTERVAL", "3"))
OUTSIDE_TIMEOUT = float(os.environ.get("OUTSIDE_TIMEOUT", "15"))
# --- The JSON API (api/): requests per token (or member) and window, counted in the
# shared cache; the largest request body it reads.
API_RATE_LIMIT = os.environ.get("DJANGO_API_RATE_LIMIT", "600/min")
API_MAX_BODY_BYTES = int(os.environ.get("DJANGO_API_MAX_BODY_BYTES", 2_621_440))
# Addresses that programs call (the API, config/urls.py; not /api/tokens/, a member's
# page of their tokens): a request the site refuses before the API's own code runs, or
# fails, is answered there in JSON, not with a page (core.middleware.for_programs).
JSON_ERROR_PATHS = ["/api/v1/"]
# --- Figures members upload (notes/figures.py): the largest file, and the most pixels an
# image may have (a small file can declare a huge image that takes gigabytes to open).
FIGURE_MAX_BYTES = int(os.environ.get("DJANGO_FIGURE_MAX_BYTES", 5 * 1024 * 1024))
FIGURE_MAX_PIXELS = 40_000_000
# --- Uploads (core/uploads.py): a file past FILE_UPLOAD_MAX_BYTES is counted, not kept,
# and its form refuses it by its size; at least the largest file any form takes (a
# figure's FIGURE_MAX_BYTES, a .bib file's 2 MB: papers.forms.MAX_BIB_BYTES).
FILE_UPLOAD_MAX_BYTES = max(FIGURE_MAX_BYTES, 2 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# What Markdown's ![[name.png]] embeds are looked up with (core.wikilinks.Index): the
# figures of those names, {name: (address, width, height)}.
MARKDOWN_FIGURES = "notes.figures.figures_named"
# What a wiki link's target is also stored as (core.wikilinks.stored_forms).
MARKDOWN_STORED_FORMS = "papers.identifiers.stored_forms"

# The built-in formats, able to dump history rows that point at deleted records.
SERIALIZATION_MODULES = {
    "json": "core.serializers.json",
    "jsonl": "core.serializers.jsonl",
    "python": "core.serializers.python",
    "yaml": "core.serializers.yaml",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Security: login lockout, HTTPS, cookies, Content Security Policy -------------------
# DJANGO_HTTPS=1 on a server reached over HTTPS (see "Deploying" in README.md).
HTTPS = env_bool("DJANGO_HTTPS")
if env_bool("DJANGO_BEHIND_PROXY"):
    # The HTTPS proxy in front sets X-Forwarded-Proto and X-Forwarded-For; trust only it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies stand in front (0: none), for the client address that the login lockout
# and the password-reset limits count (core.auth.client_address).
PROXY_COUNT = (
    int(os.environ.get("DJANGO_PROXY_COUNT", "1")) if env_bool("DJANGO_BEHIND_PROXY") else 0
)
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", 14 * 24 * 3600))
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
# Lock out a username from one address: a stranger elsewhere cannot lock a member out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.auth.client_address"
# "Forgot your password?" (core/passwordreset.py): in each window of
# DJANGO_PASSWORD_RESET_WINDOW seconds, at most so many links asked for one e-mail
# address, counted as typed whether an account has it or not, and so many requests
# from one client address (the one the login lockout counts); counted in the cache.
PASSWORD_RESET_PER_ADDRESS = int(os.environ.get("DJANGO_PASSWORD_RESET_PER_ADDRESS", "3"))
PASSWORD_RESET_PER_IP = int(os.environ.get("DJANGO_PASSWORD_RESET_PER_IP", "10"))
PASSWORD_RESET_WINDOW = int(os.environ.get("DJANGO_PASSWORD_RESET_WINDOW", "3600"))

# No inline script or style anywhere; KaTeX styles its output through the CSSOM,
# which style-src does not govern. Images in notes: this site and data: URIs, plus
# any origins listed in DJANGO_CSP_IMG_SRC.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *env_list("DJANGO_CSP_IMG_SRC")],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
