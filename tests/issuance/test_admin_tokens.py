"""Staff make an integration token in the admin (shown once), see the list with partners, prefix,
creation, last use and revocation, change a token's partners, and revoke it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from issuance.models import IntegrationToken
from tests.builders import make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, site_tree):
    user = get_user_model().objects.create_superuser(email="it@example.edu", password="pw")
    client.force_login(user)
    client.user = user
    return client


def roster_status(token):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/api/v1/enrolments/", {"credential": "NONE-1"}).status_code


def test_a_new_token_is_shown_once_and_works(staff, partner):
    assert staff.get(reverse("integration_tokens:add")).status_code == 200
    response = staff.post(
        reverse("integration_tokens:add"), {"name": "Canvas at ASU", "partners": [partner.pk]}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    row = IntegrationToken.objects.get()
    token = response.context["token"]
    assert token.startswith("mct_") and token in response.content.decode()
    assert row.token_hash == IntegrationToken.hash(token) and row.created_by == staff.user
    assert list(row.partners.all()) == [partner]
    assert roster_status(token) == 404  # authenticated: only the credential is unknown

    listing = staff.get(reverse("integration_tokens:index")).content.decode()
    assert "Canvas at ASU" in listing and row.token_prefix in listing and partner.title in listing
    assert token not in listing
    assert token not in staff.get(reverse("integration_tokens:edit", args=[row.pk])).content.decode()


def test_the_admin_form_wants_all_partners_or_some_never_both_nor_neither(staff, partner):
    neither = staff.post(reverse("integration_tokens:add"), {"name": "Canvas"})
    assert "Tick the partners this token covers, or tick All partners" in neither.content.decode()
    both = staff.post(
        reverse("integration_tokens:add"), {"name": "Canvas", "all_partners": "on", "partners": [partner.pk]}
    )
    assert "a token covers one or the other" in both.content.decode()
    assert not IntegrationToken.objects.exists()
    every = staff.post(reverse("integration_tokens:add"), {"name": "Registrar", "all_partners": "on"})
    assert every.status_code == 200 and "every partner" in every.content.decode()
    row = IntegrationToken.objects.get()
    assert row.all_partners and not row.partners.exists()
    # Editing away every partner of a scoped token is refused too.
    scoped, _ = IntegrationToken.issue("Moodle", partners=[partner])
    response = staff.post(reverse("integration_tokens:edit", args=[scoped.pk]), {"name": "Moodle"})
    assert response.status_code == 200 and "Tick the partners" in response.content.decode()
    assert list(scoped.partners.all()) == [partner]


def test_a_token_needs_a_name(staff):
    response = staff.post(reverse("integration_tokens:add"), {"name": ""})
    assert response.status_code == 200 and not IntegrationToken.objects.exists()


def test_editing_changes_the_partners_not_the_token(staff, partner, catalog):
    other = make_partner(catalog, title="Other U")
    row, token = IntegrationToken.issue("Moodle", partners=[partner])
    response = staff.post(
        reverse("integration_tokens:edit", args=[row.pk]), {"name": "Moodle", "partners": [other.pk]}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert list(row.partners.all()) == [other] and row.token_hash == IntegrationToken.hash(token)


def test_revoking_stops_the_token_and_shows_in_the_list(staff, partner):
    row, token = IntegrationToken.issue("Moodle", partners=[partner])
    listing = staff.get(reverse("integration_tokens:index")).content.decode()
    revoke_url = reverse("integration_tokens:revoke", args=[row.pk])
    assert revoke_url in listing
    assert "Revoke" in staff.get(revoke_url).content.decode()
    response = staff.post(revoke_url)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None and roster_status(token) == 401
    listing = staff.get(reverse("integration_tokens:index")).content.decode()
    assert revoke_url not in listing
    assert "already revoked" in staff.post(revoke_url, follow=True).content.decode()
    for odd in ("abc", "99999999999999999999999", "999999"):
        assert staff.get(f"/admin/integration_tokens/revoke/{odd}/").status_code == 404


def test_tokens_are_never_deleted(staff):
    row, _ = IntegrationToken.issue("Moodle", all_partners=True)
    assert staff.get(reverse("integration_tokens:delete", args=[row.pk])).status_code in (302, 403)
    assert staff.post(reverse("integration_tokens:delete", args=[row.pk])).status_code in (302, 403)
    assert IntegrationToken.objects.filter(pk=row.pk).exists()


def test_last_use_is_listed(staff):
    row, token = IntegrationToken.issue("Moodle", all_partners=True)
    roster_status(token)
    row.refresh_from_db()
    assert row.last_used_at is not None
    listing = staff.get(reverse("integration_tokens:index")).content.decode()
    assert "Last used" in listing
