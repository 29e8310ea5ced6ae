import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine on a laptop; production refuses to start without its own.
SECRET_KEY = SECRET_KEY or "django-insecure-dev-only-key-not-for-production"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS or ["*"]  # noqa: F405
# Emails are kept as files in tmp/mail/ and read at /dev/mailbox/ (devtools/mailbox.py).
EMAIL_BACKEND = "devtools.mailbox.MailboxBackend"
DEV_MAILBOX_DIR = BASE_DIR / "tmp" / "mail"  # noqa: F405
# runserver serves static files itself; whitenoise (production) wants a collected STATIC_ROOT.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "http://127.0.0.1:8420")  # localstripe
