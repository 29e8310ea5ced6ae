import os

from .base import *  # noqa: F403

SECRET_KEY = "django-insecure-test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
# Tests run tasks (search and reference-index updates) inline, so no worker is needed.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "tmp" / "test-media"  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
# Static files come from the finders in tests (the live server serves them); no collectstatic.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "http://127.0.0.1:8420")  # localstripe

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than Django's shared in-memory test database: in live-server tests the server
    # thread and the test thread touch the database at once, and a shared-cache memory database
    # answers "table is locked" at once where a file database in WAL mode waits its turn.
    # pytest-xdist gives each worker its own copy (the name gets a _gwN suffix).
    (BASE_DIR / "tmp").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "tmp" / "test-db.sqlite3")}  # noqa: F405
    # Durability does not matter for a throwaway database; speed does.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"  # noqa: F405
