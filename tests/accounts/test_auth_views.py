"""Learners sign up, log in, log out and reset a password (throttling: test_login_throttle.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
PASSWORD = "a long passphrase 42"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_sign_up_refuses_weak_passwords(client, site_tree):
    # Sign-up itself, and what it says about taken addresses: test_signup.py.
    response = client.post(
        reverse("accounts:signup"), {"email": "x@example.org", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200 and "too short" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_log_in_and_out(client, site_tree):
    get_user_model().objects.create_user(
        email="ana@example.org", password=PASSWORD, email_verified_at=timezone.now()
    )
    response = client.post(reverse("accounts:login"), {"username": "ANA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "ana@example.org" in client.get("/").content.decode()
    assert client.get(reverse("accounts:logout")).status_code == 405  # logging out needs a POST
    client.post(reverse("accounts:logout"))
    assert "Log in" in client.get("/").content.decode()


def test_password_reset_by_email(client, site_tree):
    get_user_model().objects.create_user(email="ana@example.org", password=PASSWORD)
    response = client.post(reverse("accounts:password_reset"), {"email": "ana@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.org"]
    link = re.search(r"https?://[^/]+(/accounts/password-reset/[^\s]+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session-held one
    response = client.post(
        form_url, {"new_password1": "another long passphrase 7", "new_password2": "another long passphrase 7"}
    )
    assert response.status_code == 302
    assert client.login(username="ana@example.org", password="another long passphrase 7")
    # Unknown addresses get the same answer and no email (no account enumeration).
    assert client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"}).status_code == 302
    assert len(mail.outbox) == 1


def test_forms_need_csrf(site_tree):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("accounts:signup"), {"email": "a@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 403
    assert (
        strict.post(
            reverse("accounts:login"), {"username": "a@example.org", "password": PASSWORD}
        ).status_code
        == 403
    )


def test_signup_help_texts_are_linked_to_their_fields(client):
    # Screen readers announce help text through aria-describedby; the ids must exist on the page.
    page = client.get(reverse("accounts:signup")).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert described
    for ids in described:
        for target in ids.split():
            assert f'id="{target}"' in page, f"aria-describedby points at missing #{target}"


def test_password_reset_finds_the_account_under_a_lookalike_spelling(client, site_tree):
    get_user_model().objects.create_user(email="ana@example.org", password=PASSWORD)
    client.post(reverse("accounts:password_reset"), {"email": "ＡＮＡ＠example.org"})
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


@pytest.mark.parametrize("next_url", ["abc", "logout", "accounts:login", "%C3%B3S"])
def test_a_next_that_is_no_address_goes_home(client, site_tree, next_url):
    # redirect() took a bare word for a URL name: an unknown one was a 500 (found by
    # tests/config/test_public_urls.py), a known one a redirect to that view.
    learner = get_user_model().objects.create_user(
        email="ana@example.org", password=PASSWORD, email_verified_at=timezone.now()
    )
    client.force_login(learner)
    response = client.get(reverse("accounts:signup"), {"next": next_url})
    assert response.status_code == 302 and response.url == "/"
    response = client.get(reverse("accounts:signup"), {"next": "/catalog/?page=2"})
    assert response.status_code == 302 and response.url == "/catalog/?page=2"
