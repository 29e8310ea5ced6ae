"""Settings shared by every environment.

Everything that differs between a laptop and production is read from the environment
(see docs/OPERATIONS.md for the full list); the defaults here work with nothing installed.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "accounts",
    "home",
    "catalog",
    "partners",
    "search",
    "checkout",
    "issuance",
    "partner_dashboard",
    "spreadsheets",
    # Development-only tooling (the `bench_*` commands); config/settings/production.py leaves it out.
    "devtools",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.reject_nul_characters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partners.middleware.PartnerAdminLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite by default so that a newcomer needs nothing installed; DATABASE_URL switches to
# PostgreSQL (postgres://user@host:5432/name). conn_max_age keeps connections between requests.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Requests, Stripe's webhooks, Wagtail's editor and the task worker write concurrently. SQLite
    # takes one writer at a time; these make the others wait their turn instead of answering
    # "database is locked": WAL (readers never wait for the writer), a busy timeout (how long a
    # writer waits, in seconds), and BEGIN IMMEDIATE for every transaction, which takes the write
    # lock when the transaction starts. With SQLite's default (deferred) a transaction that read
    # first and writes later cannot wait for the lock once another writer committed in between, and
    # fails at once whatever the timeout. Transactions must stay short: none may wait on Stripe.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif not DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point at SQLite or PostgreSQL.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Django's model backend, refusing accounts whose email address is not confirmed yet.
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Wagtail's page editor posts one field per StreamField block and inline row.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Background work (Wagtail 8 enqueues search-index and reference-index updates as tasks).
# The database backend needs `manage.py db_worker` running; `make run` starts one.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Issuance webhooks (issuance/delivery.py; each can be set from the environment, docs/OPERATIONS.md
# "Issuer webhooks"). Seconds before each attempt of a delivery: the Standard Webhooks schedule
# (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h); after the last attempt
# fails the delivery is dead-lettered. Each wait is stretched or shortened at random by up to
# ISSUANCE_RETRY_JITTER (a fraction), so deliveries that failed together do not return together.
ISSUANCE_RETRY_SCHEDULE = [
    float(seconds)
    for seconds in env_list("ISSUANCE_RETRY_SCHEDULE", "0,5,300,1800,7200,18000,36000,50400,72000,86400")
]
ISSUANCE_RETRY_JITTER = float(os.environ.get("ISSUANCE_RETRY_JITTER", "0.1"))
ISSUANCE_DELIVERY_TIMEOUT = float(os.environ.get("ISSUANCE_DELIVERY_TIMEOUT", "10"))  # seconds per attempt
# A worker that claimed a delivery holds it for the timeout plus this margin; after that the
# worker is presumed dead and the delivery may be sent again (under the same webhook-id).
ISSUANCE_LEASE_MARGIN = float(os.environ.get("ISSUANCE_LEASE_MARGIN", "30"))
# The longest Retry-After (429, 503) honoured, in seconds; a receiver asking more waits this long.
ISSUANCE_RETRY_AFTER_MAX = float(os.environ.get("ISSUANCE_RETRY_AFTER_MAX", str(24 * 3600)))
# `manage.py dispatch_deliveries` queues again a delivery that has been due (or whose lease ran
# out) this many seconds with no worker taking it: its task was lost (a killed worker, a lost enqueue).
ISSUANCE_REDISPATCH_AFTER = float(os.environ.get("ISSUANCE_REDISPATCH_AFTER", "60"))
# A worker's task that sends due deliveries (a batch at a time) hands over to a fresh task after
# this many seconds, so that other tasks (search-index updates, emails) get their turn.
ISSUANCE_DRAIN_SECONDS = float(os.environ.get("ISSUANCE_DRAIN_SECONDS", "5"))

WAGTAIL_SITE_NAME = "Microcredential Catalog"
# The site's public address, e.g. https://credentials.example.edu (production sets it). Set, every
# absolute link the site writes (CSV, JSON APIs, JSON-LD: catalog/links.py) uses it; empty, links
# follow the address each request came to, so `make run PORT=8010` links to port 8010.
PUBLIC_URL = os.environ.get("PUBLIC_URL", "").rstrip("/")
# Links written with no request at hand (emails, issuer payloads, admin notifications).
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL") or PUBLIC_URL or "http://127.0.0.1:8000"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# No third-party requests from the admin (the Content-Security-Policy allows none, and a development
# site must work offline; tests/config/test_admin_offline.py checks): no Gravatar avatars (the
# default avatar, or one an editor uploads under Account), no release check against wagtail.org
# (upgrades come through requirements/*.txt), no "What's new in Wagtail" dashboard banner.
# Embeds (wagtail.embeds) reach a provider's oEmbed API only when an editor adds an embed.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# Search: Wagtail's database backend by default (SQLite FTS5 or PostgreSQL full-text);
# Elasticsearch 9 when ELASTICSEARCH_URL is set.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if os.environ.get("ELASTICSEARCH_URL"):
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "wagtail.search.backends.elasticsearch9",
        "URLS": [os.environ["ELASTICSEARCH_URL"]],
        "INDEX": os.environ.get("ELASTICSEARCH_INDEX", "microcredentials"),
        "TIMEOUT": 5,
    }

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Microcredential Catalog <no-reply@example.edu>")

# Learners log in on the site; staff use the Wagtail admin's own login page, throttled alike.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminLoginForm"

# "default" caches what each process may keep to itself (search answers, renditions). "shared"
# holds counts every web process must agree on: login and sign-up throttling
# (accounts/throttling.py). Both are local memory here (one process on a laptop and in tests);
# production.py puts "shared" in the database or Redis.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
}
# How many reverse proxies (load balancer, nginx) stand in front of the site, each appending to
# X-Forwarded-For. 0: the header is ignored and REMOTE_ADDR is the client (accounts/client_ip.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Payments (Stripe). With STRIPE_API_BASE set (development and tests: localstripe on
# 127.0.0.1:8420, started by `make run` and the test suite) the official stripe library talks to
# that server; with it empty and real keys set, the same code talks to Stripe.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "sk_test_localstripe")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "pk_test_localstripe")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_localstripe_development")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
# Where the checkout page loads Stripe.js from. Empty: Stripe's own (https://js.stripe.com/v3/),
# or, when STRIPE_API_BASE points at localstripe, the launcher's patched fake
# (devtools/localstripe_server.py).
STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "")

# Content-Security-Policy, enforced in every environment (the browser tests check that no page
# breaks it). config/csp.py adds Stripe's hosts, derived from the two settings above, and puts
# CONTENT_SECURITY_POLICY_ADMIN's directives in place under the Wagtail admin. How to add a
# host: docs/OPERATIONS.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # Our inline <script> blocks carry nonce="{{ request.csp_nonce }}".
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Partner brand colours are per-element custom properties: style="--accent: …".
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
# Wagtail 8's admin writes inline <script> blocks (InlinePanel, MultipleChooserPanel, date
# pickers) with no nonce, and its rich text editor inserts <style> elements: under /admin/ these
# replace the site's directives.
CONTENT_SECURITY_POLICY_ADMIN = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
}
