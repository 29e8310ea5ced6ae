"""The Content-Security-Policy header: production sends it, enforced; Stripe's hosts follow the
settings; our inline scripts carry the request's nonce; the Wagtail admin gets its own script and
style sources. (tests/browser/test_content_security_policy.py checks that nothing breaks it.)"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import make_credential

ROOT = Path(__file__).resolve().parents[2]
STRIPE = {
    "script-src": "'self' https://js.stripe.com https://*.js.stripe.com",
    "connect-src": "'self' https://api.stripe.com",
    "frame-src": "'self' https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com",
}
PRODUCTION_POLICY = {
    "default-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    **STRIPE,
}


def directives(header):
    """{directive: sources} of a policy (django-csp writes the directives in no fixed order)."""
    return dict((part.split(" ", 1) + [""])[:2] for part in header.split("; "))


def test_production_settings_send_the_policy_enforced():
    # A request through the production settings' whole middleware stack, in a process of its own
    # (as tests/test_settings.py runs `check --deploy`). /my-learning/ answers anonymous visitors
    # with a redirect to the login page, without touching the database.
    code = (
        "import django; django.setup(); from django.test import Client;"
        "response = Client().get('/my-learning/', secure=True, HTTP_HOST='credentials.example.edu');"
        "print(response.status_code); print(response.headers.get('Content-Security-Policy'));"
        "print(response.headers.get('Content-Security-Policy-Report-Only'))"
    )
    leaks = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "STRIPE_JS_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in leaks}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-production-secret-key-that-is-long-enough-0123456789abcdef",
        ALLOWED_HOSTS="credentials.example.edu",
        STRIPE_API_BASE="",
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    status, policy, report_only = result.stdout.splitlines()
    assert status == "302", result.stderr
    assert directives(policy) == PRODUCTION_POLICY
    assert report_only == "None"


@pytest.mark.django_db
def test_the_policy_names_stripes_hosts_from_the_settings(client, settings, site_tree):
    settings.STRIPE_API_BASE = ""
    settings.STRIPE_JS_URL = ""
    policy = directives(client.get("/")["Content-Security-Policy"])
    assert {name: policy[name] for name in STRIPE} == STRIPE

    # localstripe, as in development and the tests: its port, for Stripe.js and the API alike.
    settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    policy = directives(client.get("/")["Content-Security-Policy"])
    assert policy["script-src"] == policy["frame-src"] == "'self' http://127.0.0.1:8420"
    assert policy["connect-src"] == "'self' http://127.0.0.1:8420"

    # Stripe.js from a host of one's own (STRIPE_JS_URL), with Stripe's API.
    settings.STRIPE_API_BASE = ""
    settings.STRIPE_JS_URL = "https://static.example.edu/stripe/v3/"
    policy = directives(client.get("/")["Content-Security-Policy"])
    assert policy["script-src"] == "'self' https://static.example.edu"
    assert policy["connect-src"] == "'self' https://api.stripe.com"


@pytest.mark.django_db
def test_an_inline_script_carries_the_nonce_the_header_names(client, partner, framework):
    credential = make_credential(partner, framework[1][:1])
    first, second = client.get(credential.url), client.get(credential.url)
    nonces = []
    for response in (first, second):
        nonce = re.search(r"'nonce-([^']+)'", directives(response["Content-Security-Policy"])["script-src"])[
            1
        ]
        assert f'<script type="application/ld+json" nonce="{nonce}">' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]  # a new nonce for every response


@pytest.mark.django_db
def test_only_the_wagtail_admin_allows_inline_scripts_and_styles(client, site_tree, django_user_model):
    public = directives(client.get("/")["Content-Security-Policy"])
    assert "'unsafe-inline'" not in public["script-src"] and "'unsafe-inline'" not in public["style-src"]
    client.force_login(django_user_model.objects.create_superuser(email="editor@example.edu", password="x"))
    admin = directives(client.get("/admin/")["Content-Security-Policy"])
    assert admin["script-src"].startswith("'self' 'unsafe-inline'")
    assert admin["style-src"] == "'self' 'unsafe-inline'"
    assert admin["object-src"] == "'none'"
