"""Revenue agreements in the admin: what staff may write, so that no month already over changes."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from partner_dashboard.agreements import first_open_day, is_locked
from partner_dashboard.models import RevenueAgreement
from tests.builders import make_credential
from tests.partners.conftest import make_partner_user, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client):
    user = make_user("finance@university.example.edu")
    user.groups.add(Group.objects.get(name="Partner finance"))
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return user


def agreement_form(partner, effective_from, percent, overrides=()):
    data = {
        "partner": partner.pk,
        "effective_from": effective_from.isoformat(),
        "share_percent": str(percent),
        "note": "Contract 2026/14",
        "overrides-TOTAL_FORMS": str(len(overrides)),
        "overrides-INITIAL_FORMS": "0",
        "overrides-MIN_NUM_FORMS": "0",
        "overrides-MAX_NUM_FORMS": "1000",
    }
    for index, (credential, share) in enumerate(overrides):
        data |= {
            f"overrides-{index}-microcredential": credential.pk,
            f"overrides-{index}-share_percent": str(share),
            f"overrides-{index}-ORDER": str(index + 1),
            f"overrides-{index}-id": "",
            f"overrides-{index}-DELETE": "",
        }
    return data


def test_staff_add_an_agreement_with_an_override(client, finance, asu, spreadsheets):
    today = timezone.localdate()
    response = client.post(
        reverse("revenue_agreements:add"), agreement_form(asu, today, "62.5", [(spreadsheets, 70)])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = RevenueAgreement.objects.get()
    assert (agreement.share_percent, agreement.created_by, agreement.effective_from) == (
        Decimal("62.5"),
        finance,
        today,
    )
    assert [(o.microcredential_id, o.share_percent) for o in agreement.overrides.all()] == [
        (spreadsheets.pk, 70)
    ]
    listing = client.get(reverse("revenue_agreements:index")).content.decode()
    assert "Arizona State University" in listing and "Spreadsheets for Business: 70%" in listing


def test_an_agreement_cannot_start_in_a_month_that_is_over(client, finance, asu):
    last_month = first_open_day() - datetime.timedelta(days=1)
    response = client.post(reverse("revenue_agreements:add"), agreement_form(asu, last_month, 50))
    assert response.status_code == 200
    assert "months already over keep the figures they had" in response.content.decode()
    assert not RevenueAgreement.objects.exists()


@pytest.mark.parametrize("percent", ["-1", "100.01", "abc"])
def test_shares_are_percentages(client, finance, asu, percent):
    response = client.post(
        reverse("revenue_agreements:add"), agreement_form(asu, timezone.localdate(), percent)
    )
    assert response.status_code == 200
    assert not RevenueAgreement.objects.exists()


def test_overrides_name_the_partners_own_credentials_once(client, finance, asu, cccs, spreadsheets):
    other = make_credential(cccs, title="Welding Basics")
    today = timezone.localdate()
    response = client.post(reverse("revenue_agreements:add"), agreement_form(asu, today, 60, [(other, 70)]))
    assert "Choose one of Arizona State University&#x27;s own credentials." in response.content.decode()
    response = client.post(
        reverse("revenue_agreements:add"),
        agreement_form(asu, today, 60, [(spreadsheets, 70), (spreadsheets, 80)]),
    )
    assert "This credential already has an override here." in response.content.decode()
    assert not RevenueAgreement.objects.exists()


def test_an_agreement_in_effect_before_this_month_can_be_neither_edited_nor_deleted(client, finance, asu):
    old = RevenueAgreement.objects.create(
        partner=asu, effective_from=datetime.date(2026, 1, 1), share_percent=60
    )
    assert is_locked(old)
    response = client.post(
        reverse("revenue_agreements:edit", args=[old.pk]), agreement_form(asu, old.effective_from, 99)
    )
    assert response.status_code == 200
    assert "can no longer change" in response.content.decode()
    response = client.post(reverse("revenue_agreements:delete", args=[old.pk]), follow=True)
    assert "stays on record" in response.content.decode()
    old.refresh_from_db()
    assert old.share_percent == 60


def test_an_agreement_starting_this_month_can_still_be_corrected(client, finance, asu):
    agreement = RevenueAgreement.objects.create(
        partner=asu, effective_from=first_open_day(), share_percent=60
    )
    response = client.post(
        reverse("revenue_agreements:edit", args=[agreement.pk]),
        agreement_form(asu, agreement.effective_from, 65),
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.share_percent == 65
    assert client.post(reverse("revenue_agreements:delete", args=[agreement.pk])).status_code == 302
    assert not RevenueAgreement.objects.exists()


def test_partner_users_cannot_reach_agreements(client, asu):
    manager = make_partner_user(asu, "manager", "manager@asu.example.edu")
    client.force_login(manager, backend="accounts.backends.EmailBackend")
    response = client.get(reverse("revenue_agreements:index"))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
