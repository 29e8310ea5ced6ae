import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_users_sign_in_with_email_in_any_letter_case():
    User = get_user_model()
    user = User.objects.create_user(
        email="Ana.Lopez@Example.ORG", password="a long passphrase 42", email_verified_at=timezone.now()
    )
    assert user.email == "ana.lopez@example.org"
    assert User.USERNAME_FIELD == "email"
    assert authenticate(username="ANA.LOPEZ@example.org", password="a long passphrase 42") == user
    assert authenticate(username="ana.lopez@example.org", password="wrong") is None


def test_email_is_unique_regardless_of_case():
    User = get_user_model()
    User.objects.create_user(email="sam@example.org", password="x")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="SAM@example.org", password="y")


def test_create_superuser_requires_flags():
    User = get_user_model()
    admin = User.objects.create_superuser(email="admin@example.org", password="x")
    assert admin.is_staff and admin.is_superuser
    with pytest.raises(ValueError):
        User.objects.create_superuser(email="other@example.org", password="x", is_staff=False)


def test_lookalike_spellings_of_an_address_are_one_account():
    # NFKC folds full-width and other compatibility forms; casefold is lower() for every script.
    User = get_user_model()
    user = User.objects.create_user(
        email="ＡＮＡ＠Ｅｘａｍｐｌｅ．ｏｒｇ",
        password="a long passphrase 42",
        email_verified_at=timezone.now(),
    )
    assert user.email == "ana@example.org"
    assert User.objects.get_by_natural_key(" ana@EXAMPLE.org ") == user
    assert authenticate(username="ａｎａ@example.org", password="a long passphrase 42") == user
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="Ana@Example.org", password="y")


def test_email_normalisation_is_one_function_everyone_uses():
    from accounts.models import normalize_email_address

    assert normalize_email_address("  Straße@Example.DE ") == "strasse@example.de"
    assert normalize_email_address("ｊｏ＠ｅｘａｍｐｌｅ．ｏｒｇ") == "jo@example.org"
    assert normalize_email_address(None) == ""
