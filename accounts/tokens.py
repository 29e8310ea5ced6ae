"""Signed, expiring, one-time links that confirm an email address (Django's password-reset
tokens, with their own salt and lifetime)."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

CONFIRMATION_TIMEOUT = 3 * 24 * 60 * 60


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A token for one user's address as it stands.

    The hash covers the confirmation time (so the link stops working once used), the address
    and the password hash (so changing either, a password reset included, voids links already
    sent). Expires after CONFIRMATION_TIMEOUT, not PASSWORD_RESET_TIMEOUT.
    """

    key_salt = "accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.email}{user.email_verified_at}{timestamp}"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token):
                break
        else:
            return False
        return self._num_seconds(self._now()) - timestamp <= CONFIRMATION_TIMEOUT


email_confirmation_token = EmailConfirmationTokenGenerator()
