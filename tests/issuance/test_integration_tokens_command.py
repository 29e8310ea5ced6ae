"""`manage.py integration_tokens`: staff make a token for an LMS on the command line, see it once,
list tokens and revoke one."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from issuance.models import IntegrationToken
from tests.builders import make_partner

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("integration_tokens", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_add_prints_a_working_token_once_and_stores_only_its_hash(partner):
    out, err = run("add", "Canvas at ASU", "--partner", partner.slug)
    token = out.splitlines()[-1]
    assert token.startswith("mct_") and len(token) > 40
    assert "cannot be shown again" in err
    row = IntegrationToken.objects.get()
    assert row.name == "Canvas at ASU" and list(row.partners.all()) == [partner]
    assert row.token_hash == IntegrationToken.hash(token) and token not in row.token_hash
    assert row.token_prefix == token[:12]
    # The printed token works against the API.
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(
        "/api/v1/enrolments/", {"credential": "NONE-1"}
    )
    assert response.status_code == 404  # authenticated; there is simply no such credential

    listing, _ = run("list")
    assert "Canvas at ASU" in listing and token[:12] in listing and partner.title in listing
    assert "last used" in listing and token not in listing


def test_several_partners_or_all_partners(catalog):
    first, second = make_partner(catalog, title="First U"), make_partner(catalog, title="Second U")
    run("add", "Both", "--partner", first.slug, "--partner", second.slug)
    out, _ = run("add", "Everyone", "--all-partners")
    assert "(every partner)" in out
    both, everyone = IntegrationToken.objects.order_by("pk")
    assert set(both.partners.all()) == {first, second} and not both.all_partners
    assert everyone.all_partners and not everyone.partners.exists()
    assert "every partner" in run("list")[0]


def test_the_scope_must_be_said_one_way(partner):
    with pytest.raises(CommandError, match="--partner SLUG .*or --all-partners"):
        run("add", "Canvas")
    with pytest.raises(CommandError, match="not both"):
        run("add", "Canvas", "--partner", partner.slug, "--all-partners")
    assert not IntegrationToken.objects.exists()


def test_an_unknown_partner_or_an_empty_name_makes_no_token(partner):
    with pytest.raises(CommandError, match="No partner with the slug 'nope'"):
        run("add", "Canvas", "--partner", "nope")
    with pytest.raises(CommandError, match="name"):
        run("add", "   ", "--all-partners")
    with pytest.raises(CommandError, match="longer than 100"):
        run("add", "x" * 101, "--all-partners")
    assert not IntegrationToken.objects.exists()


def test_revoke_stops_the_token(partner):
    out, _ = run("add", "Moodle", "--all-partners")
    token = out.splitlines()[-1]
    row = IntegrationToken.objects.get()
    assert "Revoked token" in run("revoke", str(row.pk))[0]
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert "already revoked" in run("revoke", str(row.pk))[0]
    assert "revoked" in run("list")[0]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/enrolments/", {"credential": "X"})
    assert response.status_code == 401
    for missing in ("999999", str(2**63)):
        with pytest.raises(CommandError, match="No integration token"):
            run("revoke", missing)


def test_the_migration_keeps_existing_partnerless_tokens_covering_every_partner(partner):
    """Tokens made before `all_partners` existed with no partners covered every partner; the
    migration says so explicitly, and leaves scoped tokens scoped."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("issuance.migrations.0002_token_all_partners")
    old_everyone, _ = IntegrationToken.issue("Registrar")  # as such a token was stored
    scoped, _ = IntegrationToken.issue("Canvas", partners=[partner])
    migration.keep_partnerless_tokens_covering_every_partner(apps, None)
    old_everyone.refresh_from_db()
    scoped.refresh_from_db()
    assert old_everyone.all_partners and not scoped.all_partners
