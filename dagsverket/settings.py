"""Settings for Dagsverket, read from the environment with safe defaults.

Secure by default: DEBUG is off unless the environment turns it on (`make run`, `make bench` and
the tests do: DEBUG=1, or DAGSVERKET_TESTING=1). Development then needs nothing else: SQLite in the
project folder and a development key. Without DEBUG the app refuses to start without SECRET_KEY
and ALLOWED_HOSTS.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = env_bool("DAGSVERKET_TESTING", False)
DEBUG = env_bool("DEBUG", TESTING)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. In production set SECRET_KEY to a long random "
            "value (docs/DEPLOYMENT.md); to develop, set DEBUG=1 (make run does)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "import_export",
    "csp",
    "axes",
    "simple_history",
    "dagsverket",
    "dagsverket.evaluation",
    "jobs",
    "payroll",
    "dagsverket.ips",
    "dagsverket.research",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dagsverket.guards.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dagsverket.middleware.SessionRefreshMiddleware",
    # Norwegian unless the language switcher chose English; the browser's language is not asked.
    "dagsverket.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records the logged-in user on every history row written during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dagsverket.middleware.CurrentSiteMiddleware",
    # After the site and the user are known: a locked tablet session sees only the lock screen.
    "dagsverket.middleware.TabletLockMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that the refusal page has the user, the site and the language.
    "dagsverket.guards.RefuseUnstorableInputMiddleware",
]

ROOT_URLCONF = "dagsverket.urls"

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
                "django.template.context_processors.i18n",
                "dagsverket.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "dagsverket.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        # A kept connection the database has dropped (restart, failover, pg_terminate_backend) is
        # noticed at the start of the next request and replaced, instead of failing that request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0"
):
    # The session query that starts every logged-in request is prepared at its first run, so
    # PostgreSQL plans it once per connection (dagsverket/session_store.py). Django's own cursors
    # bind on the client and never prepare, whatever this says. A pooler in transaction mode older
    # than PgBouncer 1.21 cannot keep prepared statements: set DATABASE_PREPARED_STATEMENTS=0 there.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once when two tablets write at the same moment.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "dagsverket.auth.ThrottledLoginBackend",
    "dagsverket.auth.OneQueryPermissionBackend",
]

# Failed logins (django-axes): after 5 wrong passwords for one username from one address, that pair
# waits 15 minutes; after 20 wrong passwords from one address whatever the usernames (password
# spraying), the whole address waits (dagsverket.auth.AddressLimitedAxesHandler). The 15 minutes run
# from the lock: tries during a lock-out are refused without being counted, so they cannot extend
# it. A successful login resets the username's count, not the address's.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("AXES_FAILURE_LIMIT_PER_ADDRESS", "20"))
AXES_HANDLER = "dagsverket.auth.AddressLimitedAxesHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "dagsverket/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0")) or None
AXES_VERBOSE = False

# Content-Security-Policy: no inline scripts or styles, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Oslo")
USE_I18N = True
USE_TZ = True
# Off: with it on, every {{ id }} in a template renders as "1 234" in Norwegian, which broke
# links and forms for ids of 1000 and more. Money is grouped where it is shown, by one filter
# (payroll_tags.nok) or number_format(force_grouping=True).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic writes; `manage.py load_test` points its server at a directory of its own, so
# that its collectstatic never rewrites the files another process (a test's WhiteNoise) is reading.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Sessions end when the browser closes and after eight idle hours at the latest; the tablet's own
# idle lock (per site) hides personal data much sooner.
SESSION_COOKIE_AGE = 8 * 60 * 60
# Server-side sessions (logging out ends them), read with one written-out query.
SESSION_ENGINE = "dagsverket.session_store"
# Sliding expiry without a database write on every request: SessionRefreshMiddleware saves the
# session (and so moves its expiry) at most once per SESSION_REFRESH_SECONDS.
SESSION_REFRESH_SECONDS = 5 * 60
# How often an open check-in board asks whether anything happened at its site (one query; the
# board is sent again only when something did).
CHECKIN_POLL_SECONDS = int(os.environ.get("CHECKIN_POLL_SECONDS", "15"))
# Wrong PINs on the tablet's lock screen: a staff member's PIN stops working after this many since
# their last unlock, a tablet session's PIN pad after this many in all; the password unlocks.
TABLET_PIN_TRIES_PER_STAFF = 5
TABLET_PIN_TRIES_PER_SESSION = 10
# A tap from the tablet's offline queue may be this far ahead of the server's clock (counted as now);
# further ahead it is refused. People seen at the site in this many days are the offline search's list.
TABLET_CLOCK_SKEW_SECONDS = 120
TABLET_OFFLINE_PEOPLE_DAYS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No page needs a camera, microphone, location, payment or other powerful browser feature.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), serial=(), usb=(), "
    "browsing-topics=()"
)

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Audit trail (django-simple-history): history rows do not copy the tracked tables' triggers or
# constraints; the per-record page is /history/<app>/<model>/<pk>/ (managers only).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Retention (manage.py apply_retention, see docs/SECURITY.md): participants not seen for this many
# days are anonymised; payroll records are kept this many full years after the year they belong to
# (Bookkeeping Act § 13), then removed.
RETENTION_INACTIVE_DAYS = int(os.environ.get("RETENTION_INACTIVE_DAYS", str(3 * 365)))
PAYROLL_RETENTION_YEARS = int(os.environ.get("PAYROLL_RETENTION_YEARS", "5"))
# The activity and access logs are kept this many days, then removed by the same run; entries about
# an anonymised person lose their free text (reasons, notes) at once.
LOG_RETENTION_DAYS = int(os.environ.get("LOG_RETENTION_DAYS", str(5 * 365)))

# Big evaluation exports (this many rows or more) stream in constant memory, but each keeps a core
# busy: at most this many per user and in all at once; a broken-off download frees its slot after
# the time-out. A request past the limit gets 429 with a message.
EVALUATION_BIG_EXPORT_ROWS = int(os.environ.get("EVALUATION_BIG_EXPORT_ROWS", "100000"))
EVALUATION_BIG_EXPORTS_PER_USER = int(os.environ.get("EVALUATION_BIG_EXPORTS_PER_USER", "1"))
EVALUATION_BIG_EXPORTS_AT_ONCE = int(os.environ.get("EVALUATION_BIG_EXPORTS_AT_ONCE", "2"))
EVALUATION_BIG_EXPORT_SLOT_MINUTES = int(os.environ.get("EVALUATION_BIG_EXPORT_SLOT_MINUTES", "15"))

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler", "level": os.environ.get("LOG_LEVEL", "WARNING")}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
