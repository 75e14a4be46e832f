"""Django settings for jifu, read from the environment.

Embedded mode (no variables set) runs on SQLite under ``var/`` with a fixed
development key; production sets ``DEBUG=0``, ``SECRET_KEY``, ``JIFU_DATA_KEY``,
``DATABASE_URL=postgres://…`` and ``ALLOWED_HOSTS``.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# var/ holds the embedded database, uploads and caches; it is never committed.
VAR_DIR = Path(os.environ.get("JIFU_VAR_DIR") or Path.cwd() / "var").resolve()

# JIFU_MODE=production turns on the hardening below and refuses to start
# without real keys; the default "embedded" mode is the demo / single-PC setup.
PRODUCTION = os.environ.get("JIFU_MODE", "embedded").strip().lower() == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

DEV_SECRET_KEY = "jifu-embedded-development-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or ("" if PRODUCTION else DEV_SECRET_KEY)
if PRODUCTION and not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("JIFU_MODE=production 需要设置 SECRET_KEY / SECRET_KEY must be set")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "jifu.core",
    "jifu.audit",
    "jifu.regions",
    "jifu.accounts",
    "jifu.registry",
    "jifu.training",
    "jifu.employment",
    "jifu.subsidies",
    "jifu.integrity",
    "jifu.planning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jifu.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jifu.audit.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "jifu.urls"
WSGI_APPLICATION = "jifu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jifu.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'jifu.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the task worker and the web server share the file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["jifu.accounts.backends.RoleBackend"]

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
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English is the second language offered by the switch.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries are copied from node_modules by `make assets`; never committed.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call answers 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["jifu.core.drf.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "jifu.core.drf.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "jifu 技扶 API",
    "DESCRIPTION": "技能扶贫行动管理信息系统 — skills-based poverty-alleviation MIS",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "SkillLevelEnum": "jifu.training.choices.SkillLevel",
        # One place-of-work dictionary for persons, placements and job posts.
        "EmploymentPlaceEnum": "jifu.registry.choices.EmploymentPlace",
    },
    # Swagger UI is served from the package, not a CDN: government networks are closed.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# Dictionary dropdowns in search forms start with 全部 (all), not dashes.
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("全部")
FILTERS_NULL_CHOICE_LABEL = gettext_lazy("空")

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Rate limits (logins, public applications, certificate look-ups) count in the cache:
# it must be shared by every process, so the default is a file cache under var/.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("JIFU_CACHE_DIR") or str(VAR_DIR / "cache"),
    }
}

# Field encryption (registry issue): key material comes from the environment only.
JIFU_DATA_KEY = os.environ.get("JIFU_DATA_KEY", "")
# Share of sessions a trainee must attend to sit the completion assessment.
JIFU_MIN_ATTENDANCE = float(os.environ.get("JIFU_MIN_ATTENDANCE", "0.7"))
# Employment: a monthly follow-up is overdue this many days after its due date;
# a placement counts as an outcome of training when it starts within this many
# days of the class's end (183: six months); a start-up employing this many poor labourers makes
# its founder an entrepreneurship leader (创业带头人).
JIFU_FOLLOWUP_GRACE_DAYS = env_int("JIFU_FOLLOWUP_GRACE_DAYS", 10)
JIFU_OUTCOME_DAYS = env_int("JIFU_OUTCOME_DAYS", 183)
JIFU_LEADER_MIN_POOR_JOBS = env_int("JIFU_LEADER_MIN_POOR_JOBS", 3)
# Subsidies: days a claim's recipients are publicised (公示) before the county
# finance bureau may verify it.
JIFU_PUBLICITY_DAYS = env_int("JIFU_PUBLICITY_DAYS", 7)
# Integrity rules: thresholds of the weaker signals.
# Planning: a region is slow (慢进度) below this share of what the phases expect by now.
JIFU_SLOW_SHARE = float(os.environ.get("JIFU_SLOW_SHARE", "0.9"))
# The day dashboards show by default (YYYY-MM-DD, e.g. 2019-12-31 for a look back);
# empty: today.
JIFU_AS_OF = os.environ.get("JIFU_AS_OF", "")
JIFU_INTEGRITY_SHARED_MIN_HOUSEHOLDS = env_int("JIFU_INTEGRITY_SHARED_MIN_HOUSEHOLDS", 2)
JIFU_INTEGRITY_PERFECT_MIN_DAYS = env_int("JIFU_INTEGRITY_PERFECT_MIN_DAYS", 20)
JIFU_INTEGRITY_PERFECT_MIN_TRAINEES = env_int("JIFU_INTEGRITY_PERFECT_MIN_TRAINEES", 5)
JIFU_INTEGRITY_OUT_OF_AREA_SHARE = float(os.environ.get("JIFU_INTEGRITY_OUT_OF_AREA_SHARE", "0.5"))
JIFU_INTEGRITY_OUT_OF_AREA_MIN_TRAINEES = env_int("JIFU_INTEGRITY_OUT_OF_AREA_MIN_TRAINEES", 10)
JIFU_CIPHER = os.environ.get("JIFU_CIPHER", "sm4")  # "sm4" (国密, what 密评 expects) or "aes"
# Blind indexes use this key version for good; pinned so that removing an old key fails loudly.
JIFU_INDEX_KEY_VERSION = env_int("JIFU_INDEX_KEY_VERSION", 1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
