"""Django settings for Candour.

Everything comes from the environment. With nothing set, Candour runs in embedded (development)
mode on a SQLite file under the data directory. ``CANDOUR_MODE=production`` turns on every
deployment safeguard and refuses to start without a secret key and allowed hosts.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
REFERENCE_DIR = BASE_DIR / "reference"  # the reference data CSVs (categories, forces, flags...)


# The environment is read here only, through these helpers, each refusing a bad value with a
# sentence; docs/configuration.md lists every variable (candour/core/tests/test_docs.py checks).


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def envstr(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def envbool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1 or 0), not {value!r}.")


def envint(name: str, default: int, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, not {number}.")
    return number


def envlist(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = envstr(name, default)
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise ImproperlyConfigured(f"{name} must be one of {listed}, not {value!r}.")
    return value


def envpath(name: str, default: Path) -> Path:
    return Path(envstr(name, str(default))).expanduser().resolve()


DUCKDB_MEMORY = r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)"  # how DuckDB writes a memory limit
SPARK_MEMORY = r"\d+[kmgt]"  # how Spark writes a JVM memory size


def envsize(name: str, default: str, pattern: str, example: str) -> str:
    """A memory size in the form the engine it is given to understands (``pattern``)."""
    value = envstr(name, default)
    if not re.fullmatch(pattern, value, flags=re.IGNORECASE):
        raise ImproperlyConfigured(
            f"{name} must be an amount of memory such as {example!r}, not {value!r}."
        )
    return value


MODE = envchoice("CANDOUR_MODE", "development", ("development", "production"))
PRODUCTION = MODE == "production"

DATA_DIR = envpath("CANDOUR_DATA_DIR", PROJECT_DIR / "data")

DEBUG = envbool("CANDOUR_DEBUG", False)


def _secret_key() -> str:
    key = envstr("CANDOUR_SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "CANDOUR_SECRET_KEY must be set in production: use a long random value, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
        )
    # Embedded mode: a random key kept in the data directory, never in the repository.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


AUDIT_KEY_MIN_LENGTH = 32  # characters: 190 bits or more from token_urlsafe


def _audit_keys() -> tuple[list[str], str]:
    """The audit log's HMAC keys, oldest first (the last signs new entries), and where they came
    from. They live outside the database so that whoever can write to it cannot re-sign a
    changed log (docs/security.md)."""
    inline = envstr("CANDOUR_AUDIT_KEY", "")
    key_file = envstr("CANDOUR_AUDIT_KEY_FILE", "")
    if inline and key_file:
        raise ImproperlyConfigured(
            "Set CANDOUR_AUDIT_KEY or CANDOUR_AUDIT_KEY_FILE, not both: the audit keys have one home."
        )
    if key_file:
        path = Path(key_file).expanduser().resolve()
        try:
            text = path.read_text()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"CANDOUR_AUDIT_KEY_FILE names {path}, which cannot be read ({exc.strerror})."
            ) from None
        lines = (line.strip() for line in text.splitlines())
        keys = [line for line in lines if line and not line.startswith("#")]
        name, source = f"CANDOUR_AUDIT_KEY_FILE ({path})", f"file:{path}"
    elif inline:
        keys = [key.strip() for key in inline.split(",") if key.strip()]
        name, source = "CANDOUR_AUDIT_KEY", "environment"
    elif PRODUCTION:
        raise ImproperlyConfigured(
            "CANDOUR_AUDIT_KEY or CANDOUR_AUDIT_KEY_FILE must be set in production, so that the "
            "audit log is signed with a key kept outside the database: use a long random value, "
            "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'."
        )
    else:
        # Embedded mode: a random key kept in the data directory, like the secret key.
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / "audit_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48) + "\n")
            path.chmod(0o600)
        return [path.read_text().strip()], "development"
    if not keys:
        raise ImproperlyConfigured(f"{name} holds no key: give at least one audit key.")
    short = [number for number, key in enumerate(keys, start=1) if len(key) < AUDIT_KEY_MIN_LENGTH]
    if short:
        raise ImproperlyConfigured(
            f"{name}: key {short[0]} is shorter than {AUDIT_KEY_MIN_LENGTH} characters; use a "
            "long random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'."
        )
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"{name} lists the same key twice.")
    return keys, source


AUDIT_KEYS, AUDIT_KEY_SOURCE = _audit_keys()

ALLOWED_HOSTS = envlist(
    "CANDOUR_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("CANDOUR_ALLOWED_HOSTS must list the host names Candour serves.")
CSRF_TRUSTED_ORIGINS = envlist("CANDOUR_CSRF_TRUSTED_ORIGINS", [])

_default_db = f"sqlite:///{DATA_DIR / 'candour.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
EMBEDDED_DATABASE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"

# Two-factor may be skipped only for the demo on the embedded database (a banner says so).
DEMO_SKIP_2FA = envbool("CANDOUR_DEMO_SKIP_2FA", False) and EMBEDDED_DATABASE and not PRODUCTION

INSTALLED_APPS = [
    "candour.core.apps.CandourAdminConfig",  # django.contrib.admin on Candour's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "candour.core",
    "candour.cases",
    "candour.transparency",
    "candour.vetting",
    "candour.streetsafe",
    "candour.integrity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "candour.core.sessions.SessionMiddleware",  # Django's, renewing idle sessions less often
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "candour.core.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "candour.core.middleware.AuditRefusalsMiddleware",
]

ROOT_URLCONF = "candour.urls"
WSGI_APPLICATION = "candour.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "candour.core.context_processors.candour",
            ],
        },
    },
]

AUTH_USER_MODEL = "core.User"
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
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Lock-out after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = envint("CANDOUR_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("CANDOUR_LOGIN_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
# Failures count per account *and* address together: behind one proxy or office address, five
# wrong passwords for one account never lock another account out (docs/security.md).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = envint("CANDOUR_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "candour.core.network.client_address"  # honours the proxy count

# Sessions expire after idle time; a request renews the clock once a thirtieth of it has passed
# since the last renewal, so a session is not written on every request (candour.core.sessions).
SESSION_ENGINE = "candour.core.sessions"
SESSION_COOKIE_AGE = envint("CANDOUR_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("CANDOUR_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("CANDOUR_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it

# The statistics counting store: DuckDB files derived from the case tables (stats/store.py).
# Safe to delete; rebuilt on the next statistics query. Local to each app server.
STATS_STORE_DIR = envpath("CANDOUR_STATS_DIR", DATA_DIR / "stats")
# DuckDB's memory limit while building and querying the store; it spills to disk beyond it.
STATS_STORE_MEMORY = envsize("CANDOUR_STATS_STORE_MEMORY", "2GB", DUCKDB_MEMORY, "2GB")
# Replaced store files are deleted once this old (a process still counting from one keeps it).
STATS_STORE_KEEP_SECONDS = envint("CANDOUR_STATS_STORE_KEEP_SECONDS", 300, minimum=0)
# Off: every figure is counted by the ORM engine straight from the case tables (slow; the oracle).
STATS_FLAT_TABLE = envbool("CANDOUR_STATS_STORE", True)
# Cached public-page answers are recounted at least this often, changed data or not.
STATS_CACHE_SECONDS = envint("CANDOUR_STATS_CACHE_SECONDS", 600, minimum=0)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Statistical disclosure: the force's policy threshold for small cells (FOIA s40).
SUPPRESSION_THRESHOLD = envint("CANDOUR_SUPPRESSION_THRESHOLD", 5, minimum=1)

# Early warning (docs/early-warning.md): the thresholds of the rules in candour/integrity/rules.py,
# all in this one place. Cases are counted, never the allegations of one case.
WARNING_CLUSTER_CASES = envint("CANDOUR_WARNING_CLUSTER_CASES", 3, minimum=2)
WARNING_CLUSTER_MONTHS = envint("CANDOUR_WARNING_CLUSTER_MONTHS", 12, minimum=1)
WARNING_THEME_CASES = envint("CANDOUR_WARNING_THEME_CASES", 2, minimum=2)
WARNING_THEMES = envlist(
    "CANDOUR_WARNING_THEMES", ["sexual", "domestic_abuse", "discrimination", "use_of_force"]
)
WARNING_COMPLAINANTS = envint("CANDOUR_WARNING_COMPLAINANTS", 3, minimum=2)
WARNING_PAIR_CASES = envint("CANDOUR_WARNING_PAIR_CASES", 3, minimum=2)
WARNING_LOOKBACK_YEARS = envint("CANDOUR_WARNING_LOOKBACK_YEARS", 5, minimum=1)
# System-access checks: the days up to the check they read, the look-ups of person records with
# no task that raise access_no_task, and a burst day (at least BURST_MIN look-ups and
# BURST_FACTOR times the person's median day).
WARNING_ACCESS_DAYS = envint("CANDOUR_WARNING_ACCESS_DAYS", 90, minimum=7)
WARNING_ACCESS_NO_TASK = envint("CANDOUR_WARNING_ACCESS_NO_TASK", 10, minimum=1)
WARNING_ACCESS_BURST_MIN = envint("CANDOUR_WARNING_ACCESS_BURST_MIN", 30, minimum=1)
WARNING_ACCESS_BURST_FACTOR = envint("CANDOUR_WARNING_ACCESS_BURST_FACTOR", 5, minimum=2)

# StreetSafe (docs/streetsafe.md): the map's tile server (empty: the map works without tiles),
# the fewest reports an area needs before any page shows it, and the public form's rate limit.
STREETSAFE_TILE_URL = envstr("CANDOUR_STREETSAFE_TILE_URL", "")
STREETSAFE_TILE_ATTRIBUTION = envstr("CANDOUR_STREETSAFE_TILE_ATTRIBUTION", "")
STREETSAFE_MIN_REPORTS = envint("CANDOUR_STREETSAFE_MIN_REPORTS", 10, minimum=10)
STREETSAFE_RATE_LIMIT = envint("CANDOUR_STREETSAFE_RATE_LIMIT", 10, minimum=0)  # 0: no limit
STREETSAFE_RATE_WINDOW_SECONDS = envint("CANDOUR_STREETSAFE_RATE_WINDOW_SECONDS", 600, minimum=1)
REDIS_URL = envstr("CANDOUR_REDIS_URL", "redis://127.0.0.1:6379/0")

LOG_LEVEL = envchoice(
    "CANDOUR_LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 403 or 404 is logged as one line, without the traceback Django attaches to a 403.
    "filters": {"refusals": {"()": "candour.core.middleware.RefusalsWithoutTracebacks"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# `candour serve` (Gunicorn): the defaults of its options, and the proxies trusted to say the
# client's address and scheme (X-Forwarded-*).
SERVE_HOST = envstr("CANDOUR_HOST", "127.0.0.1")
SERVE_PORT = envint("CANDOUR_PORT", 8000, minimum=1)
SERVE_WORKERS = envint("CANDOUR_WORKERS", 2, minimum=1)
SERVE_THREADS = envint("CANDOUR_THREADS", 4, minimum=1)
FORWARDED_ALLOW_IPS = envstr("CANDOUR_FORWARDED_ALLOW_IPS", "127.0.0.1")

# `candour demo`: the password of every demo login.
DEMO_PASSWORD = envstr("CANDOUR_DEMO_PASSWORD", "candour-demo")

# The data wash (docs/datawash.md). Bounded for a 2-core, 24 GB machine: DuckDB spills to disk
# beyond its limit. Spark's settings are read when its session starts, so a test can use
# local[1], one partition and in-memory intermediate tables for tiny files.
DATAWASH_DUCKDB_MEMORY = envsize("CANDOUR_DATAWASH_DUCKDB_MEMORY", "8GB", DUCKDB_MEMORY, "8GB")
DATAWASH_SPARK_MEMORY = envsize("CANDOUR_DATAWASH_SPARK_MEMORY", "6g", SPARK_MEMORY, "6g")
DATAWASH_SPARK_MASTER = envstr("CANDOUR_DATAWASH_SPARK_MASTER", "local[2]")
DATAWASH_SPARK_PARTITIONS = envint("CANDOUR_DATAWASH_SPARK_PARTITIONS", 8, minimum=1)
# How Splink breaks Spark's lineage between steps: "parquet" writes each intermediate table to
# disk (for big extracts); "persist" keeps it in memory, much faster for tiny files.
DATAWASH_SPARK_LINEAGE = envchoice(
    "CANDOUR_DATAWASH_SPARK_LINEAGE", "parquet", ("parquet", "persist")
)
