"""Production settings pass Django's deployment checklist and refuse to run without secrets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


REAL_LOOKING_STRIPE = {
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
    "STRIPE_API_BASE": "",
}


def run_manage(*args, **env):
    # A clean environment: the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak in.
    leaks = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in leaks}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-production-secret-key-that-is-long-enough-0123456789abcdef",
        ALLOWED_HOSTS="credentials.example.edu",
        **REAL_LOOKING_STRIPE,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_localstripe_keys_in_production():
    result = run_manage(
        "check",
        "--deploy",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-production-secret-key-that-is-long-enough-0123456789abcdef",
        ALLOWED_HOSTS="credentials.example.edu",
        STRIPE_API_BASE="http://127.0.0.1:8420",
    )
    assert result.returncode != 0
    for message in (
        "STRIPE_SECRET_KEY is the development default",
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_API_BASE is set",
    ):
        assert message in result.stderr


def test_production_refuses_a_missing_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_database_url_selects_postgresql():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.dev';"
        "from django.conf import settings; database = settings.DATABASES['default'];"
        "print(database['ENGINE'], database['NAME'])"
    )
    environment = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/somedb"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "somedb"], result.stderr


def shared_cache_backend(**env):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.production';"
        "from django.conf import settings; shared = settings.CACHES['shared'];"
        "print(shared['BACKEND'], shared['LOCATION'])"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "CACHE_URL"}}
    environment.update(SECRET_KEY="a-production-secret-key-that-is-long-enough-0123456789abcdef", **env)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    return result.stdout.split() or [result.stderr]


def test_production_shares_throttle_counts_between_workers():
    # The database by default (migrate creates the table), Redis when CACHE_URL or REDIS_URL says so.
    assert shared_cache_backend(REDIS_URL="") == [
        "django.core.cache.backends.db.DatabaseCache",
        "shared_cache",
    ]
    assert shared_cache_backend(CACHE_URL="redis://cache.internal:6379/1") == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.internal:6379/1",
    ]
