"""Sign-up tells nobody which addresses have accounts, and new accounts confirm their address.

The answer is the same for a new and a taken address (the owner of a taken one is told by
email instead); the emailed link confirms the address, signs the learner in and returns them to
the credential they were about to buy. Until then they cannot log in.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
PASSWORD = "a long passphrase 42"
NEXT = "/catalog/applied-data/"


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast tests), counting how often a password is hashed."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def taken(db):
    return get_user_model().objects.create_user(
        email="taken@example.org", password="the owner's own password", email_verified_at=timezone.now()
    )


def sign_up(client, email, password=PASSWORD, next_url=NEXT, address="203.0.113.7"):
    return client.post(
        reverse("accounts:signup") + f"?next={next_url}",
        {"email": email, "password1": password, "password2": password, "next": next_url},
        REMOTE_ADDR=address,
    )


def link_in(message):
    match = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def confirm(client, link):
    """Open the emailed link and press its one button, as a learner does."""
    page = client.get(link)
    assert page.status_code == 200 and "Confirm" in page.content.decode()
    return client.post(link)


def test_the_answer_is_the_same_for_a_new_and_a_taken_address(client, site_tree, taken, settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signup.CountingHasher"]
    CountingHasher.calls = 0
    new = sign_up(client, "new.learner@example.org")
    hashes_for_new = CountingHasher.calls
    for spelling in ["taken@example.org", "TAKEN@Example.org", "ｔａｋｅｎ＠example.org"]:
        CountingHasher.calls = 0
        again = sign_up(client, spelling)
        assert (again.status_code, again.url) == (new.status_code, new.url) == (302, new.url)
        # The work that takes time, hashing the password, is done either way.
        assert CountingHasher.calls == hashes_for_new == 1
    assert client.get(new.url).content == client.get(again.url).content


def test_the_owner_of_a_taken_address_is_told_by_email(client, site_tree, taken):
    sign_up(client, "TAKEN@example.org")
    [message] = mail.outbox
    assert message.to == ["taken@example.org"]
    body = message.body.lower()
    assert "tried to sign up" in body and "if it was you" in body
    assert "/accounts/login/" in message.body and "/accounts/password-reset/" in message.body
    taken.refresh_from_db()
    assert taken.check_password("the owner's own password")
    assert get_user_model().objects.count() == 1


def test_a_new_account_waits_for_its_address_to_be_confirmed(client, site_tree):
    sign_up(client, "New.Learner@Example.org")
    user = get_user_model().objects.get()
    assert user.email == "new.learner@example.org"
    assert user.email_verified_at is None and not user.email_verified
    assert not client.get("/").context["user"].is_authenticated
    [message] = mail.outbox
    assert message.to == ["new.learner@example.org"] and "confirm" in message.subject.lower()
    assert "next=" in link_in(message)


def test_the_link_signs_in_and_returns_to_the_credential(client, site_tree):
    sign_up(client, "new.learner@example.org")
    response = confirm(client, link_in(mail.outbox[0]))
    assert response.status_code == 302 and response.url == NEXT
    user = get_user_model().objects.get()
    assert client.get("/").context["user"] == user
    assert user.email_verified_at is not None and user.email_verified


def test_the_link_returns_only_to_this_site(client, site_tree):
    sign_up(client, "new.learner@example.org", next_url="https://evil.example/")
    response = confirm(client, link_in(mail.outbox[0]))
    assert response.status_code == 302 and response.url == "/"


def test_the_link_works_once(client, site_tree):
    from django.test import Client

    sign_up(client, "new.learner@example.org")
    link = link_in(mail.outbox[0])
    assert confirm(client, link).status_code == 302
    stranger = Client()
    assert stranger.post(link).status_code == 200  # the "link expired or used" page, signed out
    assert not stranger.get("/").context["user"].is_authenticated
    assert "expired" in stranger.get(link).content.decode()


def test_the_link_expires(client, site_tree, monkeypatch):
    from accounts.tokens import CONFIRMATION_TIMEOUT, email_confirmation_token

    sign_up(client, "new.learner@example.org")
    link = link_in(mail.outbox[0])
    later = email_confirmation_token._now() + timedelta(seconds=CONFIRMATION_TIMEOUT + 1)
    monkeypatch.setattr(email_confirmation_token, "_now", lambda: later)
    response = client.post(link)
    assert "expired" in response.content.decode()
    assert not get_user_model().objects.get().email_verified


def test_an_unconfirmed_learner_cannot_log_in_but_can_get_the_link_again(client, site_tree):
    sign_up(client, "new.learner@example.org")
    mail.outbox.clear()
    login = reverse("accounts:login")
    # A wrong password gets the usual answer: nothing said about the account ...
    wrong = client.post(login, {"username": "new.learner@example.org", "password": "wrong"})
    assert "confirm" not in wrong.content.decode().lower()
    # ... the right one is told to confirm first, and offered the email again.
    right = client.post(login, {"username": "new.learner@example.org", "password": PASSWORD, "next": NEXT})
    page = right.content.decode()
    assert right.status_code == 200 and "confirm your email address" in page.lower()
    assert not client.get("/").context["user"].is_authenticated
    resent = client.post(reverse("accounts:resend_confirmation"))
    assert resent.status_code == 302
    [message] = mail.outbox
    assert message.to == ["new.learner@example.org"]
    assert confirm(client, link_in(message)).url == NEXT
    # Other ways in (the admin's login page, any authenticate() call) refuse the unconfirmed too.
    assert authenticate(username="someone.else@example.org", password=PASSWORD) is None


def test_no_way_in_for_an_unconfirmed_account(client, site_tree):
    get_user_model().objects.create_user(email="pending@example.org", password=PASSWORD)
    assert authenticate(username="pending@example.org", password=PASSWORD) is None
    client.post(reverse("wagtailadmin_login"), {"username": "pending@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    # So no checkout either: buying needs a login.
    assert client.get(reverse("issuance:my_learning")).status_code == 302


def test_resending_needs_a_login_attempt_with_the_right_password(client, site_tree):
    assert client.post(reverse("accounts:resend_confirmation")).status_code == 302
    assert mail.outbox == []


def test_sign_up_is_throttled_per_client_address(client, site_tree):
    from accounts.throttling import SIGNUPS_PER_ADDRESS

    for number in range(SIGNUPS_PER_ADDRESS):
        assert sign_up(client, f"learner{number}@example.org", address="192.0.2.1").status_code == 302
    refused = sign_up(client, "one.more@example.org", address="192.0.2.1")
    assert refused.status_code == 429 and "try again in" in refused.content.decode()
    assert not get_user_model().objects.filter(email="one.more@example.org").exists()
    assert sign_up(client, "one.more@example.org", address="198.51.100.2").status_code == 302


def test_one_address_gets_a_few_emails_then_the_same_answer_and_no_more(client, site_tree, taken):
    from accounts.throttling import SIGNUPS_PER_EMAIL

    answers = {sign_up(client, "taken@example.org", address=f"198.51.100.{n}").url for n in range(10)}
    assert len(answers) == 1
    assert len(mail.outbox) == SIGNUPS_PER_EMAIL


def test_a_password_reset_confirms_the_address(client, site_tree):
    user = get_user_model().objects.create_user(email="pending@example.org", password=PASSWORD)
    client.post(reverse("accounts:password_reset"), {"email": "pending@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    client.post(
        form_url, {"new_password1": "another long passphrase 7", "new_password2": "another long passphrase 7"}
    )
    user.refresh_from_db()
    assert user.email_verified  # the reset link reached the address
    assert client.login(username="pending@example.org", password="another long passphrase 7")


def test_accounts_made_by_operators_count_as_confirmed(db):
    admin = get_user_model().objects.create_superuser(email="ops@example.org", password=PASSWORD)
    assert admin.email_verified


def test_accounts_staff_create_in_the_admin_count_as_confirmed(client, site_tree):
    admin = get_user_model().objects.create_superuser(email="ops@example.org", password=PASSWORD)
    client.force_login(admin)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "editor@example.edu",
            "first_name": "Ed",
            "last_name": "Itor",
            "password1": "an editor's passphrase 9",
            "password2": "an editor's passphrase 9",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert get_user_model().objects.get(email="editor@example.edu").email_verified


def test_the_sign_up_form_states_the_password_rules_in_one_line(client, site_tree, settings):
    page = client.get(reverse("accounts:signup")).content.decode()
    assert (
        "Use at least 8 characters, not too close to your name or email address, not a common password "
        "and not only numbers." in page
    )
    assert (
        "Your password can’t" not in page and "<ul>" not in page.split('id="id_password1_helptext"')[1][:200]
    )
    # The rules follow the configured validators (Django clears its cache of them on the change).
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        }
    ]
    assert "Use at least 12 characters." in client.get(reverse("accounts:signup")).content.decode()


def test_confirming_says_what_happened(client, site_tree):
    sign_up(client, "new.learner@example.org")
    done = client.get(reverse("accounts:signup_done")).content.decode()
    assert "Check your email" in done
    [message] = mail.outbox
    landed = client.get(confirm(client, link_in(message)).url)
    assert "Your email address is confirmed. You are signed in as new.learner@example.org." in (
        landed.content.decode()
    )
