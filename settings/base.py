"""Settings shared by every environment. dev.py, test.py and prod.py import from here.

Every setting that an operator may change is read from the environment; see README "Settings".
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # OpClass in index expressions (the trigram indexes) needs the app's ready(); harmless on
    # SQLite.
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "import_export",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by whitenoise (no CDN)
    # django-axes, named in Swedish in the admin
    "core.login_throttling.LoginThrottlingConfig",
    # Plumbing every app uses (registries, pagination, history source); imports no domain app.
    "core",
    "customers",
    "projects",
    "activities",
    # Commands that write every app (seed_demo, seed_scale, bench_import).
    "ops",
    "search",
    "api",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # NUL and other control characters never reach a view, form or query (input_safety.py).
    "customers.input_safety.ControlCharacterMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.history.ChangeSourceMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "settings.urls"
WSGI_APPLICATION = "settings.wsgi.application"

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
                "core.navigation.navigation",
            ],
        },
    },
    # Jinja2 (templates in each app's ``jinja2/`` folder) for markup drawn many times a page,
    # where Django's engine costs some 10 µs a loop turn: a select's options
    # (core.widgets.InlineSelect) and rows drawn through the {% jinja %} tag (kk_core).
    # Django's engine, first, keeps every page and every other template.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": True},
    },
]

# SQLite is the zero-set-up default; DATABASE_URL (postgres://...) switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Transactions take the write lock when they begin: a deferred one that reads and then
    # writes fails at once with "database is locked" when another request is writing, instead
    # of waiting for it (two clicks on Save at the same moment).
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytical queries; on a page's short queries it costs
    # 100-300 ms whenever a cost estimate crosses jit_above_cost (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # QuerySet.iterator() (form choice fields use it) would DECLARE a WITH HOLD cursor: three
    # round trips per lookup list. Client-side fetching is faster here and pgbouncer-safe.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# Background jobs write their progress through a second connection, so a job's progress and
# heartbeat are seen while its own transaction (an import's confirm) is still open. SQLite allows
# one writer at a time: there the progress of a confirm shows when it commits.
JOBS_PROGRESS_OWN_CONNECTION = env_bool(
    "KUNDKORT_JOBS_PROGRESS_OWN_CONNECTION",
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
)
if JOBS_PROGRESS_OWN_CONNECTION:
    DATABASES["jobs"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that loads the permissions with the user: one query instead of three.
    "core.auth_backends.UserWithPermissionsBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "customers:customer_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times in ISO form (2026-12-01 07:22) in both languages (settings/formats/).
FORMAT_MODULE_PATH = ["settings.formats"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Widgets without maxlength: the server says a value is too long instead of the browser
# cutting it silently (customers/forms/renderer.py).
FORM_RENDERER = "customers.forms.renderer.FormRenderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

COUNTRIES_FIRST = ["SE", "FI", "NO", "DK", "IS"]
COUNTRIES_FIRST_REPEAT = True

# Uploads: the importer streams files to disk above this size; requests above the cap are refused.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Kundkort's own settings (README "Settings").
KUNDKORT_CUSTOMER_NUMBER_START = int(os.environ.get("KUNDKORT_CUSTOMER_NUMBER_START", "1001"))
KUNDKORT_PROJECT_NUMBER_START = int(os.environ.get("KUNDKORT_PROJECT_NUMBER_START", "1"))
KUNDKORT_IMPORT_MAX_FILE_SIZE = int(
    os.environ.get("KUNDKORT_IMPORT_MAX_FILE_SIZE", 50 * 1024 * 1024)
)
KUNDKORT_IMPORT_MAX_ROWS = int(os.environ.get("KUNDKORT_IMPORT_MAX_ROWS", "200000"))
# An XLSX is a zip: its XML may unpack to far more than the file's size (a "zip bomb").
KUNDKORT_IMPORT_MAX_UNPACKED_SIZE = int(
    os.environ.get("KUNDKORT_IMPORT_MAX_UNPACKED_SIZE", 400 * 1024 * 1024)
)
# Excel's own limit for the characters of one cell.
KUNDKORT_IMPORT_MAX_CELL_LENGTH = int(os.environ.get("KUNDKORT_IMPORT_MAX_CELL_LENGTH", "32767"))
KUNDKORT_PAGE_SIZE = int(os.environ.get("KUNDKORT_PAGE_SIZE", "25"))

IMPORT_EXPORT_SKIP_ADMIN_LOG = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Import needs customers.import_customer, export customers.export_customer (and staff status).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "core.login_throttling.throttled_username"

# Content Security Policy: pages use no inline script or style attribute.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Background jobs (Django's task API, django-tasks): imports, undo, large bulk changes and
# exports. The default queue lives in the database (django-tasks-db; ``manage.py db_worker``
# runs the jobs, ``make run`` starts one). KUNDKORT_TASKS_BACKEND=rq puts them on RQ over Redis
# (django-tasks-rq; ``manage.py rqworker default``). docs/deploy.md says how many to run.
KUNDKORT_TASKS_BACKEND = os.environ.get("KUNDKORT_TASKS_BACKEND", "database").strip().lower()
if KUNDKORT_TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            # An import of 200,000 rows may run for minutes; RQ's default is 180 s.
            "DEFAULT_TIMEOUT": int(os.environ.get("KUNDKORT_JOB_TIMEOUT", "3600")),
        }
    }
elif KUNDKORT_TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ValueError("KUNDKORT_TASKS_BACKEND must be 'database' or 'rq'")
# A running job whose worker has not written a heartbeat for this long (and whose process is
# not alive when it ran on this machine) is marked failed; the user may retry it.
KUNDKORT_JOB_STALE_SECONDS = int(os.environ.get("KUNDKORT_JOB_STALE_SECONDS", "120"))
KUNDKORT_JOB_HEARTBEAT_SECONDS = float(os.environ.get("KUNDKORT_JOB_HEARTBEAT_SECONDS", "5"))
# A running job writes its progress at most this often (seconds; and at each change of phase).
KUNDKORT_JOB_PROGRESS_SECONDS = float(os.environ.get("KUNDKORT_JOB_PROGRESS_SECONDS", "0.5"))
# Uploaded import files stay downloadable this many days, then purge_import_files deletes them.
KUNDKORT_IMPORT_KEEP_DAYS = int(os.environ.get("KUNDKORT_IMPORT_KEEP_DAYS", "30"))
# Retention of personal data (docs/privacy.md), in days; 0 keeps for ever. The retention job
# (manage.py retention --apply, or the Personal data page) anonymises or deletes what is older:
# inactive contacts unchanged that long, finished activities' notes, import and export files.
KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS = int(
    os.environ.get("KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS", "1095")
)
KUNDKORT_RETENTION_ACTIVITY_TEXT_DAYS = int(
    os.environ.get("KUNDKORT_RETENTION_ACTIVITY_TEXT_DAYS", "1095")
)
KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS = int(
    os.environ.get("KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS", "30")
)
# Above these sizes the report's bulk grouping changes and exports run as jobs.
KUNDKORT_BULK_JOB_CUSTOMERS = int(os.environ.get("KUNDKORT_BULK_JOB_CUSTOMERS", "1000"))
KUNDKORT_EXPORT_JOB_ROWS = int(os.environ.get("KUNDKORT_EXPORT_JOB_ROWS", "10000"))
# REST API (README "API", docs/api.md). Throttle rates are "number/period" (second, minute,
# hour, day) per token and per user (all of a user's tokens and the browser together);
# counters live in the "throttle" cache.
KUNDKORT_API_PAGE_SIZE = int(os.environ.get("KUNDKORT_API_PAGE_SIZE", "50"))
KUNDKORT_API_MAX_PAGE_SIZE = int(os.environ.get("KUNDKORT_API_MAX_PAGE_SIZE", "200"))
KUNDKORT_API_THROTTLE_RATES = {
    "token": os.environ.get("KUNDKORT_API_THROTTLE_TOKEN", "3600/hour"),
    "user": os.environ.get("KUNDKORT_API_THROTTLE_USER", "7200/hour"),
}
KUNDKORT_API_THROTTLE_CACHE = "throttle"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.APITokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttles.TokenRateThrottle",
        "api.throttles.UserRateThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.APICursorPagination",
    # OPTIONS answers 405: the schema describes the API (DRF's metadata would read objects).
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_SCHEMA_CLASS": "api.schema.KundkortAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kundkort API",
    "DESCRIPTION": (
        "The customer register's REST API. Authenticate with a personal token "
        "(Authorization: Bearer kk_...). Changes of existing objects need If-Match: the "
        "object's ETag (its version)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Without deep links: Swagger UI then draws each operation's path as text, not as a link
    # inside the operation's button (a control inside a control, which screen readers skip).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema lists a filter per grouping category, read from the database, which
    # "check --deploy" may run without; tests/api/test_schemathesis.py generates it instead.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "ENUM_NAME_OVERRIDES": {},
}


def throttle_cache(environ):
    """The "throttle" cache of the API's request counters, from the environment.

    Every gunicorn worker and every machine must count a token's requests together, or each
    grants the full rate and the real limit is the rate times the number of processes: the
    counters live in Redis at ``KUNDKORT_API_THROTTLE_CACHE_URL``, else at ``REDIS_URL`` (the
    jobs' Redis) when that is set. ``local`` keeps them in each process's memory (one process,
    development, tests); with neither set the default is ``local`` too, which production
    refuses (settings/prod.py). Returns (cache settings, whether it is shared).
    """
    url = (environ.get("KUNDKORT_API_THROTTLE_CACHE_URL") or "").strip()
    if not url:
        url = (environ.get("REDIS_URL") or "").strip() or "local"
    if url == "local":
        local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
        return local, False
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "KUNDKORT_API_THROTTLE_CACHE_URL must be a redis://, rediss:// or unix:// URL, or local"
        )
    # Its own key prefix: the jobs' queues may share the Redis database.
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "kundkort-throttle",
    }
    return redis, True


_THROTTLE_CACHE, KUNDKORT_API_THROTTLE_CACHE_SHARED = throttle_cache(os.environ)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": _THROTTLE_CACHE,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
