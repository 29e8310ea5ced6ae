"""`manage.py issuer_endpoints`: the command-line twin of the endpoints admin."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from issuance.models import IssuerEndpoint

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("issuer_endpoints", *args, stdout=out)
    return out.getvalue()


def test_add_prints_the_secret_once_and_list_never_does(partner):
    out = run("add", "https://issuer.example.org/hooks", "--partner", partner.slug, "--description", "Credly")
    endpoint = IssuerEndpoint.objects.get()
    assert endpoint.secret in out and out.count("whsec_") == 1
    assert list(endpoint.partners.all()) == [partner] and endpoint.description == "Credly"
    listing = run("list")
    assert "https://issuer.example.org/hooks" in listing and "active" in listing and partner.title in listing
    assert "whsec_" not in listing


def test_rotate_pause_and_resume():
    endpoint = IssuerEndpoint.objects.create(url="https://issuer.example.org/hooks")
    old = endpoint.secret
    out = run("rotate", str(endpoint.pk))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in out
    run("pause", str(endpoint.pk))
    endpoint.refresh_from_db()
    assert endpoint.is_paused and "paused" in run("list")
    assert "0 waiting" in run("resume", str(endpoint.pk))
    endpoint.refresh_from_db()
    assert not endpoint.is_paused


@pytest.mark.parametrize(
    "args, message",
    [
        (["add", "ftp://issuer.example.org/"], "not an http(s) URL"),
        (["add", "https://issuer.example.org/", "--partner", "nobody"], "No partner with the slug"),
        (["add", "https://issuer.example.org/", "--credential", "NOPE-1"], "No credential with the code"),
        (["rotate", "999"], "No issuer endpoint 999"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(site_tree, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)
    assert not IssuerEndpoint.objects.exists()
